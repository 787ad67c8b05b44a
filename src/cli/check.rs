//! `rungs check`: fixes first when asked, then shard, cache look-up, run,
//! report, and remember results and durations for the next run.

use super::prepare::{Prepared, prepare, schedule};
use super::{CheckArgs, Format};
use crate::cache::{self, Cache};
use crate::check::{Kind, Scope, Stage};
use crate::error::{Error, exit};
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::plan::{self, Shard};
use crate::report::{Event, JsonReporter, Reporter, Summary, TerminalReporter};
use crate::results::CheckResult;
use crate::results::JobReport;
use crate::tool::{self, Tool};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

pub fn run(cwd: &Path, args: &CheckArgs) -> Result<i32, Error> {
    let start = Instant::now();
    let cancel = execute::interrupt::flag();
    let mut prepared = prepare(cwd, &args.selection, Stage::Ci)?;
    let shard = match &args.shard {
        Some(text) => Shard::parse(text)?,
        None => Shard { index: 1, total: 1 },
    };
    if args.fix {
        fix(&mut prepared, args, &cancel)?;
    }
    let mut cache = if args.no_cache {
        None
    } else {
        Some(Cache::open(&prepared.project.root)?)
    };
    let scheduled = schedule(&mut prepared, cache.as_mut(), shard, !args.no_install)?;
    let Prepared {
        project,
        plan,
        workers,
        mut durations,
        ..
    } = prepared;
    let gates = super::gates::Gates::load(&project, args.record_baseline)?;
    let ctx = execute::Context {
        root: &project.root,
        plan: &plan,
        tools: &scheduled.tools,
        workers,
        cancel: &cancel,
    };

    let mut reporters: Vec<Box<dyn Reporter>> = match args.selection.format {
        Format::Text => vec![Box::new(TerminalReporter::new())],
        Format::Json => vec![Box::new(JsonReporter)],
    };
    reporters.extend(super::reports::file_reporters(cwd, &project, &args.reports));
    let mut emit = |event: &Event| reporters.iter_mut().for_each(|r| r.event(event));
    emit(&Event::Started { plan: &plan });
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    // Reports as judged (fingerprints, baseline); the cache keeps them as run.
    let mut judged: Vec<JobReport> = Vec::new();
    let reports = execute::run_jobs(&ctx, &all, Mode::Check, &mut |report| {
        let report = gates.judge_job(&project, report);
        emit(&Event::JobFinished {
            plan: &plan,
            report: &report,
        });
        judged.push(report);
    });

    let interrupted =
        cancel.load(Ordering::SeqCst) || reports.iter().any(|r| r.outcome == Outcome::Interrupted);
    if !interrupted {
        remember(
            cache.as_ref(),
            &plan,
            &mut durations,
            scheduled.lookups,
            &reports,
        );
        if let Some(cache) = &cache {
            cache.save();
        }
        durations.save();
    }
    let mut checks: Vec<CheckResult> = (0..plan.checks.len())
        .map(|i| {
            let mine: Vec<_> = judged.iter().filter(|r| r.check == i).collect();
            plan.result_of(i, &mine)
        })
        .collect();
    let complete =
        args.selection.files.is_empty() && args.selection.changed.is_none() && shard.total == 1;
    let verdicts = if interrupted {
        super::gates::Verdicts::default()
    } else {
        gates.judge_run(&project, &args.selection, complete, &mut checks)?
    };
    let wall = start.elapsed();
    let over_budget = wall > plan.budget && project.config.raw.budget_fail == Some(true);
    let exit_code = if interrupted {
        exit::INTERRUPTED
    } else if checks.iter().all(|c| c.outcome.is_success()) && !over_budget {
        exit::PASSED
    } else {
        exit::FAILED
    };
    let summary = Summary {
        tier: plan.tier.name.clone(),
        checks,
        wall,
        budget: plan.budget,
        exit_code,
        gates: verdicts.gates,
        baseline: verdicts.baseline,
        shard: (shard.total > 1).then_some([shard.index, shard.total]),
        changed_base: verdicts.changed_base,
    };
    emit(&Event::Finished {
        plan: &plan,
        summary: &summary,
    });
    for reporter in &mut reporters {
        reporter.finish()?;
    }
    if args.record_baseline {
        return gates.record(&project, &summary);
    }
    if interrupted {
        eprintln!("rungs: interrupted");
    } else if over_budget {
        eprintln!("rungs: the run took longer than its budget, and `budget-fail` is set");
    }
    Ok(exit_code)
}

/// Import sorters, then formatters, each over all of its files; one check at
/// a time so two fixers never write the same file at once.
fn fix(prepared: &mut Prepared, args: &CheckArgs, cancel: &AtomicBool) -> Result<(), Error> {
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

/// Store results and durations of the jobs that ran.
pub(super) fn remember(
    cache: Option<&Cache>,
    plan: &plan::Plan,
    durations: &mut plan::Durations,
    mut lookups: Vec<cache::Lookup>,
    reports: &[JobReport],
) {
    for (i, planned) in plan.checks.iter().enumerate() {
        let ran: Vec<&JobReport> = reports
            .iter()
            .filter(|r| r.check == i && !r.cached)
            .collect();
        if ran.is_empty() {
            continue;
        }
        let files: Vec<&[String]> = ran
            .iter()
            .map(|r| plan.jobs[r.job].files.as_slice())
            .collect();
        if let Some(cache) = cache {
            cache::record(cache, planned, &mut lookups[i], &ran, &files);
        }
        let seconds: f64 = ran.iter().map(|r| r.duration.as_secs_f64()).sum();
        let id = planned.check.id.as_str();
        match planned.check.scope {
            Scope::Files => {
                let count: usize = files.iter().map(|f| f.len()).sum();
                if count > 0 {
                    durations.record(id.to_string(), seconds / count as f64);
                }
            }
            Scope::Project => {
                let passed: Vec<&String> = files.iter().flat_map(|f| f.iter()).collect();
                if passed.is_empty() {
                    durations.record(id.to_string(), seconds);
                } else {
                    let cases: Vec<crate::parse::TestCase> = ran
                        .iter()
                        .filter_map(|r| r.tests.as_ref())
                        .flat_map(|t| t.cases.iter().cloned())
                        .collect();
                    durations.record_tests(id, &passed, seconds, &cases);
                }
            }
        }
    }
}
