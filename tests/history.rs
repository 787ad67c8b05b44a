//! The `history` check on real git repositories: the commits between the
//! base and `HEAD` against the team's rules, off unless the config enables it.

mod common;
use common::*;
use std::path::Path;

const RULES: &str = "stacks = [\"python\"]\n\n[history]\nenabled = true\n";

/// A repository whose `main` has one commit; `feature` is checked out.
fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(p, "rungs.toml", config);
    write(p, "app.py", "X = 1\n");
    write(p, "requirements.txt", "django==5.2.19\n");
    git(p, &["init", "-q", "-b", "main"]);
    git(p, &["add", "-A"]);
    git(p, &["commit", "-q", "-m", "Start"]);
    git(p, &["checkout", "-q", "-b", "feature"]);
    dir
}

fn commit(dir: &Path, file: &str, text: &str, subject: &str) -> String {
    write(dir, file, text);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", subject]);
    git(dir, &["rev-parse", "--short", "HEAD"])
        .trim()
        .to_string()
}

fn history(dir: &Path, env: &[(&str, &str)]) -> (i32, serde_json::Value) {
    let run = rungs_env(
        dir,
        &["check", "--only", "history", "--format", "json"],
        env,
    );
    assert!(
        run.code == 0 || run.code == 1,
        "exit {}:\n{}{}",
        run.code,
        run.stdout,
        run.stderr
    );
    (run.code, run.check("history"))
}

fn messages(check: &serde_json::Value) -> Vec<(String, String)> {
    check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn one_clean_commit_passes() {
    let dir = repository(RULES);
    commit(dir.path(), "app.py", "X = 2\n", "Raise X to 2");
    let (code, check) = history(dir.path(), &[]);
    assert_eq!(code, 0, "{check}");
    assert!(messages(&check).is_empty(), "{check}");
}

#[test]
fn each_broken_rule_names_the_commit_by_short_sha_and_subject() {
    let config = format!(
        "{RULES}max-commits = 2\nsubject-max = 40\nsubject-pattern = '^[A-Z]'\nkinds = {{ dependencies = [\"requirements*.txt\"], code = [\"**/*.py\"] }}\n"
    );
    let dir = repository(&config);
    let p = dir.path();
    let first = commit(p, "app.py", "X = 2\n", "Raise X to 2");
    let fixup = commit(p, "app.py", "X = 3\n", "fixup! Raise X to 2");
    let wip = commit(p, "other.py", "Y = 1\n", "WIP: other things");
    let long = commit(
        p,
        "third.py",
        "Z = 1\n",
        "Add a third module with a subject far too long",
    );
    write(p, "requirements.txt", "django==5.2.20\n");
    let mixed = commit(p, "app.py", "X = 4\n", "Bump django and raise X");
    // main moves on; merging it in makes a merge commit.
    git(p, &["checkout", "-q", "main"]);
    commit(p, "README.md", "# r\n", "Docs");
    git(p, &["checkout", "-q", "feature"]);
    git(p, &["merge", "-q", "--no-ff", "-m", "Merge main", "main"]);
    let merge = git(p, &["rev-parse", "--short", "HEAD"]).trim().to_string();

    // The base is the merge base with main, as for `--changed`.
    let (code, check) = history(p, &[]);
    assert_eq!(code, 1, "{check}");
    let found = messages(&check);
    let has = |rule: &str, sha: &str, subject: &str| {
        found
            .iter()
            .any(|(r, m)| r == rule && m.starts_with(&format!("{sha} \"{subject}\": ")))
    };
    assert!(!has("max-commits", &first, "Raise X to 2"), "{found:?}");
    assert!(has("max-commits", &wip, "WIP: other things"), "{found:?}");
    assert!(has("leftover", &fixup, "fixup! Raise X to 2"), "{found:?}");
    assert!(has("wip", &wip, "WIP: other things"), "{found:?}");
    assert!(
        has(
            "subject-length",
            &long,
            "Add a third module with a subject far too long"
        ),
        "{found:?}"
    );
    assert!(
        has("subject-pattern", &fixup, "fixup! Raise X to 2"),
        "{found:?}"
    );
    assert!(
        has("mixed-kinds", &mixed, "Bump django and raise X"),
        "{found:?}"
    );
    assert!(has("merge", &merge, "Merge main"), "{found:?}");
    // main's own commit is not the change's.
    assert!(
        !found.iter().any(|(_, m)| m.contains("\"Docs\"")),
        "{found:?}"
    );
}

#[test]
fn in_a_merge_request_the_base_is_gitlabs_diff_base() {
    let dir = repository(RULES);
    let p = dir.path();
    commit(p, "app.py", "X = 2\n", "First");
    let base = git(p, &["rev-parse", "HEAD"]).trim().to_string();
    commit(p, "app.py", "X = 3\n", "Second");
    let mr = [
        ("GITLAB_CI", "true"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.as_str()),
    ];
    let (code, check) = history(p, &mr);
    assert_eq!(code, 0, "one commit since the MR's base: {check}");
    // Without the MR's base, both commits since main count.
    let (code, check) = history(p, &[]);
    assert_eq!(code, 1, "{check}");
    assert_eq!(messages(&check).len(), 1, "{check}");
}

#[test]
fn outside_a_merge_request_or_with_no_base_it_says_so_and_passes() {
    let dir = repository(RULES);
    let p = dir.path();
    commit(p, "app.py", "X = 2\n", "fixup! nothing");
    let (code, check) = history(p, &[("GITLAB_CI", "true")]);
    assert_eq!(code, 0, "{check}");
    assert_eq!(
        messages(&check),
        [(
            "nothing-to-judge".into(),
            "not a merge-request pipeline".into()
        )]
    );

    // A repository with no default branch to compare with.
    git(p, &["branch", "-q", "-m", "main", "trunk"]);
    let (code, check) = history(p, &[]);
    assert_eq!(code, 0, "{check}");
    let said = messages(&check);
    assert!(said[0].1.starts_with("no base"), "{said:?}");
}

#[test]
fn off_unless_enabled_and_offered_by_init() {
    let dir = repository("stacks = [\"python\"]\n");
    commit(dir.path(), "app.py", "X = 2\n", "WIP");
    let run = rungs(dir.path(), &["plan", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stdout.contains("\"history\""), "{}", run.stdout);

    let fresh = tempfile::tempdir().unwrap();
    write(fresh.path(), "app.py", "X = 1\n");
    write(
        fresh.path(),
        "pyproject.toml",
        "[project]\nname = \"a\"\nversion = \"0\"\n",
    );
    let run = rungs(fresh.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(fresh.path().join("rungs.toml")).unwrap();
    assert!(
        written.contains("# [history]\n# enabled = true"),
        "{written}"
    );
    // Uncommented, what init offers is a valid config that enables the check.
    let enabled = written
        .lines()
        .skip_while(|l| !l.starts_with("# [history]"))
        .take_while(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches("# "))
        .collect::<Vec<_>>()
        .join("\n");
    write(
        dir.path(),
        "rungs.toml",
        &format!("stacks = [\"python\"]\n{enabled}\n"),
    );
    let run = rungs(dir.path(), &["plan", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("\"history\""), "{}", run.stdout);
}
