//! `language: script` (and its new name, `unsupported_script`): pre-commit
//! runs the entry's first word as a file of the hook's repo, installing
//! nothing. rungs does the same: the file of the repo's clone for a remote
//! hook, of the project for a local one.

use super::{Base, Input, LanguageImpl};
use crate::precommit::repos::Code;

pub struct Script;

impl LanguageImpl for Script {
    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        let base = match input.code {
            Code::Clone(dir) => dir.clone(),
            _ => input.root.to_path_buf(),
        };
        let mut command = input.entry.to_vec();
        command[0] = base.join(&input.entry[0]).to_string_lossy().into_owned();
        Ok(Base::plain(command))
    }
}
