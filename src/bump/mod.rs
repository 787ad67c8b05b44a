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
pub mod manifest;
mod policy;
pub mod registry;
pub mod report;
mod run;
mod verify;
pub mod version;
pub mod worktree;

pub use run::{BumpRequest, run};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Which package world a dependency lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ecosystem {
    Python,
    Rust,
    Node,
}

/// One dependency as a manifest declares it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// The name as written in the manifest.
    pub name: String,
    /// Project-relative path of the manifest that declares it.
    pub manifest: PathBuf,
    /// Where in the manifest: `project.dependencies`, `dev-dependencies`,
    /// `requirements`, `workspace.dependencies`, `devDependencies` ...
    pub section: String,
    /// The requirement as written: `>=4.2,<5`, `==4.2.7`, `^1.2`, `1.0`.
    pub requirement: String,
    /// The version in use: the pinned one, else the lock file's, else the
    /// requirement's lower bound.
    pub current: Option<String>,
}

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

/// Where a manifest error is: file, line, what was expected.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    pub path: PathBuf,
    pub line: usize,
    pub message: String,
}
