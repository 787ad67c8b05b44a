//! The pre-commit hook with real git repositories and real tools: it checks
//! exactly what is staged and never loses a byte of unstaged work.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Repo {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Repo {
    /// A git repository with the python-ruff fixture committed, hook installed.
    fn new() -> Repo {
        let dir = fixture("python-ruff");
        let repo = Repo {
            dir,
            cache: tempfile::tempdir().unwrap(),
        };
        // Start clean: the fixture's known findings are fixed in the first commit.
        write(
            repo.path(),
            "inventory/util.py",
            "\"\"\"Helpers.\"\"\"\n\n\ndef double(x: int) -> int:\n    return 2 * x\n",
        );
        write(
            repo.path(),
            "inventory/core.py",
            "\"\"\"Core.\"\"\"\n\nLIMIT = 3\n",
        );
        write(
            repo.path(),
            "tests/test_core.py",
            "def test_ok():\n    assert True\n",
        );
        write(
            repo.path(),
            "tests/test_util.py",
            "def test_ok():\n    assert True\n",
        );
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "--no-verify", "-m", "start"]);
        let out = repo.rungs(&["hook", "install"]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn git_output(&self, args: &[&str]) -> Output {
        git_command(self.path(), args)
            .env("RUNGS_CACHE_DIR", self.cache.path())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `git commit`: (succeeded, what the hook printed).
    fn commit(&self, message: &str) -> (bool, String) {
        let out = self.git_output(&["commit", "-q", "-m", message]);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), text)
    }

    fn rungs(&self, args: &[&str]) -> Run {
        rungs_env(
            self.path(),
            args,
            &[("RUNGS_CACHE_DIR", self.cache.path().to_str().unwrap())],
        )
    }

    /// Write a file and stage it.
    fn stage(&self, rel: &str, text: &str) {
        write(self.path(), rel, text);
        self.git(&["add", rel]);
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel)).unwrap()
    }

    fn staged(&self, rel: &str) -> String {
        self.git(&["show", &format!(":{rel}")])
    }
}

#[test]
fn a_clean_staged_file_commits() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.stage("inventory/more.py", "\"\"\"More.\"\"\"\n\nVALUE = 1\n");
    let (ok, out) = repo.commit("more");
    assert!(ok, "{out}");
    assert!(out.contains("passed: 3 of 3 checks passed"), "{out}");
}

#[test]
fn only_staged_content_is_checked_and_unstaged_work_is_untouched() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    // Staged: clean. Unstaged on top: a lint error and bad formatting.
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nLIMIT = 4\n");
    let unstaged = "\"\"\"Core.\"\"\"\nimport os\nLIMIT  =  4\n";
    write(repo.path(), "inventory/core.py", unstaged);
    let (ok, out) = repo.commit("limit");
    assert!(ok, "the staged content is clean: {out}");
    assert_eq!(repo.read("inventory/core.py"), unstaged);
    assert_eq!(
        repo.git(&["show", "HEAD:inventory/core.py"]),
        "\"\"\"Core.\"\"\"\n\nLIMIT = 4\n"
    );
}

#[test]
fn a_staged_finding_fails_even_when_the_unstaged_version_fixes_it() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.stage(
        "inventory/core.py",
        "\"\"\"Core.\"\"\"\n\nimport os\n\nLIMIT = 4\n",
    );
    let unstaged = "\"\"\"Core.\"\"\"\n\nLIMIT = 4\n";
    write(repo.path(), "inventory/core.py", unstaged);
    let (ok, out) = repo.commit("limit");
    assert!(!ok);
    assert!(out.contains("inventory/core.py:3:8: F401"), "{out}");
    assert_eq!(repo.read("inventory/core.py"), unstaged);
}

#[test]
fn a_formatter_fixes_a_fully_staged_file_and_the_commit_stops_for_review() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nLIMIT=4\n");
    let (ok, out) = repo.commit("limit");
    assert!(!ok);
    assert!(
        out.contains("rungs: fixed 1 file in your working tree: inventory/core.py"),
        "{out}"
    );
    assert_eq!(
        repo.read("inventory/core.py"),
        "\"\"\"Core.\"\"\"\n\nLIMIT = 4\n"
    );
    assert_eq!(
        repo.staged("inventory/core.py"),
        "\"\"\"Core.\"\"\"\n\nLIMIT=4\n",
        "the index is never touched"
    );
    repo.git(&["add", "inventory/core.py"]);
    let (ok, out) = repo.commit("limit");
    assert!(ok, "{out}");
}

