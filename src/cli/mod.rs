//! The command line: one module per subcommand. Arguments are parsed here once
//! and turned into a request of the library ([`crate::pipeline`], [`crate::hook`],
//! [`crate::bump`]); nothing later re-parses, and nothing here prints a report.

mod args;
mod baseline;
mod bump;
mod cache;
mod hook;

use crate::error::{Error, exit};
use args::{CheckArgs, Format, ReportArgs, Selection};
use clap::{Parser, Subcommand};
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
    /// Take on checks the tier added but the project has not adopted: a
    /// `[checks.ID]` entry in rungs's config, and a baseline of their findings today.
    Adopt {
        #[arg(required = true, value_name = "ID")]
        ids: Vec<String>,
    },
    /// Combine the results of shards (`check --shard I/N --format json`) into one report.
    Merge {
        /// Result files written by the shards.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(flatten)]
        reports: ReportArgs,
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
        /// Overwrite an existing rungs.toml (with --gitlab: .gitlab-ci.yml).
        #[arg(long)]
        force: bool,
        /// Instead: GitLab CI, a .gitlab-ci.yml including rungs's template
        /// (or the lines to add to the one there is).
        #[arg(long)]
        gitlab: bool,
    },
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
        crate::hook::recover_pending(&cwd);
    }
    match cli.command {
        Command::Plan(selection) => crate::pipeline::explain(&cwd, &selection.request()),
        Command::Check(args) => crate::pipeline::check(&cwd, &args.request()),
        Command::Baseline(args) => baseline::run(&cwd, &args),
        Command::Adopt { ids } => {
            let (code, config) = crate::pipeline::adopt(&cwd, &ids)?;
            eprintln!("rungs: adopted {} in {}", ids.join(", "), config.display());
            Ok(code)
        }
        Command::Init {
            force,
            gitlab: true,
        } => {
            let done = crate::pipeline::init_gitlab(&cwd, force)?;
            for path in &done.written {
                println!("wrote {}", path.display());
            }
            if let Some(lines) = done.to_add {
                println!("\n.gitlab-ci.yml exists; add to it:\n\n{lines}");
            }
            Ok(exit::PASSED)
        }
        Command::Init {
            force,
            gitlab: false,
        } => {
            let path = crate::pipeline::init(&cwd, force)?;
            println!("wrote {}", path.display());
            Ok(exit::PASSED)
        }
        Command::Cache(command) => cache::run(&command),
        Command::Hook(command) => hook::run(&cwd, &command),
        Command::Bump(args) => crate::bump::run(&cwd, &args.request()),
        Command::Merge {
            files,
            format,
            reports,
        } => crate::pipeline::merge(&cwd, &files, format.into(), &reports.request()),
    }
}
