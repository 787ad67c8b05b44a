//! Only the tests a change can affect. A full run of the test suite under
//! coverage records, per test file, the lines it ran (coverage.py's data,
//! labelled by test file by a pytest plug-in of rungs's own), the files it
//! opened, and what failed. The next run compares the project with that
//! record and runs only the test files whose outcome the change can alter;
//! the coverage of the rest comes from the record, so the total, the floor
//! and diff coverage are judged on the whole suite as if it had all run.
//!
//! The rules, and the joining, live in `rungs_tests.py`, run with the
//! project's own Python (it parses Python, and reads coverage.py's data
//! with coverage.py); this module places it, calls it, and adjusts the
//! pytest command line.

use crate::cache::{Cache, CacheKey, KeyBuilder};
use crate::tool::Tool;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const HELPER: &str = include_str!("rungs_tests.py");
const MODULE: &str = "rungs_tests";

/// What `select` decided for one run.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct Decision {
    /// Run every test file (and rewrite the record).
    pub all: bool,
    /// Why everything runs, when it does.
    pub why: String,
    /// The test files to run, when not all.
    pub selected: Vec<String>,
    /// Why each was selected.
    pub reasons: std::collections::BTreeMap<String, String>,
}

/// One selecting run of a coverage check: where its record, data and
/// helper are, and what was decided.
pub struct Run {
    python: PathBuf,
    /// What rungs put beside the project's pytest (coverage.py), which the
    /// helper imports too.
    beside: Option<PathBuf>,
    helper_dir: PathBuf,
    record: PathBuf,
    root: PathBuf,
    files: Vec<String>,
    key: String,
    out: PathBuf,
    pub decision: Decision,
    /// `update`, started with the tests: while they run it does what
    /// needs none of their data (fingerprints, parsing the files to report
    /// on), then waits for a line on its stdin to join and report.
    updating: std::sync::Mutex<Option<std::process::Child>>,
}

/// Whether a planned check is a pytest run under coverage that may select:
/// rungs's coverage check, or a project's own of the same shape.
pub fn applies(planned: &crate::plan::PlannedCheck) -> bool {
    let c = &planned.check;
    c.kind == crate::check::Kind::Coverage
        && c.parser == crate::check::ParserKind::Coverage
        && c.scope == crate::check::Scope::Project
        && c.origin.is_none()
        && !planned.partial
        && c.command.first().is_some_and(|p| p == "pytest")
        && c.command
            .iter()
            .any(|a| a == "--cov" || a.starts_with("--cov="))
}

/// The record of check `check_id` for the project at `root`.
pub fn record_path(root: &Path, check_id: &str) -> Result<PathBuf, String> {
    let cache = crate::dirs::root().map_err(|e| e.to_string())?;
    Ok(crate::dirs::project_dir(&cache, root).join(format!("tests-{check_id}.json")))
}

/// The key of `record` itself, if it has one.
fn key_of(record: &Path) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Keyed {
        key: Option<String>,
    }
    let bytes = std::fs::read(record).ok()?;
    serde_json::from_slice::<Keyed>(&bytes).ok()?.key
}

/// Where on the remote cache a record is shared: under the check's key
/// as every machine computes it, less the files.
fn remote_key(shared: CacheKey) -> CacheKey {
    let mut k = KeyBuilder::new("tests-record");
    k.str(&shared.to_string());
    k.finish()
}

/// Before a run: when the record here can't serve it (there is none, or
/// it was made under another key), take the one a run elsewhere shared
/// under the same key, as if it were made here. Its files are judged by
/// their contents as any record's are, so one from another commit only
/// selects more.
pub fn take_shared_record(cache: &Cache, root: &Path, check_id: &str, key: &str, shared: CacheKey) {
    let Ok(path) = record_path(root, check_id) else {
        return;
    };
    if key_of(&path).as_deref() == Some(key) {
        return;
    }
    let Some(bytes) = cache.remote_payload(remote_key(shared)) else {
        return;
    };
    let Ok(serde_json::Value::Object(mut record)) = serde_json::from_slice(&bytes) else {
        return;
    };
    record.insert("key".into(), key.into());
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        let _ = crate::fs::write_atomic(
            &path,
            serde_json::Value::Object(record).to_string().as_bytes(),
        );
    }
}