#[test]
fn a_fix_is_merged_into_a_file_with_unstaged_changes_elsewhere() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    let staged =
        "\"\"\"Core.\"\"\"\n\nLIMIT=4\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n";
    repo.stage("inventory/core.py", staged);
    let unstaged = staged.replace("return 2", "return 3  # work in progress");
    write(repo.path(), "inventory/core.py", &unstaged);
    let (ok, out) = repo.commit("limit");
    assert!(!ok);
    assert!(out.contains("fixed 1 file"), "{out}");
    assert_eq!(
        repo.read("inventory/core.py"),
        unstaged.replace("LIMIT=4", "LIMIT = 4")
    );
}

#[test]
fn a_fix_that_conflicts_with_unstaged_changes_leaves_the_file_alone() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nLIMIT=4\n");
    let unstaged = "\"\"\"Core.\"\"\"\n\nLIMIT=5  # mine\n";
    write(repo.path(), "inventory/core.py", unstaged);
    let (ok, out) = repo.commit("limit");
    assert!(!ok);
    assert!(
        out.contains("the fix for inventory/core.py conflicts with its unstaged changes"),
        "{out}"
    );
    assert_eq!(repo.read("inventory/core.py"), unstaged);
}

#[test]
fn renamed_deleted_binary_intent_to_add_and_oddly_named_files() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.git(&["mv", "inventory/util.py", "inventory/helpers.py"]);
    repo.git(&["rm", "-q", "inventory/core.py"]);
    std::fs::write(
        repo.path().join("logo.png"),
        [0x89, b'P', b'N', b'G', 0, 1, 2, 255],
    )
    .unwrap();
    write(repo.path(), "inventory/a b ü.py", "import os\n");
    write(repo.path(), "-dash.py", "\"\"\"Dash.\"\"\"\n");
    repo.git(&["add", "logo.png", "inventory/a b ü.py", "--", "-dash.py"]);
    let ita = "x = 1  # not staged, only intended\n";
    write(repo.path(), "inventory/later.py", ita);
    repo.git(&["add", "-N", "inventory/later.py"]);
    let (ok, out) = repo.commit("mixed");
    assert!(!ok);
    assert!(out.contains("inventory/a b ü.py:1:8: F401"), "{out}");
    assert!(
        !out.contains("later.py"),
        "an intent-to-add file is not committed, so not checked: {out}"
    );
    assert_eq!(repo.read("inventory/later.py"), ita);
    assert_eq!(
        std::fs::read(repo.path().join("logo.png")).unwrap(),
        [0x89, b'P', b'N', b'G', 0, 1, 2, 255]
    );
    assert_eq!(
        repo.git(&["status", "--porcelain", "-z"])
            .split('\0')
            .filter(|l| !l.is_empty())
            .count(),
        7
    );
}

#[test]
fn rungs_skip_skips_named_checks_once() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nimport os\n");
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "skip",
        ])
        .current_dir(repo.path())
        .env("RUNGS_CACHE_DIR", repo.cache.path())
        .env("RUNGS_SKIP", "ruff")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn git_add_during_the_hook_fails_the_commit() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    // A check that stages another file while it runs, as a user might from another terminal.
    let script = format!(
        "#!/bin/sh\ngit -C {} add other.txt\n",
        shell_words::quote(repo.path().to_str().unwrap())
    );
    executable(repo.path(), "sneaky", &script);
    write(
        repo.path(),
        "rungs.toml",
        "[checks.sneaky]\nkind = \"lint\"\ncommand = [\"./sneaky\"]\nfiles = [\"**/*.py\"]\nstages = [\"commit\"]\n",
    );
    write(repo.path(), "other.txt", "unchecked\n");
    repo.git(&["add", "rungs.toml", "sneaky"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "sneaky"]);
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nLIMIT = 5\n");
    let (ok, out) = repo.commit("limit");
    assert!(!ok, "{out}");
    assert!(
        out.contains("the staged content changed while rungs was checking it"),
        "{out}"
    );
}

