//! SARIF 2.1.0: a run per check, its rules, and a result per finding with its
//! location and `partialFingerprints.primaryLocationLineHash` (the finding's
//! fingerprint, which survives unrelated edits). With a baseline in use, each
//! result says whether it is `new` or `unchanged`.

use super::context::Context;
use crate::finding::Severity;
use serde_json::{Value, json};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

pub fn render(ctx: &Context) -> Vec<u8> {
    let root_uri = format!("file://{}/", encode(&ctx.root.to_string_lossy()));
    let runs: Vec<Value> = ctx
        .summary
        .checks
        .iter()
        .map(|check| {
            let mut rules: Vec<String> = check
                .findings
                .iter()
                .map(|f| f.rule.clone().unwrap_or_else(|| check.check.clone()))
                .collect();
            rules.sort();
            rules.dedup();
            let results: Vec<Value> = check
                .findings
                .iter()
                .map(|f| {
                    let rule = f.rule.clone().unwrap_or_else(|| check.check.clone());
                    let mut result = json!({
                        "ruleId": rule,
                        "ruleIndex": rules.binary_search(&rule).unwrap_or(0),
                        "level": match f.severity {
                            Severity::Error => "error",
                            Severity::Warning => "warning",
                            Severity::Info => "note",
                        },
                        "message": { "text": if f.message.is_empty() { f.display() } else { f.message.clone() } },
                        "partialFingerprints": { "primaryLocationLineHash": f.fingerprint },
                    });
                    if let Some(path) = &f.path {
                        let mut region = json!({});
                        if let Some(line) = f.line {
                            region["startLine"] = line.max(1).into();
                            if let Some(col) = f.column {
                                region["startColumn"] = col.max(1).into();
                            }
                        }
                        let mut physical = json!({
                            "artifactLocation": { "uri": encode(path), "uriBaseId": "PROJECTROOT" },
                        });
                        if f.line.is_some() {
                            physical["region"] = region;
                        }
                        result["locations"] = json!([{ "physicalLocation": physical }]);
                    }
                    if ctx.summary.baseline.is_some() {
                        result["baselineState"] = if f.baselined { "unchanged" } else { "new" }.into();
                    }
                    result
                })
                .collect();
            json!({
                "tool": {
                    "driver": {
                        "name": check.check,
                        "rules": rules.iter().map(|r| json!({ "id": r })).collect::<Vec<_>>(),
                    }
                },
                "originalUriBaseIds": { "PROJECTROOT": { "uri": root_uri } },
                "invocations": [{
                    "executionSuccessful": check.outcome <= crate::finding::Outcome::Failed,
                }],
                "results": results,
            })
        })
        .collect();
    let log = json!({ "$schema": SCHEMA, "version": "2.1.0", "runs": runs });
    let mut out = serde_json::to_vec_pretty(&log).unwrap_or_default();
    out.push(b'\n');
    out
}

/// A path as a URI reference: unreserved characters and `/` kept, the rest
/// percent-encoded.
fn encode(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
