//! Which release to take: versions compared by each ecosystem's own rules,
//! yanked and pre-releases skipped unless in use, Python releases outside the
//! project's `requires-python` skipped, a cooldown, and the project's policy.
//!
//! Decisions documented here once:
//! - Update kind: the first release number that changes (major, minor, else
//!   patch). For Cargo and npm, whose `^` treats the first non-zero number as
//!   the major one, `0.2.3 -> 0.3.0` is major and `0.2.3 -> 0.2.4` patch; any
//!   change of `0.0.x` is major. PEP 440 has no such rule: `0.2 -> 0.3` is minor.
//! - Requirements: pins (`==1.2.3`, Cargo `=1.2.3`, npm `1.2.3`) move to the
//!   new version; lower bounds (`>=`, `>`) are raised to it; `^`, `~`, `~=`
//!   and bare Cargo versions keep the precision the user wrote (`1.2` ->
//!   `1.4`, `^1.2.3` -> `^1.4.0`, `~=4.2` -> `~=4.5`). A release beyond an
//!   upper bound (`<5`, `^1`, `~=4.2`, `4.2.*`, `1.x`) is only taken when
//!   the policy allows major updates; the bound then moves just past it in
//!   the same style (`<5` -> `<6`, `^1.2` -> `^2.0`). A requirement rungs
//!   can't rewrite faithfully (npm `||` and hyphen ranges that exclude the
//!   release, non-registry specs) is left alone with a note.
//! - A requirement with no version (`django`, `*`) is kept as written: the
//!   bump is then the lock file's alone.
//! - A registry version the ecosystem's rules can't read is skipped, as pip
//!   and npm skip them (old PyPI projects hold pre-PEP 440 versions); an
//!   unreadable current version or requirement is an error.
//! - npm's deprecated versions arrive as yanked (see the npm registry module).

mod cargo;
mod npm;
mod python;
mod segments;
#[cfg(test)]
mod tests;

use super::{Candidate, Dependency, Ecosystem, Package, Release, UpdateKind};

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

/// The bump to try for `dep`, if any, and why newer releases were left out.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Decision {
    pub candidate: Option<Candidate>,
    /// One line per reason: `2.0.0 held back: a major update, and the policy
    /// allows minor`, `release date of 4.2.9 unknown: no cooldown applied`.
    pub notes: Vec<String>,
}

/// The bump to try for `dep`, if any.
pub fn choose(
    dep: &Dependency,
    package: &Package,
    policy: &Policy,
    now: i64,
    python: Option<&str>,
) -> Result<Option<Candidate>, String> {
    decide(dep, package, policy, now, python).map(|d| d.candidate)
}

/// As [`choose`], with notes on what was left out and why.
pub fn decide(
    dep: &Dependency,
    package: &Package,
    policy: &Policy,
    now: i64,
    python: Option<&str>,
) -> Result<Decision, String> {
    if policy
        .ignore
        .iter()
        .any(|i| same_name(dep.ecosystem, i, &dep.name))
    {
        return Ok(Decision {
            candidate: None,
            notes: vec!["ignored by the policy".into()],
        });
    }
    match dep.ecosystem {
        Ecosystem::Python => {
            let python = match python {
                Some(p) => Some(p.trim().parse::<pep440_rs::Version>().map_err(|e| {
                    format!("the project's Python `{p}` is not a PEP 440 version ({e})")
                })?),
                None => None,
            };
            let fits = |r: &Release| python::fits_python(r, python.as_ref());
            decide_with::<python::Pep440>(dep, package, policy, now, &fits)
        }
        Ecosystem::Rust => decide_with::<cargo::Cargo>(dep, package, policy, now, &|_| None),
        Ecosystem::Node => decide_with::<npm::Npm>(dep, package, policy, now, &|_| None),
    }
}

fn same_name(ecosystem: Ecosystem, a: &str, b: &str) -> bool {
    match ecosystem {
        Ecosystem::Python => {
            super::registry::normalize_python_name(a) == super::registry::normalize_python_name(b)
        }
        Ecosystem::Rust => a
            .replace('_', "-")
            .eq_ignore_ascii_case(&b.replace('_', "-")),
        Ecosystem::Node => a == b,
    }
}

