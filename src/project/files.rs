//! The files a project has, as git would see them.

use crate::config::Config;
use crate::error::Error;
use std::path::Path;

/// Folders no check should walk into even when `.gitignore` forgets them.
const ALWAYS_SKIPPED: &[&str] = &[
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "site-packages",
];

/// Every file under `root` that git would see (`.gitignore`, `.git/info/exclude`
/// and global excludes honoured, even outside a git checkout), minus the config's
/// `exclude`. Paths are relative, `/`-separated and sorted.
pub fn list_files(root: &Path, config: &Config) -> Result<Vec<String>, Error> {
    let source = config.source();
    let exclude =
        crate::check::glob_set(config.raw.exclude.as_deref().unwrap_or_default(), &source)?;
    let walker = ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .filter_entry(|e| {
            !(e.file_type().is_some_and(|t| t.is_dir())
                && ALWAYS_SKIPPED.contains(&e.file_name().to_string_lossy().as_ref()))
        })
        .build();
    let mut files = Vec::new();
    for entry in walker {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(rel) = entry.path().strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !exclude.is_match(&rel) {
            files.push(rel);
        }
    }
    files.sort();
    Ok(files)
}

/// The same list from a git index's paths instead of a walk: what is tracked,
/// minus the config's `exclude` and the folders no check walks into.
pub fn from_index<'a>(
    paths: impl Iterator<Item = &'a String>,
    config: &Config,
) -> Result<Vec<String>, Error> {
    let source = config.source();
    let exclude =
        crate::check::glob_set(config.raw.exclude.as_deref().unwrap_or_default(), &source)?;
    let mut files: Vec<String> = paths
        .filter(|p| !exclude.is_match(p.as_str()))
        .filter(|p| {
            !p.split('/')
                .rev()
                .skip(1)
                .any(|dir| ALWAYS_SKIPPED.contains(&dir))
        })
        .cloned()
        .collect();
    files.sort();
    Ok(files)
}
