//! `[history]`: the team's commit rules, judged over the commits between the
//! `--changed` base and `HEAD`. Off unless `enabled = true`.

use super::Config;
use crate::error::Error;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use toml::Spanned;

/// The `[history]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RawHistory {
    pub enabled: Option<bool>,
    /// Most commits a change may bring (default 1).
    pub max_commits: Option<Spanned<usize>>,
    /// Whether merge commits may be among them (default false: a linear history).
    pub merges: Option<bool>,
    /// Longest subject line, in characters (default 72; 0: no limit).
    pub subject_max: Option<usize>,
    /// A regular expression every subject must match (conventional commits ...).
    pub subject_pattern: Option<Spanned<String>>,
    /// Kinds of change no commit may mix: a name and the globs of its files.
    pub kinds: Option<Spanned<BTreeMap<String, Vec<String>>>>,
}

/// `[history]` resolved and checked: the rules `rungs __history` applies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryRules {
    pub max_commits: usize,
    pub merges: bool,
    pub subject_max: usize,
    pub subject_pattern: Option<String>,
    pub kinds: BTreeMap<String, Vec<String>>,
}

pub const DEFAULT_SUBJECT_MAX: usize = 72;

impl Config {
    /// The history rules when the config enables them.
    pub fn history(&self) -> Result<Option<HistoryRules>, Error> {
        let raw = &self.raw.history;
        if raw.enabled != Some(true) {
            return Ok(None);
        }
        let max_commits = match &raw.max_commits {
            None => 1,
            Some(n) if *n.get_ref() == 0 => {
                return Err(self.source().error(
                    n.span(),
                    "`history.max-commits` must be at least 1".to_string(),
                ));
            }
            Some(n) => *n.get_ref(),
        };
        if let Some(p) = &raw.subject_pattern
            && let Err(e) = regex::Regex::new(p.get_ref())
        {
            return Err(self.source().error(
                p.span(),
                format!("`history.subject-pattern` is not a regular expression: {e}"),
            ));
        }
        if let Some(kinds) = &raw.kinds {
            for glob in kinds.get_ref().values().flatten() {
                if let Err(e) = globset::Glob::new(glob) {
                    return Err(self.source().error(
                        kinds.span(),
                        format!("`history.kinds`: `{glob}` is not a glob: {e}"),
                    ));
                }
            }
        }
        Ok(Some(HistoryRules {
            max_commits,
            merges: raw.merges.unwrap_or(false),
            subject_max: raw.subject_max.unwrap_or(DEFAULT_SUBJECT_MAX),
            subject_pattern: raw.subject_pattern.as_ref().map(|p| p.get_ref().clone()),
            kinds: raw
                .kinds
                .as_ref()
                .map(|k| k.get_ref().clone())
                .unwrap_or_default(),
        }))
    }
}
