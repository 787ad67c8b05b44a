//! The project's config: `rungs.toml` at the root, or `[tool.rungs]` in
//! `pyproject.toml`. Zero config is a valid config. Everything is checked here,
//! with `file:line:column` in errors, so later stages never re-validate.

mod raw;
mod registry;
mod source;

pub use raw::RawConfig;
pub use registry::build_checks;
pub use source::Source;

use crate::error::Error;
use std::path::Path;

/// A loaded config and the file it came from (none for zero config).
#[derive(Debug, Default)]
pub struct Config {
    pub raw: RawConfig,
    pub source: Option<Source>,
}

impl Config {
    /// Load `rungs.toml`, else `[tool.rungs]` from `pyproject.toml`, else defaults.
    pub fn load(root: &Path) -> Result<Config, Error> {
        let rungs_toml = root.join("rungs.toml");
        if rungs_toml.is_file() {
            let source = Source::read(&rungs_toml)?;
            let raw: RawConfig = toml::from_str(&source.text).map_err(|e| source.toml_error(&e))?;
            return Ok(Config {
                raw,
                source: Some(source),
            });
        }
        let pyproject = root.join("pyproject.toml");
        if pyproject.is_file() {
            let source = Source::read(&pyproject)?;
            let doc: raw::PyProject =
                toml::from_str(&source.text).map_err(|e| source.toml_error(&e))?;
            if let Some(raw) = doc.tool.and_then(|t| t.rungs) {
                return Ok(Config {
                    raw,
                    source: Some(source),
                });
            }
        }
        Ok(Config::default())
    }

    /// The file errors about the config point into.
    pub fn source(&self) -> Source {
        self.source
            .clone()
            .unwrap_or_else(|| Source::new("rungs.toml", ""))
    }

    /// Whether a config file exists and names the given file.
    pub fn describe(&self) -> String {
        match &self.source {
            Some(s) => s.path.display().to_string(),
            None => "none (defaults)".to_string(),
        }
    }
}
