//! What one job did: the runner's answer, the cache's stored replay, and
//! what the gates judge.

use crate::finding::{Finding, Outcome};
use crate::parse::{Coverage, TestCounts};
use serde::Serialize;
use std::time::Duration;

/// What one job did.
#[derive(Clone, Debug, Serialize)]
pub struct JobReport {
    /// Index into the plan's jobs and checks.
    pub job: usize,
    pub check: usize,
    pub files: usize,
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
    pub diff: Option<String>,
    /// The tool's stdout and stderr, as printed.
    pub output: String,
    /// Why the outcome is `error` (or why findings could not be read).
    pub problem: Option<String>,
    pub exit_code: Option<i32>,
    #[serde(serialize_with = "super::secs")]
    pub duration: Duration,
    pub coverage: Option<Coverage>,
    pub tests: Option<TestCounts>,
    /// Replayed from the result cache rather than run.
    pub cached: bool,
}
