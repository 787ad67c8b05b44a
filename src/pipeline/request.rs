//! What a command asks of the pipeline. The command line is parsed once, in
//! `cli`, into these; nothing after re-parses.

use super::ReportFiles;
use std::path::PathBuf;

/// How the run is shown on standard output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Which checks, on which files. The default: every check of the tier, on
/// every file, as text.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// This tier instead of the one the size or config picks.
    pub tier: Option<String>,
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// Only these files (relative to the current folder).
    pub files: Vec<PathBuf>,
    /// Only files changed against this ref ("" for the default base).
    pub changed: Option<String>,
    /// Parallel jobs (default: the config's, else the number of cores).
    pub jobs: Option<usize>,
    pub format: Format,
    /// The git hook whose `.pre-commit-config.yaml` hooks run (`pre-push`);
    /// `None`: `pre-commit`, as `pre-commit run` runs them.
    pub hook_stage: Option<&'static str>,
    /// Run every test file, not only those a change affects.
    pub all_tests: bool,
}

/// `rungs check` and `rungs baseline`.
#[derive(Clone, Debug)]
pub struct CheckRequest {
    pub selection: Selection,
    /// Let formatters and import sorters fix what they can first.
    pub fix: bool,
    /// Never install missing tools; report them instead.
    pub no_install: bool,
    pub reports: ReportFiles,
    /// `rungs baseline`: record the findings instead of judging them.
    pub record_baseline: bool,
    /// Neither read nor write the result cache.
    pub no_cache: bool,
    /// Shard `I/N`, or `auto`.
    pub shard: Option<String>,
}
