//! The folders rungs owns: the cache root (`RUNGS_CACHE_DIR`, else the
//! project's `cache-dir`, else the user cache dir, XDG honoured), marked with
//! a `CACHEDIR.TAG`, and in it one folder per project and the jobs' scratch
//! folders (`jobs/<pid>-…`). Every layer that keeps
//! something between runs (tools, results, durations, hook state) finds its
//! place here without depending on the result cache.

use crate::error::Error;
use crate::fs::write_atomic;
use std::path::{Path, PathBuf};

/// The folder of one project's own data (hashes, durations), named by its path.
pub fn project_dir(cache_root: &Path, project_root: &Path) -> PathBuf {
    let id = blake3::hash(project_root.to_string_lossy().as_bytes()).to_hex();
    cache_root.join("projects").join(&id[..16])
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
            None => ::dirs::cache_dir()
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

/// A job's scratch folder (`<cache root>/jobs/<pid>-<random>`), removed when
/// dropped. The first one a process makes sweeps away those of processes
/// that no longer exist (killed before they could remove theirs).
pub fn job_dir() -> Result<tempfile::TempDir, Error> {
    static SWEPT: std::sync::Once = std::sync::Once::new();
    let jobs = root()?.join("jobs");
    std::fs::create_dir_all(&jobs).map_err(|e| Error::io(&jobs, e))?;
    SWEPT.call_once(|| sweep_jobs(&jobs));
    tempfile::Builder::new()
        .prefix(&format!("{}-", std::process::id()))
        .tempdir_in(&jobs)
        .map_err(|e| Error::io(&jobs, e))
}

/// Remove the job folders in `jobs` whose process is gone.
fn sweep_jobs(jobs: &Path) {
    let Ok(entries) = std::fs::read_dir(jobs) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && !alive(pid)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// Whether process `pid` exists (signal 0 checks without sending one).
fn alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    if pid <= 0 {
        return false;
    }
    // SAFETY: kill with signal 0 sends nothing; it only reports whether the
    // process exists (EPERM: it does, and belongs to someone else).
    let ret = unsafe { libc::kill(pid, 0) };
    ret == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}
