//! Formatters that print a diff: one finding per file, at its first changed line.

use super::{Input, Parsed};
use crate::check::Kind;

fn message(input: &Input) -> &'static str {
    match input.check.kind {
        Kind::Imports => "imports are not sorted",
        _ => "would be reformatted",
    }
}

/// Path from a `---`/`+++` header: drop the timestamp after a tab, isort's
/// `:before`/`:after`, and git's `a/` `b/`.
fn header_path(rest: &str) -> &str {
    let rest = rest.split('\t').next().unwrap_or(rest).trim_end();
    let rest = rest
        .strip_suffix(":after")
        .or_else(|| rest.strip_suffix(":before"))
        .unwrap_or(rest);
    let rest = rest.trim_end();
    // isort pads before the timestamp with spaces.
    let rest = match rest.find("  ") {
        Some(i) => &rest[..i],
        None => rest,
    };
    rest.strip_prefix("b/").unwrap_or(rest)
}

pub fn unified(input: &Input) -> Result<Parsed, String> {
    let mut findings = Vec::new();
    let mut current: Option<String> = None;
    let mut old_line = 0u32;
    let mut located = false;
    // The diff as shown: headers with project-relative paths and no timestamps.
    let mut shown = String::new();
    let lines: Vec<&str> = input.stdout.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("--- ") && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ ")) {
            continue;
        }
        if let Some(rest) = line.strip_prefix("+++ ") {
            let path = input.relative(header_path(rest));
            shown.push_str(&format!("--- a/{path}\n+++ b/{path}\n"));
            current = Some(path);
            located = false;
            continue;
        }
        shown.push_str(line);
        shown.push('\n');
        if let Some(hunk) = line.strip_prefix("@@ -") {
            old_line = hunk
                .split([',', ' '])
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
        } else if let Some(path) = &current {
            if located {
                continue;
            }
            if line.starts_with('-') || line.starts_with('+') {
                let mut f = input.finding(Some(path.clone()), Some(old_line.max(1)), None);
                f.message = message(input).into();
                findings.push(f);
                located = true;
            } else if line.starts_with(' ') || line.is_empty() {
                old_line += 1;
            }
        }
    }
    let diff = (!findings.is_empty()).then_some(shown);
    Ok(Parsed {
        findings,
        diff,
        ..Parsed::default()
    })
}

/// `cargo fmt --check`: `Diff in PATH:LINE:` (or `at line N:`) blocks.
pub fn rustfmt(input: &Input) -> Result<Parsed, String> {
    let re =
        regex::Regex::new(r"^Diff in (.+?)(?::(\d+):| at line (\d+):)\s*$").expect("static regex");
    let mut findings: Vec<crate::finding::Finding> = Vec::new();
    for line in input.stdout.lines() {
        let Some(c) = re.captures(line) else { continue };
        let path = input.relative(&c[1]);
        if findings
            .iter()
            .any(|f| f.path.as_deref() == Some(path.as_str()))
        {
            continue;
        }
        let n = c.get(2).or(c.get(3)).and_then(|m| m.as_str().parse().ok());
        let mut f = input.finding(Some(path), n, None);
        f.message = message(input).into();
        findings.push(f);
    }
    let diff = (!findings.is_empty()).then(|| input.stdout.to_string());
    Ok(Parsed {
        findings,
        diff,
        ..Parsed::default()
    })
}
