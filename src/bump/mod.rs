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
mod hooks;
mod install;
mod policy;
pub(crate) use crate::registry;
pub mod report;
mod run;
mod security;
mod verify;
pub mod version;
pub mod worktree;

pub use crate::manifest::{Dependency, Ecosystem};
pub use crate::registry::{Advisory, DependencyError, Fix, Package, Release};
pub use run::{BumpRequest, run};

use serde::{Deserialize, Serialize};

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
    /// The same dependency declared in other manifests, moved to `to` in
    /// the same commit, each in its own style.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Declaration>,
    /// Known vulnerabilities of `from` that `to` fixes: a security bump.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<Advisory>,
    /// Set when a security bump was taken past the cooldown or the update
    /// policy, saying which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub past_policy: Option<String>,
}

/// One more place a candidate's dependency is declared, and what to write there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Declaration {
    pub dependency: Dependency,
    pub from: Option<String>,
    pub new_requirement: String,
}

impl Candidate {
    /// Every declaration this bump edits, (dependency, requirement to write),
    /// its own first.
    pub fn edits(&self) -> impl Iterator<Item = (&Dependency, &str)> {
        std::iter::once((&self.dependency, self.new_requirement.as_str())).chain(
            self.also
                .iter()
                .map(|d| (&d.dependency, d.new_requirement.as_str())),
        )
    }
}

/// Candidates for the same dependency in several manifests, moving to the
/// same version, become one: the first keeps the others in `also`. Those
/// moving to different versions (a cap in one manifest, say) stay apart.
pub fn merge_declarations(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut merged: Vec<Candidate> = Vec::new();
    for c in candidates {
        let key = |x: &Candidate| {
            (
                x.dependency.ecosystem,
                registry::normalize_name(x.dependency.ecosystem, &x.dependency.name),
                x.to.clone(),
            )
        };
        match merged.iter_mut().find(|m| key(m) == key(&c)) {
            Some(m) => {
                m.kind = m.kind.max(c.kind);
                m.also.push(Declaration {
                    dependency: c.dependency,
                    from: c.from,
                    new_requirement: c.new_requirement,
                });
            }
            None => merged.push(c),
        }
    }
    merged
}
