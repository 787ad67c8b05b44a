//! Splitting checks into jobs: file lists in batches that fit the OS argument
//! limit and spread over the workers; project-level checks as one job each.

use super::PlannedCheck;
use crate::check::Scope;
use std::time::Duration;

/// One process to run: a check over a batch of files, or over the whole project.
#[derive(Clone, Debug)]
pub struct Job {
    /// Index into the plan's checks.
    pub check: usize,
    pub files: Vec<String>,
    /// Expected duration, for longest-first scheduling.
    pub predicted: Duration,
}

/// Bytes of arguments one command line may take, leaving room for the environment.
fn argument_budget() -> usize {
    // SAFETY: sysconf has no preconditions.
    let arg_max = unsafe { libc::sysconf(libc::_SC_ARG_MAX) };
    let arg_max = if arg_max > 0 {
        arg_max as usize
    } else {
        128 * 1024
    };
    let env: usize = std::env::vars_os()
        .map(|(k, v)| k.len() + v.len() + 2 + std::mem::size_of::<usize>())
        .sum();
    (arg_max.saturating_sub(env) / 2).clamp(16 * 1024, 1024 * 1024)
}

pub fn build_jobs(checks: &[PlannedCheck], workers: usize) -> Vec<Job> {
    let budget = argument_budget();
    let mut jobs = Vec::new();
    for (index, planned) in checks.iter().enumerate() {
        let check = &planned.check;
        if check.scope == Scope::Project {
            jobs.push(Job {
                check: index,
                files: Vec::new(),
                predicted: Duration::from_secs(match check.kind {
                    crate::check::Kind::Test | crate::check::Kind::Coverage => 30,
                    _ => 10,
                }),
            });
            continue;
        }
        let fixed: usize = check
            .command
            .iter()
            .chain(&planned.args)
            .map(|a| a.len() + 1 + 8)
            .sum();
        let room = budget.saturating_sub(fixed).max(4096);
        let parts = if check.serial { 1 } else { workers.max(1) };
        let per_part = planned.files.len().div_ceil(parts).max(1);
        let mut batch: Vec<String> = Vec::new();
        let mut bytes = 0;
        for file in &planned.files {
            let cost = file.len() + 3 + 8;
            if !batch.is_empty() && (bytes + cost > room || batch.len() >= per_part) {
                jobs.push(file_job(index, std::mem::take(&mut batch)));
                bytes = 0;
            }
            bytes += cost;
            batch.push(file.clone());
        }
        if !batch.is_empty() {
            jobs.push(file_job(index, batch));
        }
    }
    // Longest expected first, then by check order, so every run and node agrees.
    jobs.sort_by(|a, b| b.predicted.cmp(&a.predicted).then(a.check.cmp(&b.check)));
    jobs
}

fn file_job(check: usize, files: Vec<String>) -> Job {
    let predicted = Duration::from_millis(50 + 2 * files.len() as u64);
    Job {
        check,
        files,
        predicted,
    }
}
