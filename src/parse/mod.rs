//! Reading a tool's output into findings. One module per output format; the
//! check definition names which one applies (`parser = "..."`).

mod cargo;
pub mod coverage;
mod diff;
mod django;
mod json;
mod junit;
pub mod reason;
mod text;

pub use coverage::FileCoverage;
pub use junit::{TestCase, TestOutcome};

use crate::check::{Check, ParserKind};
use crate::finding::Finding;
use serde::Serialize;
use std::path::Path;

/// What a finished job's output says.
#[derive(Debug, Default)]
pub struct Parsed {
    pub findings: Vec<Finding>,
    /// A diff of what a formatter would change.
    pub diff: Option<String>,
    pub coverage: Option<Coverage>,
    pub tests: Option<TestCounts>,
}

impl Parsed {
    /// Findings and nothing else.
    pub fn of(findings: Vec<Finding>) -> Parsed {
        Parsed {
            findings,
            ..Parsed::default()
        }
    }
}

#[derive(Clone, Debug, Serialize, serde::Deserialize, PartialEq)]
pub struct Coverage {
    pub percent: f64,
    pub floor: Option<f64>,
    pub covered_lines: u64,
    pub statements: u64,
    /// Per file, the lines that ran and those that did not.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<FileCoverage>,
    /// One shard's part of a test suite split across CI jobs: `rungs merge`
    /// joins the parts' lines and judges the floor.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
}

#[derive(Clone, Debug, Default, Serialize, serde::Deserialize, PartialEq)]
pub struct TestCounts {
    pub total: u64,
    pub failed: u64,
    pub errors: u64,
    /// Skipped, not counting the expected failures (pytest's `xfailed`).
    pub skipped: u64,
    /// Failed as the test expected (`@pytest.mark.xfail`).
    #[serde(default)]
    pub xfailed: u64,
    /// Marked to fail and passed (pytest's `xpassed`; counted as passed).
    #[serde(default)]
    pub xpassed: u64,
    /// Every test, where the runner reports them one by one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<TestCase>,
}

/// Everything a parser may look at.
pub struct Input<'a> {
    pub check: &'a Check,
    pub stdout: &'a str,
    pub stderr: &'a str,
    /// The job's own folder, where tools were told to write report files.
    pub out_dir: &'a Path,
    pub root: &'a Path,
    pub coverage_floor: Option<f64>,
    /// The coverage is one shard's part: the floor is judged by `rungs merge`.
    pub coverage_partial: bool,
}

impl Input<'_> {
    /// A tool's path made project-relative and `/`-separated.
    pub fn relative(&self, path: &str) -> String {
        let p = Path::new(path);
        let rel = p.strip_prefix(self.root).unwrap_or(p);
        let s = rel.to_string_lossy().replace('\\', "/");
        s.strip_prefix("./").map(str::to_string).unwrap_or(s)
    }

    pub fn finding(&self, path: Option<String>, line: Option<u32>, column: Option<u32>) -> Finding {
        Finding {
            check: self.check.id.0.clone(),
            rule: None,
            path,
            line,
            column,
            severity: crate::finding::Severity::Error,
            message: String::new(),
            fingerprint: String::new(),
            baselined: false,
            to_adopt: false,
        }
    }
}

/// Parse a job's output; `Err` says why the output could not be read.
pub fn parse(input: &Input) -> Result<Parsed, String> {
    match input.check.parser {
        ParserKind::RuffJson => json::ruff(input),
        ParserKind::PylintJson => json::pylint(input),
        ParserKind::EslintJson => json::eslint(input),
        ParserKind::Regex => text::regex(input),
        ParserKind::FileList => text::file_list(input),
        ParserKind::UnifiedDiff => diff::unified(input),
        ParserKind::Rustfmt => diff::rustfmt(input),
        ParserKind::CargoJson => cargo::messages(input),
        ParserKind::CargoTest => cargo::tests(input),
        ParserKind::PytestJunit => junit::pytest(input),
        ParserKind::Coverage => coverage::check(input),
        ParserKind::DjangoMigrations => django::migrations(input),
        ParserKind::ExitCode => Ok(Parsed::default()),
    }
}
