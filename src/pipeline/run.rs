//! The one run path: every command that runs checks (`check`, `baseline`,
//! the git hooks, bump's verification, each shard) hands its prepared plan
//! here. It schedules, runs, judges each job and the whole run through the
//! gates, remembers what ran, and decides every check's outcome and the exit
//! code. The commands only build its options and show what it returns.

use super::{Gates, Prepared, Verdicts, schedule};
use crate::cache::{self, Cache, Lookup};
use crate::check::Scope;
use crate::error::{Error, exit};
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::plan::{Durations, Plan, Shard};
use crate::report::{Event, Notice, Summary};
use crate::results::{CheckResult, JobReport};
use crate::tool::Tool;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// Whether a tool that is missing may be installed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Install {
    Allowed,
    Never,
}

/// What the findings are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Judging {
    /// Judged by the gates: the verdict.
    Gates,
    /// `rungs baseline`: every finding is new and is to be recorded.
    RecordBaseline,
}

/// How one run goes, as the command asks for it.
pub struct RunOptions<'a> {
    pub shard: Shard,
    pub install: Install,
    pub judging: Judging,
    pub cancel: &'a AtomicBool,
    /// When the command started: the wall time against the budget.
    pub started: Instant,
}

/// What a run decided, for the command to show or act on.
pub struct Finished {
    pub summary: Summary,
    /// Each check's program, for fixers that run after (the hook's).
    pub tools: Vec<Tool>,
    pub gates: Gates,
}

impl Finished {
    /// The first check that did not pass, if any.
    pub fn first_failure(&self) -> Option<&CheckResult> {
        self.summary.checks.iter().find(|c| !c.outcome.is_success())
    }
}

/// Run `prepared`'s plan and judge it; `emit` receives the events as they
/// happen (the caller's reporters).
pub fn run(
    prepared: &mut Prepared,
    mut cache: Option<&mut Cache>,
    options: &RunOptions,
    emit: &mut dyn FnMut(&Event),
) -> Result<Finished, Error> {
    let install = options.install == Install::Allowed;
    let mut scheduled = schedule(prepared, cache.as_deref_mut(), options.shard, install)?;
    crate::timing::mark("run: scheduled");
    let recording = options.judging == Judging::RecordBaseline;
    let gates = Gates::load(&prepared.project, recording, prepared.change.lines.clone())?;
    let plan = &prepared.plan;
    let root = &prepared.project.root;
    emit(&Event::Started { plan });
    let ctx = execute::Context {
        root,
        plan,
        tools: &scheduled.tools,
        workers: prepared.workers,
        cancel: options.cancel,
    };
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    // Reports as judged (fingerprints, baseline, the line held); the cache
    // keeps them as they ran.
    let mut judged: Vec<JobReport> = Vec::new();
    let reports = execute::run_jobs(&ctx, &all, Mode::Check, &mut |report| {
        let report = gates.judge_job(root, plan, report);
        emit(&Event::JobFinished {
            plan,
            report: &report,
        });
        judged.push(report);
    });
    let interrupted = options.cancel.load(Ordering::SeqCst)
        || reports.iter().any(|r| r.outcome == Outcome::Interrupted);
    if !interrupted {
        let lookups = std::mem::take(&mut scheduled.lookups);
        // A shard's durations would change the split under the shards of
        // the same pipeline still to start: only `rungs merge` records them.
        let durations = (options.shard.total == 1).then_some(&mut prepared.durations);
        remember(cache.as_deref(), root, plan, durations, lookups, &reports);
        if let Some(cache) = cache.as_deref() {
            cache.save();
        }
        prepared.durations.save();
    }
    let plan = &prepared.plan;
    let mut checks: Vec<CheckResult> = (0..plan.checks.len())
        .map(|i| {
            let mine: Vec<_> = judged.iter().filter(|r| r.check == i).collect();
            plan.result_of(i, &mine)
        })
        .collect();
    let complete = prepared.whole && options.shard.total == 1;
    let verdicts = if interrupted {
        Verdicts::default()
    } else {
        gates.judge_run(&prepared.project, &prepared.change, complete, &mut checks)?
    };
    if complete && !interrupted && !recording {
        let not_adopted: Vec<&str> = plan
            .checks
            .iter()
            .filter(|c| !gates.adopted(c))
            .map(|c| c.check.id.as_str())
            .collect();
        crate::gate::adoption::record(root, &checks, &not_adopted);
    }
    let wall = options.started.elapsed();
    let over_budget = wall > plan.budget && prepared.project.config.raw.budget_fail == Some(true);
    let broken = plan.checks.iter().any(|c| c.check.broken.is_some());
    let exit_code = exit_code(interrupted, broken, over_budget, &checks);
    let summary = Summary {
        tier: plan.tier.name.clone(),
        checks,
        wall,
        budget: plan.budget,
        exit_code,
        gates: verdicts.gates,
        baseline: verdicts.baseline,
        shard: (options.shard.total > 1).then_some([options.shard.index, options.shard.total]),
        split: scheduled.split,
        changed_base: verdicts.changed_base,
    };
    emit(&Event::Finished {
        plan,
        summary: &summary,
    });
    // `rungs baseline` says what it recorded instead.
    if !recording {
        if interrupted {
            emit(&Event::Notice(Notice::Interrupted));
        } else if over_budget {
            emit(&Event::Notice(Notice::OverBudget));
        }
    }
    Ok(Finished {
        summary,
        tools: scheduled.tools,
        gates,
    })
}

/// The exit code of a run: interrupted, else a check the config describes
/// wrongly (a config error, said once all the others ran), else whether
/// every check passed within the budget.
pub fn exit_code(
    interrupted: bool,
    broken: bool,
    over_budget: bool,
    checks: &[CheckResult],
) -> i32 {
    if interrupted {
        exit::INTERRUPTED
    } else if broken {
        exit::USAGE
    } else if checks.iter().all(|c| c.outcome.is_success()) && !over_budget {
        exit::PASSED
    } else {
        exit::FAILED
    }
}

/// Store results of the jobs that ran in the cache, and their durations
/// when `durations` is given: per file for a check over files, per run for
/// a check over the project, per test file for a test suite.
pub fn remember(
    cache: Option<&Cache>,
    root: &std::path::Path,
    plan: &Plan,
    mut durations: Option<&mut Durations>,
    mut lookups: Vec<Lookup>,
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
            // A test run that selected rewrote its record: others may use it.
            for r in &ran {
                if let (Some(key), Some(shared)) = (
                    &plan.jobs[r.job].select_tests,
                    lookups[i].shared_without_files,
                ) {
                    let id = planned.check.id.as_str();
                    crate::affected::share_record(cache, root, id, key, shared);
                }
            }
        }
        let Some(durations) = durations.as_deref_mut() else {
            continue;
        };
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
