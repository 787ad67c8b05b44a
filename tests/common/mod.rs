//! Shared by the integration tests: copy a fixture to a temp dir, run the real
//! `rungs` binary on it, read what it printed.
#![allow(dead_code)]

pub mod registry;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// The result of one check in `--format json` output.
    pub fn check(&self, id: &str) -> serde_json::Value {
        let json = self.json();
        json["checks"]
            .as_array()
            .and_then(|a| a.iter().find(|c| c["check"] == id).cloned())
            .unwrap_or_else(|| panic!("no check `{id}` in {}", self.stdout))
    }
}

/// `path:line:col rule` of every finding of a check, in report order.
pub fn findings(check: &serde_json::Value) -> Vec<String> {
    check["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let mut s = f["path"].as_str().unwrap_or("-").to_string();
            for key in ["line", "column"] {
                if let Some(n) = f[key].as_u64() {
                    s.push_str(&format!(":{n}"));
                }
            }
            if let Some(rule) = f["rule"].as_str() {
                s.push_str(&format!(" {rule}"));
            }
            s
        })
        .collect()
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture copied into a fresh temp dir (the tests never touch `fixtures/`).
pub fn fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("rungs-test-")
        .tempdir()
        .expect("temp dir");
    copy_dir(&repo().join("fixtures").join(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        let name = entry.file_name();
        if name == "target"
            || name == "__pycache__"
            || name == ".pytest_cache"
            || name == ".mypy_cache"
        {
            continue;
        }
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// The tools a test needs must be there: under `scripts/test` (which sets
/// RUNGS_TEST_REQUIRE_TOOLS) a missing one fails the test instead of skipping it.
pub fn require(tools: &[&str]) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let missing: Vec<&&str> = tools
        .iter()
        .filter(|t| !std::env::split_paths(&path).any(|d| d.join(t).is_file()))
        .collect();
    if missing.is_empty() {
        return true;
    }
    if std::env::var_os("RUNGS_TEST_REQUIRE_TOOLS").is_some() {
        panic!("tools missing from PATH: {missing:?} (run scripts/setup-tools)");
    }
    eprintln!("skipping: {missing:?} not on PATH; run the suite with scripts/test");
    false
}

pub fn rungs(dir: &Path, args: &[&str]) -> Run {
    rungs_env(dir, args, &[])
}

pub fn rungs_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    // A fresh cache per run, outside the project: tests about the cache pass
    // their own RUNGS_CACHE_DIR; every other run sees what a first run sees.
    let cache = tempfile::Builder::new()
        .prefix("rungs-test-cache-")
        .tempdir()
        .expect("cache dir");
    let out: Output = Command::new(env!("CARGO_BIN_EXE_rungs"))
        .args(args)
        .current_dir(dir)
        .env("RUNGS_CACHE_DIR", cache.path())
        .env("NO_COLOR", "1")
        // rungs's own pipeline runs these tests inside GitLab CI; the runs
        // under test must not take its variables for their own.
        .env_remove("GITLAB_CI")
        .env_remove("CI_DEFAULT_BRANCH")
        .env_remove("CI_COMMIT_BRANCH")
        .env_remove("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        .env_remove("CI_MERGE_REQUEST_IID")
        .envs(env.iter().copied())
        .output()
        .expect("run rungs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `git ARGS` in `dir`, as a test user, never signing: not yet run.
pub fn git_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.args([
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "-c",
        "commit.gpgsign=false",
    ])
    .args(args)
    .current_dir(dir);
    cmd
}

/// `git ARGS` in `dir`; its stdout. A failure fails the test with git's stderr.
pub fn git_bytes(dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = git_command(dir, args).output().expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `git_bytes`, as text.
pub fn git(dir: &Path, args: &[&str]) -> String {
    String::from_utf8_lossy(&git_bytes(dir, args)).into_owned()
}

pub fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
}

pub fn executable(dir: &Path, rel: &str, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    write(dir, rel, text);
    std::fs::set_permissions(dir.join(rel), std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A small Python project `calc` in a fresh temp dir: `pyproject.toml` (its
/// `[project]` table, then `config`), `calc/` and `tests/` as packages, and
/// `files` (path, text) on top.
pub fn calc_project(config: &str, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("rungs-test-")
        .tempdir()
        .expect("temp dir");
    write(
        dir.path(),
        "pyproject.toml",
        &format!("[project]\nname = \"calc\"\nversion = \"0.1.0\"\n{config}"),
    );
    write(dir.path(), "calc/__init__.py", "");
    write(dir.path(), "tests/__init__.py", "");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}
