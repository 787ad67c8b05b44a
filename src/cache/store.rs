//! Stored results, one file per key under `results/`, written atomically. An
//! entry that is truncated, garbled or holds another key is a miss.

use super::CacheKey;
use crate::finding::{Finding, Outcome};
use crate::fs::write_atomic;
use crate::parse::{Coverage, TestCounts};
use crate::results::JobReport;
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

/// Only results a tool actually gave are kept: a pass, findings, or an error
/// the tool ended with on its own (an exit code it does not use for
/// findings: the same inputs give the same error, so it replays as that
/// error); never a timeout, a crash by signal, a tool that could not start
/// or an interruption, which have no exit code.
pub fn cacheable(outcome: Outcome, exit_code: Option<i32>) -> bool {
    match outcome {
        Outcome::Passed | Outcome::Failed => true,
        Outcome::Error => exit_code.is_some(),
        Outcome::TimedOut | Outcome::Interrupted => false,
    }
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
        (entry.key == key.to_string() && cacheable(entry.outcome, entry.exit_code)).then_some(entry)
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

/// Per-file results of one file-level check in one project: path -> entry,
/// in 64 buckets by path, so a run that looks up a few files reads and
/// writes a few small files. Each entry still carries its key, so a stale or
/// foreign one is a miss.
pub struct FileTable {
    dir: PathBuf,
    buckets: std::collections::BTreeMap<u8, (std::collections::BTreeMap<String, Entry>, bool)>,
}

const BUCKETS: u8 = 64;

fn bucket_of(file: &str) -> u8 {
    blake3::hash(file.as_bytes()).as_bytes()[0] % BUCKETS
}

impl FileTable {
    /// The table of `check`, with the buckets holding `files` read.
    pub fn load(project_dir: &Path, check: &str, files: &[String]) -> FileTable {
        let dir = project_dir.join("files").join(check);
        let mut buckets = std::collections::BTreeMap::new();
        for file in files {
            let b = bucket_of(file);
            buckets.entry(b).or_insert_with(|| {
                let entries = std::fs::read(dir.join(format!("{b:02x}.json")))
                    .ok()
                    .and_then(|bytes| serde_json::from_slice(&bytes).ok())
                    .unwrap_or_default();
                (entries, false)
            });
        }
        FileTable { dir, buckets }
    }

    pub fn get(&self, file: &str, key: CacheKey) -> Option<&Entry> {
        self.buckets
            .get(&bucket_of(file))
            .and_then(|(entries, _)| entries.get(file))
            .filter(|e| e.key == key.to_string() && cacheable(e.outcome, e.exit_code))
    }

    /// Record `entry` for `file` (whose bucket `load` read).
    pub fn put(&mut self, file: String, entry: Entry) {
        let (entries, changed) = self.buckets.entry(bucket_of(&file)).or_default();
        entries.insert(file, entry);
        *changed = true;
    }

    pub fn save(&mut self) {
        for (b, (entries, changed)) in &mut self.buckets {
            if !*changed {
                continue;
            }
            *changed = false;
            let _ = std::fs::create_dir_all(&self.dir);
            if let Ok(bytes) = serde_json::to_vec(entries) {
                let _ = write_atomic(&self.dir.join(format!("{b:02x}.json")), &bytes);
            }
        }
    }
}
