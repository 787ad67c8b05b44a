//! GitLab Code Quality: a JSON array with one entry per finding that names a
//! file (`description`, `check_name`, `fingerprint`, `severity`,
//! `location.path`, `location.lines.begin`), no BOM. GitLab compares the
//! fingerprints with the target branch's report to show what a merge request
//! adds and fixes, so they survive unrelated edits (see `fingerprint.rs`).
//! Findings about the whole project (a coverage floor) have no file to point
//! at; they are in the JUnit and JSON reports.

use super::context::Context;
use crate::finding::Severity;
use serde::Serialize;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: String,
    check_name: String,
    fingerprint: &'a str,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

pub fn render(ctx: &Context) -> Vec<u8> {
    let mut issues = Vec::new();
    for check in &ctx.summary.checks {
        // A failing test stops a merge more surely than a style nit.
        let tests = matches!(check.kind.as_str(), "test" | "coverage");
        for f in &check.findings {
            let Some(path) = &f.path else { continue };
            let severity = match f.severity {
                // A check the project has not adopted yet: known, not blocking.
                _ if f.to_adopt => "info",
                Severity::Error if tests => "critical",
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Info => "info",
            };
            let description = match &f.rule {
                Some(rule) if !f.message.starts_with(rule.as_str()) => {
                    format!("{rule} {}", f.message)
                }
                _ => f.message.clone(),
            };
            issues.push(Issue {
                kind: "issue",
                description: if description.is_empty() {
                    f.display()
                } else {
                    description
                },
                check_name: match &f.rule {
                    Some(rule) => format!("{}:{rule}", f.check),
                    None => f.check.clone(),
                },
                fingerprint: &f.fingerprint,
                severity,
                location: Location {
                    path,
                    lines: Lines {
                        begin: f.line.unwrap_or(1).max(1),
                    },
                },
            });
        }
    }
    let mut out = serde_json::to_vec_pretty(&issues).unwrap_or_else(|_| b"[]".to_vec());
    out.push(b'\n');
    out
}
