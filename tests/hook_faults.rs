//! Fault injection: the hook is killed (SIGKILL) or interrupted (SIGINT, once
//! or twice) at many points; the next rungs command of any kind must leave the
//! working tree, the index and untracked files exactly as they were before the
//! commit attempt, or exactly as a finished hook leaves them.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every file in the work tree (tracked or not) and the index's entries.
fn snapshot(dir: &Path) -> (BTreeMap<String, Vec<u8>>, Vec<u8>) {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == ".git") {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    (files, git_bytes(dir, &["ls-files", "-s", "--", "."]))
}

/// A repository mid-commit: two fully staged files a formatter will fix, one
/// partially staged file whose fix merges with its unstaged change, an
/// untracked file, and a slow check that widens the window.
fn template() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    write(
        p,
        "pyproject.toml",
        "[project]\nname = \"faults\"\nversion = \"0\"\n",
    );
    write(
        p,
        "rungs.toml",
        "[checks.slow]\nkind = \"lint\"\ncommand = [\"./slow\"]\nfiles = [\"**/*.py\"]\nstages = [\"commit\"]\n",
    );
    executable(p, "slow", "#!/bin/sh\nsleep 0.05\n");
    let body = "\"\"\"M.\"\"\"\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2\n";
    for name in ["a.py", "b.py", "c.py"] {
        write(p, name, body);
    }
    git_bytes(p, &["init", "-q", "-b", "main"]);
    git_bytes(p, &["add", "-A"]);
    git_bytes(p, &["commit", "-q", "-m", "start"]);
    write(p, "a.py", &body.replace("return 1", "return  1"));
    write(p, "b.py", &body.replace("return 2", "return  2"));
    write(p, "c.py", &body.replace("return 1", "return  1"));
    git_bytes(p, &["add", "a.py", "b.py", "c.py"]);
    // c.py: unstaged work far from the line the formatter fixes.
    write(
        p,
        "c.py",
        &body
            .replace("return 1", "return  1")
            .replace("return 2", "return 2  # unstaged"),
    );
    write(p, "notes.txt", "untracked, never touched\n");
    dir
}

fn copy_repo(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    let ok = Command::new("cp")
        .arg("-a")
        .arg(format!("{}/.", from.display()))
        .arg(to.path())
        .status()
        .unwrap();
    assert!(ok.success());
    to
}

