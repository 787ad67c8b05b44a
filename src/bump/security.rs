//! Security bumps: a dependency whose version in use has known
//! vulnerabilities moves to a release that fixes them all. The usual choice
//! is taken when it fixes them; else the smallest update kind whose newest
//! release does, past the cooldown and the update policy (the fix may need
//! a major update), and the report says so.

use super::policy::kind_name;
use super::version::{self, Policy};
use super::{Advisory, Candidate, Dependency, Package, UpdateKind};

/// The security bump for `dep`, or why there is none.
pub fn candidate(
    dep: &Dependency,
    package: &Package,
    policy: &Policy,
    now: i64,
    python: Option<&str>,
    advisories: &[Advisory],
) -> Result<Candidate, String> {
    let fixes_all = |c: &Candidate| {
        advisories
            .iter()
            .all(|a| version::fixes(dep.ecosystem, a, &c.to))
    };
    let usual = version::choose(dep, package, policy, now, python)?;
    let (mut chosen, past) = match usual.filter(|c| fixes_all(c)) {
        Some(c) => (c, None),
        None => {
            let mut found = None;
            for kind in [UpdateKind::Patch, UpdateKind::Minor, UpdateKind::Major] {
                let wider = Policy {
                    allow: kind,
                    ignore: policy.ignore.clone(),
                    cooldown_secs: 0,
                };
                if let Some(c) =
                    version::choose(dep, package, &wider, now, python)?.filter(|c| fixes_all(c))
                {
                    let mut why = Vec::new();
                    if c.kind > policy.allow {
                        why.push(format!(
                            "a {} update where the policy allows {}",
                            kind_name(c.kind),
                            kind_name(policy.allow)
                        ));
                    }
                    let age = c.published.map(|p| now - p);
                    if age.is_none_or(|a| a < policy.cooldown_secs) {
                        why.push("within the cooldown".to_string());
                    }
                    found = Some((c, Some(why.join(", "))));
                    break;
                }
            }
            found.ok_or_else(|| {
                format!(
                    "vulnerable ({}), and no release fixes it",
                    ids(advisories).join(", ")
                )
            })?
        }
    };
    chosen.advisories = advisories.to_vec();
    chosen.past_policy = past.filter(|p| !p.is_empty());
    Ok(chosen)
}

/// The advisory ids, for a note.
pub fn ids(advisories: &[Advisory]) -> Vec<String> {
    advisories.iter().map(|a| a.id.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bump::{Ecosystem, Fix};
    use std::path::PathBuf;

    fn idna() -> Package {
        let page = std::fs::read(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/registry/pypi/simple/idna/index.json"),
        )
        .unwrap();
        crate::bump::registry::parse_recorded(Ecosystem::Python, "idna", &page).unwrap()
    }

    fn pysec() -> Advisory {
        Advisory {
            id: "PYSEC-2024-60".into(),
            aliases: vec!["GHSA-jjg7-2v4v-x38h".into()],
            link: Some("https://osv.dev/vulnerability/PYSEC-2024-60".into()),
            summary: String::new(),
            fix: Fix::FixedIn(vec!["3.7".into()]),
        }
    }

    fn dep(requirement: &str) -> Dependency {
        Dependency {
            ecosystem: Ecosystem::Python,
            name: "idna".into(),
            manifest: PathBuf::from("requirements.txt"),
            section: "requirements".into(),
            requirement: requirement.into(),
            current: Some("3.6".into()),
        }
    }

    #[test]
    fn a_fix_beyond_the_policy_is_taken_and_said_so() {
        // Patch only, and a cooldown longer than any release's age.
        let policy = Policy {
            allow: UpdateKind::Patch,
            ignore: Vec::new(),
            cooldown_secs: 100 * 365 * 86_400,
        };
        let now = 1_800_000_000;
        let c = candidate(
            &dep("==3.6"),
            &idna(),
            &policy,
            now,
            Some("3.12"),
            &[pysec()],
        )
        .unwrap();
        assert_eq!(c.kind, UpdateKind::Minor);
        assert!(version::fixes(Ecosystem::Python, &pysec(), &c.to));
        assert_eq!(c.new_requirement, format!("=={}", c.to));
        assert_eq!(ids(&c.advisories), ["PYSEC-2024-60"]);
        assert_eq!(
            c.past_policy.as_deref(),
            Some("a minor update where the policy allows patch, within the cooldown")
        );
    }

    #[test]
    fn the_usual_choice_is_kept_when_it_fixes() {
        let policy = Policy {
            allow: UpdateKind::Minor,
            ignore: Vec::new(),
            cooldown_secs: 0,
        };
        let usual = version::choose(&dep("==3.6"), &idna(), &policy, 1_800_000_000, Some("3.12"))
            .unwrap()
            .unwrap();
        let c = candidate(
            &dep("==3.6"),
            &idna(),
            &policy,
            1_800_000_000,
            Some("3.12"),
            &[pysec()],
        )
        .unwrap();
        assert_eq!(c.to, usual.to);
        assert_eq!(c.past_policy, None);
    }

    #[test]
    fn no_fixed_release_is_said() {
        let mut unfixed = pysec();
        unfixed.fix = Fix::FixedIn(Vec::new());
        let policy = Policy {
            allow: UpdateKind::Major,
            ignore: Vec::new(),
            cooldown_secs: 0,
        };
        let why = candidate(
            &dep("==3.6"),
            &idna(),
            &policy,
            1_800_000_000,
            None,
            &[unfixed],
        )
        .unwrap_err();
        assert_eq!(why, "vulnerable (PYSEC-2024-60), and no release fixes it");
    }
}
