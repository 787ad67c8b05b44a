//! A config file's text, kept so byte spans become `file:line:column` in
//! errors. Foundation: check definitions, presets and the config all point
//! into files they read.

use crate::error::Error;
use std::ops::Range;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> Source {
        Source {
            path: path.into(),
            text: text.into(),
        }
    }

    pub fn read(path: &Path) -> Result<Source, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Ok(Source::new(path, text))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = &self.text[..self.text.floor_char_boundary(offset)];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        (line, before[line_start..].chars().count() + 1)
    }

    /// An error pointing at `span` in this file.
    pub fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let (line, column) = self.locate(span.start);
        Error::Config {
            path: self.path.clone(),
            line,
            column,
            message: message.into(),
        }
    }

    /// A `toml` parse or type error, placed in this file.
    pub fn toml_error(&self, err: &toml::de::Error) -> Error {
        let message = err.message().trim().to_string();
        match err.span() {
            Some(span) => self.error(span, message),
            None => Error::ConfigFile {
                path: self.path.clone(),
                message,
            },
        }
    }
}
