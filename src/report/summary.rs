//! A run's results per check, folded from its job reports.

use crate::execute::JobReport;
use crate::finding::{Finding, Outcome};
use crate::parse::{Coverage, TestCounts};
use crate::plan::Plan;
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize)]
pub struct CheckResult {
    pub check: String,
    pub kind: String,
    pub outcome: Outcome,
    pub files: usize,
    /// Sum of the jobs' durations.
    #[serde(rename = "seconds", serialize_with = "secs")]
    pub duration: Duration,
    pub findings: Vec<Finding>,
    pub diff: Option<String>,
    pub problems: Vec<String>,
    /// Raw tool output of the jobs that did not pass.
    pub output: String,
    pub coverage: Option<Coverage>,
    pub tests: Option<TestCounts>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub tier: String,
    pub checks: Vec<CheckResult>,
    #[serde(rename = "wall_seconds", serialize_with = "secs")]
    pub wall: Duration,
    #[serde(rename = "budget_seconds", serialize_with = "secs")]
    pub budget: Duration,
    pub exit_code: i32,
}

impl CheckResult {
    pub fn fold(plan: &Plan, index: usize, reports: &[&JobReport]) -> CheckResult {
        let planned = &plan.checks[index];
        let mut result = CheckResult {
            check: planned.check.id.0.clone(),
            kind: planned.check.kind.as_str().to_string(),
            outcome: Outcome::Passed,
            files: planned.files.len(),
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
            if !r.outcome.is_success() && !r.output.is_empty() {
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
            }
        }
        result.findings.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
        });
        result
    }
}

/// Durations as seconds in reports.
pub fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}
