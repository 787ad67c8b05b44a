//! Where rungs keeps what it may throw away: installed tools and, per project,
//! results. `RUNGS_CACHE_DIR` overrides the user cache dir (XDG honoured).

use crate::error::Error;
use std::path::PathBuf;

const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n\
# This file is a cache directory tag created by rungs.\n\
# For information about cache directory tags see https://bford.info/cachedir/\n";

/// The cache root, created with its `CACHEDIR.TAG`.
pub fn root() -> Result<PathBuf, Error> {
    let dir = match std::env::var_os("RUNGS_CACHE_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => dirs::cache_dir()
            .map(|d| d.join("rungs"))
            .unwrap_or_else(|| std::env::temp_dir().join("rungs-cache")),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let tag = dir.join("CACHEDIR.TAG");
    if !tag.exists() {
        write_atomic(&tag, TAG.as_bytes())?;
    }
    Ok(dir)
}

/// Write a file so readers see the old content or the new, never half of it.
pub fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> Result<(), Error> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}
