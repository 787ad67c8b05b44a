//! Diff coverage: every coverable line the change adds or edits must run under
//! the tests — judged line by line, not as an average, so one untested line
//! cannot hide behind covered ones. A share below 100 % can be allowed
//! (`coverage.diff-floor`); every uncovered changed line is listed either way.

use super::{Gate, Verdict, finding};
use crate::error::Error;
use crate::finding::Finding;
use crate::project::git;
use crate::results::CheckResult;
use std::path::Path;

pub fn judge(
    root: &Path,
    base: &str,
    floor: f64,
    check: &CheckResult,
    added: &mut Vec<Finding>,
) -> Result<Gate, Error> {
    let changed = git::changed_lines(root, base)?;
    let files = check
        .coverage
        .as_ref()
        .map(|c| c.files.as_slice())
        .unwrap_or(&[]);
    let (mut coverable, mut uncovered) = (0usize, Vec::new());
    for file in files {
        let Some(lines) = changed.get(&file.path) else {
            continue;
        };
        coverable += file.covered.iter().filter(|n| lines.contains(n)).count();
        for n in file.missed.iter().filter(|n| lines.contains(n)) {
            coverable += 1;
            uncovered.push((file.path.clone(), *n));
        }
    }
    uncovered.sort();
    let mut gate = Gate {
        gate: "diff-coverage".into(),
        check: check.check.clone(),
        verdict: Verdict::Passed,
        message: String::new(),
        uncovered: uncovered.iter().map(|(p, n)| format!("{p}:{n}")).collect(),
    };
    if coverable == 0 {
        gate.verdict = Verdict::NoCoverableChanges;
        gate.message = format!("no coverable line changed since {}", short(base));
        return Ok(gate);
    }
    let covered = coverable - uncovered.len();
    let share = covered as f64 * 100.0 / coverable as f64;
    let floor_text = if floor < 100.0 {
        format!(", floor {floor}%")
    } else {
        String::new()
    };
    gate.message = format!(
        "{covered} of {coverable} changed coverable line{} covered ({share:.2}%{floor_text})",
        if coverable == 1 { "" } else { "s" }
    );
    if share + 1e-9 < floor {
        gate.verdict = Verdict::Failed;
        for (path, line) in &uncovered {
            added.push(finding(
                &check.check,
                "diff-coverage",
                Some(path.clone()),
                Some(*line),
                "changed line is not covered by the tests".into(),
            ));
        }
    }
    Ok(gate)
}

fn short(base: &str) -> &str {
    if base.len() == 40 && base.bytes().all(|b| b.is_ascii_hexdigit()) {
        &base[..12]
    } else {
        base
    }
}
