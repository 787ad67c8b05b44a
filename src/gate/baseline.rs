//! The baseline: findings a project has accepted for now, so it can move to a
//! stricter tier without fixing thousands of findings on one day. `rungs
//! baseline` writes the fingerprints of today's findings to a file in the
//! repository; later runs report those findings but fail only on new ones, and
//! say how many baselined ones remain. Running `rungs baseline` again after
//! fixes shrinks the file.

use super::GATE_RULES;
use crate::error::Error;
use crate::finding::{Finding, Outcome, Severity};
use crate::results::CheckResult;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

const VERSION: u32 = 1;

/// The file as written: sorted, one entry per finding, so its diff in review
/// reads as "these findings were fixed" or "these were accepted".
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Entry>,
}

/// One accepted finding. Only the fingerprint is matched; the rest is for
/// people reading the file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub check: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    pub message: String,
    pub fingerprint: String,
}

impl Entry {
    fn of(f: &Finding) -> Entry {
        Entry {
            check: f.check.clone(),
            path: f.path.clone(),
            rule: f.rule.clone(),
            message: f.message.clone(),
            fingerprint: f.fingerprint.clone(),
        }
    }
}

/// A loaded baseline.
#[derive(Debug, Default)]
pub struct Baseline {
    /// Project-relative, as the reports name it.
    pub file: String,
    entries: Vec<Entry>,
    fingerprints: HashSet<String>,
}

/// What the reports say about the baseline.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BaselineSummary {
    pub file: String,
    /// Findings in the file.
    pub recorded: usize,
    /// Findings of this run found in it: they remain to be fixed.
    pub remaining: usize,
    /// Findings in the file this run no longer reported, when it ran every
    /// check the file names over all files; `rungs baseline` drops them.
    pub fixed: Option<usize>,
}

/// Whether a finding can be accepted: it names a file and is not a gate's verdict.
pub fn baselinable(f: &Finding) -> bool {
    f.path.is_some()
        && f.severity != Severity::Info
        && !f.rule.as_deref().is_some_and(|r| GATE_RULES.contains(&r))
}

impl Baseline {
    /// The baseline at `rel` under `root`; none when the file does not exist.
    pub fn load(root: &Path, rel: &str) -> Result<Option<Baseline>, Error> {
        let path = root.join(rel);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let parsed: BaselineFile = serde_json::from_str(&text).map_err(|e| Error::ConfigFile {
            path: path.clone(),
            message: format!("not a rungs baseline ({e}); write it again with `rungs baseline`"),
        })?;
        if parsed.version != VERSION {
            return Err(Error::ConfigFile {
                path,
                message: format!(
                    "baseline version {} is not {VERSION}; write it again with `rungs baseline`",
                    parsed.version
                ),
            });
        }
        Ok(Some(Baseline::of(rel, parsed.findings)))
    }

    fn of(rel: &str, entries: Vec<Entry>) -> Baseline {
        Baseline {
            file: rel.to_string(),
            fingerprints: entries.iter().map(|e| e.fingerprint.clone()).collect(),
            entries,
        }
    }

    /// Whether the baseline holds findings of `check`: the project accepted
    /// its state of them, so it has adopted the check.
    pub fn covers(&self, check: &str) -> bool {
        self.entries.iter().any(|e| e.check == check)
    }

    /// Mark the findings the baseline holds.
    pub fn mark(&self, findings: &mut [Finding]) {
        for f in findings.iter_mut() {
            f.baselined = baselinable(f) && self.fingerprints.contains(&f.fingerprint);
        }
    }

    /// How many baselined findings this run saw, and how many it no longer
    /// reports (`complete`: every check and file ran).
    pub fn summary(&self, checks: &[CheckResult], complete: bool) -> BaselineSummary {
        let seen: HashSet<&str> = checks
            .iter()
            .flat_map(|c| &c.findings)
            .filter(|f| f.baselined)
            .map(|f| f.fingerprint.as_str())
            .collect();
        let ran: HashSet<&str> = checks
            .iter()
            .filter(|c| c.outcome <= Outcome::Failed)
            .map(|c| c.check.as_str())
            .collect();
        let fixed = complete.then(|| {
            self.entries
                .iter()
                .filter(|e| {
                    ran.contains(e.check.as_str()) && !seen.contains(e.fingerprint.as_str())
                })
                .count()
        });
        BaselineSummary {
            file: self.file.clone(),
            recorded: self.entries.len(),
            remaining: seen.len(),
            fixed,
        }
    }
}

/// What `rungs baseline` changed.
pub struct Recorded {
    pub before: usize,
    pub after: usize,
    pub added: usize,
    pub dropped: usize,
    /// Checks that did not finish, whose earlier entries were kept.
    pub kept: Vec<String>,
}

/// Write today's findings as the baseline. Entries of checks that did not run
/// or did not finish (tool error, timeout) are kept as they were.
pub fn record(root: &Path, rel: &str, checks: &[CheckResult]) -> Result<Recorded, Error> {
    let old = Baseline::load(root, rel)?.unwrap_or_default();
    let finished: HashSet<&str> = checks
        .iter()
        .filter(|c| c.outcome <= Outcome::Failed)
        .map(|c| c.check.as_str())
        .collect();
    let mut entries: BTreeSet<Entry> = old
        .entries
        .iter()
        .filter(|e| !finished.contains(e.check.as_str()))
        .cloned()
        .collect();
    for c in checks
        .iter()
        .filter(|c| finished.contains(c.check.as_str()))
    {
        entries.extend(c.findings.iter().filter(|f| baselinable(f)).map(Entry::of));
    }
    let before: HashSet<&str> = old.entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let after: HashSet<&str> = entries.iter().map(|e| e.fingerprint.as_str()).collect();
    let file = BaselineFile {
        version: VERSION,
        findings: entries.iter().cloned().collect(),
    };
    let text = serde_json::to_string_pretty(&file).unwrap_or_default() + "\n";
    let path = root.join(rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    crate::fs::write_atomic(&path, text.as_bytes())?;
    let mut kept: Vec<String> = checks
        .iter()
        .filter(|c| !finished.contains(c.check.as_str()))
        .map(|c| c.check.clone())
        .collect();
    kept.sort();
    Ok(Recorded {
        before: old.entries.len(),
        after: entries.len(),
        added: after.difference(&before).count(),
        dropped: before.difference(&after).count(),
        kept,
    })
}
