//! Report files: one reporter per file asked for (`--junit PATH`, `[reports]`),
//! written once the run has finished, atomically, so a CI job uploading it
//! never reads half a report.

use super::context::Context;
use super::{Event, Reporter};
use crate::error::Error;
use std::path::{Path, PathBuf};

/// The formats rungs writes to files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormat {
    Junit,
    CodeQuality,
    Sarif,
    Json,
    Markdown,
    Cobertura,
}

impl FileFormat {
    pub fn name(self) -> &'static str {
        match self {
            FileFormat::Junit => "JUnit",
            FileFormat::CodeQuality => "Code Quality",
            FileFormat::Sarif => "SARIF",
            FileFormat::Json => "JSON",
            FileFormat::Markdown => "Markdown",
            FileFormat::Cobertura => "Cobertura",
        }
    }
}

pub struct FileReporter {
    format: FileFormat,
    path: PathBuf,
    root: PathBuf,
    result: Result<(), Error>,
}

impl FileReporter {
    pub fn new(format: FileFormat, path: PathBuf, root: &Path) -> FileReporter {
        FileReporter {
            format,
            path,
            root: root.to_path_buf(),
            result: Ok(()),
        }
    }

    fn write(&self, ctx: &Context) -> Result<(), Error> {
        let bytes = match self.format {
            FileFormat::Junit => super::junit::render(ctx),
            FileFormat::CodeQuality => super::codequality::render(ctx),
            FileFormat::Sarif => super::sarif::render(ctx),
            FileFormat::Json => super::json::render(ctx.plan, ctx.summary),
            FileFormat::Markdown => super::markdown::render(ctx),
            FileFormat::Cobertura => super::cobertura::render(ctx),
        };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        crate::fs::write_atomic(&self.path, &bytes)
    }
}

impl Reporter for FileReporter {
    fn event(&mut self, event: &Event) {
        if let Event::Finished { plan, summary } = event {
            let ctx = Context {
                root: &self.root,
                plan,
                summary,
            };
            self.result = self.write(&ctx);
        }
    }

    fn finish(&mut self) -> Result<(), Error> {
        match std::mem::replace(&mut self.result, Ok(())) {
            Ok(()) => Ok(()),
            Err(e) => Err(Error::Usage {
                message: format!("could not write the {} report: {e}", self.format.name()),
                hint: None,
            }),
        }
    }
}
