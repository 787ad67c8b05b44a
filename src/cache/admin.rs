//! `rungs cache stats | prune | clear`: what the cache folder holds, and
//! trimming it. The command line prints what these return.

use crate::dirs;
use crate::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Files and bytes: what a folder holds, or what was removed from it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub files: u64,
    pub bytes: u64,
}

impl Usage {
    /// The bytes for a person: `1.5 MiB`.
    pub fn size(&self) -> String {
        match self.bytes {
            b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
            b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
            b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
            b => format!("{b} B"),
        }
    }

    fn add(self, other: Usage) -> Usage {
        Usage {
            files: self.files + other.files,
            bytes: self.bytes + other.bytes,
        }
    }
}

/// One folder of the cache: its name, what it is for, what it holds.
pub struct Part {
    pub name: &'static str,
    pub what: &'static str,
    pub usage: Usage,
}

/// Where the cache is and what each of its folders holds.
pub struct Stats {
    pub root: PathBuf,
    pub parts: Vec<Part>,
    /// What the remote cache did for runs with this cache folder.
    pub remote: Option<super::remote::RemoteStats>,
}

/// What [`clear`] removed, and from where.
pub struct Cleared {
    pub root: PathBuf,
    pub removed: Usage,
}

pub fn stats() -> Result<Stats, Error> {
    let root = dirs::root()?;
    let parts = [
        ("results", "stored results"),
        ("projects", "per-file results, file hashes and durations"),
        ("tools", "tools rungs installed"),
    ]
    .into_iter()
    .map(|(name, what)| Part {
        name,
        what,
        usage: walk(&root.join(name), None, false),
    })
    .collect();
    let remote = super::remote::load_stats(&root.join("remote.json"));
    Ok(Stats {
        root,
        parts,
        remote,
    })
}

/// Remove results, and per-file tables, hashes and durations of projects,
/// not written for `age`; what was removed.
pub fn prune(age: Duration) -> Result<Usage, Error> {
    let root = dirs::root()?;
    let cutoff = SystemTime::now()
        .checked_sub(age)
        .unwrap_or(SystemTime::UNIX_EPOCH);
    let results = walk(&root.join("results"), Some(cutoff), true);
    let projects = walk(&root.join("projects"), Some(cutoff), true);
    Ok(results.add(projects))
}

/// Remove every stored result, hash and duration, and with `tools` the
/// tools rungs installed.
pub fn clear(tools: bool) -> Result<Cleared, Error> {
    let root = dirs::root()?;
    let mut names = vec!["results", "projects"];
    if tools {
        names.push("tools");
    }
    let mut removed = Usage::default();
    for name in names {
        let dir = root.join(name);
        removed = removed.add(walk(&dir, None, false));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
    }
    // Failed installs are remembered, not kept: a clear tries them again.
    for entry in std::fs::read_dir(root.join("tools"))
        .into_iter()
        .flatten()
        .flatten()
    {
        if entry.path().extension().is_some_and(|e| e == "failed") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let _ = std::fs::remove_file(root.join("versions.json"));
    let _ = std::fs::remove_file(root.join("remote.json"));
    Ok(Cleared { root, removed })
}

/// The files under a folder, optionally only those older than `cutoff`,
/// removing them when asked.
fn walk(dir: &Path, cutoff: Option<SystemTime>, remove: bool) -> Usage {
    let mut found = Usage::default();
    for entry in walkdir(dir) {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        if let Some(cutoff) = cutoff
            && meta.modified().is_ok_and(|m| m >= cutoff)
        {
            continue;
        }
        found.files += 1;
        found.bytes += meta.len();
        if remove {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    found
}

fn walkdir(dir: &Path) -> impl Iterator<Item = ignore::DirEntry> {
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        // The hook's copies of the index are whole or nothing: an old file in
        // one is current, and pruning it would leave the copy incomplete.
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with("shadow"))
        .build()
        .filter_map(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::Usage;

    #[test]
    fn size_reads_in_the_largest_whole_unit() {
        let size = |bytes| Usage { files: 1, bytes }.size();
        assert_eq!(size(512), "512 B");
        assert_eq!(size(1536), "1.5 KiB");
        assert_eq!(size(3 << 20), "3.0 MiB");
        assert_eq!(size(5 << 30), "5.0 GiB");
    }
}
