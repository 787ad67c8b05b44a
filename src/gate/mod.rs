//! Gates: what decides pass or fail beyond each tool's own verdict. The
//! baseline turns findings the project has accepted into ones that are reported
//! but do not fail; diff coverage judges every changed line; the ratchet keeps
//! total coverage from sliding below what the default branch reached.

pub mod adoption;
pub mod baseline;
mod diff_coverage;
mod ratchet;

pub use baseline::{Baseline, BaselineSummary};

use crate::config::CoverageConfig;
use crate::error::Error;
use crate::finding::{Finding, Outcome, Severity};
use crate::results::CheckResult;
use crate::results::JobReport;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Rules of the findings gates add; they are never baselined.
pub const GATE_RULES: [&str; 3] = ["coverage-floor", "diff-coverage", "coverage-ratchet"];

/// One gate's verdict, for every report.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Gate {
    /// `diff-coverage` or `coverage-ratchet`.
    pub gate: String,
    /// The check whose coverage was judged.
    pub check: String,
    pub verdict: Verdict,
    /// One line a person reads.
    pub message: String,
    /// `path:line` of every changed line the tests do not run (diff coverage).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uncovered: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Passed,
    Failed,
    /// Diff coverage with no changed line coverage could measure: its own
    /// verdict, so a change that escapes measurement is not a silent pass.
    NoCoverableChanges,
    /// The ratchet with no value recorded on the default branch yet.
    NothingRecorded,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Passed => "passed",
            Verdict::Failed => "failed",
            Verdict::NoCoverableChanges => "no coverable line changed",
            Verdict::NothingRecorded => "nothing recorded yet",
        }
    }
}

/// A finished job's findings given their fingerprints and, with a baseline,
/// marked as baselined; a job that failed only on baselined findings passes.
pub fn judge_job(root: &Path, baseline: Option<&Baseline>, report: &JobReport) -> JobReport {
    let mut report = report.clone();
    crate::fingerprint::assign(root, &mut report.findings);
    if let Some(baseline) = baseline {
        baseline.mark(&mut report.findings);
        let failing = report.findings.iter().any(Finding::blocking);
        if report.outcome == Outcome::Failed
            && report.problem.is_none()
            && !report.findings.is_empty()
            && !failing
        {
            report.outcome = Outcome::Passed;
        }
    }
    report
}

/// Lines a change added or changed, per project-relative file; a file with
/// no lines listed counts as changed throughout.
pub type ChangedLines = crate::project::git::Lines;

/// A check the project has not adopted holds the line: its findings on what
/// the change touched fail; the others are marked "to adopt", reported but
/// not failing. A formatter's finding is one per file: it fails when the
/// reformatting its diff shows touches a changed line (a file the team never
/// formatted is not failed for the lines nobody touched). With no change to
/// compare against (`changed` is `None`) all of them are advisory. An error
/// of such a check fails nothing either: it is reported as it is.
pub fn hold_line(report: &mut JobReport, formatter: bool, changed: Option<&ChangedLines>) {
    let reformatted = match (formatter, &report.diff) {
        (true, Some(diff)) => Some(reformatted_lines(diff)),
        _ => None,
    };
    for f in &mut report.findings {
        let touched = match (changed, &f.path) {
            (Some(changed), Some(path)) => changed.get(path).is_some_and(|lines| {
                if lines.is_empty() {
                    return true;
                }
                match (formatter, reformatted.as_ref().and_then(|r| r.get(path))) {
                    (true, Some(reformatted)) => !reformatted.is_disjoint(lines),
                    (true, None) => true,
                    (false, _) => f.line.is_none_or(|line| lines.contains(&line)),
                }
            }),
            _ => false,
        };
        f.to_adopt = !touched;
    }
    let blocking = report.findings.iter().any(Finding::blocking);
    match report.outcome {
        Outcome::Failed if !blocking && report.findings.iter().any(|f| f.to_adopt) => {
            report.outcome = Outcome::Passed;
        }
        Outcome::Error if changed.is_none() => {
            let why = report.problem.take().unwrap_or_default();
            report.problem = Some(format!(
                "could not run (not adopted, so it fails nothing): {why}"
            ));
            report.outcome = Outcome::Passed;
        }
        _ => {}
    }
}

