//! cargo's outputs: compiler messages as JSON (clippy), libtest's text (tests).

use super::{Input, Parsed};
use crate::finding::{Finding, Severity};
use serde::Deserialize;

#[derive(Deserialize)]
struct Line {
    reason: String,
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Message {
    message: String,
    level: String,
    code: Option<Code>,
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: u32,
    column_start: u32,
    is_primary: bool,
}

pub fn messages(input: &Input) -> Result<Parsed, String> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut json_lines = 0;
    for line in input.stdout.lines().filter(|l| l.starts_with('{')) {
        let parsed: Line = serde_json::from_str(line)
            .map_err(|e| format!("cargo's JSON message is not readable ({e})"))?;
        json_lines += 1;
        let Some(m) = parsed
            .message
            .filter(|_| parsed.reason == "compiler-message")
        else {
            continue;
        };
        let severity = match m.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => continue,
        };
        let Some(span) = m.spans.iter().find(|s| s.is_primary) else {
            continue;
        };
        let mut f = input.finding(
            Some(input.relative(&span.file_name)),
            Some(span.line_start),
            Some(span.column_start),
        );
        f.rule = m.code.map(|c| c.code);
        f.severity = severity;
        f.message = m.message;
        // --all-targets reports a lib's warning once per target.
        if !findings.contains(&f) {
            findings.push(f);
        }
    }
    if json_lines == 0 && !input.stdout.trim().is_empty() {
        return Err("cargo printed no JSON messages".into());
    }
    Ok(Parsed::of(findings))
}

/// Failed tests from libtest's output, placed where they panicked.
pub fn tests(input: &Input) -> Result<Parsed, String> {
    let failed = regex::Regex::new(r"^test (\S+) \.\.\. FAILED$").expect("static regex");
    let section = regex::Regex::new(r"^---- (\S+) stdout ----$").expect("static regex");
    let panicked = regex::Regex::new(r"panicked at (.+?):(\d+):(\d+):$").expect("static regex");
    let mut locations = std::collections::HashMap::new();
    let mut current: Option<String> = None;
    let mut lines = input.stdout.lines().peekable();
    while let Some(line) = lines.next() {
        if let Some(c) = section.captures(line) {
            current = Some(c[1].to_string());
        } else if let (Some(name), Some(c)) = (&current, panicked.captures(line)) {
            let detail = lines.peek().map(|l| l.to_string()).unwrap_or_default();
            locations.insert(
                name.clone(),
                (
                    c[1].to_string(),
                    c[2].parse().ok(),
                    c[3].parse().ok(),
                    detail,
                ),
            );
        }
    }
    let mut findings = Vec::new();
    for line in input.stdout.lines() {
        let Some(c) = failed.captures(line) else {
            continue;
        };
        let name = c[1].to_string();
        let mut f = match locations.get(&name) {
            Some((path, l, col, _)) => input.finding(Some(input.relative(path)), *l, *col),
            None => input.finding(None, None, None),
        };
        let detail = locations
            .get(&name)
            .map(|(_, _, _, d)| d.trim().to_string())
            .unwrap_or_default();
        f.rule = Some(name.clone());
        f.message = if detail.is_empty() {
            format!("test {name} failed")
        } else {
            format!("test {name} failed: {detail}")
        };
        findings.push(f);
    }
    Ok(Parsed::of(findings))
}
