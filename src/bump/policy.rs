//! What a bump may do: the `[bump]` policy (allowed update kind, cooldown,
//! ignored dependencies), today's date, the project's Python, and where the
//! registries are.

use super::UpdateKind;
use super::registry::{Lookup, RegistryOverrides};
use super::version::Policy;
use crate::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub fn today() -> String {
    let days = now() / 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

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

/// Registry URLs: rungs's config over the user's pip, Cargo and npm configuration.
pub fn registries(root: &Path, overrides: &crate::config::BumpRegistries) -> Lookup {
    Lookup::from_env(
        root,
        &RegistryOverrides {
            pypi: overrides.pypi.clone(),
            crates: overrides.crates.clone(),
            npm: overrides.npm.clone(),
            pypi_json: overrides.pypi_json.clone(),
        },
    )
}
