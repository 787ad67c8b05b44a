//! One verdict: a red test fails whatever the project configured, a plain
//! `rungs check` holds the line against the branch's change, the project is
//! the folder with its own manifest, and shards always partition the run.

mod common;
use common::*;
use std::path::Path;

/// A project with no tool config at all and one red test.
fn red_test_project() -> tempfile::TempDir {
    calc_project(
        "",
        &[
            ("calc/core.py", "def add(a, b):\n    return a + b\n"),
            (
                "tests/test_calc.py",
                "from calc.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 4\n",
            ),
        ],
    )
}

#[test]
fn a_failing_test_fails_in_a_project_that_configured_nothing() {
    if !require(&["pytest", "ruff"]) {
        return;
    }
    let dir = red_test_project();
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    let pytest = run.check("pytest");
    assert_eq!(pytest["outcome"], "failed", "{pytest:#}");
    let blocking: Vec<&serde_json::Value> = pytest["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["to_adopt"] != true)
        .collect();
    assert_eq!(blocking.len(), 1, "{pytest:#}");
    assert!(
        blocking[0]["message"]
            .as_str()
            .unwrap()
            .contains("test_add")
            || blocking[0]["rule"]
                .as_str()
                .unwrap_or("")
                .contains("test_add"),
        "{pytest:#}"
    );
    let text = rungs(dir.path(), &["check"]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("test_add"), "{}", text.stdout);
    assert!(!text.stdout.contains("to adopt"), "{}", text.stdout);

    // Fixed, it passes.
    write(
        dir.path(),
        "tests/test_calc.py",
        "from calc.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    );
    let fixed = rungs(dir.path(), &["check"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

fn init_main(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "first"]);
}

#[test]
fn a_plain_check_holds_the_line_against_the_branch_and_its_uncommitted_work() {
    if !require(&["ruff", "pytest"]) {
        return;
    }
    let dir = fixture("python-ruff");
    let root = dir.path();
    init_main(root);
    // The default branch with nothing uncommitted: every finding of a
    // check the project has not adopted is advisory.
    let clean = rungs(root, &["check", "--format", "json"]);
    assert_eq!(clean.code, 0, "{}", clean.stdout);
    let plan = rungs(root, &["plan"]);
    assert!(
        plan.stdout.contains("nothing changed against main at "),
        "{}",
        plan.stdout
    );

    // A branch, and an unused import not yet committed: it fails, without --changed.
    git(root, &["checkout", "-q", "-b", "feature"]);
    let core = root.join("inventory/core.py");
    let text = std::fs::read_to_string(&core).unwrap();
    std::fs::write(&core, format!("import os\n{text}")).unwrap();
    let plan = rungs(root, &["plan"]);
    assert!(
        plan.stdout.contains("hold the line against main at ")
            && plan.stdout.contains(", plus uncommitted changes"),
        "{}",
        plan.stdout
    );
    let changed = rungs(root, &["check", "--format", "json"]);
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    let ruff = changed.check("ruff");
    let blocking: Vec<String> = findings(&ruff)
        .into_iter()
        .zip(ruff["findings"].as_array().unwrap())
        .filter(|(_, f)| f["to_adopt"] != true)
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        blocking,
        ["inventory/core.py:1:1 I001", "inventory/core.py:1:8 F401"],
        "{ruff:#}"
    );

    // Committed on the branch: still the branch's change.
    git(root, &["commit", "-qam", "import os"]);
    assert_eq!(rungs(root, &["check"]).code, 1);

    // Merged into the default branch, nothing uncommitted: advisory again,
    // the finding shown as one to adopt.
    git(root, &["checkout", "-q", "main"]);
    git(root, &["merge", "-q", "--ff-only", "feature"]);
    let merged = rungs(root, &["check", "--format", "json"]);
    assert_eq!(merged.code, 0, "{}", merged.stdout);
    let ruff = merged.check("ruff");
    assert!(
        ruff["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "F401" && f["to_adopt"] == true),
        "{ruff:#}"
    );
}

#[test]
fn a_folder_with_its_own_manifest_is_its_own_project_under_a_config_above() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "pyproject.toml",
        "[project]\nname = \"outer\"\n[tool.rungs]\nstacks = [\"rust\"]\n",
    );
    write(
        root,
        "examples/shop/pyproject.toml",
        "[project]\nname = \"shop\"\n",
    );
    write(root, "examples/shop/shop/__init__.py", "");
    let plan = rungs(&root.join("examples/shop"), &["plan", "--format", "json"]);
    assert_eq!(plan.code, 0, "{}", plan.stderr);
    let json = plan.json();
    let shop = root.join("examples/shop").canonicalize().unwrap();
    assert_eq!(json["root"], shop.display().to_string());
    let stacks: Vec<&str> = json["stacks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(stacks, ["python"], "{json:#}");
}

/// A suite of four test files, the last one slow: once durations are
/// recorded, the split by duration differs from the first, even one.
fn suite() -> tempfile::TempDir {
    let files: Vec<(String, String)> = [
        ("a", "pass"),
        ("b", "pass"),
        ("c", "pass"),
        ("d", "import time\n    time.sleep(0.6)"),
    ]
    .iter()
    .map(|(name, body)| {
        (
            format!("tests/test_{name}.py"),
            format!("def test_{name}():\n    {body}\n"),
        )
    })
    .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    calc_project("", &files)
}

fn pytest_shard(root: &Path, cache: &Path, shard: &str, out: &Path) -> Run {
    let run = rungs_env(
        root,
        &[
            "check", "--only", "pytest", "--shard", shard, "--format", "json",
        ],
        &[("RUNGS_CACHE_DIR", cache.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "shard {shard}: {}\n{}", run.stdout, run.stderr);
    std::fs::write(out, &run.stdout).unwrap();
    run
}

fn merged(root: &Path, cache: &Path, files: &[&Path]) -> Run {
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    rungs_env(root, &args, &[("RUNGS_CACHE_DIR", cache.to_str().unwrap())])
}

#[test]
fn shards_run_one_after_another_on_one_cache_split_alike_in_any_order() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = suite();
    let root = dir.path();
    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let (one, two) = (out.path().join("1.json"), out.path().join("2.json"));
    // A pipeline whose merge recorded durations, so the split is by them.
    for (_, order) in [(1, ["2/2", "1/2"]), (2, ["1/2", "2/2"])] {
        for shard in order {
            let file = if shard == "1/2" { &one } else { &two };
            pytest_shard(root, cache.path(), shard, file);
        }
        let merge = merged(root, cache.path(), &[&one, &two]);
        assert_eq!(merge.code, 0, "{}\n{}", merge.stdout, merge.stderr);
        let pytest = merge.check("pytest");
        assert_eq!(pytest["tests"]["total"], 4, "{pytest:#}");
        let mut names: Vec<String> = pytest["tests"]["cases"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), 4, "every test once: {names:?}");
    }

    // Shards that split from different recorded durations (a retried job
    // that saw another pipeline's cache) are an error naming the units.
    let fresh = tempfile::tempdir().unwrap();
    pytest_shard(root, fresh.path(), "2/2", &two);
    pytest_shard(root, cache.path(), "1/2", &one);
    let merge = merged(root, cache.path(), &[&one, &two]);
    assert_eq!(merge.code, 2, "{}\n{}", merge.stdout, merge.stderr);
    assert!(
        merge
            .stderr
            .contains("the shards did not split the run alike")
            && merge.stderr.contains("pytest::tests/test_"),
        "{}",
        merge.stderr
    );
}

#[test]
fn the_top_of_a_repository_of_projects_checks_each_and_fails_on_ones_finding() {
    if !require(&["pytest", "ruff"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "README.md", "Two services.\n");
    for (name, expected) in [("api", 4), ("web", 3)] {
        let base = format!("services/{name}");
        write(
            root,
            &format!("{base}/pyproject.toml"),
            &format!("[project]\nname = \"{name}\"\nversion = \"0.1.0\"\n"),
        );
        write(root, &format!("{base}/{name}/__init__.py"), "");
        write(root, &format!("{base}/tests/__init__.py"), "");
        write(
            root,
            &format!("{base}/{name}/calc.py"),
            "def add(a, b):\n    return a + b\n",
        );
        write(
            root,
            &format!("{base}/tests/test_{name}.py"),
            &format!(
                "from {name}.calc import add\n\n\ndef test_{name}():\n    assert add(1, 2) == {expected}\n"
            ),
        );
    }
    let run = rungs(root, &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.check("services/api: pytest")["outcome"], "failed");
    assert_eq!(run.check("services/web: pytest")["outcome"], "passed");
    let api = findings(&run.check("services/api: pytest"));
    assert!(
        api.iter().all(|f| f.starts_with("services/api/")),
        "{api:?}"
    );
    let text = rungs(root, &["check"]);
    assert_eq!(text.code, 1, "{}", text.stdout);
    assert!(
        text.stdout.contains("rungs: services/api")
            && text.stdout.contains("rungs: services/web")
            && text.stdout.contains("test_api"),
        "{}",
        text.stdout
    );
    // `-C` narrows to one project.
    let web = rungs(&root.join("services/web"), &["check"]);
    assert_eq!(web.code, 0, "{}", web.stdout);
}

#[test]
fn a_run_that_plans_no_check_says_so_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "Nothing to check here.\n");
    let run = rungs(dir.path(), &["check"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("no check planned") && run.stderr.contains("no stack detected"),
        "{}",
        run.stderr
    );
}

/// `check -> (outcome, sorted blocking findings)` of a JSON run.
fn verdicts(run: &serde_json::Value) -> std::collections::BTreeMap<String, (String, Vec<String>)> {
    run["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let mut blocking: Vec<String> = findings(c)
                .into_iter()
                .zip(c["findings"].as_array().unwrap())
                .filter(|(_, f)| f["to_adopt"] != true && f["baselined"] != true)
                .map(|(s, _)| s)
                .collect();
            blocking.sort();
            let id = c["check"].as_str().unwrap().to_string();
            (id, (c["outcome"].as_str().unwrap().to_string(), blocking))
        })
        .collect()
}

#[test]
fn check_the_hook_shards_and_bump_give_one_verdict_on_the_same_change() {
    if !require(&["ruff", "pytest"]) {
        return;
    }
    let dir = fixture("python-ruff");
    let root = dir.path();
    // The environment is the machine's own: a bump's worktree installs nothing.
    write(
        root,
        "rungs.toml",
        "[hook]\nfix = false\n[bump]\ninstall = [\"true\"]\n",
    );
    init_main(root);
    git(root, &["checkout", "-q", "-b", "feature"]);
    // The change: an unused variable in new code (the fixture's old
    // findings stay to adopt), and a red test.
    let util = std::fs::read_to_string(root.join("inventory/util.py")).unwrap();
    write(
        root,
        "inventory/util.py",
        &format!("{util}\n\ndef more():\n    unused = 1\n"),
    );
    write(
        root,
        "tests/test_more.py",
        "def test_more():\n    assert 1 + 1 == 3\n",
    );
    git(root, &["add", "-A"]);
    // The hook with everything staged, before the commit.
    let hook = rungs(root, &["hook", "run"]);
    git(root, &["commit", "-qm", "the change"]);

    let check = rungs(root, &["check", "--format", "json"]);
    assert_eq!(check.code, 1, "{}\n{}", check.stdout, check.stderr);
    let whole = verdicts(&check.json());
    assert_eq!(whole["pytest"].0, "failed");
    assert_eq!(whole["ruff"].1.len(), 1, "{:?}", whole["ruff"]);

    // Shards, merged: the same verdict, findings and tests.
    let out = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let mut files = Vec::new();
    for i in 1..=2 {
        let run = rungs_env(
            root,
            &["check", "--shard", &format!("{i}/2"), "--format", "json"],
            &env,
        );
        let path = out.path().join(format!("{i}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let merged = rungs_env(root, &args, &env);
    assert_eq!(merged.code, check.code, "{}", merged.stderr);
    assert_eq!(verdicts(&merged.json()), whole);
    assert_eq!(
        merged.check("pytest")["tests"]["total"],
        check.check("pytest")["tests"]["total"]
    );

    // Bump's verification before any bump, in its worktree: the same.
    let report = out.path().join("bump.json");
    let bump = rungs(
        root,
        &["bump", "--verify-only", "--json", report.to_str().unwrap()],
    );
    assert_eq!(bump.code, check.code, "{}\n{}", bump.stdout, bump.stderr);
    let bumped: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(verdicts(&bumped["verification"]), whole);

    // The hook with everything staged: the same outcome and blocking
    // findings for every check it runs (the fast ones).
    assert_eq!(hook.code, 1, "{}\n{}", hook.stdout, hook.stderr);
    let mut ran = 0;
    for line in hook.stdout.lines() {
        let mut words = line.split_whitespace();
        let (Some(mark), Some(id), Some(outcome)) = (words.next(), words.next(), words.next())
        else {
            continue;
        };
        if mark != "✔" && mark != "✘" {
            continue;
        }
        ran += 1;
        let (expected, blocking) = &whole[id];
        assert_eq!(outcome, expected, "{id}: {}", hook.stdout);
        for f in blocking {
            let shown = check.check(id)["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| findings(&serde_json::json!({"findings": [x]}))[0] == *f)
                .map(|x| x["message"].as_str().unwrap().to_string())
                .unwrap();
            assert!(hook.stdout.contains(&shown), "{id}: {f}\n{}", hook.stdout);
        }
    }
    assert_eq!(
        ran, 3,
        "the hook runs ruff-imports, ruff-format and ruff: {}",
        hook.stdout
    );
}