/// After a run: share the record it wrote through the remote cache, when
/// this run writes there.
pub fn share_record(cache: &Cache, root: &Path, check_id: &str, key: &str, shared: CacheKey) {
    let Ok(path) = record_path(root, check_id) else {
        return;
    };
    if key_of(&path).as_deref() != Some(key) {
        return;
    }
    if let Ok(bytes) = std::fs::read(&path) {
        cache.share_payload(remote_key(shared), &bytes);
    }
}

/// The Python that runs the tool: its environment's, else `python3`.
fn python_of(tool: &Tool) -> PathBuf {
    tool.program
        .parent()
        .map(|d| d.join("python"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("python3"))
}

/// The helper, written once into the cache (again when rungs changes it).
fn helper_dir() -> Result<PathBuf, String> {
    let cache = crate::dirs::root().map_err(|e| e.to_string())?;
    let hash = blake3::hash(HELPER.as_bytes()).to_hex();
    let dir = cache.join("helpers").join(&hash[..16]);
    let file = dir.join(format!("{MODULE}.py"));
    if !file.is_file() {
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        crate::fs::write_atomic(&file, HELPER.as_bytes()).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

impl Run {
    /// Decide what to run: `files` are the project's files (the suite's
    /// inputs), `key` the record's key (the check, its tool and config,
    /// without the files), `out` the job's folder; `every`: run every test
    /// file (`--all-tests`), and make the record anew.
    pub fn start(
        root: &Path,
        check_id: &str,
        tool: &Tool,
        files: &[String],
        key: &str,
        out: &Path,
        every: bool,
    ) -> Result<Run, String> {
        let mut run = Run {
            python: python_of(tool),
            beside: tool.beside.clone(),
            helper_dir: helper_dir()?,
            record: record_path(root, check_id)?,
            root: root.to_path_buf(),
            files: files.to_vec(),
            key: key.to_string(),
            out: out.to_path_buf(),
            decision: Decision {
                all: true,
                why: String::new(),
                selected: Vec::new(),
                reasons: Default::default(),
            },
            updating: Default::default(),
        };
        if let Some(dir) = run.record.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        if every {
            run.decision.why = "--all-tests asks for every one".into();
            return Ok(run);
        }
        if !run.record.is_file() {
            // What `select` would say, without starting Python for it.
            run.decision.why = "no record of an earlier run".into();
            return Ok(run);
        }
        let answer = run.call("select", serde_json::json!({}))?;
        run.decision = serde_json::from_slice(&answer)
            .map_err(|e| format!("{MODULE} select answered something else than its JSON: {e}"))?;
        Ok(run)
    }

    /// Start `update` as the tests start: it does what needs none of their
    /// data meanwhile. (If it can't start now, [`Run::finish`] starts it.)
    pub fn begin_update(&self) {
        let update = self.spawn("update", self.update_args());
        if let Ok(mut u) = self.updating.lock() {
            *u = update.ok();
        }
    }

    /// One line for the run's output and `rungs plan`.
    pub fn summary(&self) -> String {
        let d = &self.decision;
        if d.all {
            return format!("every test file runs: {}", d.why);
        }
        let known = self.known_tests();
        let each: Vec<String> = d
            .reasons
            .iter()
            .map(|(file, why)| format!("{file} ({why})"))
            .collect();
        format!(
            "{} of {} test files run, the rest's results and coverage are the record's{}{}",
            d.selected.len(),
            known.max(d.selected.len()),
            if each.is_empty() { "" } else { ": " },
            each.join(", ")
        )
    }

    /// How many test files the record knows.
    fn known_tests(&self) -> usize {
        std::fs::read(&self.record)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v["tests"].as_array().map(Vec::len))
            .unwrap_or(0)
    }

    /// Whether pytest need not start at all: nothing is selected.
    pub fn nothing_to_run(&self) -> bool {
        !self.decision.all && self.decision.selected.is_empty()
    }

    /// The pytest arguments for this run: the plug-in, coverage's report
    /// left to `update`, and the selected test files.
    pub fn adjust(&self, args: &mut Vec<String>) {
        args.retain(|a| !a.starts_with("--cov-report=json:"));
        args.extend(["-p".to_string(), MODULE.to_string()]);
        if !self.decision.all {
            args.push("--".to_string());
            args.extend(self.decision.selected.iter().cloned());
        }
    }

    /// The environment the plug-in reads.
    pub fn env(&self) -> Vec<(String, String)> {
        let path = std::env::var("PYTHONPATH").unwrap_or_default();
        let helper = self.helper_dir.display().to_string();
        let pythonpath = match path.is_empty() {
            true => helper,
            false => format!("{helper}:{path}"),
        };
        vec![
            ("PYTHONPATH".into(), pythonpath),
            (
                "RUNGS_TESTS_OUT".into(),
                self.plugin_out().display().to_string(),
            ),
            ("RUNGS_TESTS_ROOT".into(), self.root.display().to_string()),
            (
                "COVERAGE_FILE".into(),
                self.data_file().display().to_string(),
            ),
        ]
    }

    fn plugin_out(&self) -> PathBuf {
        self.out.join("rungs-tests.json")
    }

    fn data_file(&self) -> PathBuf {
        self.out.join(".coverage")
    }

    /// After pytest: join the fresh data with the record's, write
    /// coverage.py's JSON report of the whole into the job's folder, and
    /// the record for the next run.
    pub fn finish(&self) -> Result<(), String> {
        if self.nothing_to_run() {
            // No data of this run: the record's alone.
            let _ = crate::fs::write_atomic(
                &self.plugin_out(),
                b"{\"opens\": {}, \"failed\": [], \"tests\": []}",
            );
            let empty = self.data_file();
            let _ = std::fs::remove_file(&empty);
        }
        let started = self.updating.lock().ok().and_then(|mut u| u.take());
        let mut child = match started {
            Some(child) => child,
            None => self.spawn("update", self.update_args())?,
        };
        // The tests ended: on with it.
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(b"go\n");
        }
        Self::wait("update", child).map(|_| ())
    }

    /// What `update` is told when it starts.
    fn update_args(&self) -> serde_json::Value {
        let selected = match self.decision.all {
            true => serde_json::Value::Null,
            false => serde_json::json!(self.decision.selected),
        };
        serde_json::json!({
            "analysis_dir": self.helper_dir.parent().map(|h| h.join("analysis")),
            "data_file": self.data_file(),
            "plugin_out": self.plugin_out(),
            "selected": selected,
            "json_out": self.out.join("coverage.json"),
        })
    }

    /// Run the helper's `command` with the common arguments and `more`.
    fn call(&self, command: &str, more: serde_json::Value) -> Result<Vec<u8>, String> {
        let child = self.spawn(command, more)?;
        Self::wait(command, child)
    }

    /// Start the helper's `command`, its arguments a line on its stdin
    /// (left open: closing it is the caller's).
    fn spawn(&self, command: &str, more: serde_json::Value) -> Result<std::process::Child, String> {
        let mut args = serde_json::json!({
            "root": self.root,
            "files": self.files,
            "record": self.record,
            "key": self.key,
        });
        if let (Some(a), Some(m)) = (args.as_object_mut(), more.as_object()) {
            a.extend(m.clone());
        }
        let mut cmd = Command::new(&self.python);
        if let Some(dir) = &self.beside {
            let path = std::env::var("PYTHONPATH").unwrap_or_default();
            let dir = dir.display().to_string();
            cmd.env(
                "PYTHONPATH",
                match path.is_empty() {
                    true => dir,
                    false => format!("{path}:{dir}"),
                },
            );
        }
        let mut child = cmd
            .arg(self.helper_dir.join(format!("{MODULE}.py")))
            .arg(command)
            .current_dir(&self.root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("could not run {}: {e}", self.python.display()))?;
        if let Some(mut stdin) = child.stdin.take() {
            use std::io::Write;
            let _ = stdin.write_all(format!("{args}\n").as_bytes());
            child.stdin = Some(stdin);
        }
        Ok(child)
    }

    /// Wait for the helper's `command` and give what it printed.
    fn wait(command: &str, child: std::process::Child) -> Result<Vec<u8>, String> {
        let out = child
            .wait_with_output()
            .map_err(|e| format!("{MODULE} {command}: {e}"))?;
        if std::env::var_os("RUNGS_TIMING").is_some_and(|v| !v.is_empty()) {
            eprint!("{}", String::from_utf8_lossy(&out.stderr));
        }
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
            return Err(format!(
                "{MODULE} {command} failed ({}): {}",
                out.status,
                tail.into_iter().rev().collect::<Vec<_>>().join(" · ")
            ));
        }
        Ok(out.stdout)
    }
}

impl Drop for Run {
    /// A run that ends early (a timeout, ^C) leaves no `update` behind.
    fn drop(&mut self) {
        if let Ok(mut p) = self.updating.lock()
            && let Some(mut child) = p.take()
        {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
