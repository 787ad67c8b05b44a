//! `language: node`: pre-commit makes a nodeenv per hook and `npm install`s
//! the hook's repo and its `additional_dependencies` there. rungs names the
//! same packages as the check's npm [`Install`] (the repo's clone, or its
//! package on npm at the rev's version), so the hook runs in an environment
//! of its own like any installed tool.
//!
//! [`Install`]: crate::check::Install

use super::{Base, Input, LanguageImpl};
use crate::check::Install;
use crate::precommit::hook::Hook;
use crate::precommit::repos::Code;

pub struct Node;

impl LanguageImpl for Node {
    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        let install = Install {
            npm: npm(input.hook, input.code)?,
            ..Install::default()
        };
        Ok(Base::installing(input.entry.to_vec(), install))
    }
}

/// The npm packages a node hook installs: its repo or package, and its
/// dependencies.
fn npm(hook: &Hook, code: &Code) -> Result<Vec<String>, String> {
    let deps = &hook.additional_dependencies;
    let mut npm = Vec::new();
    match code {
        Code::Clone(dir) => npm.push(dir.to_string_lossy().into_owned()),
        // Mirrors pin their own package among the dependencies.
        Code::Npm { name, version } => {
            if !deps
                .iter()
                .any(|d| d == name || d.starts_with(&format!("{name}@")))
            {
                npm.push(format!("{name}@{version}"));
            }
        }
        Code::Pypi { .. } => {
            return Err(format!(
                "hook `{}` is a node hook from a PyPI package",
                hook.id
            ));
        }
        Code::None => {}
    }
    npm.extend(deps.iter().cloned());
    Ok(npm)
}
