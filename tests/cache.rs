//! The result cache: unchanged inputs are never checked twice, and the cache
//! can never turn a failure into a pass.

mod common;
use common::*;
use std::path::Path;

/// A fake linter that logs the files it was given and flags lines by token:
/// BAD always; WARN from version 2; MEH when its config says strict; LOUD when
/// MODE=loud; EMPTYMODE when MODE is set but empty.
fn tool_script(version: u32) -> String {
    format!(
        r#"#!/bin/sh
if [ "$1" = "--version" ]; then echo "fakelint {version}"; exit 0; fi
for f in "$@"; do printf '%s\n' "$f" >> "$FAKE_LOG"; done
status=0
for f in "$@"; do
  tokens="BAD"
  [ {version} -ge 2 ] && tokens="$tokens WARN"
  grep -q strict tool.cfg 2>/dev/null && tokens="$tokens MEH"
  [ "${{MODE-unset}}" = loud ] && tokens="$tokens LOUD"
  if [ -n "${{MODE+set}}" ] && [ -z "$MODE" ]; then tokens="$tokens EMPTYMODE"; fi
  for t in $tokens; do
    grep -n "$t" "$f" | while IFS=: read -r line rest; do echo "$f:$line:1: X-$t found $t"; done
    grep -q "$t" "$f" && status=1
  done
done
exit $status
"#
    )
}

const CONFIG: &str = r#"stacks = []
[checks.fake]
kind = "lint"
command = ["./fakelint"]
version = ["./fakelint", "--version"]
files = ["**/*.py"]
config = ["tool.cfg"]
env = ["MODE"]
parser = "regex"
pattern = '^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<rule>\S+) (?P<message>.*)$'
"#;

struct Fake {
    dir: tempfile::TempDir,
    log: tempfile::NamedTempFile,
    cache: tempfile::TempDir,
}

