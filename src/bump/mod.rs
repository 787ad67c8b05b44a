//! `rungs bump`: find outdated dependencies, verify each bump with the
//! project's own checks, one commit per passing bump, and a report.
//!
//! The flow: manifests (what the project depends on, and how to edit it) ->
//! registries (what releases exist) -> version (which release to take, by the
//! ecosystem's own rules and the project's policy) -> run (baseline, apply,
//! verify, bisect, commit) -> report (Markdown and JSON). `run` drives it;
//! `policy` says what may be bumped, `verify` runs the checks on a set of
//! bumps, `commit` turns the passing ones into commits.

mod commit;
mod install;
mod policy;
pub mod registry;
pub mod report;
mod run;
mod verify;
pub mod version;
pub mod worktree;

pub use crate::manifest::{Dependency, Ecosystem};
pub use run::{BumpRequest, run};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One release a registry knows of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    pub yanked: bool,
    /// Unix seconds of publication, when the registry says.
    pub published: Option<i64>,
    /// PyPI's `requires-python` of the release's files.
    pub requires_python: Option<String>,
    /// crates.io's `rust_version`.
    pub rust_version: Option<String>,
}

/// What a registry knows of a package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub releases: Vec<Release>,
    /// Changelog or release notes link from the package's metadata, if any.
    pub changelog: Option<String>,
}

/// How far a bump moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateKind {
    Patch,
    Minor,
    Major,
}

/// A bump to try.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub dependency: Dependency,
    pub from: Option<String>,
    pub to: String,
    pub kind: UpdateKind,
    /// The requirement to write in place of `dependency.requirement`.
    pub new_requirement: String,
    pub published: Option<i64>,
    pub changelog: Option<String>,
}

/// A problem with one dependency: reported, and nothing is written for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DependencyError {
    pub name: String,
    pub manifest: PathBuf,
    pub message: String,
}
