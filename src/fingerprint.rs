//! Fingerprints: who a finding is, across edits that only move it.
//!
//! GitLab's Code Quality widget, SARIF viewers and the baseline all match a
//! finding of today against one of an earlier run by its fingerprint. So it
//! holds no line or column number — adding a line above a finding must not make
//! it new — but the text of the line the finding is on, and, among findings
//! that are identical in everything else, their order in the file, so two
//! identical findings in one file stay two.

use crate::finding::Finding;
use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

/// Changed whenever what goes into a fingerprint changes, so old ones never match by accident.
const VERSION: &str = "rungs-fingerprint-1";

/// Messages that cite other line numbers ("defined on line 12") would move
/// with unrelated edits; those numbers are left out.
static LINE_REFERENCE: LazyLock<regex::Regex> = LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(lines?) \d+(?:\s*[-–]\s*\d+)?").expect("static regex")
});

/// Give every finding of one job its fingerprint, reading the lines they are
/// on from the files under `root`.
pub fn assign(root: &Path, findings: &mut [Finding]) {
    let mut sources: HashMap<String, Option<Vec<String>>> = HashMap::new();
    // The order identical findings are counted in: by place in the file.
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (findings[i].line, findings[i].column));
    let mut seen: HashMap<blake3::Hash, u32> = HashMap::new();
    for i in order {
        let f = &findings[i];
        let text = match (&f.path, f.line) {
            (Some(path), Some(line)) => sources
                .entry(path.clone())
                .or_insert_with(|| {
                    std::fs::read_to_string(root.join(path))
                        .ok()
                        .map(|t| t.lines().map(|l| l.trim().to_string()).collect())
                })
                .as_ref()
                .and_then(|lines| lines.get(line.saturating_sub(1) as usize))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        };
        let identity = hash(&[
            VERSION,
            &f.check,
            f.rule.as_deref().unwrap_or(""),
            f.path.as_deref().unwrap_or(""),
            &LINE_REFERENCE.replace_all(&f.message, "$1 N"),
            &text,
        ]);
        let occurrence = seen.entry(identity).or_insert(0);
        let fingerprint = hash(&[identity.to_hex().as_str(), &occurrence.to_string()]);
        *occurrence += 1;
        findings[i].fingerprint = fingerprint.to_hex()[..32].to_string();
    }
}

/// Fields hashed in a fixed order, each length-prefixed so no two lists collide.
fn hash(fields: &[&str]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for field in fields {
        h.update(&(field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    h.finalize()
}
