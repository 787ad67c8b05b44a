//! Python and Django projects, checked with the real pinned tools.

mod common;
use common::*;

#[test]
fn django_project_configured_for_black_isort_flake8_gets_those_tools_and_their_findings() {
    if !require(&["black", "isort", "flake8", "pytest"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.json()["tier"], "basic");

    let isort = run.check("isort");
    assert_eq!(isort["outcome"], "failed");
    assert_eq!(findings(&isort), ["shop/urls.py:1"]);
    assert!(
        isort["diff"]
            .as_str()
            .unwrap()
            .contains("--- a/shop/urls.py\n+++ b/shop/urls.py\n")
    );

    let black = run.check("black");
    assert_eq!(black["outcome"], "failed");
    assert_eq!(findings(&black), ["catalog/views.py:7"]);
    assert!(
        black["diff"]
            .as_str()
            .unwrap()
            .contains("+        \"name\": product.name,")
    );

    let flake8 = run.check("flake8");
    assert_eq!(
        findings(&flake8),
        [
            "catalog/pricing.py:1:1 F401",
            "catalog/pricing.py:15:15 E711",
            "catalog/pricing.py:16:9 F841"
        ]
    );

    let pytest = run.check("pytest");
    assert_eq!(pytest["outcome"], "failed");
    assert_eq!(
        findings(&pytest),
        [
            "catalog/tests/test_pricing.py:21 catalog/tests/test_pricing.py::test_bulk_price_large_order"
        ]
    );
    assert_eq!(pytest["tests"]["total"], 10);
    assert_eq!(pytest["tests"]["failed"], 1);
    // Ruff is not run where the project chose black/isort/flake8.
    assert!(
        run.json()["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["check"].as_str().unwrap().starts_with("ruff"))
    );
}

#[test]
fn standard_tier_adds_mypy_and_a_coverage_floor() {
    if !require(&["mypy", "pytest"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let run = rungs(
        dir.path(),
        &[
            "check",
            "--tier",
            "standard",
            "--only",
            "mypy,coverage",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mypy = run.check("mypy");
    assert_eq!(
        findings(&mypy),
        [
            "catalog/reports.py:15:12 return-value",
            "catalog/reports.py:29:62 arg-type",
            "catalog/reports.py:42:12 union-attr"
        ]
    );
    let coverage = run.check("coverage");
    assert_eq!(coverage["outcome"], "failed");
    let percent = coverage["coverage"]["percent"].as_f64().unwrap();
    assert!((60.0..70.0).contains(&percent), "coverage {percent}");
    assert_eq!(coverage["coverage"]["floor"], 80.0);
    let rules: Vec<String> = findings(&coverage);
    assert!(rules.contains(&"- coverage-floor".to_string()), "{rules:?}");
    assert!(
        rules
            .iter()
            .any(|r| r.contains("test_bulk_price_large_order")),
        "{rules:?}"
    );
}

#[test]
fn clean_django_project_passes() {
    if !require(&["black", "isort", "flake8", "pytest"]) {
        return;
    }
    let dir = fixture("django-clean");
    let run = rungs(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("passed: 4 of 4 checks passed, 0 findings · tier basic"),
        "{}",
        run.stdout
    );
}

#[test]
fn unconfigured_python_project_gets_ruff_holding_the_line() {
    if !require(&["ruff", "pytest"]) {
        return;
    }
    let dir = fixture("python-ruff");
    // Not adopted by the project: its findings are counted "to adopt", and
    // a healthy project is not red on day one.
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    for id in ["ruff-format", "ruff-imports", "ruff"] {
        let check = run.check(id);
        assert_eq!(check["outcome"], "passed", "{check:#}");
        assert!(
            check["findings"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["to_adopt"] == true),
            "{check:#}"
        );
    }
    assert_eq!(
        findings(&run.check("ruff-format")),
        ["inventory/core.py:12"]
    );
    assert_eq!(
        findings(&run.check("ruff-imports")),
        ["inventory/util.py:3:1 I001"]
    );
    assert_eq!(
        findings(&run.check("ruff")),
        [
            "inventory/util.py:3:1 I001",
            "inventory/util.py:3:8 F401",
            "inventory/util.py:16:5 F841"
        ]
    );
    assert_eq!(run.check("pytest")["outcome"], "passed");

    // A change holds the line: findings on the lines it touched fail, and a
    // formatter fails on any file it touched; the rest stay "to adopt".
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "x"]);
    let util = dir.path().join("inventory/util.py");
    let text = std::fs::read_to_string(&util).unwrap();
    std::fs::write(&util, format!("{text}\n\ndef more():\n    unused = 1\n")).unwrap();
    let changed = rungs(
        dir.path(),
        &["check", "--changed", "HEAD", "--format", "json"],
    );
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    let ruff = changed.check("ruff");
    let lines = text.lines().count() + 4;
    let blocking: Vec<String> = findings(&ruff)
        .into_iter()
        .zip(ruff["findings"].as_array().unwrap())
        .filter(|(_, f)| f["to_adopt"] != true)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(blocking, [format!("inventory/util.py:{lines}:5 F841")]);
    assert_eq!(
        changed.check("ruff-format")["outcome"],
        "passed",
        "core.py was not touched"
    );

    // `rungs adopt` takes a check on: a config entry, a baseline of today.
    let adopted = rungs(dir.path(), &["adopt", "ruff-format"]);
    assert_eq!(adopted.code, 0, "{}", adopted.stderr);
    let config = std::fs::read_to_string(dir.path().join("rungs.toml")).unwrap();
    assert!(
        config.contains("[checks.ruff-format]\nenabled = true"),
        "{config}"
    );
    let after = rungs(
        dir.path(),
        &["check", "--only", "ruff-format", "--format", "json"],
    );
    assert_eq!(after.code, 0, "{}", after.stdout);
    let format = after.check("ruff-format");
    assert_eq!(format["findings"][0]["baselined"], true, "{format:#}");
}

#[test]
fn fix_sorts_imports_and_formats_then_reports_what_is_left() {
    if !require(&["black", "isort", "flake8"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let run = rungs(
        dir.path(),
        &[
            "check",
            "--fix",
            "--only",
            "isort,black,flake8",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.check("isort")["outcome"], "passed");
    assert_eq!(run.check("black")["outcome"], "passed");
    assert_eq!(run.check("flake8")["findings"].as_array().unwrap().len(), 3);
    let urls = std::fs::read_to_string(dir.path().join("shop/urls.py")).unwrap();
    assert!(
        urls.starts_with("from django.urls import path\n\nfrom catalog import views\n"),
        "{urls}"
    );
}

#[test]
fn plan_says_stack_size_tier_and_why_each_check() {
    let dir = fixture("django-dirty");
    let run = rungs(&dir.path().join("catalog"), &["plan"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.stdout.replace(
        &dir.path().canonicalize().unwrap().display().to_string(),
        "[ROOT]",
    );
    assert!(out.contains("project  [ROOT]\n"), "{out}");
    assert!(out.contains("stack    django (manage.py found)"), "{out}");
    assert!(out.contains("size     176 code lines in 15 files (py, pyi), 2 vendored/generated/migration files left out"), "{out}");
    assert!(
        out.contains("tier     basic — size class small (< 2,000 code lines)"),
        "{out}"
    );
    assert!(
        out.contains("black") && out.contains("pyproject.toml [tool.black]"),
        "{out}"
    );
    assert!(
        out.contains("flake8") && out.contains("setup.cfg [flake8]"),
        "{out}"
    );
}

#[test]
fn a_tool_configured_in_rungs_config_takes_its_role() {
    let dir = fixture("python-ruff");
    // No flake8 config of its own: chosen because rungs.toml names it.
    write(dir.path(), "rungs.toml", "[checks.flake8]\ntimeout = 60\n");
    let run = rungs(dir.path(), &["plan", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let plan = run.json();
    let checks = plan["checks"].as_array().unwrap();
    let ids: Vec<&str> = checks.iter().map(|c| c["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"flake8") && !ids.contains(&"ruff"), "{ids:?}");
    let flake8 = checks.iter().find(|c| c["id"] == "flake8").unwrap();
    assert!(
        flake8["reason"]
            .as_str()
            .unwrap()
            .starts_with("configured in "),
        "{flake8}"
    );
    // Switched off there: the role falls back to its default.
    write(
        dir.path(),
        "rungs.toml",
        "[checks.flake8]\nenabled = false\n",
    );
    let run = rungs(dir.path(), &["plan", "--format", "json"]);
    let plan = run.json();
    let ids: Vec<&str> = plan["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"ruff") && !ids.contains(&"flake8"), "{ids:?}");
}

#[test]
fn terminal_report_reads_well() {
    if !require(&["black", "isort", "flake8", "pytest"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let run = rungs(dir.path(), &["check", "-j", "1", "--only", "isort,flake8"]);
    assert_eq!(run.code, 1);
    let times = regex::Regex::new(r"\d+\.\d\ds").unwrap();
    // Which check was slowest depends on the machine's mood.
    let slowest = regex::Regex::new(r"slowest: .*").unwrap();
    let text = times.replace_all(&run.stdout, "[TIME]");
    insta::assert_snapshot!(slowest.replace_all(&text, "slowest: [CHECKS]"));
}

#[test]
fn changed_checks_only_files_changed_against_the_ref() {
    if !require(&["ruff", "git"]) {
        return;
    }
    let dir = fixture("python-ruff");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    write(dir.path(), "inventory/new.py", "import json\n");
    let run = rungs(
        dir.path(),
        &[
            "check",
            "--changed",
            "HEAD",
            "--only",
            "ruff",
            "--format",
            "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let ruff = run.check("ruff");
    assert_eq!(ruff["files"], 1);
    assert_eq!(findings(&ruff), ["inventory/new.py:1:8 F401"]);
}

#[test]
fn pylint_runs_where_the_project_configured_it_with_its_json_read_into_findings() {
    if !require(&["pylint"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let run = rungs(
        dir.path(),
        &[
            "check", "--tier", "standard", "--only", "pylint", "--format", "json",
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    // pylint's 0-based columns are reported 1-based, like every other tool's;
    // the migrations its config ignores stay out, though rungs names files.
    assert_eq!(
        findings(&run.check("pylint")),
        [
            "catalog/pricing.py:1:1 W0611 unused-import",
            "catalog/pricing.py:15:8 C0121 singleton-comparison",
            "catalog/pricing.py:16:9 W0612 unused-variable",
            "manage.py:10:5 C0415 import-outside-toplevel",
            "shop/urls.py:2:1 C0411 wrong-import-order"
        ]
    );
}

#[test]
fn a_test_module_that_cannot_be_imported_says_why_in_every_report() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = fixture("python-collect-error");
    let run = rungs(
        dir.path(),
        &[
            "check",
            "--only",
            "pytest",
            "--junit",
            "out/junit.xml",
            "--codequality",
            "out/cq.json",
        ],
    );
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let why = "ModuleNotFoundError: No module named 'nope'";
    // The module's line comes from the traceback: pytest gives it none.
    assert!(
        run.stdout.contains(&format!(
            "tests/test_export.py:1: tests/test_export.py error: collection failure: {why}"
        )),
        "{}",
        run.stdout
    );
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).unwrap();
    let error = regex::Regex::new(r#"(?s)<error message="([^"]*)"[^>]*>([^<]*)</error>"#)
        .unwrap()
        .captures(&junit)
        .unwrap_or_else(|| panic!("no <error> in {junit}"));
    for text in [&error[1], &error[2]] {
        assert!(text.replace("&apos;", "'").contains(why), "{junit}");
    }
    let cq: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/cq.json")).unwrap()).unwrap();
    let issue = &cq[0];
    assert_eq!(issue["location"]["path"], "tests/test_export.py");
    assert_eq!(issue["location"]["lines"]["begin"], 1);
    assert!(
        issue["description"].as_str().unwrap().contains(why),
        "{issue}"
    );
}

#[test]
fn a_project_configured_for_yapf_gets_yapf_with_its_style() {
    if !require(&["yapf"]) {
        return;
    }
    let dir = fixture("python-yapf");
    let plan = rungs(dir.path(), &["plan"]);
    assert!(
        plan.stdout.contains("yapf") && plan.stdout.contains(".style.yapf"),
        "{}",
        plan.stdout
    );
    let run = rungs(dir.path(), &["check", "--only", "yapf", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let yapf = run.check("yapf");
    // Two-space indents are this project's style: only the four-space body is wrong.
    assert_eq!(findings(&yapf), ["geometry/area.py:9"]);
    assert!(
        yapf["diff"]
            .as_str()
            .unwrap()
            .contains("--- a/geometry/area.py\n+++ b/geometry/area.py\n"),
        "{yapf}"
    );
    assert!(
        yapf["diff"]
            .as_str()
            .unwrap()
            .contains("+  return rectangle(side, side)"),
        "{yapf}"
    );
    let fixed = rungs(dir.path(), &["check", "--fix", "--only", "yapf"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[test]
fn a_model_change_without_a_migration_fails_the_migrations_check_naming_the_app() {
    if !require(&["python", "django-admin"]) {
        return;
    }
    let dir = fixture("django-clean");
    let args = [
        "check",
        "--tier",
        "standard",
        "--only",
        "makemigrations",
        "--format",
        "json",
    ];
    let clean = rungs(dir.path(), &args);
    assert_eq!(clean.code, 0, "{}\n{}", clean.stdout, clean.stderr);
    assert_eq!(clean.check("makemigrations")["outcome"], "passed");

    let models = dir.path().join("catalog/models.py");
    let text = std::fs::read_to_string(&models).unwrap().replace(
        "    stock = models.PositiveIntegerField(default=0)\n",
        "    stock = models.PositiveIntegerField(default=0)\n    colour = models.CharField(max_length=20, blank=True)\n",
    );
    std::fs::write(&models, text).unwrap();
    let dirty = rungs(dir.path(), &args);
    assert_eq!(dirty.code, 1, "{}\n{}", dirty.stdout, dirty.stderr);
    let check = dirty.check("makemigrations");
    assert_eq!(check["outcome"], "failed");
    assert_eq!(findings(&check), ["catalog/models.py missing-migration"]);
    assert_eq!(
        check["findings"][0]["message"],
        "app 'catalog' has model changes with no migration: + Add field colour to product \
         (makemigrations would write catalog/migrations/0002_product_colour.py)"
    );

    // Settings it can't load: it says which it tried and what to set.
    let lost = rungs_env(
        dir.path(),
        &args,
        &[("DJANGO_SETTINGS_MODULE", "shop.missing")],
    );
    assert_eq!(lost.code, 1, "{}", lost.stderr);
    let problem = lost.check("makemigrations")["problems"][0]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        problem.contains("ModuleNotFoundError: No module named 'shop.missing'")
            && problem.contains("DJANGO_SETTINGS_MODULE=shop.missing from the environment"),
        "{problem}"
    );
}

#[test]
fn test_counts_read_as_pytest_says_them_xfail_and_xpass_included() {
    if !require(&["pytest", "ruff"]) {
        return;
    }
    let dir = calc_project(
        "",
        &[(
            "tests/test_kinds.py",
            "import pytest\n\n\ndef test_ok():\n    assert True\n\n\n@pytest.mark.skip(reason=\"later\")\ndef test_skipped():\n    pass\n\n\n@pytest.mark.xfail(reason=\"known\")\ndef test_xfail():\n    assert False\n\n\n@pytest.mark.xfail(reason=\"fixed meanwhile\")\ndef test_xpass():\n    assert True\n",
        )],
    );
    let root = dir.path();
    let run = rungs(root, &["check", "--only", "pytest", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    let tests = run.check("pytest")["tests"].clone();
    assert_eq!(
        (
            &tests["total"],
            &tests["skipped"],
            &tests["xfailed"],
            &tests["xpassed"]
        ),
        (
            &serde_json::json!(4),
            &serde_json::json!(1),
            &serde_json::json!(1),
            &serde_json::json!(1)
        ),
        "{tests:#}"
    );
    let text = rungs(root, &["check", "--only", "pytest"]);
    assert!(
        text.stdout
            .contains("· 1 passed, 1 skipped, 1 xfailed, 1 xpassed"),
        "{}",
        text.stdout
    );
}
