//! Content hashes of a project's files. A hash is reused while the file's
//! size, mtime, ctime and inode are unchanged; the answer never rests on mtime
//! alone (a fresh clone rehashes and still hits, since keys hold contents).

use crate::fs::write_atomic;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Stat {
    size: u64,
    mtime_ns: i128,
    ctime_ns: i128,
    ino: u64,
}

impl Stat {
    fn of(meta: &std::fs::Metadata) -> Stat {
        Stat {
            size: meta.size(),
            mtime_ns: i128::from(meta.mtime()) * 1_000_000_000 + i128::from(meta.mtime_nsec()),
            ctime_ns: i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec()),
            ino: meta.ino(),
        }
    }
}

#[derive(Clone, Serialize, Deserialize)]
struct Known {
    stat: Stat,
    hash: String,
}

/// File hashes for one project, with the stat cache that lets unchanged files skip hashing.
pub struct FileHashes {
    root: PathBuf,
    store: Option<PathBuf>,
    known: HashMap<String, Known>,
    fresh: Mutex<HashMap<String, Option<Known>>>,
    started_ns: i128,
}

/// A file modified this close to the run's start may change again within the
/// same timestamp tick; its hash is not remembered (git's "racily clean").
const RACY_NS: i128 = 2_000_000_000;

impl FileHashes {
    pub fn load(root: &Path, store: Option<PathBuf>) -> FileHashes {
        let known = store
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as i128)
            .unwrap_or(0);
        FileHashes {
            root: root.to_path_buf(),
            store,
            known,
            fresh: Mutex::new(HashMap::new()),
            started_ns: now,
        }
    }

    /// The content hash of a project-relative file; `None` when it cannot be read.
    pub fn hash(&self, rel: &str) -> Option<String> {
        if let Some(found) = self.fresh.lock().expect("hash lock").get(rel) {
            return found.as_ref().map(|k| k.hash.clone());
        }
        let found = self.stat_or_hash(rel);
        let hash = found.as_ref().map(|k| k.hash.clone());
        self.fresh
            .lock()
            .expect("hash lock")
            .insert(rel.to_string(), found);
        hash
    }

    /// The file's stat data, and its hash: remembered while the stat data
    /// is the same, else read. A file not known is opened once, its stat
    /// data taken from the open file (a fresh clone hashes every file, and
    /// looking its path up twice showed in the profile).
    fn stat_or_hash(&self, rel: &str) -> Option<Known> {
        let path = self.root.join(rel);
        let known = self.known.get(rel);
        if let Some(k) = known {
            let stat = Stat::of(&std::fs::metadata(&path).ok()?);
            if k.stat == stat {
                return Some(k.clone());
            }
        }
        let mut file = std::fs::File::open(&path).ok()?;
        let meta = file.metadata().ok()?;
        let mut bytes = Vec::with_capacity(meta.size() as usize);
        std::io::Read::read_to_end(&mut file, &mut bytes).ok()?;
        Some(Known {
            stat: Stat::of(&meta),
            hash: blake3::hash(&bytes).to_hex().to_string(),
        })
    }

    /// Hash many files in parallel.
    pub fn hash_all(&self, files: &[String]) -> Vec<Option<String>> {
        files.par_iter().map(|f| self.hash(f)).collect()
    }

    /// Remember what was hashed this run, for the next one.
    pub fn save(&self) {
        let Some(store) = &self.store else { return };
        let fresh = self.fresh.lock().expect("hash lock");
        let mut all = self.known.clone();
        let mut changed = false;
        for (rel, found) in fresh.iter() {
            match found {
                Some(k)
                    if self.started_ns - k.stat.mtime_ns > RACY_NS
                        && self.started_ns - k.stat.ctime_ns > RACY_NS =>
                {
                    if all.get(rel).is_none_or(|old| old.stat != k.stat) {
                        all.insert(rel.clone(), k.clone());
                        changed = true;
                    }
                }
                _ => changed |= all.remove(rel).is_some(),
            }
        }
        if changed && let Ok(bytes) = serde_json::to_vec(&all) {
            if let Some(parent) = store.parent() {
                let _ = std::fs::create_dir_all(parent);
            }
            let _ = write_atomic(store, &bytes);
        }
    }
}
