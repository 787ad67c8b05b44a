//! Where rungs keeps what it may throw away: installed tools, results, tool
//! versions, and per project its file hashes and recorded durations.
//! `RUNGS_CACHE_DIR` overrides the user cache dir (XDG honoured).

mod durations;
mod hashes;
mod key;
mod lookup;
mod store;
mod versions;

pub use durations::Durations;
pub use hashes::FileHashes;
pub use key::{CacheKey, KeyBuilder};
pub use lookup::{Lookup, lookup, record};
pub use store::{Entry, FileTable, Store, cacheable};
pub use versions::Versions;

use crate::error::Error;
use crate::fs::write_atomic;
use std::path::{Path, PathBuf};

/// The cache as one run uses it.
pub struct Cache {
    pub store: Store,
    /// This project's folder: per-file results of file-level checks live here,
    /// one table per check, so a run reads one file per check, not one per file.
    pub project: PathBuf,
    pub hashes: FileHashes,
    pub versions: Versions,
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
        let root = self::root()?;
        let hashes = project_dir(&root, files_root).join("hashes.json");
        Ok(Cache {
            store: Store::new(&root),
            project: project_dir(&root, results_of),
            hashes: FileHashes::load(files_root, Some(hashes)),
            versions: Versions::load(Some(root.join("versions.json"))),
        })
    }

    /// Finish the run: remember hashes and versions for the next one.
    pub fn save(&self) {
        self.hashes.save();
        self.versions.save();
    }
}

/// The folder of one project's own data (hashes, durations), named by its path.
pub fn project_dir(cache_root: &Path, project_root: &Path) -> PathBuf {
    let id = blake3::hash(project_root.to_string_lossy().as_bytes()).to_hex();
    cache_root.join("projects").join(&id[..16])
}

/// Recorded durations of a project, also without a result cache.
pub fn durations(project_root: &Path) -> Durations {
    match root() {
        Ok(r) => Durations::load(Some(project_dir(&r, project_root).join("durations.json"))),
        Err(_) => Durations::default(),
    }
}

const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by rungs.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

static CONFIGURED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();

/// The project's `cache-dir`, used when RUNGS_CACHE_DIR is not set.
pub fn configure(dir: PathBuf) {
    let _ = CONFIGURED.set(dir);
}

/// The cache root, created with its `CACHEDIR.TAG`.
pub fn root() -> Result<PathBuf, Error> {
    let dir = match std::env::var_os("RUNGS_CACHE_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => match CONFIGURED.get() {
            Some(d) => d.clone(),
            None => dirs::cache_dir()
                .map(|d| d.join("rungs"))
                .unwrap_or_else(|| std::env::temp_dir().join("rungs-cache")),
        },
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        write_atomic(&tag, TAG.as_bytes())?;
    }
    Ok(dir)
}
