//! The report a person reads: a line per check as it finishes, its findings or
//! diff when it failed, then totals against the budget and the slowest checks.

use super::{Event, Reporter};
use crate::finding::{Finding, Outcome};
use crate::results::CheckResult;
use crate::results::JobReport;
use console::Style;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::Duration;

pub struct TerminalReporter {
    colour: bool,
    progress: Option<ProgressBar>,
    finished: BTreeMap<usize, Vec<JobReport>>,
    printed: Vec<CheckResult>,
}

impl TerminalReporter {
    pub fn new() -> TerminalReporter {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        TerminalReporter {
            colour: std::io::stdout().is_terminal() && !no_color,
            progress: None,
            finished: BTreeMap::new(),
            printed: Vec::new(),
        }
    }

    fn style(&self, s: Style) -> Style {
        s.force_styling(self.colour)
    }

    fn print(&self, text: &str) {
        let write = || {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        };
        match &self.progress {
            Some(p) => p.suspend(write),
            None => write(),
        }
    }

    fn block(&self, r: &CheckResult) -> String {
        let (mark, style) = match r.outcome {
            Outcome::Passed => ("✔", Style::new().green()),
            Outcome::Failed => ("✘", Style::new().red()),
            _ => ("!", Style::new().red().bold()),
        };
        let style = self.style(style);
        let failing = r
            .findings
            .iter()
            .filter(|f| !f.baselined && !f.to_adopt)
            .count();
        let baselined = r.findings.iter().filter(|f| f.baselined).count();
        let to_adopt: Vec<&Finding> = r.findings.iter().filter(|f| f.to_adopt).collect();
        let mut out = format!(
            "{} {:<14} {:<11} {:>8}  {:>3} finding{}  {} file{}{}{}{}{}\n",
            style.apply_to(mark),
            r.check,
            style.apply_to(r.outcome.label()),
            format_duration(r.duration),
            failing,
            if failing == 1 { " " } else { "s" },
            r.files,
            if r.files == 1 { "" } else { "s" },
            r.tests.as_ref().map(tests_line).unwrap_or_default(),
            if baselined > 0 {
                format!("  (+{baselined} baselined)")
            } else {
                String::new()
            },
            if r.cached { "  (cached)" } else { "" },
            adoption(&to_adopt, &r.check),
        );
        if r.outcome.is_success() {
            // Not adopted and could not run: said, though it fails nothing.
            for problem in &r.problems {
                let _ = writeln!(
                    out,
                    "    {}",
                    self.style(Style::new().yellow()).apply_to(problem)
                );
            }
            // A verbose hook's output is kept when it passes: shown.
            for line in r.output.lines() {
                let _ = writeln!(out, "    | {line}");
            }
            return out;
        }
        for problem in &r.problems {
            let _ = writeln!(
                out,
                "    {}",
                self.style(Style::new().yellow()).apply_to(problem)
            );
        }
        for f in r.findings.iter().filter(|f| !f.baselined && !f.to_adopt) {
            let _ = writeln!(out, "    {}", f.display());
        }
        if let Some(diff) = &r.diff {
            for line in diff.lines() {
                let style = match line.chars().next() {
                    Some('+') if !line.starts_with("+++") => Style::new().green(),
                    Some('-') if !line.starts_with("---") => Style::new().red(),
                    Some('@') => Style::new().cyan(),
                    _ => Style::new(),
                };
                let _ = writeln!(out, "    {}", self.style(style).apply_to(line));
            }
        }
        // Findings and a diff say it all; otherwise the tool's own words do.
        if (r.findings.is_empty() && r.diff.is_none()) || !r.problems.is_empty() {
            for line in r.output.lines() {
                let _ = writeln!(out, "    | {line}");
            }
        }
        out
    }
}

impl TerminalReporter {
    /// A whole run's report at once (for `rungs merge`).
    /// The closing lines alone (slowest, verdict), for a run whose checks
    /// were shown as they finished.
    pub fn print_totals(&self, summary: &super::Summary) {
        self.print(&totals(self, summary));
    }

