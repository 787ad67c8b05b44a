//! Splitting checks into jobs: file lists in batches that fit the OS argument
//! limit and spread over the workers; project-level checks as one job each;
//! results the cache already holds as jobs that only replay.

use super::Durations;
use super::PlannedCheck;
use crate::check::{Kind, Scope};
use crate::results::JobReport;
use std::path::Path;
use std::time::Duration;

/// What is left to do for one check after sharding and the cache.
#[derive(Clone, Debug)]
pub enum Work {
    /// Nothing: every result is in the cache (or belongs to another shard).
    None,
    /// These files, in batches (file-level checks).
    Files(Vec<String>),
    /// One run over the project, with these files passed (a shard's test files), or none.
    Project(Vec<String>),
}

/// One process to run: a check over a batch of files, or over the whole project.
#[derive(Clone, Debug)]
pub struct Job {
    /// Index into the plan's checks.
    pub check: usize,
    /// Files passed to the tool.
    pub files: Vec<String>,
    /// Expected duration, for longest-first scheduling.
    pub predicted: Duration,
    /// A result replayed from the cache instead of run.
    pub cached: Option<Box<JobReport>>,
    /// A test run that selects the test files a change affects, under the
    /// record of this key (see `crate::affected`).
    pub select_tests: Option<String>,
    /// A fix of these lines (first, last) of its one file only.
    pub lines: Option<(u32, u32)>,
}

impl Job {
    /// A fix of `files`: whole (`changed` is `None`), or only the changed
    /// lines of each, one job per run of lines, the last run first so the
    /// line numbers of the runs still to fix stay true.
    pub fn fixes(
        check: usize,
        files: Vec<String>,
        changed: Option<&crate::project::git::Lines>,
    ) -> Vec<Job> {
        let job = |files: Vec<String>, lines| Job {
            check,
            files,
            predicted: Duration::ZERO,
            cached: None,
            select_tests: None,
            lines,
        };
        let Some(changed) = changed else {
            return vec![job(files, None)];
        };
        let mut jobs = Vec::new();
        for file in files {
            let Some(lines) = changed.get(&file) else {
                continue;
            };
            let mut runs: Vec<(u32, u32)> = Vec::new();
            for &line in lines {
                match runs.last_mut() {
                    Some((_, end)) if *end + 1 == line => *end = line,
                    _ => runs.push((line, line)),
                }
            }
            jobs.extend(
                runs.into_iter()
                    .rev()
                    .map(|r| job(vec![file.clone()], Some(r))),
            );
        }
        jobs
    }
}

/// Fixed cost of starting a tool, when nothing was recorded.
const START_SECS: f64 = 0.05;
const FILE_SECS: f64 = 0.002;
/// Tool starts' worth of work a batch must carry for a split to pay.
const MIN_PART_STARTS: f64 = 2.0;

/// Expected seconds of one file of a file-level check.
pub fn per_file(durations: &Durations, planned: &PlannedCheck) -> f64 {
    durations
        .get(planned.check.id.as_str())
        .or(planned.check.expected_seconds)
        .unwrap_or(FILE_SECS)
}

