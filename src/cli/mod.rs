//! The command line: one module per subcommand. Arguments are parsed here once
//! and turned into a [`plan::Request`](crate::plan::Request); nothing later re-parses.

mod baseline;
mod bump;
mod cache;
mod check;
mod gates;
mod hook;
mod init;
mod merge;
mod plan;
mod prepare;
mod reports;

use crate::error::Error;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "rungs",
    version,
    about = "A fast, parallel quality gate: format, imports, lint, types, tests and coverage, with tiers that grow with the project."
)]
pub struct Cli {
    /// Run as if started in DIR.
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Show what would run, and why: stack, size, tier, checks.
    Plan(Selection),
    /// Run the checks and report.
    Check(CheckArgs),
    /// Run the checks and record today's findings as the baseline: later runs
    /// fail only on findings not in it.
    Baseline(CheckArgs),
    /// Combine the results of shards (`check --shard I/N --format json`) into one report.
    Merge {
        /// Result files written by the shards.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        reports: reports::ReportArgs,
    },
    /// Bump outdated dependencies, each verified by the project's checks.
    Bump(bump::BumpArgs),
    /// The git hook: install, uninstall, run, recover.
    #[command(subcommand)]
    Hook(hook::HookCommand),
    /// Inspect or trim the result cache.
    #[command(subcommand)]
    Cache(cache::CacheCommand),
    /// Write a commented rungs.toml for this project.
    Init {
        /// Overwrite an existing rungs.toml.
        #[arg(long)]
        force: bool,
    },
}

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
    pub reports: reports::ReportArgs,
    /// Set by `rungs baseline`: record the findings instead of judging them.
    #[arg(skip)]
    pub record_baseline: bool,
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

/// Run the command; the exit code on success (0 passed, 1 failed).
pub fn run(cli: Cli) -> Result<i32, Error> {
    let cwd = match &cli.directory {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| Error::io(".", e))?,
    };
    if !cwd.is_dir() {
        return Err(Error::usage(format!("{} is not a folder", cwd.display())));
    }
    // Whatever an interrupted hook left is put back before anything else runs.
    if !matches!(cli.command, Command::Hook(hook::HookCommand::Recover)) {
        hook::recover_pending(&cwd);
    }
    match cli.command {
        Command::Plan(selection) => plan::run(&cwd, &selection),
        Command::Check(args) => check::run(&cwd, &args),
        Command::Baseline(args) => baseline::run(&cwd, args),
        Command::Init { force } => init::run(&cwd, force),
        Command::Cache(command) => cache::run(&command),
        Command::Hook(command) => hook::run(&cwd, &command),
        Command::Bump(args) => bump::run(&cwd, &args),
        Command::Merge {
            files,
            format,
            reports,
        } => merge::run(&cwd, &files, format, &reports),
    }
}
