//! The report files a run writes: `--junit PATH` and the other flags, each
//! over the same key of the config's `[reports]` table.

use crate::project::Project;
use crate::report::{FileFormat, FileReporter, Reporter};
use clap::Args;
use std::path::{Path, PathBuf};

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

/// A reporter per report file asked for: flags relative to the current
/// folder, `[reports]` paths relative to the project root.
pub fn file_reporters(cwd: &Path, project: &Project, args: &ReportArgs) -> Vec<Box<dyn Reporter>> {
    let config = &project.config.raw.reports;
    let wanted = [
        (FileFormat::Junit, &args.junit, &config.junit),
        (
            FileFormat::CodeQuality,
            &args.codequality,
            &config.codequality,
        ),
        (FileFormat::Sarif, &args.sarif, &config.sarif),
        (FileFormat::Json, &args.json, &config.json),
        (FileFormat::Markdown, &args.markdown, &config.markdown),
        (FileFormat::Cobertura, &args.cobertura, &config.cobertura),
    ];
    wanted
        .into_iter()
        .filter_map(|(format, flag, key)| {
            let path = match (flag, key) {
                (Some(p), _) => cwd.join(p),
                (None, Some(p)) => project.root.join(p),
                (None, None) => return None,
            };
            Some(Box::new(FileReporter::new(format, path, &project.root)) as Box<dyn Reporter>)
        })
        .collect()
}
