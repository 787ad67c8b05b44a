//! The projects of a hook run: staged files grouped by the project they
//! belong to, and a word when staged code is in no project's languages.

use super::HookStage;
use crate::error::Error;
use crate::git::Repo;
use crate::preset::builtin_presets;
use crate::project::Project;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Staged files by the project they belong to in the staged tree (see
/// `project_within`): one project at the top when the top is one, each part
/// of a repository of projects (`backend/` Django, `frontend/` node) on its
/// own otherwise, and any folder with rungs config on its own. Keys are
/// top-relative prefixes ("" for the top); files are relative to their project.
pub fn by_project(shadow: &Path, files: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut roots: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let prefix = roots
            .entry(dir)
            .or_insert_with(|| {
                let root = crate::project::project_within(&shadow.join(dir), shadow);
                root.strip_prefix(shadow)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default()
            })
            .clone();
        let rel = match prefix.as_str() {
            "" => file.clone(),
            p => file[p.len() + 1..].to_string(),
        };
        out.entry(prefix).or_default().push(rel);
    }
    out
}

/// Say so when staged code is in a language none of its project's stacks
/// check: a subproject under a project of another stack (a Python
/// `backend/` below a top `package.json`) would otherwise pass unseen.
pub fn unchecked_code(run: &Staged, project: &Project) -> Result<(), Error> {
    let known: std::collections::HashSet<String> = builtin_presets()?
        .into_iter()
        .flat_map(|p| p.languages)
        .collect();
    let checked: std::collections::HashSet<&str> = project
        .stacks
        .iter()
        .flat_map(|s| s.preset.languages.iter().map(String::as_str))
        .collect();
    let unchecked: Vec<String> = run
        .files
        .iter()
        .filter(|f| {
            let ext = f.rsplit_once('.').map_or("", |(_, e)| e);
            known.contains(ext) && !checked.contains(ext)
        })
        .map(|f| match run.prefix.as_str() {
            "" => f.clone(),
            p => format!("{p}/{f}"),
        })
        .collect();
    if !unchecked.is_empty() {
        let shown: Vec<&str> = unchecked.iter().take(5).map(String::as_str).collect();
        eprintln!(
            "rungs: the project at {} checks none of {}: {}{} (a project of its own? give its folder a rungs.toml)",
            if run.prefix.is_empty() {
                "the top"
            } else {
                run.prefix.as_str()
            },
            plural(unchecked.len(), "staged file"),
            shown.join(", "),
            if unchecked.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// One project's part of a hook run.
pub struct Staged<'a> {
    pub repo: &'a Repo,
    /// The project's folder in the working tree (where its tools are found).
    pub real_root: PathBuf,
    /// The project's folder relative to the repository's top ("" for the top).
    pub prefix: String,
    /// Its staged files, relative to it.
    pub files: Vec<String>,
    pub stage: HookStage,
    pub start: Instant,
    pub cancel: &'a std::sync::atomic::AtomicBool,
    /// Other projects have staged files too: say which one this report is of.
    pub several: bool,
}
