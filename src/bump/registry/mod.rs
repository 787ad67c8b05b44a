//! Registries: what releases a package has, from PyPI's JSON Simple API, the
//! crates.io sparse index and the npm registry, at the URLs the user's own
//! configuration names.

use super::{Dependency, DependencyError, Package};

/// Where each ecosystem's registry is, and how patient to be with it.
#[derive(Clone, Debug)]
pub struct Registries {
    pub pypi: String,
    pub crates: String,
    pub npm: String,
}

impl Registries {
    /// Look up every dependency (in parallel); a failure is that dependency's alone.
    pub fn fetch_all(&self, deps: &[Dependency]) -> Vec<Result<Package, DependencyError>> {
        deps.iter()
            .map(|d| {
                Err(DependencyError {
                    name: d.name.clone(),
                    manifest: d.manifest.clone(),
                    message: "registry look-ups are not supported yet".into(),
                })
            })
            .collect()
    }
}