#[test]
fn install_refuses_a_foreign_hook_chains_it_and_uninstall_restores_it() {
    let repo = Repo::new();
    let hooks = repo.path().join(".git/hooks");
    let uninstalled = repo.rungs(&["hook", "uninstall"]);
    assert_eq!(uninstalled.code, 0);
    executable(
        &hooks,
        "pre-commit",
        "#!/bin/sh\necho foreign >> \"$(git rev-parse --git-dir)/foreign.log\"\n",
    );
    let refused = repo.rungs(&["hook", "install"]);
    assert_eq!(refused.code, 2);
    assert!(
        refused
            .stderr
            .contains("already exists and is not rungs's hook"),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("--chain"), "{}", refused.stderr);
    let chained = repo.rungs(&["hook", "install", "--chain"]);
    assert_eq!(chained.code, 0, "{}", chained.stderr);
    repo.stage("inventory/core.py", "\"\"\"Core.\"\"\"\n\nLIMIT = 5\n");
    let (ok, out) = repo.commit("limit");
    assert!(ok, "{out}");
    assert_eq!(
        std::fs::read_to_string(repo.path().join(".git/foreign.log")).unwrap(),
        "foreign\n"
    );
    assert_eq!(repo.rungs(&["hook", "uninstall"]).code, 0);
    assert!(
        std::fs::read_to_string(hooks.join("pre-commit"))
            .unwrap()
            .contains("echo foreign")
    );
}

#[test]
fn install_follows_core_hooks_path_and_works_in_a_worktree() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    repo.git(&["config", "core.hooksPath", ".githooks"]);
    assert_eq!(repo.rungs(&["hook", "install"]).code, 0);
    assert!(repo.path().join(".githooks/pre-commit").is_file());
    repo.git(&["config", "--unset", "core.hooksPath"]);
    let wt: PathBuf = repo.cache.path().join("wt");
    repo.git(&["worktree", "add", "-q", wt.to_str().unwrap()]);
    write(&wt, "inventory/core.py", "\"\"\"Core.\"\"\"\n\nimport os\n");
    let add = Command::new("git")
        .args(["add", "inventory/core.py"])
        .current_dir(&wt)
        .output()
        .unwrap();
    assert!(add.status.success());
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-q",
            "-m",
            "wt",
        ])
        .current_dir(&wt)
        .env("RUNGS_CACHE_DIR", repo.cache.path())
        .output()
        .unwrap();
    // git shows a hook's output on stderr.
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the hook runs in the worktree too: {text}"
    );
    assert!(text.contains("inventory/core.py:3:8: F401"), "{text}");
}

#[test]
fn pre_push_checks_the_pushed_commits() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    assert_eq!(
        repo.rungs(&["hook", "install", "--stage", "pre-push"]).code,
        0
    );
    let remote = tempfile::tempdir().unwrap();
    Command::new("git")
        .args(["init", "-q", "--bare"])
        .current_dir(remote.path())
        .output()
        .unwrap();
    repo.git(&["remote", "add", "origin", remote.path().to_str().unwrap()]);
    repo.git(&["push", "-q", "origin", "main"]);
    write(
        repo.path(),
        "inventory/core.py",
        "\"\"\"Core.\"\"\"\n\nimport os\n",
    );
    repo.git(&["commit", "-q", "--no-verify", "-am", "bad"]);
    let push = repo.git_output(&["push", "-q", "origin", "main"]);
    assert!(!push.status.success(), "pushing a lint error fails");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&push.stdout),
        String::from_utf8_lossy(&push.stderr)
    );
    assert!(text.contains("inventory/core.py:3:8: F401"), "{text}");
}