fn hook(dir: &Path, cache: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_rungs"))
        .args(["hook", "run"])
        .current_dir(dir)
        .env("RUNGS_CACHE_DIR", cache)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

#[test]
fn killing_or_interrupting_the_hook_anywhere_loses_nothing() {
    if !require(&["ruff"]) {
        return;
    }
    let template = template();
    let before = snapshot(template.path());

    // The state a finished hook leaves, and how long it takes.
    let done = copy_repo(template.path());
    let cache = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let status = hook(done.path(), cache.path()).wait().unwrap();
    let full = start.elapsed();
    assert_eq!(
        status.code(),
        Some(1),
        "the formatter's fixes stop the commit"
    );
    let finished = snapshot(done.path());
    assert_ne!(finished.0, before.0, "the hook fixes files");
    assert_eq!(finished.1, before.1, "the hook never touches the index");
    assert_eq!(
        finished.0["c.py"],
        b"\"\"\"M.\"\"\"\n\n\ndef a():\n    return 1\n\n\ndef b():\n    return 2  # unstaged\n"
    );

    let mut rng: u64 = 0x0bad_c0de;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let window = full.as_micros() as u64 * 11 / 10;
    let (mut as_before, mut as_finished) = (0, 0);
    // scripts/hook-faults runs many more, under a CPU hog.
    let trials: u32 = std::env::var("RUNGS_FAULT_TRIALS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    for trial in 0..trials {
        let repo = copy_repo(template.path());
        // Half the trials start cold (tools run), half warm (results cached).
        let trial_cache = if trial % 2 == 0 {
            tempfile::tempdir().unwrap()
        } else {
            tempfile::tempdir_in(cache.path()).unwrap()
        };
        let cache_path = if trial % 2 == 0 {
            trial_cache.path()
        } else {
            cache.path()
        };
        let mut child = hook(repo.path(), cache_path);
        let delay = Duration::from_micros(next(window));
        std::thread::sleep(delay);
        let how = next(3);
        let pid = child.id() as i32;
        unsafe {
            match how {
                0 => libc::kill(pid, libc::SIGKILL),
                1 => libc::kill(pid, libc::SIGINT),
                _ => {
                    libc::kill(pid, libc::SIGINT);
                    std::thread::sleep(Duration::from_millis(2));
                    libc::kill(pid, libc::SIGINT)
                }
            };
        }
        let _ = child.wait();
        // Any rungs command finishes what the killed one left.
        let after_cmd = rungs_env(
            repo.path(),
            &["plan"],
            &[("RUNGS_CACHE_DIR", cache_path.to_str().unwrap())],
        );
        assert_eq!(after_cmd.code, 0, "trial {trial}: {}", after_cmd.stderr);
        let now = snapshot(repo.path());
        if trial > 0 && trial % 250 == 0 {
            eprintln!("{trial} trials: {as_before} as before, {as_finished} as finished");
        }
        if now == before {
            as_before += 1;
        } else if now == finished {
            as_finished += 1;
        } else {
            let changed: Vec<&String> = now
                .0
                .keys()
                .filter(|k| now.0.get(*k) != before.0.get(*k))
                .collect();
            panic!(
                "trial {trial} (signal kind {how}, after {delay:?}): files differ from both states: {changed:?}; index same: {}",
                now.1 == before.1
            );
        }
    }
    eprintln!(
        "{trials} trials: {as_before} left as before, {as_finished} as a finished hook leaves them"
    );
    // How many land before the fixes depends on the machine's load; some must.
    assert!(
        as_before > 0,
        "no interruption landed before the fixes were written"
    );
}

#[test]
fn a_crash_between_the_fixes_writes_is_undone_by_the_next_command() {
    if !require(&["ruff"]) {
        return;
    }
    let template = template();
    let before = snapshot(template.path());
    // "N": killed before the Nth write; "N+": killed with its temp file
    // written but not yet renamed into place.
    for writes in ["0", "1", "2", "0+", "1+", "2+"] {
        let repo = copy_repo(template.path());
        let cache = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_rungs"))
            .args(["hook", "run"])
            .current_dir(repo.path())
            .env("RUNGS_CACHE_DIR", cache.path())
            .env("RUNGS_FAILPOINT_FIX_WRITES", writes)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.code().is_none(), "the failpoint kills rungs mid-fix");
        let after = rungs_env(
            repo.path(),
            &["cache", "stats"],
            &[("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())],
        );
        if !writes.starts_with('0') {
            assert!(
                after
                    .stderr
                    .contains("an interrupted hook was fixing files; put back as they were"),
                "{}",
                after.stderr
            );
        }
        assert_eq!(snapshot(repo.path()), before, "after {writes} writes");
        let again = rungs_env(repo.path(), &["hook", "recover"], &[]);
        assert_eq!(again.stdout, "nothing to recover\n");
    }
}

#[test]
fn recovery_never_overwrites_an_edit_made_after_the_crash() {
    if !require(&["ruff"]) {
        return;
    }
    let template = template();
    let repo = copy_repo(template.path());
    let cache = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_rungs"))
        .args(["hook", "run"])
        .current_dir(repo.path())
        .env("RUNGS_CACHE_DIR", cache.path())
        .env("RUNGS_FAILPOINT_FIX_WRITES", "2")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    write(repo.path(), "a.py", "# edited after the crash\n");
    let recover = rungs_env(repo.path(), &["hook", "recover"], &[]);
    assert_eq!(recover.code, 0);
    assert_eq!(
        std::fs::read_to_string(repo.path().join("a.py")).unwrap(),
        "# edited after the crash\n"
    );
    assert!(recover.stderr.contains("a.py changed after an interrupted hook; left as it is. Its earlier content: git cat-file blob"), "{}", recover.stderr);
    let blob = recover
        .stderr
        .split("git cat-file blob ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let original = git_bytes(repo.path(), &["cat-file", "blob", &blob]);
    assert_eq!(
        original,
        std::fs::read(template.path().join("a.py")).unwrap()
    );
}

#[test]
fn ctrl_c_while_a_fixer_runs_writes_no_fix_at_all() {
    if !require(&["ruff"]) {
        return;
    }
    // Under load, a Ctrl-C landed while the second of three fixers ran: it
    // was killed, the first file's fix was carried to the working tree and
    // the others not (the fault harness under a CPU hog: "files differ from
    // both states"). A ruff that takes its time, as under load, and a Ctrl-C
    // as the Nth fixer starts: nothing may be written.
    let real = std::env::split_paths(&std::env::var_os("PATH").unwrap())
        .map(|d| d.join("ruff"))
        .find(|p| p.is_file())
        .unwrap();
    let shim = tempfile::tempdir().unwrap();
    executable(
        shim.path(),
        "ruff",
        &format!("#!/bin/sh\nsleep 0.3\nexec '{}' \"$@\"\n", real.display()),
    );
    let path = std::env::join_paths(
        std::iter::once(shim.path().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let template = template();
    let before = snapshot(template.path());
    for nth in ["1", "2"] {
        let repo = copy_repo(template.path());
        let cache = tempfile::tempdir().unwrap();
        let status = Command::new(env!("CARGO_BIN_EXE_rungs"))
            .args(["hook", "run"])
            .current_dir(repo.path())
            .env("PATH", &path)
            .env("RUNGS_CACHE_DIR", cache.path())
            .env("RUNGS_FAILPOINT_FIX_JOBS", nth)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(130), "interrupted as fixer {nth} ran");
        let now = snapshot(repo.path());
        let changed: Vec<&String> = now
            .0
            .keys()
            .filter(|k| now.0.get(*k) != before.0.get(*k))
            .collect();
        assert!(
            changed.is_empty(),
            "interrupted as fixer {nth} ran: {changed:?} changed"
        );
        assert_eq!(now.1, before.1, "the index is untouched");
    }
}
