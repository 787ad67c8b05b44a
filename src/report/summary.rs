//! A run's results per check, folded from its job reports.

use crate::execute::JobReport;
use crate::finding::{Finding, Outcome};
use crate::parse::{Coverage, TestCounts};
use crate::plan::Plan;
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct CheckResult {
    pub check: String,
    pub kind: String,
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

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct Summary {
    pub tier: String,
    pub checks: Vec<CheckResult>,
    #[serde(
        rename = "wall_seconds",
        serialize_with = "secs",
        deserialize_with = "from_secs"
    )]
    pub wall: Duration,
    #[serde(
        rename = "budget_seconds",
        serialize_with = "secs",
        deserialize_with = "from_secs"
    )]
    pub budget: Duration,
    pub exit_code: i32,
    /// Verdicts of the coverage gates (diff coverage, ratchet).
    #[serde(default)]
    pub gates: Vec<crate::gate::Gate>,
    /// The baseline in use, if the project has one.
    #[serde(default)]
    pub baseline: Option<crate::gate::BaselineSummary>,
    /// `[index, total]` of a shard's result, so `rungs merge` can tell a
    /// missing shard.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<[usize; 2]>,
    /// The commit `--changed` compared against, so `rungs merge` can judge
    /// the joined coverage's changed lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_base: Option<String>,
}

impl CheckResult {
    pub fn fold(plan: &Plan, index: usize, reports: &[&JobReport]) -> CheckResult {
        let planned = &plan.checks[index];
        let mut result = CheckResult {
            check: planned.check.id.0.clone(),
            kind: planned.check.kind.as_str().to_string(),
            outcome: Outcome::Passed,
            files: planned.files.len(),
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
                acc.cases.extend(t.cases.iter().cloned());
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

pub fn from_secs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = <f64 as serde::Deserialize>::deserialize(d)?;
    Ok(Duration::from_secs_f64(secs.max(0.0)))
}

impl Summary {
    /// Shard summaries as one: each check's results folded across shards.
    pub fn merge(parts: Vec<Summary>) -> Option<Summary> {
        let mut parts = parts.into_iter();
        let mut out = parts.next()?;
        out.shard = None;
        for part in parts {
            out.wall = out.wall.max(part.wall);
            out.exit_code = merge_exit(out.exit_code, part.exit_code);
            out.gates.extend(part.gates);
            if let (Some(a), Some(b)) = (&mut out.baseline, part.baseline) {
                a.remaining += b.remaining;
                a.fixed = None;
            }
            for c in part.checks {
                match out.checks.iter_mut().find(|o| o.check == c.check) {
                    Some(o) => o.absorb(c),
                    None => out.checks.push(c),
                }
            }
        }
        for c in &mut out.checks {
            c.findings.sort_by(|a, b| {
                (&a.path, a.line, a.column, &a.rule).cmp(&(&b.path, b.line, b.column, &b.rule))
            });
        }
        Some(out)
    }
}

fn merge_exit(a: i32, b: i32) -> i32 {
    use crate::error::exit::*;
    [INTERRUPTED, USAGE, FAILED, PASSED]
        .into_iter()
        .find(|c| *c == a || *c == b)
        .unwrap_or(a.max(b))
}

impl CheckResult {
    fn absorb(&mut self, other: CheckResult) {
        self.outcome = self.outcome.max(other.outcome);
        // A suite split by test file gives each shard all its inputs.
        if self.kind == "test" || self.kind == "coverage" {
            self.files = self.files.max(other.files);
        } else {
            self.files += other.files;
        }
        self.cached &= other.cached;
        self.duration += other.duration;
        self.findings.extend(other.findings);
        if let Some(d) = other.diff {
            self.diff.get_or_insert_with(String::new).push_str(&d);
        }
        self.problems.extend(other.problems);
        if !other.output.is_empty() {
            if !self.output.is_empty() {
                self.output.push('\n');
            }
            self.output.push_str(&other.output);
        }
        self.coverage = match (self.coverage.take(), other.coverage) {
            (Some(a), Some(b)) => Some(crate::parse::coverage::join(a, b)),
            (a, b) => a.or(b),
        };
        match (&mut self.tests, other.tests) {
            (Some(a), Some(b)) => {
                a.total += b.total;
                a.failed += b.failed;
                a.errors += b.errors;
                a.skipped += b.skipped;
                a.cases.extend(b.cases);
            }
            (None, b) => self.tests = b,
            _ => {}
        }
    }
}
