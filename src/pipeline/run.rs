//! Executing a scheduled plan, and remembering what ran (results in the
//! cache, durations for the next plan) unless the run was interrupted.

use super::{Prepared, Scheduled};
use crate::cache::{self, Cache, Lookup};
use crate::check::Scope;
use crate::plan::{Durations, Plan};
use crate::results::JobReport;

/// Run a scheduled plan, calling `on_report` as each job finishes, then
/// remember results and durations for the next run (unless interrupted),
/// and wait a bounded time for the uploads to the remote cache.
pub fn run_checks(
    prepared: &mut Prepared,
    scheduled: &mut Scheduled,
    cache: Option<&Cache>,
    cancel: &std::sync::atomic::AtomicBool,
    on_report: &mut dyn FnMut(&Plan, &crate::results::JobReport),
) -> Vec<crate::results::JobReport> {
    let plan = &prepared.plan;
    let ctx = crate::execute::Context {
        root: &prepared.project.root,
        plan,
        tools: &scheduled.tools,
        workers: prepared.workers,
        cancel,
    };
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    let reports = crate::execute::run_jobs(&ctx, &all, crate::execute::Mode::Check, &mut |r| {
        on_report(plan, r)
    });
    if !cancel.load(std::sync::atomic::Ordering::SeqCst) {
        let lookups = std::mem::take(&mut scheduled.lookups);
        remember(
            cache,
            &prepared.project.root,
            plan,
            &mut prepared.durations,
            lookups,
            &reports,
        );
        if let Some(cache) = cache {
            cache.save();
        }
        prepared.durations.save();
    }
    if let Some(cache) = cache {
        cache.finish();
    }
    reports
}

/// Store results and durations of the jobs that ran.
pub fn remember(
    cache: Option<&Cache>,
    root: &std::path::Path,
    plan: &Plan,
    durations: &mut Durations,
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
