//! A hook run: what the commit (or push) brings, copied from the index into
//! the shadow tree, checked project by project; `git add` during the hook is
//! noticed and fails the commit.

use super::check::check_project;
use super::projects::{Staged, by_project};
use super::shadow;
use crate::error::{Error, exit};
use crate::execute;
use crate::git::{Repo, split_z};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Which git hook runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HookStage {
    PreCommit,
    PrePush,
}

impl HookStage {
    pub fn name(self) -> &'static str {
        match self {
            HookStage::PreCommit => "pre-commit",
            HookStage::PrePush => "pre-push",
        }
    }
}

/// Files the commit (or push) brings, relative to the work tree's top.
fn changed_files(repo: &Repo, stage: HookStage) -> Result<(Vec<String>, Option<String>), Error> {
    match stage {
        HookStage::PreCommit => {
            let out = repo.git(&[
                "diff",
                "--cached",
                "--name-only",
                "-z",
                "--diff-filter=ACMR",
                "--no-renames",
            ])?;
            Ok((split_z(&out), None))
        }
        HookStage::PrePush => {
            let mut stdin = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut stdin);
            let zero = |s: &str| s.chars().all(|c| c == '0');
            let mut files = Vec::new();
            let mut tip = None;
            for line in stdin.lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [_, local, _, remote] = parts[..] else {
                    continue;
                };
                if zero(local) {
                    continue;
                }
                let out = if zero(remote) {
                    // A new branch: what it has that no remote branch has.
                    repo.git(&[
                        "log",
                        "--name-only",
                        "-z",
                        "--diff-filter=ACMR",
                        "--format=",
                        local,
                        "--not",
                        "--remotes",
                    ])?
                } else {
                    repo.git(&[
                        "diff",
                        "--name-only",
                        "-z",
                        "--diff-filter=ACMR",
                        remote,
                        local,
                    ])?
                };
                files.extend(split_z(&out));
                tip = Some(local.to_string());
            }
            files.sort();
            files.dedup();
            Ok((files, tip))
        }
    }
}

/// `rungs hook run`: check what the commit (or push) brings, project by
/// project, in a copy of the index; the exit code.
pub fn run(repo: &Repo, stage: HookStage) -> Result<i32, Error> {
    let start = Instant::now();
    let top = repo
        .top
        .canonicalize()
        .map_err(|e| Error::io(&repo.top, e))?;
    let cache_root = crate::dirs::root()?;
    let state = crate::dirs::project_dir(&cache_root, &repo.git_dir);
    let stamp = index_stamp(repo, stage);
    // A commit's staged files and its index copy don't depend on each other:
    // git is asked for both at once (a push's copy needs the pushed commit).
    let (changed, early) = std::thread::scope(|scope| {
        let changed = scope.spawn(|| changed_files(repo, stage));
        let early = (stage == HookStage::PreCommit)
            .then(|| shadow::sync(repo, &state.join("shadow"), None));
        (changed.join(), early)
    });
    let (files, tip) = changed.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    if files.is_empty() {
        return Ok(exit::PASSED);
    }
    // For a push, a temporary index of the pushed commit.
    let temp_index =
        tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    crate::timing::mark("hook: staged files");
    let mut shadow = match (early, &tip) {
        (Some(synced), _) => synced?,
        (None, Some(commit)) => {
            repo.git_env(
                &["read-tree", commit],
                &[("GIT_INDEX_FILE", temp_index.path())],
            )?;
            shadow::sync(repo, &state.join("shadow-push"), Some(temp_index.path()))?
        }
        (None, None) => unreachable!("a push names its commit"),
    };
    let before = fingerprint(&shadow.entries);
    crate::timing::mark("hook: shadow synced");
    // Whether the index changed since it was read (`git add` during the hook):
    // fixes of the old content could then undo the new.
    let index_moved = || -> Result<bool, Error> {
        if stage != HookStage::PreCommit || (stamp.is_some() && index_stamp(repo, stage) == stamp) {
            return Ok(false);
        }
        Ok(fingerprint(&shadow::index_entries(repo, None)?) != before)
    };
    let cancel = execute::interrupt::flag();
    let projects = by_project(&shadow.dir, &files);
    let several = projects.len() > 1;
    let mut exit_code = exit::PASSED;
    // Each project's report times its own part (the first's includes the sync).
    let mut project_start = start;
    let mut unknown_skips: BTreeMap<String, usize> = BTreeMap::new();
    let count = projects.len();
    for (prefix, rel) in projects {
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let run = Staged {
            repo,
            // Not `join("")`, which adds a trailing slash: the cache names a
            // project by its path, shared with `rungs check`'s.
            real_root: if prefix.is_empty() {
                top.clone()
            } else {
                top.join(&prefix)
            },
            prefix,
            files: rel,
            stage,
            start: project_start,
            cancel: &cancel,
            several,
        };
        let code = check_project(&run, &mut shadow, &index_moved, &mut unknown_skips)?;
        exit_code = exit_code.max(code);
        project_start = Instant::now();
    }
    // A typo must not block every commit: say so and go on (as pre-commit's SKIP).
    for (id, _) in unknown_skips.iter().filter(|(_, n)| **n == count) {
        eprintln!("rungs: RUNGS_SKIP names `{id}`, which is not a check; ignored");
    }
    if index_moved()? {
        eprintln!(
            "rungs: the staged content changed while rungs was checking it (`git add` during the hook?); commit again to check what is staged now."
        );
        exit_code = exit::FAILED;
    }
    Ok(exit_code)
}

/// The index file's identity, to notice cheaply that nobody replaced it
/// during the hook: git writes an index by renaming a new file over it, so
/// an unchanged inode, size, mtime and ctime mean unchanged entries.
fn index_stamp(repo: &Repo, stage: HookStage) -> Option<(u64, u64, i64, i64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    if stage != HookStage::PreCommit {
        return None;
    }
    // `git commit -a` or `git commit PATH` points the hook at a temporary index.
    let path = match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) => repo.top.join(p),
        None => repo.git_dir.join("index"),
    };
    let m = std::fs::metadata(path).ok()?;
    Some((
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    ))
}

/// A digest of the index, to notice `git add` during the hook.
fn fingerprint(entries: &[shadow::Entry]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for e in entries {
        h.update(e.mode.as_bytes())
            .update(b" ")
            .update(e.blob.as_bytes())
            .update(e.path.as_bytes())
            .update(b"\0");
    }
    h.finalize()
}
