//! The report files a run writes: `--junit PATH` and the other flags, each
//! over the same key of the config's `[reports]` table.

use crate::project::Project;
use crate::report::{FileFormat, FileReporter, Reporter};
use std::path::{Path, PathBuf};

/// Report files asked for on the command line, relative to the current folder.
#[derive(Debug, Clone, Default)]
pub struct ReportFiles {
    pub junit: Option<PathBuf>,
    pub codequality: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
    pub json: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
    pub cobertura: Option<PathBuf>,
}

/// A reporter per report file asked for: flags relative to the current
/// folder, `[reports]` paths relative to the project root.
pub fn file_reporters(cwd: &Path, project: &Project, args: &ReportFiles) -> Vec<Box<dyn Reporter>> {
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
