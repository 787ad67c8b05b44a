//! `[reports]`: report files every `rungs check` writes, so a CI job is just
//! `rungs check`. Paths are relative to the project root; the command line's
//! `--junit` and friends win.

use serde::Deserialize;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ReportsConfig {
    /// JUnit XML (GitLab `artifacts:reports:junit`).
    pub junit: Option<String>,
    /// GitLab Code Quality JSON (`artifacts:reports:codequality`).
    pub codequality: Option<String>,
    /// SARIF 2.1.0.
    pub sarif: Option<String>,
    /// The whole run as JSON.
    pub json: Option<String>,
    /// A summary for a merge-request comment.
    pub markdown: Option<String>,
    /// Cobertura XML of the coverage (`artifacts:reports:coverage_report`).
    pub cobertura: Option<String>,
}

/// The baseline file when the config names none.
pub const DEFAULT_BASELINE: &str = ".rungs-baseline.json";