/// How a requirement takes a new version.
pub(crate) enum Rewrite {
    To(String),
    /// The version is beyond the requirement's upper bound, which may only
    /// move for a major update.
    Beyond,
    /// The requirement rewritten would still not admit the version (an
    /// exclusion like `!=4.5.1`): try an older release.
    Excluded(String),
    /// The requirement is of a kind rungs does not rewrite.
    Unsupported(String),
}

/// One ecosystem's version rules.
pub(crate) trait Scheme {
    type Version: Ord;
    const RULES: &'static str;
    fn parse(text: &str) -> Option<Self::Version>;
    fn is_prerelease(v: &Self::Version) -> bool;
    fn kind(from: &Self::Version, to: &Self::Version) -> UpdateKind;
    fn rewrite(requirement: &str, to: &Self::Version, to_text: &str, move_upper: bool) -> Rewrite;
}

fn decide_with<S: Scheme>(
    dep: &Dependency,
    package: &Package,
    policy: &Policy,
    now: i64,
    fits: &dyn Fn(&Release) -> Option<String>,
) -> Result<Decision, String> {
    let mut decision = Decision::default();
    let Some(current_text) = dep.current.as_deref() else {
        decision.notes.push("the version in use is unknown".into());
        return Ok(decision);
    };
    let current = S::parse(current_text).ok_or_else(|| {
        format!(
            "{}: the version in use `{current_text}` is not a {} version",
            dep.name,
            S::RULES
        )
    })?;
    let newer = newer::<S>(package, &current, &mut decision.notes);
    let rules = Rules::<S> {
        dep,
        policy,
        now,
        fits,
        in_prerelease: S::is_prerelease(&current),
        current,
    };
    let mut notes = Notes {
        notes: &mut decision.notes,
        said: std::collections::BTreeSet::new(),
    };
    let mut candidate = None;
    for (version, release) in newer {
        match rules.step(&version, release, &mut notes) {
            Step::Next => {}
            Step::Stop => break,
            Step::Take {
                kind,
                new_requirement,
            } => {
                candidate = Some(Candidate {
                    dependency: dep.clone(),
                    from: Some(current_text.to_string()),
                    to: release.version.clone(),
                    kind,
                    new_requirement,
                    published: release.published,
                    changelog: package.changelog.clone(),
                    also: Vec::new(),
                    advisories: Vec::new(),
                    past_policy: None,
                });
                break;
            }
        }
    }
    decision.candidate = candidate;
    Ok(decision)
}

/// The releases newer than `current`, newest first; a note in `notes` names
/// those the ecosystem's rules can't read.
fn newer<'p, S: Scheme>(
    package: &'p Package,
    current: &S::Version,
    notes: &mut Vec<String>,
) -> Vec<(S::Version, &'p Release)> {
    let mut newer: Vec<(S::Version, &Release)> = Vec::new();
    let mut unreadable = Vec::new();
    for release in &package.releases {
        match S::parse(&release.version) {
            Some(v) if v > *current => newer.push((v, release)),
            Some(_) => {}
            None => unreadable.push(release.version.as_str()),
        }
    }
    if !unreadable.is_empty() {
        notes.push(format!(
            "skipped releases that are not {} versions: {}",
            S::RULES,
            unreadable.join(", ")
        ));
    }
    newer.sort_by(|a, b| b.0.cmp(&a.0));
    newer
}

/// A decision's notes, each kind said once: for the newest release it
/// applies to, so ten releases held back give one line, not ten.
struct Notes<'a> {
    notes: &'a mut Vec<String>,
    said: std::collections::BTreeSet<&'static str>,
}

impl Notes<'_> {
    /// Adds `text` unless a note of kind `key` was already said.
    fn once(&mut self, key: &'static str, text: String) {
        if self.said.insert(key) {
            self.notes.push(text);
        }
    }
}

/// What one release does to the decision.
enum Step {
    /// Left out: look at the next older release.
    Next,
    /// Taken, with the requirement rewritten for it.
    Take {
        kind: UpdateKind,
        new_requirement: String,
    },
    /// No release is taken: the requirement is of a kind rungs can't rewrite.
    Stop,
}

