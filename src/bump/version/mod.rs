//! Which release to take: versions compared by each ecosystem's own rules,
//! yanked and pre-releases skipped unless in use, Python releases outside the
//! project's `requires-python` skipped, a cooldown, and the project's policy.

use super::{Candidate, Dependency, Package, UpdateKind};

/// What a project allows, per dependency.
#[derive(Clone, Debug)]
pub struct Policy {
    /// The largest update allowed.
    pub allow: UpdateKind,
    /// Dependencies never bumped.
    pub ignore: Vec<String>,
    /// Minimum age of a release, in seconds.
    pub cooldown_secs: i64,
}

/// The bump to try for `dep`, if any.
pub fn choose(
    _dep: &Dependency,
    _package: &Package,
    _policy: &Policy,
    _now: i64,
    _python: Option<&str>,
) -> Result<Option<Candidate>, String> {
    Ok(None)
}
