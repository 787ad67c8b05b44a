//! Line-oriented output: a check's own regex, or a list of file names.

use super::{Input, Parsed};
use crate::finding::Severity;

pub fn regex(input: &Input) -> Result<Parsed, String> {
    let pattern = input
        .check
        .pattern
        .as_ref()
        .ok_or("the regex parser needs a `pattern`")?;
    let mut findings = Vec::new();
    for line in input.stdout.lines().chain(input.stderr.lines()) {
        let Some(caps) = pattern.captures(line) else {
            continue;
        };
        let get = |name: &str| caps.name(name).map(|m| m.as_str());
        let mut f = input.finding(
            get("path").map(|p| input.relative(p)),
            get("line").and_then(|l| l.parse().ok()),
            get("col").and_then(|c| c.parse().ok()),
        );
        f.rule = get("rule").map(str::to_string);
        f.message = get("message").unwrap_or(line).to_string();
        f.severity = match get("severity").map(str::to_ascii_lowercase).as_deref() {
            Some("warning") | Some("warn") => Severity::Warning,
            Some("note") | Some("info") => Severity::Info,
            _ => Severity::Error,
        };
        findings.push(f);
    }
    Ok(Parsed::of(findings))
}

/// One file per line (`prettier --list-different`): each would be reformatted.
pub fn file_list(input: &Input) -> Result<Parsed, String> {
    let findings = input
        .stdout
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|path| {
            let mut f = input.finding(Some(input.relative(path)), None, None);
            f.message = "would be reformatted".into();
            f
        })
        .collect();
    Ok(Parsed::of(findings))
}
