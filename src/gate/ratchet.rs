//! The coverage ratchet: total coverage may not drop more than a tolerance
//! below the value recorded on the default branch. Runs on the default branch
//! record their total (when the tests passed) for the runs after them.
//!
//! The value lives in `coverage.ratchet-file` when the config names one (a
//! file the project commits, or one its CI caches), else in the project's
//! folder of the cache dir.

use super::{Gate, Verdict, finding};
use crate::config::CoverageConfig;
use crate::error::Error;
use crate::finding::Finding;
use crate::project::git;
use crate::results::CheckResult;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What the default branch reached.
#[derive(Serialize, Deserialize)]
struct Recorded {
    percent: f64,
    branch: String,
    #[serde(default)]
    commit: Option<String>,
}

pub fn judge(
    root: &Path,
    config: &CoverageConfig,
    check: &CheckResult,
    added: &mut Vec<Finding>,
) -> Result<Gate, Error> {
    let percent = check.coverage.as_ref().map_or(0.0, |c| c.percent);
    let file = store(root, config)?;
    // A missing or unreadable record is no record: the ratchet starts again.
    let recorded: Option<Recorded> = std::fs::read_to_string(&file)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    let tolerance = config.ratchet_tolerance;
    let mut gate = Gate {
        gate: "coverage-ratchet".into(),
        check: check.check.clone(),
        verdict: Verdict::Passed,
        message: String::new(),
        uncovered: Vec::new(),
    };
    match &recorded {
        None => {
            gate.verdict = Verdict::NothingRecorded;
            gate.message =
                format!("total {percent:.2}%; no total recorded on the default branch yet");
        }
        Some(r) if percent + tolerance + 1e-9 < r.percent => {
            gate.verdict = Verdict::Failed;
            gate.message = format!(
                "total coverage {percent:.2}% is {:.2} points below the {:.2}% recorded on {} (tolerance {tolerance})",
                r.percent - percent,
                r.percent,
                r.branch
            );
            added.push(finding(
                &check.check,
                "coverage-ratchet",
                None,
                None,
                gate.message.clone(),
            ));
        }
        Some(r) => {
            gate.message = format!(
                "total {percent:.2}% against {:.2}% recorded on {} (tolerance {tolerance})",
                r.percent, r.branch
            );
        }
    }
    let tests_passed = check
        .tests
        .as_ref()
        .is_none_or(|t| t.failed == 0 && t.errors == 0);
    if gate.verdict != Verdict::Failed
        && tests_passed
        && let Some(branch) = git::on_default_branch(root)
    {
        let record = Recorded {
            percent,
            branch: branch.clone(),
            commit: git::head(root),
        };
        let text = serde_json::to_string_pretty(&record).unwrap_or_default() + "\n";
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        crate::fs::write_atomic(&file, text.as_bytes())?;
        gate.message
            .push_str(&format!("; recorded {percent:.2}% for {branch}"));
    }
    Ok(gate)
}

/// `coverage.ratchet-file`, else `coverage-ratchet.json` in the project's cache folder.
fn store(root: &Path, config: &CoverageConfig) -> Result<PathBuf, Error> {
    if let Some(file) = &config.ratchet_file {
        return Ok(root.join(file));
    }
    let id = blake3::hash(root.to_string_lossy().as_bytes()).to_hex();
    Ok(crate::dirs::root()?
        .join("projects")
        .join(&id[..16])
        .join("coverage-ratchet.json"))
}
