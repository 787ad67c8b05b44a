//! The config file as written, deserialized with spans.

use crate::check::CheckSpec;
use crate::preset::{SizeClass, Thresholds};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawConfig {
    /// Pin the tier instead of deriving it from the project's size.
    pub tier: Option<Spanned<String>>,
    /// Tier names, lowest first.
    pub tiers: Option<Spanned<Vec<String>>>,
    /// Stacks to use instead of detecting them.
    pub stacks: Option<Vec<Spanned<String>>>,
    /// Globs of files no check sees (on top of `.gitignore`).
    pub exclude: Option<Vec<Spanned<String>>>,
    /// Kinds of files no check sees: `vendored`, `minified`, `generated`
    /// (default: all three; `[]` checks them all).
    pub unchecked: Option<Vec<Spanned<super::Unchecked>>>,
    /// Parallel jobs (default: the number of cores).
    pub jobs: Option<usize>,
    /// Wall time a run should stay within: "3m", "90s", "1m30s" (default 3m).
    pub budget: Option<Spanned<String>>,
    /// Fail the run (exit 1) when it takes longer than the budget.
    pub budget_fail: Option<bool>,
    /// Result cache folder (default: RUNGS_CACHE_DIR, else the user cache dir).
    pub cache_dir: Option<String>,
    /// The shared remote cache.
    #[serde(default)]
    pub cache: super::CacheConfig,
    pub size_classes: Option<Vec<SizeClass>>,
    pub thresholds: Option<BTreeMap<String, Thresholds>>,
    #[serde(default)]
    pub checks: BTreeMap<String, Spanned<CheckSpec>>,
    #[serde(default)]
    pub hook: HookConfig,
    /// Policy and commands of `rungs bump`.
    #[serde(default)]
    pub bump: super::BumpConfig,
    /// Report files every `rungs check` writes.
    #[serde(default)]
    pub reports: super::ReportsConfig,
    /// Diff coverage and the ratchet.
    #[serde(default)]
    pub coverage: super::RawCoverage,
    #[serde(default)]
    pub history: super::RawHistory,
    #[serde(default)]
    pub tests: TestsConfig,
    /// The baseline file, relative to the root (default `.rungs-baseline.json`).
    pub baseline: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct HookConfig {
    /// Checks the pre-commit hook runs (default: the fast file-level ones).
    pub checks: Option<Vec<Spanned<String>>>,
    /// Let formatters and import sorters fix staged files (default true); the
    /// commit then stops so the fixes can be reviewed and staged.
    pub fix: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TestsConfig {
    /// Run only the test files a change affects (default true); false runs
    /// every test file every time, as `--all-tests` does for one run.
    pub select: Option<bool>,
}

/// Just enough of `pyproject.toml` to find `[tool.rungs]`.
#[derive(Debug, Deserialize)]
pub struct PyProject {
    pub tool: Option<Tool>,
}

#[derive(Debug, Deserialize)]
pub struct Tool {
    pub rungs: Option<RawConfig>,
}