#[test]
fn each_staged_file_is_checked_in_its_own_project_of_a_monorepo() {
    if !require(&["ruff"]) {
        return;
    }
    // No project at the top: a Python backend and a small tools package.
    let top = tempfile::tempdir().unwrap();
    copy_dir(
        &common::repo().join("fixtures/python-ruff"),
        &top.path().join("backend"),
    );
    write(top.path(), "README.md", "# shop\n");
    write(
        top.path(),
        "tools/pyproject.toml",
        "[project]\nname = \"tools\"\nversion = \"0\"\n",
    );
    write(
        top.path(),
        "tools/run.py",
        "\"\"\"Run.\"\"\"\n\nVALUE = 1\n",
    );
    // The backend's own fixture with a manifest stays part of the backend.
    write(
        top.path(),
        "backend/tests/fixtures/proj/pyproject.toml",
        "[project]\nname = \"proj\"\nversion = \"0\"\n",
    );
    let repo = Repo {
        dir: top,
        cache: tempfile::tempdir().unwrap(),
    };
    repo.git(&["init", "-q", "-b", "main"]);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "start"]);
    // Installed from the backend's folder, as its developers would.
    let install = rungs_env(
        &repo.path().join("backend"),
        &["hook", "install"],
        &[("RUNGS_CACHE_DIR", repo.cache.path().to_str().unwrap())],
    );
    assert_eq!(install.code, 0, "{}", install.stderr);

    repo.stage(
        "backend/inventory/core.py",
        "\"\"\"Core.\"\"\"\n\nLIMIT=4\n",
    );
    repo.stage("tools/run.py", "\"\"\"Run.\"\"\"\n\nVALUE = 2\n");
    repo.stage("README.md", "# shop\n\nA shop.\n");
    repo.stage(
        "backend/tests/fixtures/proj/proj.py",
        "\"\"\"Proj.\"\"\"\n\nX = 1\n",
    );
    let (ok, out) = repo.commit("three places");
    assert!(!ok, "{out}");
    assert!(out.contains("rungs: backend (2 files staged)"), "{out}");
    assert!(!out.contains("rungs: backend/tests"), "{out}");
    assert!(out.contains("rungs: tools (1 file staged)"), "{out}");
    assert!(
        !out.contains("0 of 0 checks"),
        "the README is no project's: {out}"
    );
    // Paths in the report are the project's own, fixes land in the right file.
    assert!(
        out.contains("inventory/core.py:3: would be reformatted"),
        "{out}"
    );
    assert!(
        out.contains("rungs: fixed 1 file in your working tree: backend/inventory/core.py"),
        "{out}"
    );
    assert_eq!(
        repo.read("backend/inventory/core.py"),
        "\"\"\"Core.\"\"\"\n\nLIMIT = 4\n"
    );
    repo.git(&["add", "backend/inventory/core.py"]);
    let (ok, out) = repo.commit("three places");
    assert!(ok, "{out}");
}

/// The hook's report shows `checks` checks, every one replayed from the cache.
fn assert_replayed(report: &str, checks: usize) {
    let lines: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with('✔') || l.starts_with('✘'))
        .collect();
    assert_eq!(lines.len(), checks, "{report}");
    assert!(lines.iter().all(|l| l.contains("(cached)")), "{report}");
}

#[test]
fn content_rungs_check_already_checked_is_not_checked_again_by_the_hook() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    write(
        repo.path(),
        "inventory/more.py",
        "\"\"\"More.\"\"\"\n\nVALUE = 1\n",
    );
    let run = repo.rungs(&["check", "--only", "ruff-format,ruff-imports,ruff"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    repo.git(&["add", "inventory/more.py"]);
    let (ok, out) = repo.commit("more");
    assert!(ok, "{out}");
    assert_replayed(&out, 3);
}

#[test]
fn a_project_at_the_top_takes_its_subfolders_unless_they_have_rungs_config() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    // A fixture with its own manifest inside the project: part of it.
    write(
        repo.path(),
        "tests/fixtures/app/pyproject.toml",
        "[project]\nname = \"app\"\nversion = \"0\"\n",
    );
    // A package with its own rungs config: a project of its own.
    write(
        repo.path(),
        "tools/rungs.toml",
        "stacks = [\"python\"]\ntier = \"basic\"\n",
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "more"]);
    repo.stage("tests/fixtures/app/app.py", "\"\"\"App.\"\"\"\n\nX = 1\n");
    repo.stage("tools/run.py", "\"\"\"Run.\"\"\"\n\nY = 1\n");
    let (ok, out) = repo.commit("both");
    assert!(ok, "{out}");
    assert!(out.contains("rungs: . (1 file staged)"), "{out}");
    assert!(out.contains("rungs: tools (1 file staged)"), "{out}");
    assert!(!out.contains("tests/fixtures/app ("), "{out}");
}

