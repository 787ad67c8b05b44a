//! `[coverage]`: the gates on coverage besides the tier's total floor (which
//! `thresholds` sets): diff coverage and the ratchet.

use super::Config;
use crate::error::Error;
use serde::Deserialize;
use toml::Spanned;

/// The `[coverage]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawCoverage {
    /// Judge the changed lines when run with `--changed` (default true).
    pub diff: Option<bool>,
    /// Share of coverable changed lines that must be covered, in percent (default 100).
    pub diff_floor: Option<Spanned<f64>>,
    /// Fail when total coverage drops below the default branch's.
    pub ratchet: Option<bool>,
    /// Percentage points total coverage may drop before the ratchet fails (default 0.1).
    pub ratchet_tolerance: Option<Spanned<f64>>,
    /// Where the default branch's total is kept (default: the cache dir).
    pub ratchet_file: Option<String>,
}

/// `[coverage]` resolved and checked.
#[derive(Clone, Debug)]
pub struct CoverageConfig {
    pub diff: bool,
    pub diff_floor: f64,
    pub ratchet: bool,
    pub ratchet_tolerance: f64,
    /// Relative to the project root.
    pub ratchet_file: Option<String>,
}

pub const DEFAULT_RATCHET_TOLERANCE: f64 = 0.1;

impl Config {
    pub fn coverage(&self) -> Result<CoverageConfig, Error> {
        let raw = &self.raw.coverage;
        let percent = |value: &Option<Spanned<f64>>, key: &str, default: f64, max: f64| match value
        {
            None => Ok(default),
            Some(v) if (0.0..=max).contains(v.get_ref()) => Ok(*v.get_ref()),
            Some(v) => Err(self.source().error(
                v.span(),
                format!("`coverage.{key}` must be between 0 and {max}"),
            )),
        };
        Ok(CoverageConfig {
            diff: raw.diff.unwrap_or(true),
            diff_floor: percent(&raw.diff_floor, "diff-floor", 100.0, 100.0)?,
            ratchet: raw.ratchet.unwrap_or(false),
            ratchet_tolerance: percent(
                &raw.ratchet_tolerance,
                "ratchet-tolerance",
                DEFAULT_RATCHET_TOLERANCE,
                100.0,
            )?,
            ratchet_file: raw.ratchet_file.clone(),
        })
    }
}