/// Expected seconds of a project-level check's run.
pub fn per_run(durations: &Durations, planned: &PlannedCheck) -> f64 {
    durations
        .get(planned.check.id.as_str())
        .or(planned.check.expected_seconds)
        .unwrap_or(match planned.check.kind {
            Kind::Test | Kind::Coverage => 30.0,
            _ => 10.0,
        })
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

/// Split each check's files into one batch per worker (more when a batch
/// would overflow the argument limit), balanced by bytes rather than by
/// count: a tool's time follows the size of what it reads, and a tree's big
/// files tend to sit together (tests, generated code).
pub fn build_jobs(
    root: &Path,
    checks: &[PlannedCheck],
    work: &[Work],
    workers: usize,
    durations: &Durations,
) -> Vec<Job> {
    let budget = argument_budget();
    let mut jobs = Vec::new();
    for (index, (planned, work)) in checks.iter().zip(work).enumerate() {
        let check = &planned.check;
        let files = match work {
            Work::None => continue,
            Work::Project(files) => {
                jobs.push(Job {
                    lines: None,
                    check: index,
                    files: files.clone(),
                    predicted: Duration::from_secs_f64(per_run(durations, planned)),
                    cached: None,
                    select_tests: None,
                });
                continue;
            }
            Work::Files(files) => files,
        };
        debug_assert_eq!(check.scope, Scope::Files);
        let each = per_file(durations, planned);
        let fixed: usize = check
            .command
            .iter()
            .chain(&planned.args)
            .map(|a| a.len() + 1 + 8)
            .sum();
        let room = budget.saturating_sub(fixed).max(4096);
        // A split pays a tool start per part: only worth it while each part
        // still has a few starts' worth of work (a hook's five files don't).
        // A check of unknown cost is split, as its first run can't tell.
        let known = durations.get(check.id.as_str()).is_some() || check.expected_seconds.is_some();
        let worth = (each * files.len() as f64 / (MIN_PART_STARTS * START_SECS)) as usize;
        let parts = match (check.serial, known) {
            (true, _) => 1,
            (false, true) => workers.max(1).min(worth.max(1)),
            (false, false) => workers.max(1),
        };
        let sizes = sizes(root, files);
        let mean = (sizes.iter().sum::<u64>() as f64 / files.len().max(1) as f64).max(1.0);
        for part in balance(&sizes, parts) {
            let mut batch: Vec<String> = Vec::new();
            let (mut bytes, mut weight) = (0, 0.0);
            let mut push = |batch: Vec<String>, weight: f64| {
                let predicted = Duration::from_secs_f64(START_SECS + each * weight);
                jobs.push(Job {
                    lines: None,
                    check: index,
                    files: batch,
                    predicted,
                    cached: None,
                    select_tests: None,
                });
            };
            for i in part {
                let file = &files[i];
                let cost = file.len() + 3 + 8;
                if !batch.is_empty() && bytes + cost > room {
                    push(std::mem::take(&mut batch), weight);
                    (bytes, weight) = (0, 0.0);
                }
                bytes += cost;
                weight += sizes[i] as f64 / mean;
                batch.push(file.clone());
            }
            if !batch.is_empty() {
                push(batch, weight);
            }
        }
    }
    // Longest expected first, then by check order, so every run and node agrees.
    jobs.sort_by(|a, b| b.predicted.cmp(&a.predicted).then(a.check.cmp(&b.check)));
    jobs
}

/// Each file's size in bytes; one that can't be read counts as empty.
fn sizes(root: &Path, files: &[String]) -> Vec<u64> {
    files
        .iter()
        .map(|f| std::fs::metadata(root.join(f)).map_or(0, |m| m.len()))
        .collect()
}

/// Indices of `sizes` dealt into at most `parts` groups of near-equal total:
/// largest first, each to the lightest group (ties by index, so every run
/// and CI node deals the same way). Each group keeps the files' own order.
fn balance(sizes: &[u64], parts: usize) -> Vec<Vec<usize>> {
    let parts = parts.clamp(1, sizes.len().max(1));
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by(|&a, &b| sizes[b].cmp(&sizes[a]).then(a.cmp(&b)));
    let mut groups: Vec<(u64, Vec<usize>)> = vec![(0, Vec::new()); parts];
    for i in order {
        let lightest = (0..parts)
            .min_by_key(|&g| (groups[g].0, groups[g].1.len(), g))
            .expect("at least one group");
        // An empty file still costs the tool a little.
        groups[lightest].0 += sizes[i].max(1);
        groups[lightest].1.push(i);
    }
    groups
        .into_iter()
        .filter(|(_, g)| !g.is_empty())
        .map(|(_, mut g)| {
            g.sort_unstable();
            g
        })
        .collect()
}

/// The wall time a longest-first schedule of `jobs` on `workers` would take.
pub fn predict_wall(jobs: &[Job], checks: &[PlannedCheck], workers: usize) -> Duration {
    let workers = workers.max(1);
    let mut free_at = vec![0.0f64; workers];
    for job in jobs.iter().filter(|j| j.cached.is_none()) {
        let slots = match checks[job.check].check.slots {
            0 => workers,
            n => (n as usize).min(workers),
        };
        // A job that takes several slots starts when that many workers are free.
        free_at.sort_by(|a, b| a.total_cmp(b));
        let start = free_at[slots - 1];
        let end = start + job.predicted.as_secs_f64();
        for slot in free_at.iter_mut().take(slots) {
            *slot = end;
        }
    }
    Duration::from_secs_f64(free_at.iter().copied().fold(0.0, f64::max))
}

#[cfg(test)]
mod tests {
    use super::balance;

    #[test]
    fn batches_balance_bytes_not_counts() {
        // Big files cluster at the end of the list, as tests/ often do.
        let sizes = [1, 1, 1, 1, 1, 1, 100, 100];
        let groups = balance(&sizes, 2);
        let totals: Vec<u64> = groups
            .iter()
            .map(|g| g.iter().map(|&i| sizes[i]).sum())
            .collect();
        assert_eq!(totals, vec![103, 103]);
        assert_eq!(groups, vec![vec![0, 2, 4, 6], vec![1, 3, 5, 7]]);
    }

    #[test]
    fn never_more_groups_than_files() {
        assert_eq!(balance(&[5], 4), vec![vec![0]]);
        assert!(balance(&[], 2).is_empty());
    }
}
