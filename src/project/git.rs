//! What git knows: changed files for `--changed`.

use crate::error::Error;
use std::path::Path;
use std::process::Command;

fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| Error::Git {
            message: format!("could not run git: {e}"),
        })?;
    if !out.status.success() {
        return Err(Error::Git {
            message: format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The commit to compare against: the given ref, GitLab's merge-request base,
/// else the merge base with the default branch.
pub fn diff_base(root: &Path, reference: Option<&str>) -> Result<String, Error> {
    if let Some(r) = reference {
        return Ok(r.to_string());
    }
    if let Ok(sha) = std::env::var("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        && !sha.is_empty()
    {
        return Ok(sha);
    }
    let default_branch = git(
        root,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    )
    .map(|s| s.trim().to_string())
    .ok()
    .filter(|s| !s.is_empty())
    .or_else(|| {
        ["origin/main", "origin/master", "main", "master"]
            .iter()
            .find(|b| git(root, &["rev-parse", "--verify", "--quiet", b]).is_ok())
            .map(|b| b.to_string())
    })
    .ok_or_else(|| Error::Git {
        message: "no default branch found to compare with; pass --changed REF".into(),
    })?;
    Ok(git(root, &["merge-base", "HEAD", &default_branch])?
        .trim()
        .to_string())
}

/// Files changed between `base` and the working tree (committed, staged,
/// unstaged and untracked), relative to `root`, deleted ones left out.
pub fn changed_files(root: &Path, base: &str) -> Result<Vec<String>, Error> {
    let prefix = git(root, &["rev-parse", "--show-prefix"])?
        .trim()
        .to_string();
    let mut files = Vec::new();
    let diff = git(
        root,
        &[
            "diff",
            "-z",
            "--name-only",
            "--diff-filter=d",
            "--relative",
            base,
            "--",
        ],
    )?;
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    for name in diff.split('\0').chain(untracked.split('\0')) {
        if name.is_empty() {
            continue;
        }
        let _ = &prefix;
        if !files.iter().any(|f| f == name) {
            files.push(name.to_string());
        }
    }
    files.sort();
    Ok(files)
}
