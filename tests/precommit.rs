//! The project's own `.pre-commit-config.yaml`, run by rungs and by
//! pre-commit itself (installed pinned by scripts/setup-tools) on the same
//! project: hook by hook they agree on pass or fail, on the files each hook
//! received, and on what each fixer changes. Remote hook repos are git
//! repositories the test makes (`file://`); python hooks install offline from
//! the wheels scripts/setup-tools downloaded.

mod common;

use common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

fn sh(dir: &Path, args: &[&str]) {
    let out = Command::new(args[0])
        .args(&args[1..])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn put(dir: &Path, rel: &str, body: &str, exec: bool) {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, body).unwrap();
    if exec {
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// An empty git repository `name` in `top`.
fn new_repo(top: &Path, name: &str) -> PathBuf {
    sh(top, &["git", "init", "-q", "-b", "main", name]);
    top.join(name)
}

fn commit_all(dir: &Path) {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", "x"]);
}

/// A hook repository at tag v1, as a `file://` URL.
fn hook_repo(dir: &Path, files: &[(&str, &str, bool)]) -> String {
    sh(
        dir.parent().unwrap(),
        &["git", "init", "-q", dir.to_str().unwrap()],
    );
    for (rel, body, exec) in files {
        put(dir, rel, body, *exec);
    }
    commit_all(dir);
    sh(dir, &["git", "tag", "v1"]);
    format!("file://{}", dir.display())
}

const SCRIPTS_HOOKS: &str = r#"- id: add-eof-newline
  name: add a final newline
  entry: add-eof.sh
  language: script
  types: [text]
- id: no-todo
  name: no TODO
  entry: no-todo.sh
  language: script
  files: \.(py|md)$
- id: record
  name: record the files it is given
  entry: record.sh
  language: script
"#;

const STRIP_WS: &str = r#"import sys


def main():
    changed = 0
    for name in sys.argv[1:]:
        with open(name, "rb") as f:
            data = f.read()
        lines = data.split(b"\n")
        fixed = b"\n".join(line.rstrip(b" \t") for line in lines)
        if fixed != data:
            with open(name, "wb") as f:
                f.write(fixed)
            print(f"fixed {name}")
            changed = 1
    return changed


if __name__ == "__main__":
    sys.exit(main())
"#;

/// The project, its two hook repos and its config, all under `top`.
fn project(top: &Path) -> PathBuf {
    let scripts = hook_repo(
        &top.join("scripts-repo"),
        &[
            (".pre-commit-hooks.yaml", SCRIPTS_HOOKS, false),
            (
                "add-eof.sh",
                "#!/usr/bin/env bash\nfor f; do if [ -s \"$f\" ] && [ -n \"$(tail -c1 \"$f\")\" ]; then echo >> \"$f\"; fi; done\n",
                true,
            ),
            (
                "no-todo.sh",
                "#!/usr/bin/env bash\nif grep -Hn TODO -- \"$@\"; then exit 1; fi\n",
                true,
            ),
            (
                "record.sh",
                "#!/usr/bin/env bash\nfor f; do printf '%s\\n' \"${f#./}\" >> \"$RECORD_DIR/record.log\"; done\n",
                true,
            ),
        ],
    );
    let pytools = hook_repo(
        &top.join("pytools-repo"),
        &[
            (
                ".pre-commit-hooks.yaml",
                "- id: strip-ws\n  name: strip trailing whitespace\n  entry: strip-ws\n  language: python\n  types: [text]\n",
                false,
            ),
            (
                "pyproject.toml",
                "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n[project]\nname = \"strip-ws\"\nversion = \"1\"\n\n[project.scripts]\nstrip-ws = \"strip_ws:main\"\n\n[tool.setuptools]\npy-modules = [\"strip_ws\"]\n",
                false,
            ),
            ("strip_ws.py", STRIP_WS, false),
        ],
    );
    let node = hook_repo(
        &top.join("node-repo"),
        &[
            (
                ".pre-commit-hooks.yaml",
                "- id: no-debugger\n  name: no debugger statements\n  entry: no-debugger\n  language: node\n  types: [javascript]\n",
                false,
            ),
            (
                "package.json",
                r#"{"name": "no-debugger", "version": "1.0.0", "bin": {"no-debugger": "index.js"}}"#,
                false,
            ),
            (
                "index.js",
                "#!/usr/bin/env node\nconst fs = require('fs');\nlet bad = 0;\nfor (const f of process.argv.slice(2)) {\n  if (fs.readFileSync(f, 'utf8').includes('debugger')) { console.log(`${f}: debugger`); bad = 1; }\n}\nprocess.exit(bad);\n",
                true,
            ),
        ],
    );
    let rust = hook_repo(
        &top.join("rust-repo"),
        &[
            (
                ".pre-commit-hooks.yaml",
                "- id: no-fixme\n  name: no FIXME\n  entry: no-fixme\n  language: rust\n  types: [python]\n",
                false,
            ),
            (
                "Cargo.toml",
                "[package]\nname = \"no-fixme\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
                false,
            ),
            (
                "src/main.rs",
                "fn main() {\n    let mut bad = 0;\n    for f in std::env::args().skip(1) {\n        if std::fs::read_to_string(&f).unwrap_or_default().contains(\"FIXME\") {\n            println!(\"{f}: FIXME\");\n            bad = 1;\n        }\n    }\n    std::process::exit(bad);\n}\n",
                false,
            ),
        ],
    );
    let p = new_repo(top, "project");
    let config = format!(
        r#"exclude: ^vendor/
repos:
- repo: {scripts}
  rev: v1
  hooks:
  - id: add-eof-newline
  - id: no-todo
    exclude: ^docs/archive/
  - id: record
- repo: {pytools}
  rev: v1
  hooks:
  - id: strip-ws
    exclude_types: [markdown]
- repo: {node}
  rev: v1
  hooks:
  - id: no-debugger
- repo: {rust}
  rev: v1
  hooks:
  - id: no-fixme
- repo: local
  hooks:
  - id: no-print
    name: no print
    language: pygrep
    entry: '^\s*print\('
    types: [python]
  - id: no-tabs-md
    name: no tabs in markdown
    language: pygrep
    entry: '\t'
    args: [--multiline]
    files: \.md$
  - id: forbid-orig
    name: no .orig files
    language: fail
    entry: remove the .orig files
    files: \.orig$
  - id: shebangs
    name: executables start with a shebang
    language: script
    entry: check-shebang.sh
    types: [executable]
  - id: no-jsx
    name: applies to no file here
    language: system
    entry: 'false'
    types: [jsx]
  - id: manual-only
    name: runs by hand only
    language: system
    entry: 'false'
    stages: [manual]
- repo: meta
  hooks:
  - id: check-hooks-apply
  - id: check-useless-excludes
  - id: identity
"#
    );
    put(&p, ".pre-commit-config.yaml", &config, false);
    put(
        &p,
        "check-shebang.sh",
        "#!/usr/bin/env bash\nfor f; do head -c2 \"$f\" | grep -q '#!' || { echo \"$f: no shebang\"; exit 1; }; done\n",
        true,
    );
    put(&p, "app/main.py", "import os\nprint('hi')  \nx = 1", false);
    put(&p, "app/util.py", "def f():\n    return 1\n", false);
    put(&p, "app/todo.py", "x = 1  # FIXME\n", false);
    put(&p, "app/ui.js", "function f() {\n  debugger;\n}\n", false);
    put(&p, "app/ok.js", "function g() {}\n", false);
    put(&p, "docs/notes.md", "TODO: write\n\twith a tab\n", false);
    put(&p, "docs/archive/old.md", "TODO: kept\n", false);
    put(&p, "README.md", "# Project   \n", false);
    put(&p, "vendor/lib.py", "print('vendored')  ", false);
    put(&p, "tools/run.sh", "#!/bin/bash\necho hi\n", true);
    put(&p, "tools/no-shebang", "echo hi\n", true);
    put(&p, "notes.orig", "left over\n", false);
    put(&p, "file with space.py", "y = 2 \n", false);
    put(&p, "-dash.py", "z = 3\t\n", false);
    std::fs::write(p.join("data.bin"), b"\x00\x01\x02 \n").unwrap();
    commit_all(&p);
    p
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let out = Command::new("git")
        .args(["ls-files", "-z"])
        .current_dir(dir)
        .output()
        .unwrap();
    out.stdout
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let rel = String::from_utf8_lossy(s).into_owned();
            let body = std::fs::read(dir.join(&rel)).unwrap_or_default();
            (rel, body)
        })
        .collect()
}