    pub fn print_summary(&self, summary: &super::Summary) {
        let mut text: String = summary.checks.iter().map(|c| self.block(c)).collect();
        text.push_str(&totals(self, summary));
        self.print(&text);
    }
}

impl Default for TerminalReporter {
    fn default() -> Self {
        TerminalReporter::new()
    }
}

impl Reporter for TerminalReporter {
    fn event(&mut self, event: &Event) {
        match event {
            Event::Started { plan } => {
                if std::io::stderr().is_terminal() && !plan.jobs.is_empty() {
                    let bar = ProgressBar::with_draw_target(
                        Some(plan.jobs.len() as u64),
                        ProgressDrawTarget::stderr(),
                    );
                    bar.set_style(
                        ProgressStyle::with_template("{spinner} {pos}/{len} jobs {elapsed}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    bar.enable_steady_tick(Duration::from_millis(120));
                    self.progress = Some(bar);
                }
            }
            Event::JobFinished { plan, report } => {
                if let Some(p) = &self.progress {
                    p.inc(1);
                }
                let check = report.check;
                self.finished
                    .entry(check)
                    .or_default()
                    .push((*report).clone());
                let total = plan.jobs.iter().filter(|j| j.check == check).count();
                if self.finished[&check].len() == total {
                    let reports: Vec<&JobReport> = self.finished[&check].iter().collect();
                    let result = plan.result_of(check, &reports);
                    let mut text = self.block(&result);
                    if super::gitlab::enabled() {
                        // The tool's own output too, folded away when it passed.
                        let (header, mut body) = text.split_once('\n').unwrap_or((&text, ""));
                        let output: Vec<&str> = reports
                            .iter()
                            .map(|r| r.output.as_str())
                            .filter(|o| !o.is_empty())
                            .collect();
                        let passed = result.outcome.is_success();
                        let joined = output.join("\n");
                        if passed {
                            body = &joined;
                        }
                        text = super::gitlab::section(
                            &result.check,
                            header,
                            body,
                            passed,
                            result.duration,
                        );
                    }
                    self.print(&text);
                    self.printed.push(result);
                }
            }
            Event::Finished { summary, .. } => {
                if let Some(p) = self.progress.take() {
                    p.finish_and_clear();
                }
                self.print(&totals(self, summary));
            }
            Event::Notice(_) => {}
        }
    }
}

/// How far the project is from adopting a check it has not adopted.
fn adoption(to_adopt: &[&Finding], check: &str) -> String {
    if to_adopt.is_empty() {
        return String::new();
    }
    let files: std::collections::BTreeSet<_> =
        to_adopt.iter().filter_map(|f| f.path.as_ref()).collect();
    format!(
        "\n    not adopted: {} finding{} in {} file{} to adopt; only findings on changed code fail (`rungs adopt {check}` takes it on)",
        to_adopt.len(),
        if to_adopt.len() == 1 { "" } else { "s" },
        files.len(),
        if files.len() == 1 { "" } else { "s" },
    )
}

fn totals(reporter: &TerminalReporter, summary: &super::Summary) -> String {
    let mut out = String::from("\n");
    let passed = summary
        .checks
        .iter()
        .filter(|c| c.outcome.is_success())
        .count();
    let findings: usize = summary
        .checks
        .iter()
        .flat_map(|c| &c.findings)
        .filter(|f| !f.baselined && !f.to_adopt)
        .count();
    for c in &summary.checks {
        if let Some(cov) = c.coverage.as_ref().filter(|c| c.partial) {
            // No TOTAL line: GitLab's coverage regex must not read a part as the whole.
            let _ = writeln!(
                out,
                "coverage of this shard's tests: {:.2}% of {} statements (rungs merge joins the shards and judges the floor)",
                cov.percent, cov.statements
            );
        } else if let Some(cov) = &c.coverage {
            let missed = cov.statements.saturating_sub(cov.covered_lines);
            let floor = cov
                .floor
                .map(|f| format!(" (floor {f}%)"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "TOTAL {:>8} {:>8}{} {:>9.2}%{floor}",
                cov.statements,
                missed,
                branch_columns(cov),
                cov.percent
            );
        }
    }
    out.push_str(&gates(reporter, summary));
    let mut slowest: Vec<&CheckResult> = summary.checks.iter().collect();
    slowest.sort_by_key(|c| std::cmp::Reverse(c.duration));
    if slowest.len() > 1 {
        let list: Vec<String> = slowest
            .iter()
            .take(3)
            .map(|c| format!("{} {}", c.check, format_duration(c.duration)))
            .collect();
        let _ = writeln!(out, "slowest: {}", list.join(", "));
    }
    let verdict = if summary.exit_code == 0 {
        reporter
            .style(Style::new().green().bold())
            .apply_to("passed")
    } else {
        reporter.style(Style::new().red().bold()).apply_to("failed")
    };
    let over = if summary.wall > summary.budget {
        " — over budget"
    } else {
        ""
    };
    let _ = writeln!(
        out,
        "{verdict}: {passed} of {} checks passed, {findings} finding{} · tier {} · {} wall (budget {}){over}",
        summary.checks.len(),
        if findings == 1 { "" } else { "s" },
        summary.tier,
        format_duration(summary.wall),
        format_duration(summary.budget),
    );
    out
}

/// coverage.py's `Branch` and `BrPart` columns where branches were measured,
/// so the TOTAL line's numbers add up as its own report's do: every branch,
/// and the lines that ran without taking all of theirs.
fn branch_columns(cov: &crate::parse::Coverage) -> String {
    let branches: usize = cov
        .files
        .iter()
        .map(|f| f.covered_branches.len() + f.missed_branches.len())
        .sum();
    if branches == 0 {
        return String::new();
    }
    let partial: usize = cov
        .files
        .iter()
        .map(|f| {
            let mut lines: Vec<i64> = f
                .missed_branches
                .iter()
                .map(|b| b[0])
                .filter(|l| u32::try_from(*l).is_ok_and(|l| f.covered.contains(&l)))
                .collect();
            lines.sort();
            lines.dedup();
            lines.len()
        })
        .sum();
    format!(" {branches:>8} {partial:>8}")
}

/// The test counts as pytest's summary says them: `  · 12 passed, 1 failed,
/// 2 skipped, 1 xfailed`.
fn tests_line(t: &crate::parse::TestCounts) -> String {
    let passed = t
        .total
        .saturating_sub(t.failed + t.errors + t.skipped + t.xfailed + t.xpassed);
    let parts: Vec<String> = [
        (passed, "passed"),
        (t.failed, "failed"),
        (t.errors, "errors"),
        (t.skipped, "skipped"),
        (t.xfailed, "xfailed"),
        (t.xpassed, "xpassed"),
    ]
    .iter()
    .filter(|(n, word)| *n > 0 || *word == "passed")
    .map(|(n, word)| format!("{n} {word}"))
    .collect();
    format!("  · {}", parts.join(", "))
}

pub fn format_duration(d: Duration) -> String {
    let s = d.as_secs_f64();
    if s < 60.0 {
        format!("{s:.2}s")
    } else {
        format!("{}m{:02}s", (s / 60.0) as u64, (s % 60.0) as u64)
    }
}

/// The coverage gates' verdicts, every uncovered changed line, and the baseline.
fn gates(reporter: &TerminalReporter, summary: &super::Summary) -> String {
    use crate::gate::Verdict;
    let mut out = String::new();
    for g in &summary.gates {
        let style = match g.verdict {
            Verdict::Failed => Style::new().red(),
            Verdict::Passed => Style::new().green(),
            _ => Style::new().yellow(),
        };
        let _ = writeln!(
            out,
            "{}: {} — {}",
            g.gate,
            reporter.style(style).apply_to(g.verdict.label()),
            g.message
        );
        for line in &g.uncovered {
            let _ = writeln!(out, "    {line} not covered");
        }
    }
    if let Some(b) = &summary.baseline {
        let fixed = match b.fixed {
            Some(n) if n > 0 => format!("; {n} fixed, `rungs baseline` drops them"),
            _ => String::new(),
        };
        let _ = writeln!(
            out,
            "baseline: {} baselined finding{} remain ({}){fixed}",
            b.remaining,
            if b.remaining == 1 { "" } else { "s" },
            b.file
        );
    }
    out
}
