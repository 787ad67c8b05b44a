//! `language: pygrep`: the entry is no command but a Python regular
//! expression, which pre-commit's own `pygrep` searches each file for (its
//! args: `--ignore-case`, `--multiline`, `--negate`). rungs runs its own
//! port of it, `rungs __pygrep ARGS -- PATTERN FILE...`, and reads each
//! `path:line:message` it prints as a finding.

use super::{Base, Input, LanguageImpl};
use crate::check::{Check, ParserKind};

pub struct Pygrep;

impl LanguageImpl for Pygrep {
    /// The entry is a pattern, not a command: it may be empty.
    fn needs_entry(&self) -> bool {
        false
    }

    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        Ok(Base::plain(vec![input.exe.to_string(), "__pygrep".into()]))
    }

    /// The args are pygrep's options, before the pattern.
    fn finish_args(
        &self,
        input: &Input<'_>,
        mut command: Vec<String>,
        _meta_verdict: Option<Option<String>>,
    ) -> Vec<String> {
        command.extend(input.hook.args.iter().cloned());
        command.push("--".into());
        command.push(input.hook.entry.clone());
        command
    }

    fn parser(&self, _like: Option<&Check>) -> (ParserKind, Option<regex::Regex>) {
        (
            ParserKind::Regex,
            regex::Regex::new(r"^(?P<path>[^:\n]+):(?P<line>\d+):(?P<message>.*)$").ok(),
        )
    }
}