fn changed(before: &BTreeMap<String, Vec<u8>>, dir: &Path) -> BTreeSet<String> {
    tree(dir)
        .into_iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .map(|(k, _)| k)
        .collect()
}

fn fresh_copy(from: &Path, to: &Path) -> PathBuf {
    sh(
        to.parent().unwrap(),
        &[
            "git",
            "clone",
            "-q",
            from.to_str().unwrap(),
            to.to_str().unwrap(),
        ],
    );
    to.to_path_buf()
}

fn recorded(dir: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(dir.join("record.log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

struct Env {
    vars: Vec<(String, String)>,
}

impl Env {
    fn new(top: &Path) -> Env {
        let wheels = repo().join(".tools/wheels");
        assert!(
            wheels.is_dir(),
            "run scripts/setup-tools: .tools/wheels is missing"
        );
        let path = std::env::var_os("PATH").unwrap_or_default();
        // pip reads its index settings from the environment; uv would not.
        let without_uv =
            std::env::join_paths(std::env::split_paths(&path).filter(|d| !d.join("uv").exists()))
                .unwrap();
        let vars = [
            ("PATH", without_uv.to_string_lossy().into_owned()),
            ("PIP_NO_INDEX", "1".into()),
            ("PIP_FIND_LINKS", wheels.display().to_string()),
            (
                "PRE_COMMIT_HOME",
                top.join("pre-commit-home").display().to_string(),
            ),
            (
                "RUNGS_CACHE_DIR",
                top.join("rungs-cache").display().to_string(),
            ),
            ("RECORD_DIR", top.join("record").display().to_string()),
            ("NO_COLOR", "1".into()),
        ];
        std::fs::create_dir_all(top.join("record")).unwrap();
        Env {
            vars: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    fn pairs(&self) -> Vec<(&str, &str)> {
        self.vars
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    fn record_dir(&self) -> PathBuf {
        PathBuf::from(&self.vars.iter().find(|(k, _)| k == "RECORD_DIR").unwrap().1)
    }

    fn pre_commit(&self, dir: &Path, hook: &str) -> i32 {
        let mut cmd = Command::new("pre-commit");
        cmd.args(["run", hook, "--all-files"]).current_dir(dir);
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        let out = cmd
            .output()
            .expect("pre-commit is installed by scripts/setup-tools");
        out.status.code().unwrap_or(-1)
    }
}

const HOOKS: &[&str] = &[
    "add-eof-newline",
    "no-todo",
    "record",
    "strip-ws",
    "no-debugger",
    "no-fixme",
    "no-print",
    "no-tabs-md",
    "forbid-orig",
    "shebangs",
    "check-hooks-apply",
    "check-useless-excludes",
    "identity",
];

#[test]
fn rungs_and_pre_commit_agree_hook_by_hook() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let original = project(top);
    let env = Env::new(top);
    let before = tree(&original);

    // rungs, check mode: every hook at once, the project untouched.
    let checked = rungs_env(&original, &["check", "--format", "json"], &env.pairs());
    assert_eq!(
        changed(&before, &original),
        BTreeSet::new(),
        "check mode wrote files"
    );
    let json = checked.json();
    let ids: BTreeSet<&str> = json["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["check"].as_str())
        .collect();
    for hook in HOOKS {
        assert!(
            ids.contains(hook),
            "no check `{hook}` in {}\n{}",
            checked.stdout,
            checked.stderr
        );
    }
    assert!(!ids.contains("manual-only"), "a manual-stage hook ran");
    let rungs_record = recorded(&env.record_dir());

    for (n, hook) in HOOKS.iter().enumerate() {
        // pre-commit, one hook on a fresh copy.
        let record = env.record_dir();
        let _ = std::fs::remove_file(record.join("record.log"));
        let theirs = fresh_copy(&original, &top.join(format!("pc-{n}")));
        let code = env.pre_commit(&theirs, hook);
        let their_changes = changed(&before, &theirs);
        if *hook == "record" {
            assert_eq!(rungs_record, recorded(&record), "files `record` was given");
        }

        let result = checked.check(hook);
        let rungs_passed = result["outcome"] == "passed";
        eprintln!(
            "{hook}: rungs {} pre-commit {code} changes {their_changes:?}",
            result["outcome"]
        );
        assert_eq!(
            rungs_passed,
            code == 0,
            "`{hook}`: rungs says {}, pre-commit exited {code}\n{result:#}",
            result["outcome"]
        );
        // What rungs says a fixer would change is what pre-commit changed.
        let said: BTreeSet<String> = result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "modified")
            .filter_map(|f| f["path"].as_str().map(str::to_string))
            .collect();
        assert_eq!(said, their_changes, "`{hook}`: files a fixer changes");

        // rungs --fix, one hook on a fresh copy: the same files, byte for byte.
        let ours = fresh_copy(&original, &top.join(format!("rungs-{n}")));
        rungs_env(
            &ours,
            &["check", "--fix", "--only", hook, "--format", "json"],
            &env.pairs(),
        );
        let mine = tree(&ours);
        let after = tree(&theirs);
        assert_eq!(mine, after, "`{hook}`: the files after --fix");
    }
}

#[test]
fn a_warm_run_starts_no_hook_and_one_changed_file_reruns_only_it() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = project(top);
    let env = Env::new(top);
    let first = rungs_env(&p, &["check", "--format", "json"], &env.pairs());
    assert_eq!(first.code, 1, "{}", first.stderr);
    let record = env.record_dir().join("record.log");
    std::fs::remove_file(&record).unwrap();
    let warm = rungs_env(&p, &["check", "--format", "json"], &env.pairs());
    assert_eq!(warm.code, 1);
    assert!(!record.exists(), "a warm run started the `record` hook");
    let (a, b) = (first.json(), warm.json());
    for (one, two) in a["checks"]
        .as_array()
        .unwrap()
        .iter()
        .zip(b["checks"].as_array().unwrap())
    {
        assert_eq!(two["cached"], true, "{two:#}");
        assert_eq!(
            (&one["check"], &one["outcome"], &one["findings"]),
            (&two["check"], &two["outcome"], &two["findings"])
        );
    }
    put(&p, "app/util.py", "def f():\n    return 2\n", false);
    rungs_env(&p, &["check", "--format", "json"], &env.pairs());
    assert_eq!(
        recorded(&env.record_dir()),
        BTreeSet::from(["app/util.py".to_string()])
    );
}

/// git reaches no host here: every GitHub URL is sent to a folder that
/// does not exist, as on a runner that reaches only the package index.
const NO_GIT_HOST: [(&str, &str); 3] = [
    ("GIT_CONFIG_COUNT", "1"),
    ("GIT_CONFIG_KEY_0", "url.file:///nonexistent/.insteadOf"),
    ("GIT_CONFIG_VALUE_0", "https://github.com/"),
];

#[test]
fn a_well_known_repo_comes_from_its_package_when_git_cannot_fetch_it() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = new_repo(top, "p");
    put(
        &p,
        ".pre-commit-config.yaml",
        "repos:\n- repo: https://github.com/pre-commit/pre-commit-hooks\n  rev: 0123456789abcdef0123456789abcdef01234567  # frozen: v6.0.0\n  hooks:\n  - id: trailing-whitespace\n  - id: end-of-file-fixer\n  - id: check-yaml\n    language_version: python3.99\n- repo: https://github.com/example/unknown-hooks\n  rev: v1.0.0\n  hooks:\n  - id: whatever\n",
        false,
    );
    put(&p, "a.txt", "one  \ntwo", false);
    put(&p, "ok.yaml", "a: 1\n", false);
    put(&p, "bad.yaml", "a: [\n", false);
    commit_all(&p);
    let before = tree(&p);
    let env = Env::new(top);
    let mut vars = env.pairs();
    vars.extend(NO_GIT_HOST);

    let plan = rungs_env(&p, &["plan"], &vars);
    assert!(
        plan.stdout.contains("trailing-whitespace")
            && plan.stdout.contains("(frozen: v6.0.0)")
            && plan
                .stdout
                .contains("from PyPI pre-commit-hooks==6.0.0 (git host unreachable)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("CAN'T RUN")
            && plan
                .stdout
                .contains("https://github.com/example/unknown-hooks at v1.0.0"),
        "{}",
        plan.stdout
    );

    let run = rungs_env(&p, &["check", "--format", "json"], &vars);
    assert_eq!(
        run.code, 2,
        "a hook that can't be fetched is a config error\n{}",
        run.stderr
    );
    assert_eq!(
        changed(&before, &p),
        BTreeSet::new(),
        "check mode wrote files"
    );
    let modified = |id: &str| -> Vec<String> {
        run.check(id)["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["path"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(modified("trailing-whitespace"), ["a.txt"]);
    assert_eq!(modified("end-of-file-fixer"), ["a.txt"]);
    // An interpreter this machine lacks: the hook still runs, on python3.
    assert!(
        run.stderr.contains("check `check-yaml` asks for python3.99 (its language_version), which does not run here; its environment is made with python3"),
        "{}",
        run.stderr
    );
    assert_eq!(run.check("check-yaml")["outcome"], "failed");
    assert!(
        run.check("check-yaml")["output"]
            .as_str()
            .unwrap()
            .contains("bad.yaml"),
        "{}",
        run.check("check-yaml")
    );
    assert_eq!(run.check("whatever")["outcome"], "error");
    assert!(
        run.check("whatever")["problems"]
            .to_string()
            .contains("nor is it a repo rungs knows")
            || run.stdout.contains("nor is it a repo rungs knows"),
        "{}",
        run.stdout
    );

    let fixed = rungs_env(
        &p,
        &["check", "--fix", "--skip", "whatever", "--format", "json"],
        &vars,
    );
    assert_eq!(
        std::fs::read_to_string(p.join("a.txt")).unwrap(),
        "one\ntwo\n"
    );
    assert_eq!(fixed.check("trailing-whitespace")["outcome"], "passed");
}

#[test]
fn rungs_takes_the_place_of_pre_commits_own_hook_and_gives_it_back() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = project(top);
    let env = Env::new(top);
    let mut cmd = Command::new("pre-commit");
    cmd.arg("install").current_dir(&p).envs(env.pairs());
    assert!(cmd.output().unwrap().status.success());
    let theirs = std::fs::read(p.join(".git/hooks/pre-commit")).unwrap();

    let refused = rungs_env(&p, &["hook", "install"], &env.pairs());
    assert_eq!(refused.code, 2);
    assert!(
        refused.stderr.contains("is pre-commit's hook") && refused.stderr.contains("--replace"),
        "{}",
        refused.stderr
    );
    let replaced = rungs_env(&p, &["hook", "install", "--replace"], &env.pairs());
    assert_eq!(replaced.code, 0, "{}", replaced.stderr);

    // The commit hook runs the config's hooks on what is staged, and only that.
    put(
        &p,
        "app/util.py",
        "def f():\n    print(1)\n    return 1\n",
        false,
    );
    sh(&p, &["git", "add", "app/util.py"]);
    let mut commit = Command::new("git");
    commit
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "y",
        ])
        .current_dir(&p)
        .envs(env.pairs());
    let out = commit.output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the print was committed:\n{said}");
    assert!(
        said.contains("no-print") && said.contains("app/util.py:2"),
        "{said}"
    );
    assert!(
        !said.contains("app/main.py"),
        "a file that is not staged was checked:\n{said}"
    );
    // pre-commit's SKIP still works.
    let mut skipped = Command::new("git");
    skipped
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "y",
        ])
        .current_dir(&p)
        .envs(env.pairs())
        .env("SKIP", "no-print");
    let out = skipped.output().unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let gone = rungs_env(&p, &["hook", "uninstall"], &env.pairs());
    assert_eq!(gone.code, 0, "{}", gone.stderr);
    assert_eq!(
        std::fs::read(p.join(".git/hooks/pre-commit")).unwrap(),
        theirs
    );
}

#[test]
fn a_hook_that_does_a_roles_job_takes_the_role() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = new_repo(top, "p");
    put(
        &p,
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n\n[tool.isort]\nprofile = \"black\"\n",
        false,
    );
    put(
        &p,
        ".pre-commit-config.yaml",
        "repos:\n- repo: local\n  hooks:\n  - id: isort\n    name: isort\n    entry: isort\n    language: system\n    types: [python]\n",
        false,
    );
    put(&p, "app.py", "import sys\nimport os\n", false);
    commit_all(&p);
    let env = Env::new(top);
    let plan = rungs_env(&p, &["plan", "--format", "json"], &env.pairs());
    let json = plan.json();
    let checks = json["checks"].as_array().unwrap();
    let isort: Vec<&serde_json::Value> = checks.iter().filter(|c| c["id"] == "isort").collect();
    assert_eq!(isort.len(), 1, "isort runs once: {checks:#?}");
    assert_eq!(isort[0]["role"], "imports");
    let reason = isort[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("hook `isort` of local") && reason.contains("takes the role of imports"),
        "{reason}"
    );
    // The roles the config does not cover are still the ladder's.
    assert!(checks.iter().any(|c| c["role"] == "lint"), "{checks:#?}");

    let run = rungs_env(
        &p,
        &["check", "--only", "isort", "--format", "json"],
        &env.pairs(),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let isort = run.check("isort");
    assert_eq!(findings(&isort), ["app.py modified"]);
    assert!(
        isort["diff"]
            .as_str()
            .unwrap()
            .contains("+import os\n import sys"),
        "{isort:#}"
    );
    assert_eq!(
        std::fs::read_to_string(p.join("app.py")).unwrap(),
        "import sys\nimport os\n"
    );
}

#[test]
fn a_hook_answers_to_its_alias_and_a_verbose_one_shows_its_output() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = new_repo(top, "p");
    put(
        &p,
        ".pre-commit-config.yaml",
        "repos:\n- repo: local\n  hooks:\n  - id: say-files\n    alias: say\n    name: say the files\n    entry: echo checked\n    language: system\n    verbose: true\n  - id: quiet\n    name: quiet\n    entry: 'true'\n    language: system\n",
        false,
    );
    put(&p, "a.txt", "a\n", false);
    commit_all(&p);
    let env = Env::new(top);
    let run = rungs_env(&p, &["check", "--only", "say"], &env.pairs());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("say-files"), "{}", run.stdout);
    assert!(!run.stdout.contains("quiet"), "{}", run.stdout);
    // Each batch's words, as it ran (rungs may split the files in batches).
    for file in [".pre-commit-config.yaml", "a.txt"] {
        let said = run
            .stdout
            .lines()
            .any(|l| l.starts_with("    | checked ") && l.contains(file));
        assert!(said, "{}", run.stdout);
    }
}

