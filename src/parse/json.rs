//! Tools with JSON output: ruff, pylint (json2), eslint.

use super::{Input, Parsed};
use crate::finding::Severity;
use serde::Deserialize;

fn from_json<'a, T: Deserialize<'a>>(input: &'a Input, tool: &str) -> Result<T, String> {
    serde_json::from_str(input.stdout.trim())
        .map_err(|e| format!("{tool}'s output is not the JSON expected ({e})"))
}

#[derive(Deserialize)]
struct RuffMessage {
    code: Option<String>,
    message: String,
    filename: String,
    location: Option<RuffLocation>,
}

#[derive(Deserialize)]
struct RuffLocation {
    row: u32,
    column: u32,
}

pub fn ruff(input: &Input) -> Result<Parsed, String> {
    let messages: Vec<RuffMessage> = from_json(input, "ruff")?;
    let findings = messages
        .into_iter()
        .map(|m| {
            let mut f = input.finding(
                Some(input.relative(&m.filename)),
                m.location.as_ref().map(|l| l.row),
                m.location.as_ref().map(|l| l.column),
            );
            f.rule = Some(m.code.unwrap_or_else(|| "syntax-error".into()));
            f.message = m.message;
            f
        })
        .collect();
    Ok(Parsed::of(findings))
}

#[derive(Deserialize)]
struct PylintReport {
    messages: Vec<PylintMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PylintMessage {
    #[serde(rename = "type")]
    kind: String,
    symbol: String,
    message: String,
    message_id: String,
    path: String,
    line: Option<u32>,
    column: Option<u32>,
}

pub fn pylint(input: &Input) -> Result<Parsed, String> {
    let report: PylintReport = from_json(input, "pylint")?;
    let findings = report
        .messages
        .into_iter()
        .map(|m| {
            let mut f = input.finding(
                Some(input.relative(&m.path)),
                m.line,
                m.column.map(|c| c + 1),
            );
            f.rule = Some(format!("{} {}", m.message_id, m.symbol));
            f.severity = match m.kind.as_str() {
                "fatal" | "error" => Severity::Error,
                "info" => Severity::Info,
                _ => Severity::Warning,
            };
            f.message = m.message;
            f
        })
        .collect();
    Ok(Parsed::of(findings))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EslintFile {
    file_path: String,
    messages: Vec<EslintMessage>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EslintMessage {
    rule_id: Option<String>,
    severity: u8,
    message: String,
    line: Option<u32>,
    column: Option<u32>,
}

pub fn eslint(input: &Input) -> Result<Parsed, String> {
    let files: Vec<EslintFile> = from_json(input, "eslint")?;
    let findings = files
        .into_iter()
        .flat_map(|file| {
            let path = input.relative(&file.file_path);
            file.messages.into_iter().map(move |m| (path.clone(), m))
        })
        .map(|(path, m)| {
            let mut f = input.finding(Some(path), m.line, m.column);
            f.rule = Some(m.rule_id.unwrap_or_else(|| "parse-error".into()));
            f.severity = if m.severity >= 2 {
                Severity::Error
            } else {
                Severity::Warning
            };
            f.message = m.message;
            f
        })
        .collect();
    Ok(Parsed::of(findings))
}
