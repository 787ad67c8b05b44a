//! The plan: which checks run, on which files, in which jobs, and why.

mod durations;
mod jobs;
mod select;
mod shard;
pub use shard::is_test_file;
mod tier;

pub use durations::Durations;
pub use jobs::{Job, Work, build_jobs, predict_wall};
pub use select::{PlannedCheck, select_checks};
pub use shard::{Dealt, Shard, all_work, split};
pub use tier::{Ladder, TierChoice, choose_tier, thousands};

use crate::check::Stage;
use crate::results::{CheckResult, JobReport};

/// What a run is asked to do, resolved from the command line.
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub stage: Option<Stage>,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// Restrict to these project-relative files (from `--files` or `--changed`).
    pub files: Option<Vec<String>>,
}

/// The checks of a run and the jobs that carry them out.
pub struct Plan {
    pub tier: TierChoice,
    pub checks: Vec<PlannedCheck>,
    /// Checks left out, with why (no files, replaced, skipped ...).
    pub left_out: Vec<(String, String)>,
    /// Stacks detected but not checked, and what reading the project's own
    /// hook config said (hooks of other stages, keys rungs does not act on).
    pub notes: Vec<String>,
    pub jobs: Vec<Job>,
    /// Wall time a longest-first schedule of the jobs is expected to take.
    pub predicted: std::time::Duration,
    pub budget: std::time::Duration,
    /// A test run may run only the test files a change affects, and
    /// records what each runs (`[tests] select = false` says no).
    pub select_tests: bool,
    /// Every test file runs, and the record is made anew (`--all-tests`).
    pub all_tests: bool,
}

impl Plan {
    /// Check `index`'s result over the run, from its jobs' reports.
    pub fn result_of(&self, index: usize, reports: &[&JobReport]) -> CheckResult {
        let planned = &self.checks[index];
        CheckResult::fold(&planned.check, planned.files.len(), reports)
    }
}
