//! The project's config: `rungs.toml` at the root, or `[tool.rungs]` in
//! `pyproject.toml`. Zero config is a valid config. Everything is checked here,
//! with `file:line:column` in errors, so later stages never re-validate.

mod bump;
mod cache;
mod coverage;
mod history;
mod invocations;
mod left_out;
mod raw;
mod registry;
mod reports;

pub use bump::{BumpConfig, Registries as BumpRegistries};
pub use cache::CacheConfig;
pub use coverage::{CoverageConfig, RawCoverage};
pub use history::{DEFAULT_SUBJECT_MAX, HistoryRules, RawHistory};
pub use raw::RawConfig;
pub use registry::build_checks;
pub use reports::{DEFAULT_BASELINE, ReportsConfig};

use crate::error::Error;
use crate::source::Source;
use std::path::Path;

/// Why a file is not the project's own code (the rules are the project's,
/// in `project/unchecked.rs`). Also the values of the `unchecked` key,
/// which lists the kinds no check sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Unchecked {
    Vendored,
    Minified,
    Generated,
}

impl Unchecked {
    /// Every kind: what no check sees unless the config says otherwise.
    pub const ALL: [Unchecked; 3] = [
        Unchecked::Vendored,
        Unchecked::Minified,
        Unchecked::Generated,
    ];
}

/// A loaded config and the file it came from (none for zero config).
#[derive(Debug, Default)]
pub struct Config {
    pub raw: RawConfig,
    pub source: Option<Source>,
    /// What the checks built from this config must leave out, which only
    /// the project's files can tell; set when the project is opened.
    pub files: FileFacts,
}

/// The project's files as the checks need to know them.
#[derive(Debug, Default)]
pub struct FileFacts {
    pub root: std::path::PathBuf,
    /// Every file of the project (relative, sorted).
    pub all: Vec<String>,
    /// Files no check sees: the kinds the `unchecked` key lists.
    pub unchecked: std::collections::BTreeSet<String>,
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
                files: FileFacts::default(),
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
                    files: FileFacts::default(),
                });
            }
        }
        Ok(Config::default())
    }

    /// The wall-time budget: `budget` parsed, 3 minutes by default.
    pub fn budget(&self) -> Result<std::time::Duration, Error> {
        let Some(text) = &self.raw.budget else {
            return Ok(std::time::Duration::from_secs(180));
        };
        parse_duration(text.get_ref()).ok_or_else(|| {
            self.source().error(
                text.span(),
                format!(
                    "`{}` is not a duration (expected e.g. \"3m\", \"90s\", \"1m30s\")",
                    text.get_ref()
                ),
            )
        })
    }

    /// The kinds of files no check sees.
    pub fn unchecked(&self) -> Vec<Unchecked> {
        match &self.raw.unchecked {
            Some(kinds) => kinds.iter().map(|k| *k.get_ref()).collect(),
            None => Unchecked::ALL.to_vec(),
        }
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

/// "90s", "3m", "1m30s", "2h", "30d" or a plain number of seconds.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(std::time::Duration::from_secs(secs));
    }
    let mut total = 0u64;
    let mut number = String::new();
    let mut units = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return None,
        };
        total += number.parse::<u64>().ok()? * unit;
        number.clear();
        units += 1;
    }
    (number.is_empty() && units > 0).then(|| std::time::Duration::from_secs(total))
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_read_as_people_write_them() {
        assert_eq!(parse_duration("3m"), Some(Duration::from_secs(180)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("30d"), Some(Duration::from_secs(30 * 86400)));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("3x"), None);
        // Zero is a duration (`rungs cache prune --older-than 0d`: everything).
        assert_eq!(parse_duration("0d"), Some(Duration::ZERO));
        assert_eq!(parse_duration(""), None);
        assert_eq!(parse_duration("m"), None);
    }
}
