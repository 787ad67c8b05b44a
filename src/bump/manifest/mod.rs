//! Manifests: which dependencies a project declares, and editing one
//! requirement without touching anything else (comments, order, quoting,
//! layout). One module per format.

use super::{Dependency, ManifestError};
use std::path::Path;

/// Every dependency the project's manifests declare, and the problems found
/// reading them (a malformed manifest is reported, never guessed at).
pub fn discover(_root: &Path) -> (Vec<Dependency>, Vec<ManifestError>) {
    (Vec::new(), Vec::new())
}

/// `text` (the manifest's content) with `dep`'s requirement replaced by
/// `new_requirement`; every other byte unchanged.
pub fn edit(
    _text: &str,
    dep: &Dependency,
    _new_requirement: &str,
) -> Result<String, ManifestError> {
    Err(ManifestError {
        path: dep.manifest.clone(),
        line: 0,
        message: "editing this manifest is not supported yet".into(),
    })
}

/// The command that regenerates the lock file after `dep` was edited, when the
/// project has a lock file (run in the project root).
pub fn lock_command(_root: &Path, _dep: &Dependency) -> Option<Vec<String>> {
    None
}
