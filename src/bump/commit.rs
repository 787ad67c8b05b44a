//! Rounds of verification over the candidates, a smaller update for a bump
//! that fails, then one commit per passing bump (or pair that only passes
//! together), in a linear history.

use super::policy::kind_name;
use super::report::{Bump, Outcome, Report};
use super::verify::Bumper;
use super::worktree::Worktree;
use super::{Candidate, DependencyError, UpdateKind};
use crate::error::{Error, exit};
use crate::manifest;
use std::collections::BTreeMap;

fn message(cands: &[&Candidate]) -> String {
    let parts: Vec<String> = cands
        .iter()
        .map(|c| {
            format!(
                "{} {} -> {}",
                c.dependency.name,
                c.from.as_deref().unwrap_or("?"),
                c.to
            )
        })
        .collect();
    let kind = cands
        .iter()
        .map(|c| c.kind)
        .max()
        .unwrap_or(UpdateKind::Patch);
    let security = if cands.iter().any(|c| !c.advisories.is_empty()) {
        ", security"
    } else {
        ""
    };
    if cands.len() == 1 {
        format!("deps: bump {} ({}{security})", parts[0], kind_name(kind))
    } else {
        format!(
            "deps: bump {} together ({}{security})",
            parts.join(" and "),
            kind_name(kind)
        )
    }
}

pub fn bump_in(
    wt: &Worktree,
    project: &crate::project::Project,
    candidates: Vec<Candidate>,
    fallback: &dyn Fn(&Candidate) -> Option<Candidate>,
    report: &mut Report,
) -> Result<i32, Error> {
    // A bump whose manifest edit is not possible is reported, not tried.
    let next: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| editable(wt, c, &mut report.errors))
        .collect();
    let mut bumper = Bumper {
        wt,
        project,
        candidates: Vec::new(),
        verified: BTreeMap::new(),
        cannot_run: BTreeMap::new(),
        last: None,
    };
    let baseline = bumper.verify(&[])?;
    for (check, why) in &bumper.cannot_run {
        report.notes.push(format!(
            "`{check}` can't run ({why}), so the bumps were verified without it"
        ));
    }
    if let Some((check, tail)) = baseline {
        report.baseline_failure = Some(format!("{check}:\n{tail}"));
        return Ok(exit::FAILED);
    }
    let rounds = rounds(&mut bumper, next, fallback, &mut report.errors)?;
    // Commit, one per bump (or pair), in a linear history.
    wt.reset()?;
    commit_groups(&bumper, &rounds.groups, report)?;
    for (i, (check, tail)) in rounds.failures {
        report.bumps.push(Bump {
            candidate: bumper.candidates[i].clone(),
            outcome: Outcome::Failed { check, tail },
        });
    }
    report.bumps.sort_by(|a, b| {
        let key = |c: &Candidate| (c.advisories.is_empty(), c.dependency.name.to_lowercase());
        (key(&a.candidate), &a.candidate.to).cmp(&(key(&b.candidate), &b.candidate.to))
    });
    Ok(exit::PASSED)
}

/// Whether every manifest edit `c` needs can be made in `wt`; the ones
/// that can't go in `errors`, so such a bump is reported, not tried.
fn editable(wt: &Worktree, c: &Candidate, errors: &mut Vec<DependencyError>) -> bool {
    let mut ok = true;
    for (dep, requirement) in c.edits() {
        let path = wt.path().join(&dep.manifest);
        let edit = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                manifest::edit(&t, dep, requirement)
                    .map(|_| ())
                    .map_err(|e| format!("line {}: {}", e.line, e.message))
            });
        if let Err(message) = edit {
            errors.push(DependencyError {
                name: dep.name.clone(),
                manifest: dep.manifest.clone(),
                message,
            });
            ok = false;
        }
    }
    ok
}

/// What the rounds of verification found, by index into the bumper's
/// candidates.
struct Rounds {
    /// Bumps to commit: one per group, a group of one or a pair that only
    /// passes together.
    groups: Vec<Vec<usize>>,
    /// Bumps that failed, and the check that failed them with its output.
    failures: Vec<(usize, (String, String))>,
}

/// Up to three rounds of verification, starting from `next`: a bump that
/// fails is retried one update kind smaller (2.0 fails: try 1.1), as
/// `fallback` gives it.
fn rounds(
    bumper: &mut Bumper,
    mut next: Vec<Candidate>,
    fallback: &dyn Fn(&Candidate) -> Option<Candidate>,
    errors: &mut Vec<DependencyError>,
) -> Result<Rounds, Error> {
    let wt = bumper.wt;
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut base: Vec<usize> = Vec::new();
    let mut failures: Vec<(usize, (String, String))> = Vec::new();
    for _ in 0..3 {
        if next.is_empty() {
            break;
        }
        // Security bumps first, then by name.
        next.sort_by_key(|c| (c.advisories.is_empty(), c.dependency.name.to_lowercase()));
        let first = bumper.candidates.len();
        bumper.candidates.append(&mut next);
        let ids: Vec<usize> = (first..bumper.candidates.len()).collect();
        let (passed, failed) = bumper.round(&base, ids)?;
        for g in &passed {
            base.extend(g);
        }
        groups.extend(passed);
        for i in failed {
            let alone = bumper.verify(&Bumper::with(&base, &[i]))?;
            let why = alone.unwrap_or_else(|| {
                (
                    "checks".into(),
                    "fails only together with other bumps".into(),
                )
            });
            failures.push((i, why));
            // Edits are checked against the base, not a trial's state.
            wt.reset()?;
            if let Some(smaller) = fallback(&bumper.candidates[i])
                && editable(wt, &smaller, errors)
            {
                next.push(smaller);
            }
        }
    }
    Ok(Rounds { groups, failures })
}

/// One commit per group on the reset worktree, each bump reported as
/// committed alone or moved together with the others of its group.
fn commit_groups(bumper: &Bumper, groups: &[Vec<usize>], report: &mut Report) -> Result<(), Error> {
    for group in groups {
        for &i in group {
            bumper.apply(i)?;
        }
        let cands: Vec<&Candidate> = group.iter().map(|&i| &bumper.candidates[i]).collect();
        let commit = bumper.wt.commit(&message(&cands))?;
        for &i in group {
            let outcome = if group.len() == 1 {
                Outcome::Committed {
                    commit: commit.clone(),
                }
            } else {
                Outcome::MovedTogether {
                    with: group
                        .iter()
                        .filter(|&&j| j != i)
                        .map(|&j| bumper.candidates[j].dependency.name.clone())
                        .collect(),
                    commit: commit.clone(),
                }
            };
            report.bumps.push(Bump {
                candidate: bumper.candidates[i].clone(),
                outcome,
            });
        }
    }
    Ok(())
}
