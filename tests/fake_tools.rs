//! What real tools can't do on demand: hang, crash, print garbage or too much.
//! Tiny scripts stand in for them, as checks defined in the project's config.

mod common;
use common::*;
use std::time::{Duration, Instant};

fn project(check_toml: &str, script: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "x = 1\n");
    executable(dir.path(), "tool.sh", script);
    write(
        dir.path(),
        "rungs.toml",
        &format!(
            "stacks = []\n[checks.fake]\nkind = \"lint\"\ncommand = [\"./tool.sh\"]\nfiles = [\"**/*.py\"]\n{check_toml}"
        ),
    );
    dir
}

#[test]
fn a_hanging_tool_is_killed_with_its_children_and_the_run_goes_on() {
    let dir = project(
        "timeout = 1\n",
        "#!/bin/sh\nsleep 300 &\necho $! > child.pid\nsleep 300\n",
    );
    let start = Instant::now();
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert_eq!(run.code, 1);
    let fake = run.check("fake");
    assert_eq!(fake["outcome"], "timed-out");
    assert_eq!(fake["problems"][0], "killed after the timeout of 1s");
    let pid = std::fs::read_to_string(dir.path().join("child.pid")).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let alive = std::path::Path::new(&format!("/proc/{}", pid.trim())).exists()
        && !std::fs::read_to_string(format!("/proc/{}/stat", pid.trim()))
            .unwrap_or_default()
            .contains(") Z ");
    assert!(!alive, "the tool's child survived the timeout");
}

#[test]
fn a_crashing_tool_is_an_error_not_a_pass() {
    let dir = project("", "#!/bin/sh\necho about to crash\nkill -SEGV $$\n");
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let fake = run.check("fake");
    assert_eq!(fake["outcome"], "error");
    // What it last said comes along: the reason, where it gave one.
    assert_eq!(
        fake["problems"][0],
        "`./tool.sh` was killed by signal 11: about to crash"
    );
}

