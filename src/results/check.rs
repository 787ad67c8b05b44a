//! A check's result over a run, folded from its jobs' reports: what the
//! gates judge and the reports show.

use super::{JobReport, from_secs, secs};
use crate::check::Check;
use crate::finding::{Finding, Outcome};
use crate::parse::{Coverage, TestCounts};
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub kind: String,
    /// Over files or over the project: how `rungs merge` records its time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<crate::check::Scope>,
    pub outcome: Outcome,
    pub files: usize,
    /// Every result replayed from the cache (durations are the original runs').
    pub cached: bool,
    /// Sum of the jobs' durations.
    #[serde(
        rename = "seconds",
        serialize_with = "secs",
        deserialize_with = "from_secs"
    )]
    pub duration: Duration,
    pub findings: Vec<Finding>,
    pub diff: Option<String>,
    pub problems: Vec<String>,
    /// Raw tool output of the jobs that did not pass.
    pub output: String,
    pub coverage: Option<Coverage>,
    pub tests: Option<TestCounts>,
}

impl CheckResult {
    /// The result of `check`, planned over `files` files, from its jobs' reports.
    pub fn fold(check: &Check, files: usize, reports: &[&JobReport]) -> CheckResult {
        let mut result = CheckResult {
            check: check.id.0.clone(),
            kind: check.kind.as_str().to_string(),
            scope: Some(check.scope),
            outcome: Outcome::Passed,
            files,
            cached: !reports.is_empty() && reports.iter().all(|r| r.cached),
            duration: Duration::ZERO,
            findings: Vec::new(),
            diff: None,
            problems: Vec::new(),
            output: String::new(),
            coverage: None,
            tests: None,
        };
        let mut sorted: Vec<&&JobReport> = reports.iter().collect();
        sorted.sort_by_key(|r| r.job);
        for r in sorted {
            result.outcome = result.outcome.max(r.outcome);
            result.duration += r.duration;
            result.findings.extend(r.findings.iter().cloned());
            if let Some(d) = &r.diff {
                result.diff.get_or_insert_with(String::new).push_str(d);
                if !d.ends_with('\n') {
                    result.diff.as_mut().expect("just set").push('\n');
                }
            }
            if let Some(p) = &r.problem {
                result.problems.push(p.clone());
            }
            let verbose = check.origin.as_ref().is_some_and(|o| o.verbose);
            if (!r.outcome.is_success() || verbose) && !r.output.is_empty() {
                if !result.output.is_empty() {
                    result.output.push('\n');
                }
                result.output.push_str(&r.output);
            }
            if r.coverage.is_some() {
                result.coverage = r.coverage.clone();
            }
            if let Some(t) = &r.tests {
                let acc = result.tests.get_or_insert_with(TestCounts::default);
                acc.total += t.total;
                acc.failed += t.failed;
                acc.errors += t.errors;
                acc.skipped += t.skipped;
                acc.xfailed += t.xfailed;
                acc.xpassed += t.xpassed;
                acc.cases.extend(t.cases.iter().cloned());
            }
        }
        result.findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
        });
        result
    }
}
