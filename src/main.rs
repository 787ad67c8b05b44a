//! rungs: a fast, parallel quality gate. The binary is thin: parse the command
//! line, run, print an error once, exit with a documented code.

mod affected;
mod bump;
mod cache;
mod check;
mod cli;
mod clock;
mod config;
mod dirs;
mod error;
mod execute;
mod finding;
mod fingerprint;
mod fs;
mod gate;
mod git;
mod history;
mod hook;
mod manifest;
mod markers;
mod parse;
mod pipeline;
mod plan;
mod precommit;
mod preset;
mod project;
mod registry;
mod report;
mod results;
mod source;
mod timing;
mod tool;
mod vulnerable;

use clap::Parser;

fn main() {
    timing::mark("start");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(code) = precommit::run_internal(&args)
        .or_else(|| history::run_internal(&args))
        .or_else(|| vulnerable::run_internal(&args))
    {
        std::process::exit(code);
    }
    let cli = cli::Cli::parse();
    let code = match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("rungs: error: {err}");
            if let Some(hint) = err.hint() {
                eprintln!("  hint: {hint}");
            }
            err.exit_code()
        }
    };
    std::process::exit(code);
}
