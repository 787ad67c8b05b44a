//! How far the project is from adopting each check the tier added but the
//! project has not taken on: the "to adopt" findings and files of its last
//! complete run, kept in the project's folder of the cache so `rungs plan`
//! can say it without running anything.

use crate::results::CheckResult;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distance {
    pub findings: usize,
    pub files: usize,
}

fn path(project_root: &Path) -> Option<PathBuf> {
    let root = crate::dirs::root().ok()?;
    Some(crate::dirs::project_dir(&root, project_root).join("adoption.json"))
}

/// The distances the last complete run measured, by check id.
pub fn load(project_root: &Path) -> BTreeMap<String, Distance> {
    path(project_root)
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// The distance of each check in `not_adopted`, from a run over every file.
pub fn record(project_root: &Path, checks: &[CheckResult], not_adopted: &[&str]) {
    let Some(path) = path(project_root) else {
        return;
    };
    let mut all = load(project_root);
    for c in checks
        .iter()
        .filter(|c| not_adopted.contains(&c.check.as_str()))
    {
        let findings: Vec<_> = c.findings.iter().filter(|f| f.to_adopt).collect();
        let files: BTreeSet<_> = findings.iter().filter_map(|f| f.path.as_ref()).collect();
        all.insert(
            c.check.clone(),
            Distance {
                findings: findings.len(),
                files: files.len(),
            },
        );
    }
    if let Ok(bytes) = serde_json::to_vec_pretty(&all) {
        let _ = crate::fs::write_atomic(&path, &bytes);
    }
}
