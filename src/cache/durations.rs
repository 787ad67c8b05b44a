//! Recorded durations: per check, seconds per file (file-level checks) or per
//! run (project-level), and per test file for splitting test suites. They
//! order jobs longest first, predict the wall time and split shards.

use super::write_atomic;
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Default)]
pub struct Durations {
    path: Option<PathBuf>,
    pub seconds: BTreeMap<String, f64>,
}

impl Durations {
    pub fn load(path: Option<PathBuf>) -> Durations {
        let seconds = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Durations { path, seconds }
    }

    pub fn get(&self, key: &str) -> Option<f64> {
        self.seconds.get(key).copied()
    }

    /// Record a measurement (a running mean weighted towards the new one).
    pub fn record(&mut self, key: String, seconds: f64) {
        let value = match self.seconds.get(&key) {
            Some(old) => 0.5 * old + 0.5 * seconds,
            None => seconds,
        };
        self.seconds.insert(key, value);
    }

    pub fn save(&self) {
        if let Some(path) = &self.path
            && let Ok(bytes) = serde_json::to_vec_pretty(&self.seconds)
        {
            if let Some(parent) = path.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = write_atomic(path, &bytes);
        }
    }
}
