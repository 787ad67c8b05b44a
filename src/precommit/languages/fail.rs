//! `language: fail`: the entry is no command but a message, which pre-commit
//! prints with the files the hook selected, and fails (a hook that forbids
//! files by name). rungs runs its own port of it, `rungs __fail MESSAGE
//! FILE...`; the hook's args have no part in it.

use super::{Base, Input, LanguageImpl};

pub struct Fail;

impl LanguageImpl for Fail {
    /// The entry is a message, which may be empty.
    fn needs_entry(&self) -> bool {
        false
    }

    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        Ok(Base::plain(vec![
            input.exe.to_string(),
            "__fail".into(),
            input.hook.entry.clone(),
        ]))
    }

    /// The command is whole: the args are not passed.
    fn finish_args(
        &self,
        _input: &Input<'_>,
        command: Vec<String>,
        _meta_verdict: Option<Option<String>>,
    ) -> Vec<String> {
        command
    }
}
