//! `rungs check --fix`: the fixers run over every file before the checks.

use super::{CheckRequest, Prepared};
use crate::check::Kind;
use crate::error::Error;
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::plan;
use crate::tool::{self, Tool};
use std::sync::atomic::AtomicBool;

/// Import sorters, then formatters, each over all of its files; one check at
/// a time so two fixers never write the same file at once.
pub fn fix(prepared: &mut Prepared, args: &CheckRequest, cancel: &AtomicBool) -> Result<(), Error> {
    let plan = &mut prepared.plan;
    let root = &prepared.project.root;
    let work = plan::all_work(&plan.checks);
    let tools: Vec<Tool> = plan
        .checks
        .iter()
        .map(|c| tool::resolve(&prepared.tool_root, &c.check, !args.no_install))
        .collect::<Result<_, _>>()?;
    plan.jobs = plan::build_jobs(
        root,
        &plan.checks,
        &work,
        prepared.workers,
        &prepared.durations,
    );
    let ctx = execute::Context {
        root,
        plan,
        tools: &tools,
        workers: prepared.workers,
        cancel,
    };
    for kind in [Kind::Imports, Kind::Format] {
        for (index, planned) in plan.checks.iter().enumerate() {
            if planned.check.kind != kind || planned.check.fix.is_none() {
                continue;
            }
            let jobs: Vec<usize> = (0..plan.jobs.len())
                .filter(|&j| plan.jobs[j].check == index)
                .collect();
            let reports = execute::run_jobs(&ctx, &jobs, Mode::Fix, &mut |_| {});
            if let Some(bad) = reports.iter().find(|r| r.outcome != Outcome::Passed) {
                if bad.outcome == Outcome::Interrupted {
                    return Err(Error::Interrupted);
                }
                eprintln!(
                    "rungs: fixing with `{}` failed: {}\n{}",
                    planned.check.id,
                    bad.problem.as_deref().unwrap_or(""),
                    bad.output
                );
            }
        }
    }
    plan.jobs.clear();
    Ok(())
}