#[test]
fn garbage_instead_of_json_never_passes() {
    let dir = project(
        "parser = \"ruff-json\"\n",
        "#!/bin/sh\necho 'Traceback: not json at all'\nexit 0\n",
    );
    let run = rungs(dir.path(), &["check"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    assert!(run.stdout.contains("! fake"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("ruff's output is not the JSON expected"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| Traceback: not json at all"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_exit_code_is_an_error_with_the_output_shown() {
    let dir = project(
        "",
        "#!/bin/sh\necho 'config error: bad option' >&2\nexit 2\n",
    );
    let run = rungs(dir.path(), &["check"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("exited with code 2, which it does not use for findings (expected 0, 1): config error: bad option"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("| config error: bad option"),
        "{}",
        run.stdout
    );
}

#[test]
fn huge_output_is_drained_and_reported_not_deadlocked() {
    let dir = project(
        "parser = \"ruff-json\"\n",
        "#!/bin/sh\nhead -c 40000000 /dev/zero | tr '\\0' 'x'\nexit 0\n",
    );
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let fake = run.check("fake");
    assert_eq!(fake["outcome"], "error");
    assert!(
        fake["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("the output was too large to read")
    );
}

#[test]
fn file_names_with_spaces_newlines_unicode_and_leading_dashes_are_passed_safely() {
    if !require(&["ruff"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"odd\"\nversion = \"0\"\n\n[tool.ruff]\n",
    );
    for name in ["a b.py", "-rf.py", "new\nline.py", "ünï.py"] {
        write(dir.path(), name, "import os\n");
    }
    let run = rungs(dir.path(), &["check", "--only", "ruff", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let mut got = findings(&run.check("ruff"));
    got.sort();
    assert_eq!(
        got,
        [
            "-rf.py:1:8 F401",
            "a b.py:1:8 F401",
            "new\nline.py:1:8 F401",
            "ünï.py:1:8 F401"
        ]
    );
    // Nothing happened to the files.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("-rf.py")).unwrap(),
        "import os\n"
    );
}

#[test]
fn ctrl_c_stops_the_children_and_exits_130() {
    let dir = project("", "#!/bin/sh\necho $$ > tool.pid\nsleep 300\n");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rungs"))
        .arg("check")
        .current_dir(dir.path())
        .env("RUNGS_CACHE_DIR", dir.path().join(".cache"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let pid_file = dir.path().join("tool.pid");
    let start = Instant::now();
    while !pid_file.exists() && start.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(100));
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let pid = std::fs::read_to_string(&pid_file).unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid.trim())).unwrap_or_default();
    assert!(
        stat.is_empty() || stat.contains(") Z "),
        "the tool survived Ctrl-C: {stat}"
    );
}

#[test]
fn a_missing_python_tool_is_installed_from_its_pin_into_the_cache_once() {
    // Offline: pip reads its index settings from the environment, and the
    // wheel comes from the folder scripts/setup-tools filled.
    let wheels = repo().join(".tools/wheels");
    if !wheels.is_dir() {
        assert!(
            std::env::var_os("RUNGS_TEST_REQUIRE_TOOLS").is_none(),
            "run scripts/setup-tools"
        );
        return;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let without_ruff = std::env::join_paths(
        std::env::split_paths(&path).filter(|d| !d.join("ruff").exists() && !d.join("uv").exists()),
    )
    .unwrap();
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"p\"\nversion = \"0\"\n\n[tool.ruff]\n",
    );
    write(dir.path(), "app.py", "import os\n");
    let env = [
        ("PATH", without_ruff.to_str().unwrap()),
        ("RUNGS_CACHE_DIR", cache.path().to_str().unwrap()),
        ("PIP_NO_INDEX", "1"),
        ("PIP_FIND_LINKS", wheels.to_str().unwrap()),
    ];
    let run = rungs_env(
        dir.path(),
        &["check", "--only", "ruff", "--format", "json"],
        &env,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("rungs: installing ruff==0.17.6 for check `ruff`"),
        "{}",
        run.stderr
    );
    assert_eq!(findings(&run.check("ruff")), ["app.py:1:8 F401"]);
    assert!(cache.path().join("CACHEDIR.TAG").is_file());

    let again = rungs_env(
        dir.path(),
        &["check", "--only", "ruff", "--format", "json"],
        &env,
    );
    assert_eq!(again.code, 1);
    assert!(
        !again.stderr.contains("installing"),
        "installed twice: {}",
        again.stderr
    );

    let empty = tempfile::tempdir().unwrap();
    let offline = rungs_env(
        dir.path(),
        &["check", "--only", "ruff", "--no-install"],
        &[env[0], ("RUNGS_CACHE_DIR", empty.path().to_str().unwrap())],
    );
    assert_eq!(offline.code, 2);
    assert!(
        offline
            .stderr
            .contains("check `ruff` needs `ruff`, which was not found"),
        "{}",
        offline.stderr
    );
    assert!(
        offline
            .stderr
            .contains("hint: install it in the project's environment: pip install ruff==0.17.6"),
        "{}",
        offline.stderr
    );
}

/// The batches a check's files were run in: one sorted line of names per
/// tool start.
fn batches(dir: &std::path::Path) -> Vec<String> {
    let log = std::fs::read_to_string(dir.join("calls.log")).unwrap();
    let mut calls: Vec<String> = log
        .lines()
        .map(|l| {
            let mut names: Vec<&str> = l.split_whitespace().collect();
            names.sort();
            names.join(" ")
        })
        .collect();
    calls.sort();
    calls
}

#[test]
fn files_are_split_across_workers_only_when_it_pays_and_then_by_size() {
    let script = "#!/bin/sh\nprintf '%s\\n' \"$*\" >> calls.log\n";
    let setup = |check_toml: &str| {
        let dir = project(check_toml, script);
        // Two big files that sort together, as a tests/ folder does.
        for (name, kb) in [
            ("a1.py", 1),
            ("a2.py", 1),
            ("a3.py", 1),
            ("z1.py", 60),
            ("z2.py", 60),
        ] {
            write(dir.path(), name, &"x = 1\n".repeat(kb * 170));
        }
        dir
    };
    // Cheap work: one start, not one per worker.
    let cheap = setup("expected-seconds = 0.001\n");
    let run = rungs(cheap.path(), &["check", "--jobs", "2", "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        batches(cheap.path()),
        ["a1.py a2.py a3.py app.py z1.py z2.py"]
    );
    // Costly work: two batches, each with one of the big files.
    let costly = setup("expected-seconds = 1\n");
    let run = rungs(costly.path(), &["check", "--jobs", "2", "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        batches(costly.path()),
        ["a1.py a3.py z1.py", "a2.py app.py z2.py"]
    );
    // Unknown cost (no estimate, nothing recorded): split, as before.
    let unknown = setup("");
    let run = rungs(unknown.path(), &["check", "--jobs", "2", "--no-cache"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(batches(unknown.path()).len(), 2);
}

#[test]
fn a_pin_that_cannot_be_installed_is_said_again_at_once_not_retried_every_run() {
    // A check pinned to a version the index does not have (tox-ini-fmt
    // 1.10.2 in a real project's hooks): offline, an empty index.
    let empty_index = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let dir = project(
        r#"[checks.fmt]
kind = "format"
command = ["tox-ini-fmt"]
files = ["**/*.ini"]
install = { pypi = ["tox-ini-fmt==1.10.2"] }
"#,
        "",
    );
    write(dir.path(), "tox.ini", "[tox]\n");
    let env = [
        ("RUNGS_CACHE_DIR", cache.path().to_str().unwrap()),
        ("PIP_NO_INDEX", "1"),
        ("PIP_FIND_LINKS", empty_index.path().to_str().unwrap()),
    ];
    let first = rungs_env(dir.path(), &["check", "--only", "fmt"], &env);
    assert_eq!(first.code, 2, "{}\n{}", first.stdout, first.stderr);
    assert!(
        first.stderr.contains("installing tox-ini-fmt==1.10.2"),
        "{}",
        first.stderr
    );
    assert!(
        first.stderr.contains("No matching distribution"),
        "{}",
        first.stderr
    );
    let again = rungs_env(dir.path(), &["check", "--only", "fmt"], &env);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        !again.stderr.contains("installing"),
        "tried again: {}",
        again.stderr
    );
    assert!(
        again.stderr.contains("it failed") && again.stderr.contains("No matching distribution"),
        "the reason is said again: {}",
        again.stderr
    );
    // `rungs cache clear` forgets it: the next run tries again.
    let clear = rungs_env(dir.path(), &["cache", "clear"], &env);
    assert_eq!(clear.code, 0, "{}", clear.stderr);
    let after = rungs_env(dir.path(), &["check", "--only", "fmt"], &env);
    assert!(after.stderr.contains("installing"), "{}", after.stderr);
}

#[test]
fn a_tool_that_dies_of_an_exception_is_an_error_that_names_it() {
    // A mypy plug-in that can't find its settings, a hook's bug: exit 1 (the
    // findings code) with a traceback and nothing else.
    let dir = project(
        "",
        "#!/bin/sh\ncat >&2 <<'TB'\nTraceback (most recent call last):\n  File \"/x/plugin.py\", line 3, in <module>\n    settings.configure()\ndjango.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS, but settings are not configured.\nTB\nexit 1\n",
    );
    let run = rungs(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stdout);
    let fake = run.check("fake");
    assert_eq!(fake["outcome"], "error", "{fake:#}");
    let problem = fake["problems"][0].as_str().unwrap();
    assert!(
        problem.contains(
            "crashed: django.core.exceptions.ImproperlyConfigured: Requested setting INSTALLED_APPS"
        ),
        "{problem}"
    );
    let text = rungs(dir.path(), &["check"]);
    assert!(
        text.stdout.contains("ImproperlyConfigured"),
        "{}",
        text.stdout
    );
}
