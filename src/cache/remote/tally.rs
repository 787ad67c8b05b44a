//! What the remote cache did: counted during a run, added up across runs in
//! the cache folder for `rungs cache stats`.

use crate::fs::write_atomic;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// One run's counts, as they happen.
#[derive(Default)]
pub struct Tally {
    pub hits: AtomicU64,
    pub misses: AtomicU64,
    /// Misses because the entry failed its checks (key, hash, signature).
    pub rejected: AtomicU64,
    pub uploads: AtomicU64,
    /// Uploads the server refused as too large (413), or that were already there.
    pub skipped: AtomicU64,
    pub errors: AtomicU64,
}

impl Tally {
    pub fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    fn counts(&self) -> Counts {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Counts {
            hits: get(&self.hits),
            misses: get(&self.misses),
            rejected: get(&self.rejected),
            uploads: get(&self.uploads),
            skipped: get(&self.skipped),
            errors: get(&self.errors),
        }
    }

    /// Add this run to the totals in `file`.
    pub fn save(&self, file: &Path, remote: &str, off: Option<String>) {
        let run = self.counts();
        let mut stats = load(file).unwrap_or_default();
        stats.total = stats.total.plus(&run);
        stats.remote = remote.to_string();
        stats.last = Some(LastRun { counts: run, off });
        if let Ok(bytes) = serde_json::to_vec_pretty(&stats) {
            let _ = write_atomic(file, &bytes);
        }
    }
}

#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Counts {
    pub hits: u64,
    pub misses: u64,
    pub rejected: u64,
    pub uploads: u64,
    pub skipped: u64,
    pub errors: u64,
}

impl Counts {
    fn plus(self, o: &Counts) -> Counts {
        Counts {
            hits: self.hits + o.hits,
            misses: self.misses + o.misses,
            rejected: self.rejected + o.rejected,
            uploads: self.uploads + o.uploads,
            skipped: self.skipped + o.skipped,
            errors: self.errors + o.errors,
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LastRun {
    pub counts: Counts,
    /// Why the remote was turned off during that run, if it was.
    pub off: Option<String>,
}

/// The remote cache's totals, as `rungs cache stats` shows them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct RemoteStats {
    /// The server last used (no credentials).
    pub remote: String,
    pub total: Counts,
    pub last: Option<LastRun>,
}

pub fn load(file: &Path) -> Option<RemoteStats> {
    serde_json::from_slice(&std::fs::read(file).ok()?).ok()
}