impl Fake {
    fn new() -> Fake {
        let dir = tempfile::tempdir().unwrap();
        executable(dir.path(), "fakelint", &tool_script(1));
        write(dir.path(), "rungs.toml", CONFIG);
        write(dir.path(), "tool.cfg", "lenient\n");
        for i in 0..6 {
            write(dir.path(), &format!("pkg/m{i}.py"), &format!("x = {i}\n"));
        }
        Fake {
            dir,
            log: tempfile::NamedTempFile::new().unwrap(),
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn run_in(&self, dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Run {
        let mut args = vec!["check", "-j", "2"];
        if !extra.contains(&"--format") {
            args.extend(["--format", "json"]);
        }
        args.extend_from_slice(extra);
        let mut all = vec![
            ("FAKE_LOG", self.log.path().to_str().unwrap()),
            ("RUNGS_CACHE_DIR", self.cache.path().to_str().unwrap()),
        ];
        all.extend_from_slice(env);
        rungs_env(dir, &args, &all)
    }

    fn run(&self) -> Run {
        self.run_in(self.dir.path(), &[], &[])
    }

    /// Files the tool was given since the last call.
    fn checked(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.log.path()).unwrap();
        std::fs::write(self.log.path(), "").unwrap();
        let mut files: Vec<String> = text.lines().map(str::to_string).collect();
        files.sort();
        files
    }
}

fn summary(run: &Run) -> (i32, Vec<String>) {
    let mut found = findings(&run.check("fake"));
    found.sort();
    (run.code, found)
}

#[test]
fn an_unchanged_project_replays_without_running_the_tool() {
    let fake = Fake::new();
    write(fake.dir.path(), "pkg/m1.py", "x = BAD\n");
    let first = fake.run();
    assert_eq!(first.code, 1, "{}", first.stderr);
    assert_eq!(fake.checked().len(), 6);
    let second = fake.run();
    assert_eq!(fake.checked(), Vec::<String>::new(), "the tool ran again");
    assert_eq!(summary(&first), summary(&second));
    assert_eq!(second.check("fake")["cached"], true);
    assert_eq!(
        second.check("fake")["seconds"],
        first.check("fake")["seconds"]
    );
    let text = fake.run_in(fake.dir.path(), &["--format", "text"], &[]);
    assert!(
        text.stdout.contains("✘ fake") && text.stdout.contains("(cached)"),
        "{}",
        text.stdout
    );
}

#[test]
fn one_changed_file_rechecks_only_that_file() {
    let fake = Fake::new();
    fake.run();
    fake.checked();
    write(fake.dir.path(), "pkg/m3.py", "y = BAD\n");
    let run = fake.run();
    assert_eq!(fake.checked(), ["pkg/m3.py"]);
    assert_eq!(summary(&run), (1, vec!["pkg/m3.py:1:1 X-BAD".to_string()]));
    assert_eq!(run.check("fake")["files"], 6);
}

#[test]
fn a_fresh_clone_with_new_mtimes_still_hits() {
    let fake = Fake::new();
    let first = fake.run();
    fake.checked();
    let clone = tempfile::tempdir().unwrap();
    copy_dir(fake.dir.path(), clone.path());
    executable(clone.path(), "fakelint", &tool_script(1));
    let second = fake.run_in(clone.path(), &[], &[]);
    assert_eq!(fake.checked(), Vec::<String>::new());
    assert_eq!(summary(&first), summary(&second));
}

#[test]
fn a_change_within_the_same_second_with_the_same_size_and_mtime_misses() {
    let fake = Fake::new();
    let path = fake.dir.path().join("pkg/m2.py");
    std::fs::write(&path, "x = OK\n").unwrap();
    let mtime = std::fs::metadata(&path).unwrap().modified().unwrap();
    assert_eq!(fake.run().code, 0);
    fake.checked();
    std::fs::write(&path, "x = BAD\n").unwrap();
    let f = std::fs::File::options().write(true).open(&path).unwrap();
    f.set_modified(mtime).unwrap();
    let run = fake.run();
    assert_eq!(fake.checked(), ["pkg/m2.py"]);
    assert_eq!(run.code, 1);
}

/// Every stored result: whole-set entries under `results/`, and the per-file
/// tables of file-level checks under `projects/*/files/CHECK/`.
fn stored(cache: &Path) -> Vec<std::path::PathBuf> {
    let mut all = walk(&cache.join("results"));
    all.extend(walk(&cache.join("projects")).into_iter().filter(|p| {
        p.ancestors()
            .any(|d| d.file_name().is_some_and(|n| n == "files"))
    }));
    all
}

/// A result rewritten as a pass (no findings) under another key.
fn forge(entry: &mut serde_json::Value) {
    entry["outcome"] = "passed".into();
    entry["findings"] = serde_json::json!([]);
    entry["key"] = "0".repeat(64).into();
}

#[test]
fn a_truncated_or_garbled_entry_is_a_miss_never_a_pass() {
    for truncate in [true, false] {
        let fake = Fake::new();
        write(fake.dir.path(), "pkg/m4.py", "BAD\n");
        let first = fake.run();
        fake.checked();
        let files = stored(fake.cache.path());
        assert!(
            files.len() >= 2,
            "a whole-set entry and a per-file table: {files:?}"
        );
        for path in files {
            let text = std::fs::read(&path).unwrap();
            if truncate {
                std::fs::write(&path, &text[..text.len() / 2]).unwrap();
                continue;
            }
            let mut json: serde_json::Value = serde_json::from_slice(&text).unwrap();
            match json.as_object_mut() {
                Some(map) if map.contains_key("outcome") => forge(&mut json),
                Some(map) => map.values_mut().for_each(forge),
                None => panic!("unexpected entry {path:?}"),
            }
            std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
        }
        let second = fake.run();
        assert_eq!(summary(&first), summary(&second), "truncated: {truncate}");
        assert_eq!(
            fake.checked().len(),
            6,
            "garbled entries must be misses (truncated: {truncate})"
        );
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn no_cache_runs_everything_and_stores_nothing() {
    let fake = Fake::new();
    fake.run_in(fake.dir.path(), &["--no-cache"], &[]);
    assert_eq!(fake.checked().len(), 6);
    assert!(!fake.cache.path().join("results").exists());
    let cached = fake.run();
    assert_eq!(
        fake.checked().len(),
        6,
        "nothing was stored, so everything runs"
    );
    assert_eq!(cached.check("fake")["cached"], false);
}

#[test]
fn cache_stats_prune_and_clear() {
    let fake = Fake::new();
    fake.run();
    let env = [("RUNGS_CACHE_DIR", fake.cache.path().to_str().unwrap())];
    let stats = rungs_env(fake.dir.path(), &["cache", "stats"], &env);
    assert_eq!(stats.code, 0);
    assert!(
        stats.stdout.contains("results   1 files"),
        "{}",
        stats.stdout
    );
    assert!(fake.cache.path().join("CACHEDIR.TAG").is_file());
    let prune = rungs_env(
        fake.dir.path(),
        &["cache", "prune", "--older-than", "1d"],
        &env,
    );
    assert!(
        prune.stdout.starts_with("removed 0 results"),
        "{}",
        prune.stdout
    );
    let clear = rungs_env(fake.dir.path(), &["cache", "clear"], &env);
    assert_eq!(clear.code, 0);
    assert!(!fake.cache.path().join("results").exists());
    let bad = rungs_env(
        fake.dir.path(),
        &["cache", "prune", "--older-than", "soon"],
        &env,
    );
    assert_eq!(bad.code, 2);
}

/// The cache never changes a verdict: after every random edit, a cached run's
/// findings and exit code equal an uncached run's.
#[test]
fn randomized_edits_never_make_the_cached_verdict_differ() {
    let fake = Fake::new();
    let root = fake.dir.path();
    let tokens = [
        "x = 1",
        "BAD",
        "WARN",
        "MEH",
        "LOUD",
        "EMPTYMODE",
        "BAD WARN",
    ];
    let mut rng: u64 = 0x5eed_2026;
    let mut next = |n: u64| {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng % n
    };
    let mut previous: Vec<(String, String)> = Vec::new();
    let mut mode: Option<&str> = None;
    for step in 0..200 {
        let file = format!("pkg/m{}.py", next(6));
        let what = next(7);
        match what {
            0 | 1 => {
                let old = std::fs::read_to_string(root.join(&file)).unwrap();
                previous.push((file.clone(), old));
                write(
                    root,
                    &file,
                    &format!("{}\n", tokens[next(tokens.len() as u64) as usize]),
                );
            }
            2 => {
                if let Some((f, text)) = previous.pop() {
                    write(root, &f, &text);
                }
            }
            3 => {
                let f = std::fs::File::options()
                    .write(true)
                    .open(root.join(&file))
                    .unwrap();
                f.set_modified(std::time::SystemTime::now()).unwrap();
            }
            4 => write(
                root,
                "tool.cfg",
                if next(2) == 0 {
                    "strict\n"
                } else {
                    "lenient\n"
                },
            ),
            5 => mode = [None, Some(""), Some("loud")][next(3) as usize],
            _ => executable(root, "fakelint", &tool_script(1 + next(2) as u32)),
        }
        let env: Vec<(&str, &str)> = mode.map(|m| vec![("MODE", m)]).unwrap_or_default();
        let cached = fake.run_in(root, &[], &env);
        let fresh = fake.run_in(root, &["--no-cache"], &env);
        assert_eq!(
            summary(&cached),
            summary(&fresh),
            "step {step} (edit kind {what}) changed the verdict"
        );
    }
}

#[test]
fn job_folders_live_in_the_cache_and_those_of_dead_processes_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app.py", "x = 1\n");
    // The fake tool says where its job folder is.
    executable(dir.path(), "tool.sh", "#!/bin/sh\necho \"$1\" > out.txt\n");
    write(
        dir.path(),
        "rungs.toml",
        "stacks = []\n[checks.fake]\nkind = \"lint\"\ncommand = [\"./tool.sh\", \"{out}\"]\nfiles = [\"**/*.py\"]\n",
    );
    let cache = tempfile::tempdir().unwrap();
    let jobs = cache.path().join("jobs");
    std::fs::create_dir_all(&jobs).unwrap();
    // A process that has exited: its pid names no process any more.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let dead_dir = jobs.join(format!("{dead}-killed"));
    std::fs::create_dir_all(&dead_dir).unwrap();
    std::fs::write(dead_dir.join("junit.xml"), "<left behind/>").unwrap();
    // This test's own process is alive: its folder stays.
    let live = format!("{}-running", std::process::id());
    std::fs::create_dir_all(jobs.join(&live)).unwrap();
    let run = rungs_env(
        dir.path(),
        &["check", "--no-cache"],
        &[("RUNGS_CACHE_DIR", cache.path().to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let out = std::fs::read_to_string(dir.path().join("out.txt")).unwrap();
    assert!(
        Path::new(out.trim()).starts_with(&jobs),
        "the job folder {out} is not under the cache's jobs/"
    );
    assert!(!dead_dir.exists(), "a dead process's job folder was kept");
    // A live process's folder stays; the run's own went with it.
    let left: Vec<String> = std::fs::read_dir(&jobs)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, vec![live]);
}

/// A project whose one check is `tool.sh`, run on every `.py` file.
fn failing_tool(script: &str) -> (tempfile::TempDir, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    executable(dir.path(), "tool.sh", script);
    write(
        dir.path(),
        "rungs.toml",
        "stacks = []\n[checks.fake]\nkind = \"lint\"\ncommand = [\"./tool.sh\"]\nfiles = [\"**/*.py\"]\nconfig = [\"tool.cfg\"]\nparser = \"exit-code\"\n",
    );
    write(dir.path(), "a.py", "x = 1\n");
    (dir, tempfile::tempdir().unwrap())
}

fn run_with_cache(dir: &Path, cache: &Path) -> Run {
    rungs_env(
        dir,
        &["check", "--format", "json"],
        &[("RUNGS_CACHE_DIR", cache.to_str().unwrap())],
    )
}

#[test]
fn an_error_the_tool_exits_with_replays_as_that_error_until_its_config_changes() {
    // Without its config the tool stops with an exit code it does not use
    // for findings, the same way every time.
    let (dir, cache) = failing_tool(
        "#!/bin/sh\necho ran >> runs.log\n[ -f tool.cfg ] && exit 0\necho 'no tool.cfg found' >&2\nexit 2\n",
    );
    let runs = || {
        std::fs::read_to_string(dir.path().join("runs.log"))
            .unwrap_or_default()
            .lines()
            .count()
    };
    let first = run_with_cache(dir.path(), cache.path());
    let second = run_with_cache(dir.path(), cache.path());
    assert_eq!(runs(), 1, "the warm run started the tool again");
    for run in [&first, &second] {
        assert_eq!(run.code, 1, "{}", run.stderr);
        let fake = run.check("fake");
        assert_eq!(fake["outcome"], "error");
        assert!(
            fake["problems"][0]
                .as_str()
                .unwrap()
                .ends_with("exited with code 2, which it does not use for findings (expected 0, 1): no tool.cfg found"),
            "{fake}"
        );
    }
    assert_eq!(second.check("fake")["cached"], true);
    // The config that fixes it is in the key.
    write(dir.path(), "tool.cfg", "\n");
    let fixed = run_with_cache(dir.path(), cache.path());
    assert_eq!(runs(), 2);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
}

#[test]
fn a_crash_by_signal_is_never_cached() {
    let (dir, cache) = failing_tool("#!/bin/sh\necho ran >> runs.log\nkill -SEGV $$\n");
    for _ in 0..2 {
        let run = run_with_cache(dir.path(), cache.path());
        assert_eq!(run.check("fake")["outcome"], "error");
        assert_eq!(run.check("fake")["cached"], false);
    }
    let log = std::fs::read_to_string(dir.path().join("runs.log")).unwrap();
    assert_eq!(log.lines().count(), 2);
}
