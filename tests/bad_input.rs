//! Bad input gets a clear error naming file, line and what was expected, exit 2.

mod common;
use common::*;

fn project_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "x = 1\n");
    write(dir.path(), "rungs.toml", config);
    dir
}

fn config_error(config: &str) -> String {
    let dir = project_with_config(config);
    let run = rungs(dir.path(), &["plan"]);
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run.stderr.replace(
        &dir.path().canonicalize().unwrap().display().to_string(),
        "[ROOT]",
    )
}

#[test]
fn unknown_key_names_file_line_and_column() {
    let err = config_error("tier = \"basic\"\ntierz = 1\n");
    assert!(
        err.contains("[ROOT]/rungs.toml:2:1: unknown field `tierz`, expected one of"),
        "{err}"
    );
}

#[test]
fn wrong_type_names_what_was_expected() {
    let err = config_error("jobs = \"four\"\n");
    assert!(
        err.contains("rungs.toml:1:8: invalid type: string \"four\", expected usize"),
        "{err}"
    );
}

#[test]
fn unknown_tier_is_placed() {
    let err = config_error("stacks = [\"python\"]\ntier = \"strictest\"\n");
    assert!(
        err.contains(
            "rungs.toml:2:8: unknown tier `strictest` (expected one of: basic, standard, strict)"
        ),
        "{err}"
    );
}

#[test]
fn unknown_check_id_lists_the_known_ones() {
    let err = config_error("[checks.rufff]\ntimeout = 3\n");
    assert!(
        err.contains("rungs.toml:1:1: `rufff` is not a built-in check"),
        "{err}"
    );
    assert!(err.contains("ruff-format"), "{err}");
}

#[test]
fn extends_cycle_is_an_error() {
    let err = config_error("[checks.a]\nextends = \"b\"\n[checks.b]\nextends = \"a\"\n");
    assert!(
        err.contains("`extends` forms a cycle: a -> b -> a"),
        "{err}"
    );
}

#[test]
fn bad_glob_is_placed() {
    let err = config_error("[checks.ruff]\nfiles = [\"**/*.{py\"]\n");
    assert!(err.contains("rungs.toml:2:10: invalid glob"), "{err}");
}

#[test]
fn negative_expected_seconds_is_placed() {
    let err = config_error("[checks.flake8]\nexpected-seconds = -1.5\n");
    assert!(
        err.contains(
            "rungs.toml:2:20: `expected-seconds` is -1.5 (expected a number of seconds, 0 or more)"
        ),
        "{err}"
    );
}

#[test]
fn malformed_toml_is_placed() {
    let err = config_error("tier = \"basic\n");
    assert!(err.contains("rungs.toml:1:"), "{err}");
}

#[test]
fn tool_rungs_in_pyproject_is_read_with_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"x\"\n\n[tool.rungs]\ntier = \"nope\"\n",
    );
    let run = rungs(dir.path(), &["plan"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("pyproject.toml:5:8: unknown tier `nope`"),
        "{}",
        run.stderr
    );
}

#[test]
fn unknown_check_on_the_command_line_is_a_usage_error() {
    let dir = project_with_config("");
    let run = rungs(dir.path(), &["check", "--only", "nosuch"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("unknown check `nosuch`"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("hint: known checks:"), "{}", run.stderr);
}

#[test]
fn missing_tool_that_cannot_be_installed_names_check_and_tool() {
    let dir = project_with_config(
        "[checks.sqlfluff]\nkind = \"lint\"\ncommand = [\"sqlfluff-not-installed\", \"lint\"]\nfiles = [\"**/*.py\"]\n",
    );
    let run = rungs(dir.path(), &["check", "--only", "sqlfluff"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("check `sqlfluff` needs `sqlfluff-not-installed`, which was not found"),
        "{}",
        run.stderr
    );
}

#[test]
fn init_writes_a_config_that_reproduces_the_defaults() {
    let dir = fixture("django-dirty");
    let before = rungs(dir.path(), &["plan", "--format", "json"]).json();
    let run = rungs(dir.path(), &["init"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let again = rungs(dir.path(), &["init"]);
    assert_eq!(again.code, 2, "init must not overwrite silently");
    let after = rungs(dir.path(), &["plan", "--format", "json"]).json();
    assert_eq!(before["tier"], after["tier"]);
    assert_eq!(before["checks"], after["checks"]);
}