#[test]
fn a_cache_dir_in_the_config_is_the_working_trees_for_the_hook_too() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    write(repo.path(), "rungs.toml", "cache-dir = \".rungs-cache\"\n");
    write(repo.path(), ".gitignore", ".rungs-cache/\n");
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "cache dir"]);
    write(
        repo.path(),
        "inventory/more.py",
        "\"\"\"More.\"\"\"\n\nVALUE = 1\n",
    );
    // Without RUNGS_CACHE_DIR, which would override the config; the user
    // cache dir (for the hook's index copy) in a temporary folder.
    let home_cache = tempfile::tempdir().unwrap();
    let xdg = home_cache.path().to_str().unwrap();
    let run = rungs_env(
        repo.path(),
        &["check", "--only", "ruff-format,ruff-imports,ruff"],
        &[("RUNGS_CACHE_DIR", ""), ("XDG_CACHE_HOME", xdg)],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(repo.path().join(".rungs-cache/CACHEDIR.TAG").is_file());
    repo.git(&["add", "inventory/more.py"]);
    let out = Command::new(env!("CARGO_BIN_EXE_rungs"))
        .args(["hook", "run"])
        .current_dir(repo.path())
        .env_remove("RUNGS_CACHE_DIR")
        .env("XDG_CACHE_HOME", xdg)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert_replayed(&text, 3);
}

#[test]
fn staged_code_no_stack_of_its_project_checks_is_named() {
    // A top package.json (commit tooling) over a Python backend with no
    // rungs config: the backend's files belong to the node project.
    let top = tempfile::tempdir().unwrap();
    write(
        top.path(),
        "package.json",
        "{\"name\": \"tooling\", \"private\": true}\n",
    );
    write(
        top.path(),
        "backend/pyproject.toml",
        "[project]\nname = \"api\"\nversion = \"0\"\n",
    );
    let repo = Repo {
        dir: top,
        cache: tempfile::tempdir().unwrap(),
    };
    repo.git(&["init", "-q", "-b", "main"]);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "--no-verify", "-m", "start"]);
    repo.stage("backend/app.py", "import os\n");
    let run = repo.rungs(&["hook", "run"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains(
            "rungs: the project at the top checks none of 1 staged file: backend/app.py (a project of its own? give its folder a rungs.toml)"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_formatter_the_project_never_adopted_judges_and_fixes_only_the_staged_lines() {
    if !require(&["ruff"]) {
        return;
    }
    let repo = Repo::new();
    // A file the team never formatted (the project has no formatter).
    let messy = "def f( a ):\n    return a\n\n\ndef g( b ):\n    return b\n\n\nX=1\n";
    repo.stage("inventory/messy.py", messy);
    repo.git(&["commit", "-q", "--no-verify", "-m", "unformatted"]);

    // A one-line edit the formatter has nothing to say about: it commits,
    // and nothing else of the file is touched.
    let clean_edit = messy.replace("    return b\n", "    return b + 1\n");
    repo.stage("inventory/messy.py", &clean_edit);
    let (ok, out) = repo.commit("edit g");
    assert!(ok, "{out}");
    assert_eq!(repo.read("inventory/messy.py"), clean_edit);

    // A one-line edit it would reformat: that line alone is fixed, and the
    // commit stops for review; the rest stays as the team left it.
    let messy_edit = clean_edit.replace("X=1\n", "X=2\n");
    repo.stage("inventory/messy.py", &messy_edit);
    let (ok, out) = repo.commit("edit X");
    assert!(!ok, "{out}");
    assert!(out.contains("ruff-format"), "{out}");
    assert_eq!(
        repo.read("inventory/messy.py"),
        clean_edit.replace("X=1\n", "X = 2\n"),
        "{out}"
    );
}
