//! The result cache: results, tool versions, and per project its file hashes.
//! Where that folder is: [`crate::dirs`]; looking into it and trimming it:
//! [`stats`], [`prune`], [`clear`]; sharing results with other machines:
//! [`remote`].

mod admin;
mod hashes;
mod key;
mod lookup;
mod portable;
mod record;
pub mod remote;
mod store;
mod versions;

pub use admin::{clear, prune, stats};
pub use hashes::FileHashes;
pub use key::{CacheKey, KeyBuilder};
pub use lookup::{Ask, Lookup, lookup};
pub use portable::Portable;
pub use record::record;
pub use store::{Entry, FileTable, Store, cacheable};
pub use versions::Versions;

use crate::dirs::{project_dir, root};
use crate::error::Error;
use std::path::{Path, PathBuf};

/// The cache as one run uses it.
pub struct Cache {
    pub store: Store,
    /// This project's folder: per-file results of file-level checks live here,
    /// one table per check, so a run reads one file per check, not one per file.
    pub project: PathBuf,
    pub hashes: FileHashes,
    pub versions: Versions,
    /// Reads the keys' fields against the project's folder.
    pub portable: Portable,
    /// The team's shared cache, when one is configured.
    pub remote: Option<remote::Remote>,
}

impl Cache {
    pub fn open(project_root: &Path) -> Result<Cache, Error> {
        Cache::open_shared(project_root, project_root)
    }

    /// The cache of files under `files_root` whose per-file results are
    /// kept with those of `results_of`: the hook checks a copy of the index
    /// but shares results with `rungs check` in the working tree, so content
    /// checked by either is not checked again. Each entry carries its key,
    /// so a file whose staged and working contents differ is only a miss.
    /// File hashes stay per folder (their stat data is the folder's own).
    pub fn open_shared(files_root: &Path, results_of: &Path) -> Result<Cache, Error> {
        let root = root()?;
        let hashes = project_dir(&root, files_root).join("hashes.json");
        Ok(Cache {
            store: Store::new(&root),
            project: project_dir(&root, results_of),
            hashes: FileHashes::load(files_root, Some(hashes)),
            versions: Versions::load(Some(root.join("versions.json"))),
            portable: Portable::new(results_of),
            remote: None,
        })
    }

    /// Share results through the remote cache the project's config and
    /// the environment name, if any (read only, unless writing is asked for).
    pub fn with_remote(mut self, config: &crate::config::Config) -> Result<Cache, Error> {
        if let Some(settings) = remote::Settings::resolve(config)? {
            let stats = root()?.join("remote.json");
            self.remote = Some(remote::Remote::new(settings, stats));
        }
        Ok(self)
    }

    pub fn has_remote(&self) -> bool {
        self.remote.is_some()
    }

    /// The remote's entries for the shared keys `keys`, asked at once; the
    /// caller keeps the hits here, under its own keys.
    pub fn remote_results(&self, keys: &[CacheKey]) -> Vec<Option<Entry>> {
        match &self.remote {
            Some(remote) if !keys.is_empty() => remote.get_many(keys),
            _ => vec![None; keys.len()],
        }
    }

    /// Keys not asked of the remote, since it held none of their kind:
    /// storing them there needs no asking first.
    pub fn presume_missing(&self, keys: impl Iterator<Item = CacheKey>) {
        if let Some(remote) = &self.remote {
            remote.presume_missing(keys);
        }
    }

    /// The remote's payload under `key` (a test record), checked as its
    /// results are; `None` without a remote.
    pub fn remote_payload(&self, key: CacheKey) -> Option<Vec<u8>> {
        self.remote.as_ref()?.get_payload(key)
    }

    /// Store `payload` under `key` on the remote, replacing what is there,
    /// when this run writes there.
    pub fn share_payload(&self, key: CacheKey, payload: &[u8]) {
        if let Some(remote) = &self.remote {
            remote.replace_payload(key, payload);
        }
    }

    /// Keep a result here, and on the remote when this run writes there.
    pub fn keep(&self, shared: Option<CacheKey>, entry: &Entry) {
        self.store.put(entry);
        if let (Some(remote), Some(shared)) = (&self.remote, shared) {
            remote.put(shared, entry);
        }
    }

    /// Offer one file's result (kept here in its check's table) to the
    /// remote: uploaded at the end of the run, after the whole results.
    pub fn share_file(&self, shared: Option<CacheKey>, entry: &Entry) {
        if let (Some(remote), Some(shared)) = (&self.remote, shared) {
            remote.put_later(shared, entry);
        }
    }

    /// The end of the run: wait a bounded time for uploads, count them.
    pub fn finish(&self) {
        if let Some(remote) = &self.remote {
            remote.finish();
        }
    }

    /// Finish the run: remember hashes and versions for the next one.
    pub fn save(&self) {
        self.hashes.save();
        self.versions.save();
    }
}
