//! Findings and outcomes: what a job found and how it ended.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// One problem a tool reported.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Finding {
    pub check: String,
    pub rule: Option<String>,
    /// Project-relative path, `/`-separated.
    pub path: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub severity: Severity,
    pub message: String,
    /// Who this finding is across edits that move it: no line number in it
    /// (see `fingerprint.rs`). Set once the job's findings are all known.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub fingerprint: String,
    /// Recorded in the project's baseline: reported, but it does not fail the run.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub baselined: bool,
    /// Found by a check the project has not adopted, on code the change did
    /// not touch: reported and counted toward adopting it, but not failing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub to_adopt: bool,
}

impl Finding {
    /// Whether this finding fails its check: not baselined, not one "to
    /// adopt", and more than information.
    pub fn blocking(&self) -> bool {
        !self.baselined && !self.to_adopt && self.severity != Severity::Info
    }

    /// `path:line:col rule message`, as the terminal shows it.
    pub fn display(&self) -> String {
        let mut out = String::new();
        if let Some(path) = &self.path {
            out.push_str(path);
            if let Some(line) = self.line {
                out.push_str(&format!(":{line}"));
                if let Some(col) = self.column {
                    out.push_str(&format!(":{col}"));
                }
            }
            out.push_str(": ");
        }
        if let Some(rule) = &self.rule {
            out.push_str(rule);
            out.push(' ');
        }
        out.push_str(&self.message);
        out
    }
}

/// How a job, or a whole check, ended. Ordered from best to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    /// The tool ran and reported problems.
    Failed,
    /// The tool did not run properly: unknown exit code, signal, unreadable output.
    Error,
    TimedOut,
    Interrupted,
}

impl Outcome {
    pub fn is_success(self) -> bool {
        self == Outcome::Passed
    }

    pub fn label(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Error => "error",
            Outcome::TimedOut => "timed out",
            Outcome::Interrupted => "interrupted",
        }
    }
}
