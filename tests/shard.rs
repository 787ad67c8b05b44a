//! Splitting a run across CI jobs, and merging what the shards found.

mod common;
use common::*;

const CONFIG: &str = r#"stacks = []
[checks.fake]
kind = "lint"
command = ["./fakelint"]
files = ["**/*.py"]
parser = "regex"
pattern = '^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>\S+) (?P<message>.*)$'
"#;

const TOOL: &str = r#"#!/bin/sh
status=0
for f in "$@"; do
  printf '%s\n' "$f" >> "$FAKE_LOG"
  if grep -q BAD "$f"; then echo "$f:1:1: X1 bad"; status=1; fi
done
exit $status
"#;

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "rungs.toml", CONFIG);
    executable(dir.path(), "fakelint", TOOL);
    for i in 0..9 {
        write(
            dir.path(),
            &format!("m{i}.py"),
            if i % 3 == 0 { "BAD\n" } else { "ok\n" },
        );
    }
    dir
}

fn shard_run(
    dir: &std::path::Path,
    log: &std::path::Path,
    shard: &str,
    env: &[(&str, &str)],
) -> (Run, Vec<String>) {
    std::fs::write(log, "").unwrap();
    let cache = tempfile::tempdir().unwrap();
    let mut all = vec![
        ("FAKE_LOG", log.to_str().unwrap()),
        ("RUNGS_CACHE_DIR", cache.path().to_str().unwrap()),
    ];
    all.extend_from_slice(env);
    let run = rungs_env(dir, &["check", "--shard", shard, "--format", "json"], &all);
    let mut files: Vec<String> = std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    files.sort();
    (run, files)
}

