//! GitLab CI files against GitLab's published CI schema (the copy vendored by
//! the pinned check-jsonschema, `vendor.gitlab-ci`): rungs's own pipeline,
//! the template projects include, and what `rungs init --gitlab` writes.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;

/// check-jsonschema's verdict on `file`: success, and what it printed.
fn validate(file: &Path) -> (bool, String) {
    let out = Command::new("check-jsonschema")
        .args([
            "--builtin-schema",
            "vendor.gitlab-ci",
            "--data-transform",
            "gitlab-ci",
        ])
        .arg(file)
        .output()
        .expect("run check-jsonschema");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// GitLab's schema lets hidden jobs (`.name`) hold anything, so a template
/// of hidden jobs is validated with them made visible.
fn visible(text: &str) -> String {
    text.lines()
        .map(|l| match l.strip_prefix(".rungs") {
            Some(rest) => format!("rungs{rest}\n"),
            None => format!("{}\n", l.replace("extends: .rungs", "extends: rungs")),
        })
        .collect()
}

fn assert_valid_visible(file: &Path) {
    let text = visible(&std::fs::read_to_string(file).unwrap());
    assert!(!text.contains("\n.rungs"));
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("visible.yml");
    std::fs::write(&copy, text).unwrap();
    assert_valid(&copy);
}

fn assert_valid(file: &Path) {
    let (ok, text) = validate(file);
    assert!(ok, "{} is not valid GitLab CI:\n{text}", file.display());
}

#[test]
fn own_pipeline_and_template_validate_and_a_broken_one_does_not() {
    if !require(&["check-jsonschema"]) {
        return;
    }
    assert_valid(&repo().join(".gitlab-ci.yml"));
    let template = repo().join("ci").join("rungs.gitlab-ci.yml");
    assert_valid(&template);
    assert_valid_visible(&template);
    // The schema is really applied: a cache `when` GitLab doesn't know fails.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(&template).unwrap();
    let broken = visible(&text).replace(
        "    when: always\n    paths:\n      - .cache/rungs/",
        "    when: sometimes\n    paths:\n      - .cache/rungs/",
    );
    assert_ne!(broken, text);
    write(dir.path(), "broken.yml", &broken);
    assert!(!validate(&dir.path().join("broken.yml")).0);
}

#[test]
fn template_holds_the_jobs_the_readme_promises() {
    let text = std::fs::read_to_string(repo().join("ci").join("rungs.gitlab-ci.yml")).unwrap();
    for job in [
        ".rungs-check:",
        ".rungs-shard:",
        ".rungs-merge:",
        ".rungs-bump:",
    ] {
        assert!(text.contains(&format!("\n{job}\n")), "{job} missing");
    }
    // --changed only in merge-request pipelines, the reports GitLab reads,
    // the coverage regex rungs's TOTAL line matches.
    assert!(text.contains("${CI_MERGE_REQUEST_DIFF_BASE_SHA:+--changed}"));
    for report in ["junit:", "codequality:", "coverage_report:"] {
        assert!(text.contains(report), "{report}");
    }
    assert!(text.contains(r"coverage: '/^TOTAL(?:\s+\d+)+\s+(\d+\.\d+)%/'"));
    assert!(text.contains("--shard auto"));
    assert!(text.contains("if: $CI_PIPELINE_SOURCE == \"schedule\""));
    // Protected and unprotected refs write apart; merge requests fall back
    // to what the default branch's protected pipelines wrote.
    assert!(text.contains("key: rungs-protected-$CI_COMMIT_REF_PROTECTED-$CI_COMMIT_REF_SLUG"));
    assert!(text.contains("- rungs-protected-true-$CI_DEFAULT_BRANCH"));
}

#[test]
fn init_gitlab_writes_a_pipeline_that_includes_the_template() {
    if !require(&["check-jsonschema"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "pyproject.toml",
        "[project]\nname = \"a\"\nversion = \"0\"\n",
    );
    let run = rungs(p, &["init", "--gitlab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pipeline = p.join(".gitlab-ci.yml");
    let template = p.join(".gitlab").join("rungs.gitlab-ci.yml");
    let written = std::fs::read_to_string(&pipeline).unwrap();
    assert!(
        written.contains("- local: .gitlab/rungs.gitlab-ci.yml"),
        "{written}"
    );
    assert!(written.contains("extends: .rungs-check"), "{written}");
    assert!(written.contains("extends: .rungs-bump"), "{written}");
    let shipped = std::fs::read_to_string(repo().join("ci").join("rungs.gitlab-ci.yml")).unwrap();
    assert!(
        std::fs::read_to_string(&template)
            .unwrap()
            .ends_with(&shipped)
    );
    assert_valid(&pipeline);
    assert_valid(&template);
    assert_valid_visible(&template);

    // A project with a pipeline of its own: it is left as it is, and the
    // lines to add are printed.
    let own = "test:\n  script:\n    - make test\n";
    std::fs::write(&pipeline, own).unwrap();
    let run = rungs(p, &["init", "--gitlab"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&pipeline).unwrap(), own);
    assert!(run.stdout.contains("add to it"), "{}", run.stdout);
    assert!(
        run.stdout.contains("- local: .gitlab/rungs.gitlab-ci.yml"),
        "{}",
        run.stdout
    );
}
