//! `rungs check --fix`: the fixers run over every file before the checks.

use super::{CheckRequest, Prepared};
use crate::check::{Check, Kind};
use crate::error::Error;
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::plan;
use std::sync::atomic::AtomicBool;

/// The order fixers run in: the project's hooks one at a time in their
/// config's order (as pre-commit runs them), then rungs's import sorters,
/// then its formatters. One check at a time, so two fixers never write the
/// same file at once.
fn fix_order(checks: &[plan::PlannedCheck]) -> Vec<usize> {
    let rank = |c: &Check| match (&c.origin, c.kind) {
        _ if c.broken.is_some() || c.fix.is_none() => None,
        (Some(origin), _) if c.scratch => Some((0, origin.order)),
        (None, Kind::Imports) => Some((1, 0)),
        (None, Kind::Format) => Some((2, 0)),
        _ => None,
    };
    let mut order: Vec<((usize, usize), usize)> = checks
        .iter()
        .enumerate()
        .filter_map(|(i, c)| rank(&c.check).map(|r| (r, i)))
        .collect();
    order.sort();
    order.into_iter().map(|(_, i)| i).collect()
}

pub fn fix(prepared: &mut Prepared, args: &CheckRequest, cancel: &AtomicBool) -> Result<(), Error> {
    let gates = super::Gates::load(&prepared.project, false, None)?;
    let changed = prepared.change.lines.as_ref();
    let plan = &mut prepared.plan;
    let root = &prepared.project.root;
    let work = plan::all_work(&plan.checks);
    let tools =
        super::schedule::resolve_tools(&mut plan.checks, &prepared.tool_root, !args.no_install)?;
    plan.jobs = plan::build_jobs(
        root,
        &plan.checks,
        &work,
        prepared.workers,
        &prepared.durations,
    );
    // A formatter the project has not adopted fixes only what the change
    // touched (nothing, with no change): files the team never formatted
    // are never rewritten whole.
    let held: Vec<usize> = (0..plan.checks.len())
        .filter(|&i| {
            let c = &plan.checks[i];
            c.check.kind == Kind::Format && c.check.holds_line && !gates.adopted(c)
        })
        .collect();
    plan.jobs.retain(|j| !held.contains(&j.check));
    for &i in &held {
        if plan.checks[i].check.fix_range.is_some() {
            let files = plan.checks[i].files.clone();
            if changed.is_some() {
                plan.jobs.extend(plan::Job::fixes(i, files, changed));
            }
        }
    }
    let ctx = execute::Context {
        root,
        plan,
        tools: &tools,
        workers: prepared.workers,
        cancel,
    };
    for index in fix_order(&plan.checks) {
        let planned = &plan.checks[index];
        let jobs: Vec<usize> = (0..plan.jobs.len())
            .filter(|&j| plan.jobs[j].check == index)
            .collect();
        let reports = execute::run_jobs(&ctx, &jobs, Mode::Fix, &mut |_| {});
        if reports.iter().any(|r| r.outcome == Outcome::Interrupted) {
            return Err(Error::Interrupted);
        }
        // A hook that fixed files exits non-zero, as under pre-commit: the
        // check that follows says what is left.
        if planned.check.origin.is_some() {
            continue;
        }
        if let Some(bad) = reports.iter().find(|r| r.outcome != Outcome::Passed) {
            eprintln!(
                "rungs: fixing with `{}` failed: {}\n{}",
                planned.check.id,
                bad.problem.as_deref().unwrap_or(""),
                bad.output
            );
        }
    }
    plan.jobs.clear();
    Ok(())
}
