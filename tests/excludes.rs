//! Files no check should see: code that is not the project's own, and what a
//! tool's own config excludes, also when rungs names the files to the tool.

mod common;
use common::*;

fn paths(check: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = findings(check)
        .iter()
        .map(|f| f.split(':').next().unwrap_or_default().to_string())
        .collect();
    out.dedup();
    out
}

#[test]
fn vendored_minified_and_generated_files_are_out_of_every_check() {
    if !require(&["ruff", "prettier", "eslint"]) {
        return;
    }
    let dir = fixture("foreign-files");
    let run = rungs(
        dir.path(),
        &["check", "--only", "ruff,prettier", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Migrations are generated too, but committed and read like code: checked.
    assert_eq!(
        paths(&run.check("ruff")),
        ["shop/migrations/0001_initial.py", "shop/models.py"]
    );
    assert_eq!(paths(&run.check("prettier")), ["static/app.js"]);
}

#[test]
fn the_unchecked_key_brings_them_back() {
    if !require(&["ruff", "prettier", "eslint"]) {
        return;
    }
    let dir = fixture("foreign-files");
    write(dir.path(), "rungs.toml", "unchecked = []\n");
    let run = rungs(
        dir.path(),
        &["check", "--only", "ruff,prettier", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        paths(&run.check("ruff")),
        [
            "shop/api_pb2.py",
            "shop/migrations/0001_initial.py",
            "shop/models.py",
            "shop/vendor/six.py"
        ]
    );
    assert_eq!(
        paths(&run.check("prettier")),
        [
            "static/app.js",
            "static/app.min.js",
            "static/bundle.js",
            "static/vendor/lib.js"
        ]
    );

    write(dir.path(), "rungs.toml", "unchecked = [\"vendored\"]\n");
    let run = rungs(dir.path(), &["check", "--only", "ruff", "--format", "json"]);
    assert_eq!(
        paths(&run.check("ruff")),
        [
            "shop/api_pb2.py",
            "shop/migrations/0001_initial.py",
            "shop/models.py"
        ]
    );

    write(dir.path(), "rungs.toml", "unchecked = [\"bundled\"]\n");
    let run = rungs(dir.path(), &["check"]);
    assert_eq!(run.code, 2, "{}", run.stdout);
    assert!(run.stderr.contains("rungs.toml:1:"), "{}", run.stderr);
}

/// `tool` run on the same bad file in `app/` and in `legacy/`, which the
/// tool's own config excludes: it reports on `app/` only.
fn excluded_folder_stays_out(tool: &str, program: &str, file: &str, expected: &[&str]) {
    if !require(&[program]) {
        return;
    }
    let dir = fixture("tool-excludes");
    let app = format!("app/{file}");
    let legacy = format!("legacy/{file}");
    let run = rungs(
        dir.path(),
        &[
            "check", "--only", tool, "--files", &app, &legacy, "--format", "json",
        ],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let check = run.check(tool);
    assert_eq!(findings(&check), expected, "{}", run.stdout);
}

#[test]
fn black_honours_its_extend_exclude_for_named_files() {
    excluded_folder_stays_out("black", "black", "pricing.py", &["app/pricing.py:7"]);
}

#[test]
fn ruff_format_honours_its_extend_exclude_for_named_files() {
    excluded_folder_stays_out("ruff-format", "ruff", "pricing.py", &["app/pricing.py:7"]);
}

#[test]
fn ruff_honours_its_extend_exclude_for_named_files() {
    excluded_folder_stays_out(
        "ruff",
        "ruff",
        "pricing.py",
        &[
            "app/pricing.py:1:1 I001",
            "app/pricing.py:1:8 F401",
            "app/pricing.py:2:8 F401",
            "app/pricing.py:8:5 F841",
        ],
    );
}

#[test]
fn isort_honours_its_skip_for_named_files() {
    excluded_folder_stays_out("isort", "isort", "pricing.py", &["app/pricing.py:1"]);
}

#[test]
fn flake8_honours_its_exclude_for_named_files() {
    excluded_folder_stays_out(
        "flake8",
        "flake8",
        "pricing.py",
        &[
            "app/pricing.py:1:1 F401",
            "app/pricing.py:2:1 F401",
            "app/pricing.py:7:11 E201",
            "app/pricing.py:7:18 E202",
            "app/pricing.py:8:5 F841",
        ],
    );
}

#[test]
fn pylint_honours_its_ignore_for_named_files() {
    excluded_folder_stays_out(
        "pylint",
        "pylint",
        "pricing.py",
        &[
            "app/pricing.py:1:1 C0114 missing-module-docstring",
            "app/pricing.py:1:1 W0611 unused-import",
            "app/pricing.py:2:1 W0611 unused-import",
            "app/pricing.py:7:1 C0116 missing-function-docstring",
            "app/pricing.py:8:5 W0612 unused-variable",
        ],
    );
}

#[test]
fn mypy_honours_its_exclude_for_named_files() {
    excluded_folder_stays_out(
        "mypy",
        "mypy",
        "pricing.py",
        &["app/pricing.py:4:14 assignment"],
    );
}

#[test]
fn prettier_honours_its_ignore_file_for_named_files() {
    excluded_folder_stays_out("prettier", "prettier", "total.js", &["app/total.js"]);
}

#[test]
fn eslint_honours_its_ignores_for_named_files() {
    excluded_folder_stays_out("eslint", "eslint", "total.js", &["app/total.js:1:1 no-var"]);
}

#[test]
fn mypy_checks_only_what_its_files_setting_names() {
    if !require(&["mypy"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n\n[tool.mypy]\nfiles = [\"app\", \"tests/typing\"]\n",
    );
    let bad = "x: int = \"no\"\n";
    for file in [
        "app/a.py",
        "tests/typing/t.py",
        "docs/conf.py",
        "examples/e.py",
    ] {
        write(dir.path(), file, bad);
    }
    let run = rungs(
        dir.path(),
        &[
            "check", "--only", "mypy", "--tier", "standard", "--format", "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert_eq!(paths(&run.check("mypy")), ["app/a.py", "tests/typing/t.py"]);
}

#[test]
fn mypy_reads_a_module_through_its_stub_not_both() {
    if !require(&["mypy"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n\n[tool.mypy]\n",
    );
    // attrs ships its package this way: the module, and a stub beside it.
    write(
        dir.path(),
        "src/lib/__init__.py",
        "def f(x):\n    return x\n",
    );
    write(
        dir.path(),
        "src/lib/__init__.pyi",
        "def f(x: int) -> int: ...\n",
    );
    write(
        dir.path(),
        "src/use.py",
        "from lib import f\n\ny: str = f(1)\n",
    );
    let run = rungs(
        dir.path(),
        &[
            "check", "--only", "mypy", "--tier", "standard", "--format", "json",
        ],
    );
    // Not mypy's exit 2 "Duplicate module named lib": the stub is checked,
    // and the use site is judged by it.
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(findings(&run.check("mypy")), ["src/use.py:3:10 assignment"]);
}

#[test]
fn flake8_checks_the_folders_the_projects_tox_runs_it_on() {
    if !require(&["flake8"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // django-filter's shape: its lint env runs flake8 on the package and the
    // tests; Sphinx's docs/conf.py is no part of its gate.
    write(dir.path(), "setup.cfg", "[flake8]\nmax_line_length = 120\n");
    write(
        dir.path(),
        "tox.ini",
        "[tox]\nenvlist = lint\n\n[testenv:lint]\ncommands = flake8 app tests {posargs}\ndeps = flake8\n",
    );
    let unused = "import os\n";
    for file in ["app/a.py", "tests/test_a.py", "docs/conf.py", "setup.py"] {
        write(dir.path(), file, unused);
    }
    let run = rungs(
        dir.path(),
        &["check", "--only", "flake8", "--format", "json"],
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(paths(&run.check("flake8")), ["app/a.py", "tests/test_a.py"]);
}
