//! `language: rust`: pre-commit `cargo install`s the hook's repo, with its
//! `cli:` dependencies as further crates to install (the others are library
//! dependencies it adds to the repo's manifest). rungs names the repo's
//! clone and the `cli:` crates as the check's cargo [`Install`], so the hook
//! runs in an environment of its own like any installed tool.
//!
//! [`Install`]: crate::check::Install

use super::{Base, Input, LanguageImpl};
use crate::check::Install;
use crate::precommit::hook::Hook;
use crate::precommit::repos::Code;

pub struct Rust;

impl LanguageImpl for Rust {
    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        let install = Install {
            cargo: cargo(input.hook, input.code)?,
            ..Install::default()
        };
        Ok(Base::installing(input.entry.to_vec(), install))
    }
}

/// The crates a rust hook installs: its repo and its `cli:` dependencies.
fn cargo(hook: &Hook, code: &Code) -> Result<Vec<String>, String> {
    let mut cargo = Vec::new();
    // pre-commit's `cli:` dependencies are crates to install; the
    // others are library dependencies of the repo, which its own
    // manifest already names.
    match code {
        Code::Clone(dir) => cargo.push(dir.to_string_lossy().into_owned()),
        Code::None => {}
        _ => {
            return Err(format!(
                "hook `{}` is a rust hook from a package index",
                hook.id
            ));
        }
    }
    for dep in &hook.additional_dependencies {
        if let Some(cli) = dep.strip_prefix("cli:") {
            cargo.push(match cli.split_once(':') {
                Some((name, version)) => format!("{name}@{version}"),
                None => cli.to_string(),
            });
        }
    }
    Ok(cargo)
}
