//! A whole run's summary: each check's result, the gates' verdicts, and
//! how shards' summaries merge into one.

use crate::results::{CheckResult, from_secs, secs};
use serde::Serialize;
use std::time::Duration;

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
    /// The units a shard was dealt and every unit of the run it split, so
    /// `rungs merge` can check that its shards ran each unit exactly once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub split: Option<crate::plan::Dealt>,
    /// The commit `--changed` compared against, so `rungs merge` can judge
    /// the joined coverage's changed lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_base: Option<String>,
}

impl Summary {
    /// Shard summaries as one: each check's results folded across shards.
    pub fn merge(parts: Vec<Summary>) -> Option<Summary> {
        let mut parts = parts.into_iter();
        let mut out = parts.next()?;
        out.shard = None;
        out.split = None;
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
                a.xfailed += b.xfailed;
                a.xpassed += b.xpassed;
                a.cases.extend(b.cases);
            }
            (None, b) => self.tests = b,
            _ => {}
        }
    }
}
