//! Stored results, one file per key under `results/`, written atomically. An
//! entry that is truncated, garbled or holds another key is a miss.

use super::{CacheKey, write_atomic};
use crate::execute::JobReport;
use crate::finding::{Finding, Outcome};
use crate::parse::{Coverage, TestCounts};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything needed to replay a job's report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    pub diff: Option<String>,
    pub output: String,
    pub problem: Option<String>,
    pub exit_code: Option<i32>,
    pub seconds: f64,
    pub coverage: Option<Coverage>,
    pub tests: Option<TestCounts>,
}

impl Entry {
    pub fn from_report(key: CacheKey, r: &JobReport) -> Entry {
        Entry {
            key: key.to_string(),
            outcome: r.outcome,
            findings: r.findings.clone(),
            diff: r.diff.clone(),
            output: r.output.clone(),
            problem: r.problem.clone(),
            exit_code: r.exit_code,
            seconds: r.duration.as_secs_f64(),
            coverage: r.coverage.clone(),
            tests: r.tests.clone(),
        }
    }

    /// The report a run would have printed, marked as cached.
    pub fn replay(&self, job: usize, check: usize, files: usize) -> JobReport {
        JobReport {
            job,
            check,
            files,
            outcome: self.outcome,
            findings: self.findings.clone(),
            diff: self.diff.clone(),
            output: self.output.clone(),
            problem: self.problem.clone(),
            exit_code: self.exit_code,
            duration: Duration::from_secs_f64(self.seconds.max(0.0)),
            coverage: self.coverage.clone(),
            tests: self.tests.clone(),
            cached: true,
        }
    }
}

/// Only results a tool actually gave are kept: never a timeout, a crash or an interruption.
pub fn cacheable(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Passed | Outcome::Failed)
}

#[derive(Clone)]
pub struct Store {
    dir: PathBuf,
}

impl Store {
    pub fn new(root: &Path) -> Store {
        Store {
            dir: root.join("results"),
        }
    }

    fn path(&self, key: CacheKey) -> PathBuf {
        let hex = key.to_string();
        self.dir.join(&hex[..2]).join(format!("{hex}.json"))
    }

    pub fn get(&self, key: CacheKey) -> Option<Entry> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        (entry.key == key.to_string() && cacheable(entry.outcome)).then_some(entry)
    }

    pub fn put(&self, entry: &Entry) {
        let Ok(key) = parse_key(&entry.key) else {
            return;
        };
        let path = self.path(key);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Ok(bytes) = serde_json::to_vec(entry) {
            // A failed write leaves no entry, which is a miss next time.
            let _ = write_atomic(&path, &bytes);
        }
    }
}

fn parse_key(hex: &str) -> Result<CacheKey, ()> {
    if hex.len() != 64 {
        return Err(());
    }
    let mut out = [0u8; 32];
    for (i, chunk) in hex.as_bytes().chunks(2).enumerate() {
        let s = std::str::from_utf8(chunk).map_err(|_| ())?;
        out[i] = u8::from_str_radix(s, 16).map_err(|_| ())?;
    }
    Ok(CacheKey(out))
}

/// Per-file results of one file-level check in one project: path -> entry.
/// Each entry still carries its key, so a stale or foreign one is a miss.
pub struct FileTable {
    path: PathBuf,
    pub entries: std::collections::BTreeMap<String, Entry>,
    changed: bool,
}

impl FileTable {
    pub fn load(project_dir: &Path, check: &str) -> FileTable {
        let path = project_dir.join("files").join(format!("{check}.json"));
        let entries = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        FileTable {
            path,
            entries,
            changed: false,
        }
    }

    pub fn get(&self, file: &str, key: CacheKey) -> Option<&Entry> {
        self.entries
            .get(file)
            .filter(|e| e.key == key.to_string() && cacheable(e.outcome))
    }

    pub fn put(&mut self, file: String, entry: Entry) {
        self.entries.insert(file, entry);
        self.changed = true;
    }

    pub fn save(&self) {
        if !self.changed {
            return;
        }
        if let Some(parent) = self.path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        if let Ok(bytes) = serde_json::to_vec(&self.entries) {
            let _ = write_atomic(&self.path, &bytes);
        }
    }
}