#[test]
fn shards_split_the_files_without_overlap_and_merge_to_the_whole_run() {
    let dir = project();
    let log_file = tempfile::NamedTempFile::new().unwrap();
    let log = log_file.path();
    let (whole, all_files) = shard_run(dir.path(), log, "1/1", &[]);
    assert_eq!(all_files.len(), 9);
    let mut seen = Vec::new();
    let out = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    for i in 1..=3 {
        let (run, files) = shard_run(dir.path(), log, &format!("{i}/3"), &[]);
        assert_eq!(files.len(), 3, "shard {i} got {files:?}");
        seen.extend(files);
        let path = out.path().join(format!("shard-{i}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        results.push(path.to_str().unwrap().to_string());
    }
    seen.sort();
    assert_eq!(
        seen, all_files,
        "every file checked exactly once across shards"
    );
    let mut args = vec!["merge", "--format", "json"];
    args.extend(results.iter().map(String::as_str));
    let merged = rungs(dir.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let mut got = findings(&merged.check("fake"));
    got.sort();
    let mut want = findings(&whole.check("fake"));
    want.sort();
    assert_eq!(got, want);
    assert_eq!(merged.check("fake")["files"], 9);
    let junit = out.path().join("merged.xml");
    let mut with_report = vec!["merge", "--junit", junit.to_str().unwrap()];
    with_report.extend(results.iter().map(String::as_str));
    assert_eq!(rungs(dir.path(), &with_report).code, 1);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(xml.contains("classname=\"fake\""), "{xml}");
    assert_eq!(
        xml.matches("<failure").count(),
        3,
        "the three findings across the shards: {xml}"
    );
    // A missing or doubled shard is an error, never a smaller pass.
    let missing = rungs(dir.path(), &["merge", &results[0], &results[2]]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("shard 2/3 is missing from the results"),
        "{}",
        missing.stderr
    );
    let doubled = rungs(
        dir.path(),
        &["merge", &results[0], &results[1], &results[1], &results[2]],
    );
    assert_eq!(doubled.code, 2);
    assert!(
        doubled.stderr.contains("shard 2/3 is given twice"),
        "{}",
        doubled.stderr
    );
    let text = rungs(
        dir.path(),
        &[
            "merge",
            results[0].as_str(),
            results[1].as_str(),
            results[2].as_str(),
        ],
    );
    assert!(
        text.stdout
            .contains("failed: 0 of 1 checks passed, 3 findings"),
        "{}",
        text.stdout
    );
}

#[test]
fn shard_auto_reads_gitlab_parallel_variables() {
    let dir = project();
    let log = tempfile::NamedTempFile::new().unwrap();
    let (_, mine) = shard_run(
        dir.path(),
        log.path(),
        "auto",
        &[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "3")],
    );
    let (_, explicit) = shard_run(dir.path(), log.path(), "2/3", &[]);
    assert_eq!(mine, explicit);
    let (_, outside) = shard_run(dir.path(), log.path(), "auto", &[]);
    assert_eq!(outside.len(), 9, "outside parallel: the whole run");
}

#[test]
fn a_bad_shard_is_a_usage_error() {
    let dir = project();
    for bad in ["0/2", "3/2", "x", "1/0"] {
        let run = rungs(dir.path(), &["check", "--shard", bad]);
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stderr.contains("is not I/N"), "{}", run.stderr);
    }
}

#[test]
fn a_test_suite_is_split_by_test_file() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = fixture("python-ruff");
    let mut total = 0;
    for i in 1..=2 {
        let run = rungs(
            dir.path(),
            &[
                "check",
                "--only",
                "pytest",
                "--shard",
                &format!("{i}/2"),
                "--format",
                "json",
                "--no-cache",
            ],
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let tests = run.check("pytest")["tests"]["total"].as_u64().unwrap();
        assert!(tests > 0 && tests < 4, "shard {i} ran {tests} tests");
        total += tests;
    }
    assert_eq!(total, 4);
}

#[test]
fn merge_names_a_file_that_is_not_a_result() {
    let dir = project();
    write(dir.path(), "junk.json", "{\"not\": \"a result\"}");
    let run = rungs(dir.path(), &["merge", "junk.json"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("junk.json: line 1, column"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("expected the output of `rungs check --format json`"),
        "{}",
        run.stderr
    );
}

/// The coverage check on shard `shard` (`1/1`: the whole run), as JSON.
fn coverage_shard(dir: &std::path::Path, shard: &str) -> Run {
    rungs(
        dir,
        &[
            "check",
            "--only",
            "coverage",
            "--shard",
            shard,
            "--format",
            "json",
            "--no-cache",
        ],
    )
}

#[test]
fn coverage_is_split_by_test_file_and_judged_once_the_shards_are_joined() {
    if !require(&["pytest"]) {
        return;
    }
    let dir = fixture("python-ruff");
    // One function no test calls (in the module only the second shard's
    // tests import), and a floor the whole suite misses by a little.
    let util = dir.path().join("inventory/util.py");
    let mut text = std::fs::read_to_string(&util).unwrap();
    text.push_str("\n\ndef double(value):\n    return value * 2\n");
    std::fs::write(&util, text).unwrap();
    let pyproject = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        &format!(
            "{pyproject}\n[tool.rungs]\ntier = \"standard\"\n[tool.rungs.thresholds]\nstandard = {{ coverage = 99.0 }}\n"
        ),
    );
    let whole = coverage_shard(dir.path(), "1/1");
    assert_eq!(whole.code, 1, "{}", whole.stderr);
    let out = tempfile::tempdir().unwrap();
    let mut results = Vec::new();
    let (mut tests, mut below) = (0, 0);
    for i in 1..=2 {
        let run = coverage_shard(dir.path(), &format!("{i}/2"));
        // A shard's part is below the floor, but only the whole is judged.
        assert_eq!(run.code, 0, "shard {i}: {}", run.stdout);
        let cov = &run.check("coverage")["coverage"];
        assert_eq!(cov["partial"], true);
        below += usize::from(cov["percent"].as_f64().unwrap() < 90.0);
        tests += run.check("coverage")["tests"]["total"].as_u64().unwrap();
        let path = out.path().join(format!("shard-{i}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        results.push(path.to_str().unwrap().to_string());
    }
    assert_eq!(tests, 4, "every test ran on exactly one shard");
    assert_eq!(
        below, 1,
        "one shard's part is far below the floor, and passed"
    );
    let mut args = vec!["merge", "--format", "json"];
    args.extend(results.iter().map(String::as_str));
    let merged = rungs(dir.path(), &args);
    assert_eq!(merged.code, 1, "{}", merged.stderr);
    let (joined, alone) = (merged.check("coverage"), whole.check("coverage"));
    assert_eq!(joined["coverage"]["percent"], alone["coverage"]["percent"]);
    assert_eq!(
        joined["coverage"]["statements"],
        alone["coverage"]["statements"]
    );
    assert_eq!(joined["coverage"]["partial"], serde_json::Value::Null);
    assert_eq!(findings(&joined), findings(&alone));
    assert_eq!(findings(&joined), ["- coverage-floor"]);
    assert_eq!(
        joined["findings"][0]["message"],
        "total coverage 97.92% is below the floor of 99%"
    );
    // The merged text report has the TOTAL line GitLab's coverage regex reads.
    let mut args = vec!["merge"];
    args.extend(results.iter().map(String::as_str));
    let text = rungs(dir.path(), &args);
    assert!(
        text.stdout
            .contains("TOTAL       48        1     97.92% (floor 99%)"),
        "{}",
        text.stdout
    );

    // With branch coverage, the joined figure is coverage.py's own.
    let pyproject = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        &format!("{pyproject}\n[tool.coverage.run]\nbranch = true\n"),
    );
    let whole = coverage_shard(dir.path(), "1/1");
    let mut args = vec!["merge".to_string(), "--format".into(), "json".into()];
    for i in 1..=2 {
        let run = coverage_shard(dir.path(), &format!("{i}/2"));
        let path = out.path().join(format!("branch-{i}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        args.push(path.to_str().unwrap().to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let merged = rungs(dir.path(), &args);
    let (joined, alone) = (
        &merged.check("coverage")["coverage"],
        &whole.check("coverage")["coverage"],
    );
    let files = alone["files"].as_array().unwrap();
    assert!(
        files.iter().any(|f| f["covered_branches"].is_array()),
        "coverage.py measured branches: {alone}"
    );
    assert_ne!(
        alone["percent"], 97.91666666666669,
        "branches count: {alone}"
    );
    assert_eq!(joined["percent"], alone["percent"]);
}

#[test]
fn after_a_sharded_pipeline_a_project_check_is_predicted_at_its_measured_time() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "rungs.toml",
        r#"stacks = []
[checks.whole]
kind = "lint"
scope = "project"
command = ["./whole"]
files = ["**/*.py"]
"#,
    );
    executable(dir.path(), "whole", "#!/bin/sh\nsleep 0.6\n");
    for i in 0..10 {
        write(dir.path(), &format!("m{i}.py"), "ok\n");
    }
    let cache = tempfile::tempdir().unwrap();
    let env = [("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())];
    let out = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 1..=2 {
        let run = rungs_env(
            dir.path(),
            &["check", "--shard", &format!("{i}/2"), "--format", "json"],
            &env,
        );
        assert_eq!(run.code, 0, "{}", run.stderr);
        let path = out.path().join(format!("{i}.json"));
        std::fs::write(&path, &run.stdout).unwrap();
        files.push(path.to_str().unwrap().to_string());
    }
    let mut args = vec!["merge", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let merged = rungs_env(dir.path(), &args, &env);
    assert_eq!(merged.code, 0, "{}", merged.stderr);
    let measured = merged.check("whole")["seconds"].as_f64().unwrap();
    let plan = rungs_env(dir.path(), &["plan", "--format", "json"], &env);
    let predicted = plan.json()["predicted_seconds"].as_f64().unwrap();
    assert!(
        (predicted - measured).abs() <= 0.1 * measured,
        "predicted {predicted}s, measured {measured}s"
    );
}
