//! The shadow tree: a copy of the index kept in rungs's cache dir, so the hook
//! checks exactly what will be committed without touching the working tree.
//! It is updated incrementally (only entries whose blob changed, or that a
//! fixer touched, are checked out again), so a commit of a few files in a
//! large repository writes a few files.

use crate::error::Error;
use crate::fs::write_atomic;
use crate::git::{Repo, split_z};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What a shadow file was checked out from: blob id and mode.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Written {
    blob: String,
    mode: String,
}

/// An index entry: mode, blob id, path.
pub struct Entry {
    pub mode: String,
    pub blob: String,
    pub path: String,
}

/// The index's stage-0 entries (conflicted and submodule entries left out).
pub fn index_entries(repo: &Repo, index: Option<&Path>) -> Result<Vec<Entry>, Error> {
    let env: Vec<(&str, &Path)> = index
        .map(|i| vec![("GIT_INDEX_FILE", i)])
        .unwrap_or_default();
    let out = repo.git_env(&["ls-files", "-s", "-z"], &env)?;
    Ok(split_z(&out)
        .into_iter()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            let mut parts = meta.split(' ');
            let (mode, blob, stage) = (parts.next()?, parts.next()?, parts.next()?);
            (stage == "0" && mode != "160000").then(|| Entry {
                mode: mode.to_string(),
                blob: blob.to_string(),
                path: path.to_string(),
            })
        })
        .collect())
}

pub struct Shadow {
    pub dir: PathBuf,
    /// The index's entries the shadow now holds.
    pub entries: Vec<Entry>,
    state_path: PathBuf,
    state: BTreeMap<String, Written>,
    /// Held while the shadow is in use, so two hooks never share it half-written.
    _lock: std::fs::File,
}

/// Bring `dir` to the content of the index (or of `index`, a temporary one).
pub fn sync(repo: &Repo, dir: &Path, index: Option<&Path>) -> Result<Shadow, Error> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let lock_path = dir.with_extension("lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    let state_path = dir.with_extension("json");
    let mut state: BTreeMap<String, Written> = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let entries = index_entries(repo, index)?;
    let wanted: BTreeMap<&str, &Entry> = entries.iter().map(|e| (e.path.as_str(), e)).collect();
    // Gone from the index: gone from the shadow.
    let stale: Vec<String> = state
        .keys()
        .filter(|p| !wanted.contains_key(p.as_str()))
        .cloned()
        .collect();
    for path in stale {
        let _ = std::fs::remove_file(dir.join(&path));
        state.remove(&path);
    }
    let todo: Vec<&Entry> = entries
        .iter()
        .filter(|e| {
            state
                .get(&e.path)
                .is_none_or(|w| w.blob != e.blob || w.mode != e.mode)
        })
        .collect();
    if !todo.is_empty() {
        let mut names = Vec::new();
        for e in &todo {
            // A stale file of another type (a folder now, a link) would stop checkout-index.
            let target = dir.join(&e.path);
            if target.is_dir() && !target.is_symlink() {
                let _ = std::fs::remove_dir_all(&target);
            }
            names.extend_from_slice(e.path.as_bytes());
            names.push(0);
        }
        let prefix = format!("--prefix={}/", dir.display());
        let env: Vec<(&str, &Path)> = index
            .map(|i| vec![("GIT_INDEX_FILE", i)])
            .unwrap_or_default();
        let args = ["checkout-index", "-f", "-z", "--stdin", prefix.as_str()];
        repo.git_full(&args, Some(&names), &env)?;
        for e in todo {
            state.insert(
                e.path.clone(),
                Written {
                    blob: e.blob.clone(),
                    mode: e.mode.clone(),
                },
            );
        }
        if let Ok(bytes) = serde_json::to_vec(&state) {
            write_atomic(&state_path, &bytes)?;
        }
    }
    Ok(Shadow {
        dir: dir.to_path_buf(),
        entries,
        state_path,
        state,
        _lock: lock,
    })
}

impl Shadow {
    /// Files about to be changed in the shadow (by a fixer): forgotten first,
    /// so the next sync checks them out again even if this run dies midway.
    pub fn mark_dirty(&mut self, paths: &[String]) -> Result<(), Error> {
        for p in paths {
            self.state.remove(p);
        }
        let bytes = serde_json::to_vec(&self.state).expect("state serializes");
        write_atomic(&self.state_path, &bytes)
    }
}
