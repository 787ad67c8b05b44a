//! `rungs check` and `rungs baseline`: fixes first when asked, then
//! schedule, run, judge each job and the whole run, report, and remember
//! results and durations for the next run.

use super::{CheckRequest, Format, Gates, Prepared, Verdicts, file_reporters, fix, prepare};
use super::{remember, schedule};
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::{Error, exit};
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::plan::Shard;
use crate::report::{
    Event, JsonReporter, Notice, NoticeReporter, Reporter, Summary, TerminalReporter,
};
use crate::results::{CheckResult, JobReport};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// Run the checks `args` asks for; the exit code (0 passed, 1 failed, 130
/// interrupted).
pub fn check(cwd: &Path, args: &CheckRequest) -> Result<i32, Error> {
    let start = Instant::now();
    let cancel = execute::interrupt::flag();
    let mut prepared = prepare(cwd, &args.selection, Stage::Ci)?;
    crate::timing::mark("check: planned");
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
        Some(Cache::open(&prepared.project.root)?.with_remote(&prepared.project.config)?)
    };
    crate::timing::mark("check: cache opened");
    let scheduled = schedule(&mut prepared, cache.as_mut(), shard, !args.no_install)?;
    crate::timing::mark("check: cache looked up");
    let Prepared {
        project,
        plan,
        workers,
        mut durations,
        ..
    } = prepared;
    let changed = match &args.selection.changed {
        Some(reference) => {
            let reference = (!reference.is_empty()).then_some(reference.as_str());
            let base = crate::project::git::diff_base(&project.root, reference)?;
            Some(crate::project::git::changed_lines(&project.root, &base)?)
        }
        None => None,
    };
    let gates = Gates::load(&project, args.record_baseline, changed)?;
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
    reporters.extend(file_reporters(cwd, &project, &args.reports));
    reporters.push(Box::new(NoticeReporter));
    let mut emit = |event: &Event| reporters.iter_mut().for_each(|r| r.event(event));
    emit(&Event::Started { plan: &plan });
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    // Reports as judged (fingerprints, baseline); the cache keeps them as run.
    let mut judged: Vec<JobReport> = Vec::new();
    let reports = execute::run_jobs(&ctx, &all, Mode::Check, &mut |report| {
        let report = gates.judge_job(&project.root, &plan, report);
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
            &project.root,
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
        Verdicts::default()
    } else {
        gates.judge_run(&project, &args.selection, complete, &mut checks)?
    };
    if complete && !interrupted && !args.record_baseline {
        let not_adopted: Vec<&str> = plan
            .checks
            .iter()
            .filter(|c| !gates.adopted(c))
            .map(|c| c.check.id.as_str())
            .collect();
        crate::gate::adoption::record(&project.root, &checks, &not_adopted);
    }
    let wall = start.elapsed();
    let over_budget = wall > plan.budget && project.config.raw.budget_fail == Some(true);
    // A hook the config describes wrongly is a config error, said once all
    // the others ran.
    let broken = plan.checks.iter().any(|c| c.check.broken.is_some());
    let exit_code = if interrupted {
        exit::INTERRUPTED
    } else if broken {
        exit::USAGE
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
    // `rungs baseline` says what it recorded instead.
    if !args.record_baseline {
        if interrupted {
            emit(&Event::Notice(Notice::Interrupted));
        } else if over_budget {
            emit(&Event::Notice(Notice::OverBudget));
        }
    }
    for reporter in &mut reporters {
        reporter.finish()?;
    }
    crate::timing::mark("check: reported");
    if let Some(cache) = &cache {
        cache.finish();
    }
    crate::timing::mark("check: uploads done");
    if args.record_baseline {
        return gates.record(&project, &summary);
    }
    Ok(exit_code)
}
