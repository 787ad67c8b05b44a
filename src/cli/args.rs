//! The arguments several subcommands share, and the requests they become.

use crate::pipeline::{self, CheckRequest, ReportFiles};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

/// Which checks, on which files.
#[derive(Args, Debug, Clone)]
pub struct Selection {
    /// Use this tier instead of the one the size or config picks.
    #[arg(long)]
    pub tier: Option<String>,
    /// Run only these checks.
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    pub only: Vec<String>,
    /// Leave these checks out.
    #[arg(long, value_name = "ID", num_args = 1.., value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Check only these files (paths relative to the current folder).
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Check only files changed against REF (default: the merge request's base, or the merge base with the default branch).
    #[arg(long, value_name = "REF", num_args = 0..=1, default_missing_value = "")]
    pub changed: Option<String>,
    /// Parallel jobs (default: the number of cores).
    #[arg(short = 'j', long)]
    pub jobs: Option<usize>,
    /// Run every test file, not only those the change affects (and rewrite the record of what each test runs).
    #[arg(long, env = "RUNGS_ALL_TESTS", value_parser = clap::builder::BoolishValueParser::new(), num_args = 0, default_missing_value = "true")]
    pub all_tests: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub selection: Selection,
    /// Let formatters and import sorters fix what they can first.
    #[arg(long)]
    pub fix: bool,
    /// Never install missing tools; report them instead.
    #[arg(long)]
    pub no_install: bool,
    #[command(flatten)]
    pub reports: ReportArgs,
    /// Neither read nor write the result cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Run shard I of N (`I/N`), or `auto` from GitLab's CI_NODE_INDEX / CI_NODE_TOTAL.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Write a JUnit XML report (GitLab `artifacts:reports:junit`).
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write a GitLab Code Quality report (`artifacts:reports:codequality`).
    #[arg(long, value_name = "PATH")]
    pub codequality: Option<PathBuf>,
    /// Write a SARIF 2.1.0 report.
    #[arg(long, value_name = "PATH")]
    pub sarif: Option<PathBuf>,
    /// Write the whole run as JSON (what `--format json` prints).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write a Markdown summary for a merge-request comment.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write the coverage as Cobertura XML (`artifacts:reports:coverage_report`).
    #[arg(long, value_name = "PATH")]
    pub cobertura: Option<PathBuf>,
}

impl From<Format> for pipeline::Format {
    fn from(format: Format) -> pipeline::Format {
        match format {
            Format::Text => pipeline::Format::Text,
            Format::Json => pipeline::Format::Json,
        }
    }
}

impl Selection {
    pub fn request(&self) -> pipeline::Selection {
        pipeline::Selection {
            tier: self.tier.clone(),
            only: self.only.clone(),
            skip: self.skip.clone(),
            files: self.files.clone(),
            changed: self.changed.clone(),
            jobs: self.jobs,
            format: self.format.into(),
            hook_stage: None,
            all_tests: self.all_tests,
        }
    }
}

impl ReportArgs {
    pub fn request(&self) -> ReportFiles {
        ReportFiles {
            junit: self.junit.clone(),
            codequality: self.codequality.clone(),
            sarif: self.sarif.clone(),
            json: self.json.clone(),
            markdown: self.markdown.clone(),
            cobertura: self.cobertura.clone(),
        }
    }
}

impl CheckArgs {
    pub fn request(&self) -> CheckRequest {
        CheckRequest {
            selection: self.selection.request(),
            fix: self.fix,
            no_install: self.no_install,
            reports: self.reports.request(),
            record_baseline: false,
            no_cache: self.no_cache,
            shard: self.shard.clone(),
        }
    }
}
