//! Writing fixes into the working tree as one transaction that a crash cannot
//! leave half done. Before the first write, every file's current content is
//! stored as a git blob (kept alive by `refs/rungs/hook-backup`) and listed in
//! a journal in the git dir; the journal goes once every write landed. Any
//! rungs command that finds a journal puts the originals back, but only over
//! content rungs itself wrote, never over an edit made since.

use crate::error::Error;
use crate::fs::write_atomic;
use crate::git::Repo;
use serde::{Deserialize, Serialize};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

const JOURNAL: &str = "rungs/hook-journal.json";
const BACKUP_REF: &str = "refs/rungs/hook-backup";

#[derive(Serialize, Deserialize)]
struct Saved {
    /// Path relative to the work tree's top.
    path: String,
    original: String,
    written: String,
    mode: u32,
}

#[derive(Serialize, Deserialize)]
struct Journal {
    files: Vec<Saved>,
}

/// One file to replace: its top-relative path, the content it had when the
/// fix was computed, and the new content.
pub struct Change {
    pub path: String,
    pub expected: Vec<u8>,
    pub new: Vec<u8>,
}

/// Replace files in the work tree. A file whose content is no longer what
/// the fix was computed from (saved again meanwhile) is left alone; those
/// paths are returned.
pub fn apply(repo: &Repo, all: &[Change]) -> Result<Vec<String>, Error> {
    let mut saved = Vec::new();
    let mut changes: Vec<(&String, &Vec<u8>)> = Vec::new();
    let mut skipped = Vec::new();
    for change in all {
        let full = repo.top.join(&change.path);
        let old = std::fs::read(&full).map_err(|e| Error::io(&full, e))?;
        if old != change.expected {
            skipped.push(change.path.clone());
            continue;
        }
        let mode = std::fs::metadata(&full)
            .map(|m| m.permissions().mode())
            .unwrap_or(0o644);
        saved.push(Saved {
            path: change.path.clone(),
            original: repo.hash_object(&old)?,
            written: repo.hash_object(&change.new)?,
            mode,
        });
        changes.push((&change.path, &change.new));
    }
    if changes.is_empty() {
        return Ok(skipped);
    }
    keep_alive(repo, &saved)?;
    let journal_path = repo.private(JOURNAL);
    if let Some(parent) = journal_path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let journal = serde_json::to_vec_pretty(&Journal { files: saved }).expect("journal serializes");
    write_atomic(&journal_path, &journal)?;
    // Fault injection for the tests, dying as SIGKILL would: "N" before the
    // Nth write, "N+" once its temp file is written but before the rename.
    let failpoint = std::env::var("RUNGS_FAILPOINT_FIX_WRITES").ok();
    let failpoint = failpoint.as_deref().and_then(|v| {
        let (n, mid) = v.strip_suffix('+').map_or((v, false), |n| (n, true));
        n.parse::<usize>().ok().map(|n| (n, mid))
    });
    for (i, (path, new)) in changes.iter().enumerate() {
        if failpoint == Some((i, false)) {
            std::process::abort();
        }
        write_file(&repo.top.join(path), new, failpoint == Some((i, true)))?;
    }
    std::fs::remove_file(&journal_path).map_err(|e| Error::io(&journal_path, e))?;
    Ok(skipped)
}

/// A ref to a tree of the saved blobs, so `git gc` never drops them.
fn keep_alive(repo: &Repo, saved: &[Saved]) -> Result<(), Error> {
    let mut listing = String::new();
    for (i, s) in saved.iter().enumerate() {
        listing.push_str(&format!(
            "100644 blob {}\toriginal-{i}\n100644 blob {}\twritten-{i}\n",
            s.original, s.written
        ));
    }
    let tree = repo.git_stdin(&["mktree"], listing.as_bytes())?;
    let tree = String::from_utf8_lossy(&tree).trim().to_string();
    repo.git(&["update-ref", BACKUP_REF, &tree])?;
    Ok(())
}

/// Where the new content of `path` is written before it is renamed over it.
/// The name is fixed by the target's name, so the recovery after a SIGKILL
/// mid-write can find it and remove it: a user's tree never keeps a stray
/// temp file.
fn temp_for(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.as_encoded_bytes())
        .unwrap_or(b"");
    let tag = blake3::hash(name).to_hex();
    path.with_file_name(format!(".rungs-fix-{}.tmp", &tag[..16]))
}

fn write_file(path: &Path, bytes: &[u8], die_before_rename: bool) -> Result<(), Error> {
    use std::io::Write;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode())
        .unwrap_or(0o644);
    let tmp = temp_for(path);
    let written = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        if die_before_rename {
            std::process::abort();
        }
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(Error::io(path, e));
    }
    Ok(())
}

/// What recovery did.
pub struct Recovered {
    pub restored: Vec<String>,
    /// Files changed since rungs wrote them: left alone, with the blob holding the original.
    pub kept: Vec<(String, String)>,
}

/// Finish an interrupted transaction, if there is one.
pub fn recover(repo: &Repo) -> Result<Option<Recovered>, Error> {
    let journal_path = repo.private(JOURNAL);
    let Ok(bytes) = std::fs::read(&journal_path) else {
        return Ok(None);
    };
    let journal: Journal = match serde_json::from_slice(&bytes) {
        Ok(j) => j,
        // The journal is written by rename, so a torn one means it never was.
        Err(_) => {
            let _ = std::fs::remove_file(&journal_path);
            return Ok(None);
        }
    };
    let mut done = Recovered {
        restored: Vec::new(),
        kept: Vec::new(),
    };
    for s in &journal.files {
        let full = repo.top.join(&s.path);
        let _ = std::fs::remove_file(temp_for(&full));
        let current = std::fs::read(&full).ok();
        let current_id = match &current {
            Some(bytes) => repo.hash_object(bytes)?,
            None => String::new(),
        };
        if current_id == s.original {
            continue;
        }
        if current_id == s.written {
            let original = repo.blob(&s.original)?;
            write_file(&full, &original, false)?;
            std::fs::set_permissions(&full, std::fs::Permissions::from_mode(s.mode))
                .map_err(|e| Error::io(&full, e))?;
            done.restored.push(s.path.clone());
        } else {
            done.kept.push((s.path.clone(), s.original.clone()));
        }
    }
    std::fs::remove_file(&journal_path).map_err(|e| Error::io(&journal_path, e))?;
    Ok(Some(done))
}

/// The journal of the repository around `start`, found without running git
/// (every rungs command looks, so this must cost next to nothing).
pub fn pending(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let dot_git = dir.join(".git");
        if dot_git.is_dir() {
            let j = dot_git.join(JOURNAL);
            return j.exists().then_some(dir.to_path_buf());
        }
        if dot_git.is_file() {
            let text = std::fs::read_to_string(&dot_git).ok()?;
            let git_dir = text.strip_prefix("gitdir:")?.trim();
            let git_dir = dir.join(git_dir);
            return git_dir.join(JOURNAL).exists().then_some(dir.to_path_buf());
        }
    }
    None
}
