//! The baseline: `rungs baseline` records today's findings; later runs fail
//! only on new ones, also after edits that move the baselined ones, and the
//! file shrinks as findings are fixed.

mod common;
use common::*;

fn baseline_entries(dir: &std::path::Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(dir.join(".rungs-baseline.json")).expect("baseline file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("baseline is JSON");
    json["findings"].as_array().expect("findings").clone()
}

#[test]
fn a_baseline_survives_edits_and_only_new_findings_fail() {
    if !require(&["flake8"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let root = dir.path();

    let recorded = rungs(root, &["baseline", "--only", "flake8"]);
    assert_eq!(recorded.code, 0, "{}\n{}", recorded.stdout, recorded.stderr);
    assert!(
        recorded
            .stderr
            .contains("3 findings recorded (was 0: 3 added, 0 dropped)"),
        "{}",
        recorded.stderr
    );
    let entries = baseline_entries(root);
    let rules: Vec<&str> = entries
        .iter()
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["E711", "F401", "F841"], "sorted, one per finding");
    // Stable: recording again writes the same bytes.
    let before = std::fs::read(root.join(".rungs-baseline.json")).unwrap();
    assert_eq!(rungs(root, &["baseline", "--only", "flake8"]).code, 0);
    assert_eq!(
        before,
        std::fs::read(root.join(".rungs-baseline.json")).unwrap()
    );

    // The baselined findings are reported but no longer fail.
    let run = rungs(root, &["check", "--only", "flake8"]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("0 findings  17 files  (+3 baselined)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("baseline: 3 baselined findings remain (.rungs-baseline.json)"),
        "{}",
        run.stdout
    );

    // Lines added above the findings move them, not their fingerprints.
    let pricing = std::fs::read_to_string(root.join("catalog/pricing.py")).unwrap();
    write(
        root,
        "catalog/pricing.py",
        &format!("# Prices.\n# Discounts and bulk orders.\n\n{pricing}"),
    );
    let moved = rungs(root, &["check", "--only", "flake8", "--format", "json"]);
    assert_eq!(moved.code, 0, "{}\n{}", moved.stdout, moved.stderr);
    assert_eq!(
        findings(&moved.check("flake8")),
        [
            "catalog/pricing.py:4:1 F401",
            "catalog/pricing.py:18:15 E711",
            "catalog/pricing.py:19:9 F841"
        ]
    );
    assert!(
        moved.check("flake8")["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baselined"] == true)
    );

    // A new finding fails, and is the only one listed.
    let views = std::fs::read_to_string(root.join("catalog/views.py")).unwrap();
    write(root, "catalog/views.py", &format!("import sys\n{views}"));
    let new = rungs(root, &["check", "--only", "flake8"]);
    assert_eq!(new.code, 1, "{}", new.stdout);
    assert!(
        new.stdout.contains("1 finding   17 files  (+3 baselined)"),
        "{}",
        new.stdout
    );
    assert!(
        new.stdout
            .contains("catalog/views.py:1:1: F401 'sys' imported but unused")
    );
    assert!(
        !new.stdout.contains("catalog/pricing.py:4:1: F401"),
        "{}",
        new.stdout
    );

    // Fixing a baselined finding (and the new one): the run says so, and
    // `rungs baseline` shrinks the file.
    write(root, "catalog/views.py", &views);
    let fixed = std::fs::read_to_string(root.join("catalog/pricing.py"))
        .unwrap()
        .replacen("import os\n", "", 1);
    write(root, "catalog/pricing.py", &fixed);
    let run = rungs(root, &["check", "--only", "flake8"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout
            .contains("baseline: 2 baselined findings remain (.rungs-baseline.json); 1 fixed"),
        "{}",
        run.stdout
    );
    let shrunk = rungs(root, &["baseline", "--only", "flake8"]);
    assert_eq!(shrunk.code, 0);
    assert!(
        shrunk
            .stderr
            .contains("2 findings recorded (was 3: 0 added, 1 dropped)"),
        "{}",
        shrunk.stderr
    );
    assert_eq!(baseline_entries(root).len(), 2);
}

#[test]
fn recording_some_checks_keeps_the_entries_of_the_others() {
    if !require(&["flake8", "isort"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let root = dir.path();
    assert_eq!(rungs(root, &["baseline", "--only", "flake8,isort"]).code, 0);
    assert_eq!(baseline_entries(root).len(), 4);
    assert_eq!(rungs(root, &["baseline", "--only", "isort"]).code, 0);
    assert_eq!(baseline_entries(root).len(), 4, "flake8's entries stay");
    let partial = rungs(root, &["baseline", "--changed", "HEAD"]);
    assert_eq!(partial.code, 2);
    assert!(
        partial.stderr.contains("takes no --changed"),
        "{}",
        partial.stderr
    );
}

#[test]
fn identical_findings_in_one_file_have_different_fingerprints() {
    if !require(&["flake8"]) {
        return;
    }
    let dir = fixture("django-dirty");
    write(
        dir.path(),
        "catalog/twice.py",
        "def first(value):\n    return value == None\n\n\ndef second(value):\n    return value == None\n",
    );
    let run = rungs(
        dir.path(),
        &["check", "--only", "flake8", "--format", "json"],
    );
    let check = run.check("flake8");
    let prints: Vec<&str> = check["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "catalog/twice.py")
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(prints.len(), 2, "{}", run.stdout);
    assert_ne!(prints[0], prints[1]);
}

#[test]
fn a_baseline_git_ignores_is_said_so_once_recorded() {
    if !require(&["flake8"]) {
        return;
    }
    let dir = fixture("django-dirty");
    let root = dir.path();
    // A project that ignores dotfiles (tabulate's `.*`).
    write(root, ".gitignore", ".*\n");
    git(root, &["init", "-q", "-b", "main"]);
    let recorded = rungs(root, &["baseline", "--only", "flake8"]);
    assert_eq!(recorded.code, 0, "{}", recorded.stderr);
    assert!(
        recorded.stderr.contains(
            "warning: git ignores .rungs-baseline.json (.gitignore:1: .*): it will not be committed"
        ),
        "{}",
        recorded.stderr
    );
    // Tracked anyway: nothing to say.
    git(root, &["add", "-f", ".rungs-baseline.json"]);
    let again = rungs(root, &["baseline", "--only", "flake8"]);
    assert!(!again.stderr.contains("git ignores"), "{}", again.stderr);
}
