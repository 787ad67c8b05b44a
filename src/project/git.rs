//! What git knows: changed files for `--changed`.

use crate::error::Error;
use std::path::Path;

fn git(root: &Path, args: &[&str]) -> Result<String, Error> {
    let out = crate::git::run_in(root, args, None, &[])?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// The files git tracks under `root`, relative to it (what
/// `pre-commit run --all-files` gives its hooks); `None` outside a work tree,
/// or in a folder git does not track (an unpacked sdist in an ignored folder).
pub fn tracked_files(root: &Path) -> Option<Vec<String>> {
    let out = crate::git::run_in(root, &["ls-files", "-z", "--cached"], None, &[]).ok()?;
    let mut files = crate::git::split_z(&out);
    if files.is_empty() {
        return None;
    }
    files.sort();
    files.dedup();
    Some(files)
}

/// The commit a reference names now (a branch moves; its commit does not).
pub fn commit_of(root: &Path, reference: &str) -> Option<String> {
    let spec = format!("{reference}^{{commit}}");
    git(root, &["rev-parse", "--verify", "--quiet", &spec])
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
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
    let default_branch = default_branch(root).ok_or_else(|| Error::Git {
        message: "no default branch found to compare with; pass --changed REF".into(),
    })?;
    Ok(git(root, &["merge-base", "HEAD", &default_branch])?
        .trim()
        .to_string())
}

/// The default branch as this checkout knows it: `origin/HEAD`, else the
/// first of `origin/main`, `origin/master`, `main`, `master` that exists.
pub fn default_branch(root: &Path) -> Option<String> {
    git(
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
}

/// Files changed between `base` and the working tree (committed, staged,
/// unstaged and untracked), relative to `root`, deleted ones left out.
pub fn changed_files(root: &Path, base: &str) -> Result<Vec<String>, Error> {
    let mut files = std::collections::BTreeSet::new();
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
        files.insert(name.to_string());
    }
    Ok(files.into_iter().collect())
}

/// Added or changed lines, per project-relative file.
pub type Lines = std::collections::BTreeMap<String, std::collections::BTreeSet<u32>>;

/// Lines the index adds or changes against `HEAD` (all of a new file's), per
/// project-relative file: what a commit brings.
pub fn staged_lines(root: &Path) -> Result<Lines, Error> {
    diff_lines(root, "--cached")
}

/// The new lines of `git diff -U0 AGAINST` (a commit, or `--cached`).
fn diff_lines(root: &Path, against: &str) -> Result<Lines, Error> {
    let diff = git(
        root,
        &[
            "-c",
            "core.quotePath=false",
            "diff",
            "-U0",
            "--no-color",
            "--no-ext-diff",
            "--src-prefix=a/",
            "--dst-prefix=b/",
            "--relative",
            against,
            "--",
        ],
    )?;
    Ok(added_lines(&diff))
}

/// Lines added or changed between `base` and the working tree, per
/// project-relative file; every line of an untracked file counts as added.
pub fn changed_lines(root: &Path, base: &str) -> Result<Lines, Error> {
    let mut lines = diff_lines(root, base)?;
    let untracked = git(root, &["ls-files", "-z", "--others", "--exclude-standard"])?;
    for name in untracked.split('\0').filter(|n| !n.is_empty()) {
        let count = std::fs::read_to_string(root.join(name))
            .map(|t| t.lines().count() as u32)
            .unwrap_or(0);
        lines.entry(name.to_string()).or_default().extend(1..=count);
    }
    lines.retain(|_, l| !l.is_empty());
    Ok(lines)
}

/// Whether this run is on the project's default branch: GitLab's
/// `CI_COMMIT_BRANCH` against `CI_DEFAULT_BRANCH` in CI, else the checked-out
/// branch against `origin/HEAD` (or `main`, else `master`).
pub fn on_default_branch(root: &Path) -> Option<String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(default) = var("CI_DEFAULT_BRANCH") {
        return (var("CI_COMMIT_BRANCH")? == default).then_some(default);
    }
    let current = git(root, &["symbolic-ref", "--quiet", "--short", "HEAD"]).ok()?;
    let current = current.trim().to_string();
    let default = git(
        root,
        &[
            "symbolic-ref",
            "--quiet",
            "--short",
            "refs/remotes/origin/HEAD",
        ],
    )
    .ok()
    .and_then(|s| s.trim().strip_prefix("origin/").map(str::to_string))
    .or_else(|| {
        ["main", "master"]
            .iter()
            .find(|b| {
                git(
                    root,
                    &[
                        "rev-parse",
                        "--verify",
                        "--quiet",
                        &format!("refs/heads/{b}"),
                    ],
                )
                .is_ok()
            })
            .map(|b| b.to_string())
    })?;
    (current == default).then_some(default)
}

/// The ignore rule (`.gitignore:11: .*`) that makes git ignore `rel`, a
/// path relative to `root` that git does not track; `None` when it is
/// tracked or not ignored, or outside git.
pub fn ignored_by(root: &Path, rel: &str) -> Option<String> {
    let out = git(root, &["check-ignore", "--verbose", "--", rel]).ok()?;
    let line = out.lines().next()?;
    let (rule, _) = line.split_once('\t')?;
    let mut parts = rule.splitn(3, ':');
    let (file, number, pattern) = (parts.next()?, parts.next()?, parts.next()?);
    Some(format!("{file}:{number}: {pattern}"))
}

/// The checked-out commit, when there is one.
pub fn head(root: &Path) -> Option<String> {
    git(root, &["rev-parse", "HEAD"])
        .ok()
        .map(|s| s.trim().to_string())
}

/// A path as git prints it in a diff header: as is, or C-quoted (`"b/a\"b"`).
fn unquote(text: &str) -> String {
    let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) else {
        return text.to_string();
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next() {
            Some(b'n') => bytes.push(b'\n'),
            Some(b't') => bytes.push(b'\t'),
            Some(d @ b'0'..=b'7') => {
                let mut value = u32::from(d - b'0');
                for _ in 0..2 {
                    if let Some(&n @ b'0'..=b'7') = chars.peek() {
                        value = value * 8 + u32::from(n - b'0');
                        chars.next();
                    }
                }
                bytes.push(value as u8);
            }
            Some(other) => bytes.push(other),
            None => {}
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The new side's lines of each hunk of a `-U0` diff, per file.
fn added_lines(diff: &str) -> Lines {
    let mut lines = Lines::default();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            // git ends a name holding a space with a tab, and C-quotes one
            // holding a quote, backslash or control character.
            let path = unquote(path.strip_suffix('\t').unwrap_or(path));
            current = path.strip_prefix("b/").map(str::to_string);
        } else if let (Some(path), Some(hunk)) = (&current, line.strip_prefix("@@ ")) {
            // `@@ -a,b +c,d @@`: d lines from c are new (d = 1 when left out).
            let Some(new) = hunk.split(' ').find_map(|p| p.strip_prefix('+')) else {
                continue;
            };
            let mut parts = new.split(',');
            let start: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(1);
            lines
                .entry(path.clone())
                .or_default()
                .extend(start..start + count);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::unquote;

    #[test]
    fn diff_header_names_are_unquoted() {
        assert_eq!(unquote("b/plain.py"), "b/plain.py");
        assert_eq!(unquote("\"b/a \\\"q\\\".py\""), "b/a \"q\".py");
        assert_eq!(unquote("\"b/new\\nline.py\""), "b/new\nline.py");
        assert_eq!(unquote("\"b/\\303\\274.py\""), "b/ü.py");
    }
}
