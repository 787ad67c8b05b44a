//! `language: python` (and `python_venv`): pre-commit makes a virtualenv per
//! hook and `pip install`s the hook's repo and its `additional_dependencies`
//! there. rungs names the same packages as the check's PyPI [`Install`]
//! (the repo's clone, or its package on PyPI at the rev's version), so the
//! hook runs in an environment of its own like any installed tool.
//!
//! [`Install`]: crate::check::Install

use super::{Base, Input, LanguageImpl};
use crate::check::Install;
use crate::precommit::hook::Hook;
use crate::precommit::repos::Code;

pub struct Python;

impl LanguageImpl for Python {
    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        let install = Install {
            pypi: pypi(input.hook, input.code)?,
            ..Install::default()
        };
        Ok(Base::installing(input.entry.to_vec(), install))
    }
}

/// The PyPI packages a python hook installs: its repo (with the extras a
/// `.[extra]` dependency names) and its other dependencies.
fn pypi(hook: &Hook, code: &Code) -> Result<Vec<String>, String> {
    let deps = &hook.additional_dependencies;
    let mut pypi = Vec::new();
    // `.[all]` among the dependencies is the repo itself with extras.
    let extras: String = deps
        .iter()
        .filter_map(|d| d.strip_prefix('.'))
        .filter(|e| e.starts_with('['))
        .collect::<Vec<_>>()
        .concat()
        .replace("][", ",");
    match code {
        Code::Clone(dir) => pypi.push(format!("{}{extras}", dir.display())),
        Code::Pypi { name, version } => pypi.push(format!("{name}{extras}=={version}")),
        Code::Npm { .. } => {
            return Err(format!(
                "hook `{}` is a python hook from an npm package",
                hook.id
            ));
        }
        Code::None => {}
    }
    pypi.extend(deps.iter().filter(|d| !d.starts_with('.')).cloned());
    Ok(pypi)
}