#[test]
fn default_install_hook_types_installs_the_pre_push_hook_and_its_hooks_run_on_push() {
    let top = tempfile::tempdir().unwrap();
    let top = top.path();
    let p = new_repo(top, "p");
    put(
        &p,
        ".pre-commit-config.yaml",
        "default_install_hook_types: [pre-commit, pre-push, commit-msg]\nrepos:\n- repo: local\n  hooks:\n  - id: no-push\n    name: never pushed\n    entry: this file may not be pushed\n    language: fail\n    files: \\.secret$\n    stages: [pre-push]\n",
        false,
    );
    put(&p, "a.txt", "a\n", false);
    commit_all(&p);
    let env = Env::new(top);
    let installed = rungs_env(&p, &["hook", "install"], &env.pairs());
    assert_eq!(installed.code, 0, "{}", installed.stderr);
    assert!(p.join(".git/hooks/pre-commit").is_file() && p.join(".git/hooks/pre-push").is_file());
    assert!(
        installed.stderr.contains("commit-msg"),
        "{}",
        installed.stderr
    );
    let plan = rungs_env(&p, &["plan"], &env.pairs());
    assert!(
        plan.stdout.contains("hook `no-push` runs at pre-push only"),
        "{}",
        plan.stdout
    );

    let remote = top.join("remote.git");
    sh(
        top,
        &["git", "init", "-q", "--bare", remote.to_str().unwrap()],
    );
    git(&p, &["remote", "add", "origin", remote.to_str().unwrap()]);
    put(&p, "key.secret", "hunter2\n", false);
    git(&p, &["add", "key.secret"]);
    let mut commit = git_command(&p, &["commit", "-qm", "secret"]);
    assert!(
        commit.envs(env.pairs()).output().unwrap().status.success(),
        "the commit hook lets it pass"
    );
    let mut push = git_command(&p, &["push", "-q", "origin", "main"]);
    let out = push.envs(env.pairs()).output().unwrap();
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the push went through:\n{said}");
    assert!(
        said.contains("this file may not be pushed") && said.contains("key.secret"),
        "{said}"
    );
}