/// What each release is held against: gathered so one release's step is a
/// function of its own rather than the body of `decide_with`'s loop.
struct Rules<'a, S: Scheme> {
    dep: &'a Dependency,
    policy: &'a Policy,
    now: i64,
    fits: &'a dyn Fn(&Release) -> Option<String>,
    current: S::Version,
    in_prerelease: bool,
}

impl<S: Scheme> Rules<'_, S> {
    /// Whether `release` (`version`, read) is taken, and notes on why not:
    /// yanked and pre-releases, the project's Python, the cooldown, the
    /// update kind the policy allows and the requirement, in that order.
    fn step(&self, version: &S::Version, release: &Release, notes: &mut Notes) -> Step {
        let (dep, policy, now) = (self.dep, self.policy, self.now);
        let name = &release.version;
        if release.yanked || (S::is_prerelease(version) && !self.in_prerelease) {
            return Step::Next;
        }
        if let Some(why) = (self.fits)(release) {
            notes.once("python", format!("{name} skipped: {why}"));
            return Step::Next;
        }
        if let Some(published) = release.published
            && now - published < policy.cooldown_secs
        {
            notes.once(
                "cooldown",
                format!(
                    "{name} skipped: released {} ago, the cooldown is {}",
                    age(now - published),
                    age(policy.cooldown_secs)
                ),
            );
            return Step::Next;
        }
        let kind = S::kind(&self.current, version);
        if kind > policy.allow {
            notes.once(
                "kind",
                format!(
                    "{name} held back: a {} update, and the policy allows {}",
                    kind_name(kind),
                    kind_name(policy.allow)
                ),
            );
            return Step::Next;
        }
        let new_requirement = match S::rewrite(
            &dep.requirement,
            version,
            name,
            policy.allow == UpdateKind::Major,
        ) {
            Rewrite::To(text) => text,
            Rewrite::Beyond => {
                notes.once(
                    "beyond",
                    format!(
                        "{name} held back: outside `{}`, whose upper bound moves only when major updates are allowed",
                        dep.requirement
                    ),
                );
                return Step::Next;
            }
            Rewrite::Excluded(why) => {
                notes.once("excluded", format!("{name} skipped: {why}"));
                return Step::Next;
            }
            Rewrite::Unsupported(why) => {
                notes.once("unsupported", format!("{name} not taken: {why}"));
                return Step::Stop;
            }
        };
        if release.published.is_none() {
            notes.once(
                "date",
                format!("release date of {name} unknown: no cooldown applied"),
            );
        }
        Step::Take {
            kind,
            new_requirement,
        }
    }
}

fn kind_name(kind: UpdateKind) -> &'static str {
    match kind {
        UpdateKind::Patch => "patch",
        UpdateKind::Minor => "minor",
        UpdateKind::Major => "major",
    }
}

fn age(secs: i64) -> String {
    if secs >= 86_400 {
        format!("{}d", secs / 86_400)
    } else if secs >= 3600 {
        format!("{}h", secs / 3600)
    } else {
        format!("{}m", secs.max(0) / 60)
    }
}

/// Whether release `to` is past `advisory`. PyPI names the first fixed
/// release of each affected line: `to` is fixed when one of them is on
/// `to`'s own `X.Y` line and not above it, or when `to` is past them all
/// (a line not listed counts as affected). npm names the affected range.
pub fn fixes(ecosystem: Ecosystem, advisory: &super::Advisory, to: &str) -> bool {
    match (&advisory.fix, ecosystem) {
        (super::Fix::FixedIn(fixed), Ecosystem::Python) => {
            let Ok(to) = to.parse::<pep440_rs::Version>() else {
                return false;
            };
            let line =
                |v: &pep440_rs::Version| v.release().iter().take(2).copied().collect::<Vec<_>>();
            let fixed: Vec<pep440_rs::Version> =
                fixed.iter().filter_map(|f| f.parse().ok()).collect();
            !fixed.is_empty()
                && (fixed.iter().all(|f| *f <= to)
                    || fixed.iter().any(|f| *f <= to && line(f) == line(&to)))
        }
        (super::Fix::Outside(range), Ecosystem::Node) => {
            match (
                nodejs_semver::Range::parse(range),
                nodejs_semver::Version::parse(to),
            ) {
                (Ok(range), Ok(to)) => !range.satisfies(&to),
                _ => false,
            }
        }
        _ => false,
    }
}