/// The lines of each file, as it is, that a formatter's unified diff
/// changes: every removed line, and both neighbours of a pure insertion.
pub fn reformatted_lines(diff: &str) -> ChangedLines {
    let mut out = ChangedLines::default();
    let mut path: Option<String> = None;
    let mut old = 0u32;
    // A `+` right after `-` lines replaces them; otherwise it is inserted.
    let mut replacing = false;
    for line in diff.lines() {
        if let Some(p) = line.strip_prefix("+++ ") {
            path = Some(p.strip_prefix("b/").unwrap_or(p).to_string());
        } else if line.starts_with("--- ") {
            continue;
        } else if let Some(hunk) = line.strip_prefix("@@ -") {
            old = hunk
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            replacing = false;
        } else if let Some(path) = &path {
            let lines = out.entry(path.clone()).or_default();
            if line.starts_with('-') {
                lines.insert(old);
                old += 1;
                replacing = true;
            } else if line.starts_with('+') {
                if !replacing {
                    lines.insert(old.saturating_sub(1).max(1));
                    lines.insert(old.max(1));
                }
            } else {
                old += 1;
                replacing = false;
            }
        }
    }
    out.retain(|_, l| !l.is_empty());
    out
}

/// Where the run's changes are measured from, for diff coverage.
pub struct Changes<'a> {
    /// The `--changed` base commit; none without `--changed`.
    pub base: Option<&'a str>,
}

/// The coverage gates over a run's folded results. Failing gates add findings
/// to the coverage check they judged, which then fails.
pub fn judge_coverage(
    root: &Path,
    config: &CoverageConfig,
    changes: &Changes,
    checks: &mut [CheckResult],
) -> Result<Vec<Gate>, Error> {
    let mut gates = Vec::new();
    for check in checks.iter_mut() {
        // A shard's part of the coverage is judged once joined, by rungs merge.
        if check.coverage.as_ref().is_none_or(|c| c.partial) || check.outcome > Outcome::Failed {
            continue;
        }
        let mut added: Vec<Finding> = Vec::new();
        if config.diff
            && let Some(base) = changes.base
        {
            let gate = diff_coverage::judge(root, base, config.diff_floor, check, &mut added)?;
            gates.push(gate);
        }
        if config.ratchet {
            gates.push(ratchet::judge(root, config, check, &mut added)?);
        }
        if !added.is_empty() {
            crate::fingerprint::assign(root, &mut added);
            check.findings.extend(added);
            check.outcome = check.outcome.max(Outcome::Failed);
        }
    }
    Ok(gates)
}

/// Coverage that shards measured in parts, joined by `rungs merge`: judged
/// now as a single run judges its own (the floor, diff coverage against the
/// shards' `--changed` base, the ratchet).
pub fn judge_joined(
    root: &Path,
    config: &CoverageConfig,
    base: Option<&str>,
    checks: &mut [CheckResult],
) -> Result<Vec<Gate>, Error> {
    let mut gates = Vec::new();
    for check in checks.iter_mut() {
        let Some(cov) = check.coverage.as_mut().filter(|c| c.partial) else {
            continue;
        };
        cov.partial = false;
        if let Some(floor) = cov.floor
            && cov.percent + 1e-9 < floor
        {
            let message = format!(
                "total coverage {:.2}% is below the floor of {floor}%",
                cov.percent
            );
            let mut added = vec![finding(&check.check, "coverage-floor", None, None, message)];
            crate::fingerprint::assign(root, &mut added);
            check.findings.extend(added);
            check.outcome = check.outcome.max(Outcome::Failed);
        }
        let changes = Changes { base };
        gates.extend(judge_coverage(
            root,
            config,
            &changes,
            std::slice::from_mut(check),
        )?);
    }
    Ok(gates)
}

/// A finding a gate adds to the check it judged.
fn finding(
    check: &str,
    rule: &str,
    path: Option<String>,
    line: Option<u32>,
    message: String,
) -> Finding {
    Finding {
        check: check.to_string(),
        rule: Some(rule.to_string()),
        path,
        line,
        column: None,
        severity: Severity::Error,
        message,
        fingerprint: String::new(),
        baselined: false,
        to_adopt: false,
    }
}

#[cfg(test)]
mod tests {
    use super::reformatted_lines;

    #[test]
    fn a_formatters_diff_names_the_lines_it_would_change() {
        let diff =
            "--- a/m.py\n+++ b/m.py\n@@ -3,5 +3,6 @@\n a = 1\n-b=2\n+b = 2\n c = 3\n+\n d = 4\n";
        let lines = reformatted_lines(diff);
        // Line 4 rewritten; a blank line inserted between lines 5 and 6.
        assert_eq!(lines["m.py"].iter().copied().collect::<Vec<_>>(), [4, 5, 6]);
    }
}
