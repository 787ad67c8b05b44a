//! Zero config that agrees with the project: the tool versions it pins, the
//! stacks it configures, and the ladder's additions holding the line rather
//! than turning a healthy project red.

mod common;

use common::*;

/// A cache of its own, and pip reading the wheels scripts/setup-tools
/// downloaded instead of a registry: rungs installs a project's pins offline.
struct Offline {
    cache: tempfile::TempDir,
    wheels: String,
}

impl Offline {
    fn new() -> Offline {
        let wheels = repo().join(".tools/wheels");
        assert!(wheels.is_dir(), "run scripts/setup-tools");
        Offline {
            cache: tempfile::tempdir().unwrap(),
            wheels: wheels.to_string_lossy().into_owned(),
        }
    }

    fn env(&self) -> [(&str, &str); 3] {
        [
            ("RUNGS_CACHE_DIR", self.cache.path().to_str().unwrap()),
            ("PIP_NO_INDEX", "1"),
            ("PIP_FIND_LINKS", &self.wheels),
        ]
    }
}

#[test]
fn a_tool_pinned_in_dev_requirements_runs_at_that_version() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n\n[tool.ruff]\n",
    );
    // The same version rungs pins, so it installs offline from the wheels
    // folder: what matters is where it comes from.
    write(dir.path(), "requirements-dev.txt", "ruff==0.17.6\n");
    write(dir.path(), "app.py", "import os\n");
    let offline = Offline::new();
    let env = offline.env();
    let plan = rungs_env(dir.path(), &["plan", "--format", "json"], &env);
    let json = plan.json();
    let ruff = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ruff")
        .unwrap()
        .clone();
    assert!(
        ruff["reason"]
            .as_str()
            .unwrap()
            .ends_with("version from requirements-dev.txt: ruff==0.17.6"),
        "{ruff:#}"
    );
    // Although a ruff is on PATH: the project's pin comes first.
    let run = rungs_env(
        dir.path(),
        &["check", "--only", "ruff", "--format", "json"],
        &env,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("rungs: installing ruff==0.17.6 for check `ruff`"),
        "{}",
        run.stderr
    );
    assert_eq!(findings(&run.check("ruff")), ["app.py:1:8 F401"]);
}

#[test]
fn a_package_json_in_a_python_project_is_detected_but_not_checked() {
    if !require(&["ruff"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n",
    );
    write(
        dir.path(),
        "package.json",
        "{\"private\": true, \"devDependencies\": {\"jest\": \"^29\"}}\n",
    );
    write(
        dir.path(),
        "static/vendor/lib.min.js",
        "var a=1;function b(){return a}\n",
    );
    write(dir.path(), "app.py", "x = 1\n");
    let plan = rungs(dir.path(), &["plan"]);
    assert!(
        plan.stdout.contains("stack node (package.json found) detected, not checked: the project configures none of prettier, eslint"),
        "{}",
        plan.stdout
    );
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let json = run.json();
    let ids: Vec<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["check"].as_str())
        .collect();
    assert!(
        !ids.contains(&"prettier") && !ids.contains(&"eslint"),
        "{ids:?}"
    );
}

#[test]
fn mypy_runs_with_the_projects_runtime_requirements_installed() {
    let dir = tempfile::tempdir().unwrap();
    // jsonschema's shape: attrs classes, whose constructors mypy only knows
    // with attrs installed beside it (without it, every call is unchecked).
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\ndependencies = [\"attrs==26.1.0\"]\n\n[tool.mypy]\n",
    );
    write(
        dir.path(),
        "app.py",
        "import attrs\n\n\n@attrs.define\nclass Point:\n    x: int\n\n\np = Point(1, 2)\n",
    );
    let offline = Offline::new();
    let env = offline.env();
    let plan = rungs_env(dir.path(), &["plan", "--tier", "standard"], &env);
    assert!(
        plan.stdout.contains(
            "version from rungs's mypy==2.4.1, with the project's 1 runtime requirements"
        ),
        "{}",
        plan.stdout
    );
    let run = rungs_env(
        dir.path(),
        &[
            "check", "--only", "mypy", "--tier", "standard", "--format", "json",
        ],
        &env,
    );
    assert!(
        run.stderr
            .contains("rungs: installing mypy==2.4.1 attrs==26.1.0 for check `mypy`"),
        "{}",
        run.stderr
    );
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert_eq!(findings(&run.check("mypy")), ["app.py:9:5 call-arg"]);
}
