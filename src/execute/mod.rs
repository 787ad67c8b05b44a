//! Running a plan: jobs in parallel up to the worker count, longest first,
//! without oversubscription, each job's result sent as an event. The runner
//! never prints; reporters do.

mod argv;
pub mod interrupt;
mod job;
mod process;
mod scratch;

pub use job::run_job;

use crate::plan::Plan;
use crate::results::JobReport;
use crate::tool::Tool;
use std::collections::VecDeque;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Condvar, Mutex, mpsc};

/// Whether jobs check, or apply the tools' fixes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Check,
    Fix,
}

/// Everything jobs of one run share.
pub struct Context<'a> {
    pub root: &'a Path,
    pub plan: &'a Plan,
    /// The program of each planned check, by check index.
    pub tools: &'a [Tool],
    pub workers: usize,
    pub cancel: &'a AtomicBool,
}

/// Run `jobs` (indices into `plan.jobs`), calling `on_report` on this thread as
/// each finishes. Returns the reports in completion order.
pub fn run_jobs(
    ctx: &Context,
    jobs: &[usize],
    mode: Mode,
    on_report: &mut dyn FnMut(&JobReport),
) -> Vec<JobReport> {
    let (plan, workers) = (ctx.plan, ctx.workers.max(1));
    let mut reports = Vec::new();
    // Results from the cache are replayed first, in job order.
    let (cached, jobs): (Vec<usize>, Vec<usize>) =
        jobs.iter().partition(|&&j| plan.jobs[j].cached.is_some());
    for j in cached {
        let mut report = (**plan.jobs[j].cached.as_ref().expect("partitioned on it")).clone();
        report.job = j;
        on_report(&report);
        reports.push(report);
    }
    let jobs = &jobs[..];
    let queue = Mutex::new((jobs.iter().copied().collect::<VecDeque<_>>(), workers));
    let freed = Condvar::new();
    let (tx, rx) = mpsc::channel::<JobReport>();
    std::thread::scope(|scope| {
        for _ in 0..workers.min(jobs.len()) {
            let tx = tx.clone();
            let (queue, freed) = (&queue, &freed);
            scope.spawn(move || {
                loop {
                    // Take the head job once enough slots are free: a test runner
                    // with its own workers counts for them.
                    let (index, slots) = {
                        let mut state = queue.lock().expect("queue lock");
                        loop {
                            let Some(&head) = state.0.front() else { return };
                            let want = plan.checks[plan.jobs[head].check].check.slots;
                            let want = if want == 0 {
                                workers
                            } else {
                                (want as usize).min(workers)
                            };
                            if state.1 >= want {
                                state.0.pop_front();
                                state.1 -= want;
                                break (head, want);
                            }
                            state = freed.wait(state).expect("queue lock");
                        }
                    };
                    let report = run_job(ctx, index, mode);
                    {
                        let mut state = queue.lock().expect("queue lock");
                        state.1 += slots;
                    }
                    freed.notify_all();
                    if tx.send(report).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for report in rx {
            on_report(&report);
            reports.push(report);
        }
    });
    reports
}
