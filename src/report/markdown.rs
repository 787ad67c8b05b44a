//! A Markdown summary fit for a merge-request comment: the verdict, a table of
//! checks, coverage and its gates, the baseline, then the findings that fail.

use super::Summary;
use super::context::Context;
use super::format_duration;
use crate::gate::{BaselineSummary, Gate, Verdict};
use crate::results::CheckResult;
use std::fmt::Write as _;

/// Findings listed per check before the rest is only counted.
const MAX_FINDINGS: usize = 50;

pub fn render(ctx: &Context) -> Vec<u8> {
    let summary = ctx.summary;
    let mut out = String::new();
    heading(&mut out, summary);
    if !summary.checks.is_empty() {
        table(&mut out, &summary.checks);
    }
    coverage(&mut out, &summary.checks);
    gates(&mut out, &summary.gates);
    if let Some(b) = &summary.baseline {
        baseline(&mut out, b);
    }
    for c in summary.checks.iter().filter(|c| !c.outcome.is_success()) {
        failure(&mut out, c);
    }
    out.into_bytes()
}

/// The verdict and the counts above everything else: what a reader of the
/// merge request sees first.
fn heading(out: &mut String, summary: &Summary) {
    let passed = summary
        .checks
        .iter()
        .filter(|c| c.outcome.is_success())
        .count();
    let verdict = if summary.exit_code == 0 {
        "✅ passed"
    } else {
        "❌ failed"
    };
    let _ = writeln!(
        out,
        "## rungs: {verdict}\n\n{passed} of {} checks passed · tier `{}` · {} wall\n",
        summary.checks.len(),
        summary.tier,
        format_duration(summary.wall),
    );
}

/// The table of checks: one row each, with its result, findings and time.
fn table(out: &mut String, checks: &[CheckResult]) {
    out.push_str("| | check | result | findings | time |\n| --- | --- | --- | ---: | ---: |\n");
    for c in checks {
        let mark = if c.outcome.is_success() { "✅" } else { "❌" };
        let failing = c
            .findings
            .iter()
            .filter(|f| !f.baselined && !f.to_adopt)
            .count();
        let baselined = c.findings.iter().filter(|f| f.baselined).count();
        let to_adopt = c.findings.iter().filter(|f| f.to_adopt).count();
        let mut count = failing.to_string();
        if baselined > 0 {
            count.push_str(&format!(" (+{baselined} baselined)"));
        }
        if to_adopt > 0 {
            count.push_str(&format!(" (+{to_adopt} to adopt)"));
        }
        let _ = writeln!(
            out,
            "| {mark} | {} | {} | {count} | {} |",
            inline(&c.check),
            c.outcome.label(),
            format_duration(c.duration)
        );
    }
    out.push('\n');
}

/// A line per check that measured coverage, with its floor.
fn coverage(out: &mut String, checks: &[CheckResult]) {
    for c in checks {
        if let Some(cov) = &c.coverage {
            let floor = cov
                .floor
                .map(|f| format!(" (floor {f}%)"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "**Coverage** ({}): {:.2}% of {} lines{floor}\n",
                inline(&c.check),
                cov.percent,
                cov.statements
            );
        }
    }
}

/// Each gate's verdict, and the changed lines a coverage gate found
/// uncovered.
fn gates(out: &mut String, gates: &[Gate]) {
    for g in gates {
        let mark = match g.verdict {
            Verdict::Failed => "❌",
            Verdict::Passed => "✅",
            _ => "➖",
        };
        let _ = writeln!(out, "{mark} **{}**: {}\n", g.gate, inline(&g.message));
        if !g.uncovered.is_empty() {
            out.push_str("Changed lines not covered:\n\n");
            for line in &g.uncovered {
                let _ = writeln!(out, "- `{}`", code(line));
            }
            out.push('\n');
        }
    }
}

/// How many baselined findings remain, and how many were fixed.
fn baseline(out: &mut String, b: &BaselineSummary) {
    let fixed = match b.fixed {
        Some(n) if n > 0 => format!("; {n} fixed — run `rungs baseline` to drop them"),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "**Baseline** (`{}`): {} baselined finding{} remain{fixed}\n",
        code(&b.file),
        b.remaining,
        if b.remaining == 1 { "" } else { "s" },
    );
}

/// A failing check's section: its problems, its failing findings (the
/// first [`MAX_FINDINGS`]), else the tail of its output.
fn failure(out: &mut String, c: &CheckResult) {
    let failing: Vec<_> = c
        .findings
        .iter()
        .filter(|f| !f.baselined && !f.to_adopt)
        .collect();
    let _ = writeln!(out, "### {} — {}\n", inline(&c.check), c.outcome.label());
    for p in &c.problems {
        let _ = writeln!(out, "> {}\n", inline(p));
    }
    for f in failing.iter().take(MAX_FINDINGS) {
        let place = match (&f.path, f.line) {
            (Some(p), Some(l)) => format!("`{}:{l}` ", code(p)),
            (Some(p), None) => format!("`{}` ", code(p)),
            _ => String::new(),
        };
        let rule = f
            .rule
            .as_ref()
            .map(|r| format!("**{}** ", inline(r)))
            .unwrap_or_default();
        let _ = writeln!(out, "- {place}{rule}{}", inline(&f.message));
    }
    if failing.len() > MAX_FINDINGS {
        let _ = writeln!(out, "- … and {} more", failing.len() - MAX_FINDINGS);
    }
    if failing.is_empty() && !c.output.is_empty() {
        output_tail(out, &c.output);
    }
    out.push('\n');
}

/// The last 30 lines of a check's output, folded away, for a check that
/// failed with no finding to show.
fn output_tail(out: &mut String, output: &str) {
    let tail: Vec<&str> = output.lines().rev().take(30).collect();
    let text: Vec<&str> = tail.into_iter().rev().collect();
    let text = text.join("\n");
    // A fence longer than any run of backticks in the output.
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let _ = writeln!(
        out,
        "<details><summary>output</summary>\n\n{fence}\n{text}\n{fence}\n</details>"
    );
}

/// Text that cannot open Markdown or HTML constructs it does not mean to.
fn inline(s: &str) -> String {
    let mut out = String::new();
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

/// Text inside a code span: backticks would end it.
fn code(s: &str) -> String {
    s.replace('`', "'")
}
