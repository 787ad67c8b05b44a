//! What a bump may do: the `[bump]` policy (allowed update kind, cooldown,
//! ignored dependencies) and the project's Python.

use super::UpdateKind;
use super::version::Policy;
use crate::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn parse_kind(text: &str) -> Option<UpdateKind> {
    match text {
        "patch" => Some(UpdateKind::Patch),
        "minor" => Some(UpdateKind::Minor),
        "major" => Some(UpdateKind::Major),
        _ => None,
    }
}

pub fn kind_name(k: UpdateKind) -> &'static str {
    match k {
        UpdateKind::Patch => "patch",
        UpdateKind::Minor => "minor",
        UpdateKind::Major => "major",
    }
}

/// The policy from `[bump]`.
pub fn policy(project: &crate::project::Project) -> Result<Policy, Error> {
    let cfg = &project.config.raw.bump;
    let source = project.config.source();
    let allow = match &cfg.allow {
        Some(a) => parse_kind(a.get_ref()).ok_or_else(|| {
            source.error(
                a.span(),
                format!(
                    "`{}` is not an update type (expected \"patch\", \"minor\" or \"major\")",
                    a.get_ref()
                ),
            )
        })?,
        None => UpdateKind::Minor,
    };
    let cooldown = match &cfg.cooldown {
        Some(c) => crate::config::parse_duration(c.get_ref()).ok_or_else(|| {
            source.error(
                c.span(),
                format!("`{}` is not a duration (expected e.g. \"3d\")", c.get_ref()),
            )
        })?,
        None => std::time::Duration::from_secs(3 * 86_400),
    };
    let mut ignore = cfg.ignore.clone();
    for (name, rule) in &cfg.dependencies {
        if rule.ignore {
            ignore.push(name.clone());
        }
        if let Some(a) = &rule.allow
            && parse_kind(a.get_ref()).is_none()
        {
            return Err(source.error(
                a.span(),
                format!(
                    "`{}` is not an update type (expected \"patch\", \"minor\" or \"major\")",
                    a.get_ref()
                ),
            ));
        }
    }
    Ok(Policy {
        allow,
        ignore,
        cooldown_secs: cooldown.as_secs() as i64,
    })
}

/// The project's Python, as `3.11`, from its environment.
pub fn project_python(root: &Path) -> Option<String> {
    let python = [root.join(".venv/bin/python"), root.join("venv/bin/python")]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"));
    let out = Command::new(python)
        .args([
            "-c",
            "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}
