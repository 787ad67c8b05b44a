//! `rungs check` of one project, or of a repository of projects
//! (`services/api`, `services/web`, nothing at the top): at its top each
//! project is checked with its own config and tier, with one report and one
//! exit code, as prek's workspaces do.

use super::check::{Show, check_project};
use super::{CheckRequest, Format};
use crate::error::Error;
use crate::report::{Summary, TerminalReporter};
use std::path::{Path, PathBuf};

/// Run the checks `args` asks for; the exit code (0 passed, 1 failed, 2 no
/// check planned or a config error, 130 interrupted). At the top of a
/// repository of projects, each is checked with its own config and tier.
pub fn check(cwd: &Path, args: &CheckRequest) -> Result<i32, Error> {
    let root = crate::project::find_root(cwd);
    let members = crate::project::members(&root);
    if members.is_empty() {
        return check_project(cwd, args, Show::Whole).map(|summary| summary.exit_code);
    }
    check_members(cwd, &root, &members, args)
}

/// Check each of `members` (folders below `root`); the worst exit code.
fn check_members(
    cwd: &Path,
    root: &Path,
    members: &[PathBuf],
    args: &CheckRequest,
) -> Result<i32, Error> {
    let text = args.selection.format == Format::Text;
    let cwd = cwd.canonicalize().map_err(|e| Error::io(cwd, e))?;
    let mut parts = Vec::new();
    for dir in members {
        let prefix = relative(dir, root);
        let mut mine = args.clone();
        // `--files` named from where rungs started: each project takes its own.
        if !args.selection.files.is_empty() {
            mine.selection.files = args
                .selection
                .files
                .iter()
                .map(|f| cwd.join(f))
                .filter(|f| f.starts_with(dir))
                .collect();
            if mine.selection.files.is_empty() {
                continue;
            }
        }
        if text {
            println!("rungs: {prefix}");
        }
        let summary = check_project(dir, &mine, Show::Member)?;
        parts.push(under(&prefix, summary));
    }
    let count = parts.len();
    let wall = parts.iter().map(|p| p.wall).sum();
    let mut summary = Summary::merge(parts)
        .ok_or_else(|| Error::usage("--files names no file of the repository's projects"))?;
    summary.wall = wall;
    summary.tier = format!("{count} projects");
    super::merge::write_reports(root, &summary, &format!("{count} projects"), &args.reports)?;
    match args.selection.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        ),
        Format::Text => {
            println!("rungs: {count} projects below {}", root.display());
            TerminalReporter::new().print_totals(&summary);
        }
    }
    Ok(summary.exit_code)
}

fn relative(dir: &Path, root: &Path) -> String {
    dir.strip_prefix(root)
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| dir.display().to_string())
}

/// A project's results as the repository's: its checks named by its
/// folder, its paths from the repository's top.
fn under(prefix: &str, mut summary: Summary) -> Summary {
    for check in &mut summary.checks {
        check.check = format!("{prefix}: {}", check.check);
        for f in &mut check.findings {
            f.check = check.check.clone();
            if let Some(path) = &mut f.path {
                *path = format!("{prefix}/{path}");
            }
        }
    }
    for gate in &mut summary.gates {
        gate.check = format!("{prefix}: {}", gate.check);
    }
    summary
}
