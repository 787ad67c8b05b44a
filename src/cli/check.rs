//! `rungs check`: run the plan, fixes first when asked, and report.

use super::prepare::prepare;
use super::{CheckArgs, Format};
use crate::check::{Kind, Stage};
use crate::error::{Error, exit};
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::report::{CheckResult, Event, JsonReporter, Reporter, Summary, TerminalReporter};
use crate::tool::{self, Tool};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const BUDGET: Duration = Duration::from_secs(180);

pub fn run(cwd: &Path, args: &CheckArgs) -> Result<i32, Error> {
    let start = Instant::now();
    let cancel = execute::interrupt::flag();
    let prepared = prepare(cwd, &args.selection, Stage::Ci)?;
    let (project, plan) = (&prepared.project, &prepared.plan);
    let tools: Vec<Tool> = plan
        .checks
        .iter()
        .map(|c| tool::resolve(&project.root, &c.check, !args.no_install))
        .collect::<Result<_, _>>()?;

    let ctx = execute::Context {
        root: &project.root,
        plan,
        tools: &tools,
        workers: prepared.workers,
        cancel: &cancel,
    };
    if args.fix {
        // Import sorters before formatters; within a kind, checks one after
        // another, so two fixers never write the same file at once.
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
    }

    let mut reporters: Vec<Box<dyn Reporter>> = match args.selection.format {
        Format::Text => vec![Box::new(TerminalReporter::new())],
        Format::Json => vec![Box::new(JsonReporter)],
    };
    let mut emit = |event: &Event| reporters.iter_mut().for_each(|r| r.event(event));
    emit(&Event::Started { plan });
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    let reports = execute::run_jobs(&ctx, &all, Mode::Check, &mut |report| {
        emit(&Event::JobFinished { plan, report })
    });
    let checks: Vec<CheckResult> = (0..plan.checks.len())
        .map(|i| {
            let mine: Vec<_> = reports.iter().filter(|r| r.check == i).collect();
            CheckResult::fold(plan, i, &mine)
        })
        .collect();
    let interrupted =
        cancel.load(Ordering::SeqCst) || checks.iter().any(|c| c.outcome == Outcome::Interrupted);
    let exit_code = if interrupted {
        exit::INTERRUPTED
    } else if checks.iter().all(|c| c.outcome.is_success()) {
        exit::PASSED
    } else {
        exit::FAILED
    };
    let summary = Summary {
        tier: plan.tier.name.clone(),
        checks,
        wall: start.elapsed(),
        budget: BUDGET,
        exit_code,
    };
    emit(&Event::Finished {
        plan,
        summary: &summary,
    });
    if interrupted {
        eprintln!("rungs: interrupted");
    }
    Ok(exit_code)
}
