//! Lock files: which version of a dependency is in use, and the command that
//! regenerates the lock after a manifest edit. Each is read only as far as
//! the name -> version table it holds.

use super::ManifestError;
use super::toml_text;
use std::collections::HashMap;
use std::path::Path;

/// The versions a lock file holds, by name (Python names PEP 503-normalized).
#[derive(Clone, Debug, Default)]
pub struct Locked {
    versions: HashMap<String, Vec<String>>,
}

impl Locked {
    fn add(&mut self, name: String, version: String) {
        let list = self.versions.entry(name).or_default();
        if !list.contains(&version) {
            list.push(version);
        }
    }

    /// The one version locked for `name`; when several are (Cargo can hold
    /// two majors of a crate), the one `fits` the requirement.
    pub fn version(&self, name: &str, fits: impl Fn(&str) -> bool) -> Option<String> {
        match self.versions.get(name)?.as_slice() {
            [only] => Some(only.clone()),
            many => {
                let fitting: Vec<&String> = many.iter().filter(|v| fits(v)).collect();
                match fitting.as_slice() {
                    [one] => Some((*one).clone()),
                    _ => None,
                }
            }
        }
    }
}

/// Read a lock file if it exists; `Ok(None)` when it does not.
pub fn read(path: &Path, rel: &Path) -> Result<Option<Locked>, ManifestError> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(None);
    };
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let locked = match file {
        "Pipfile.lock" => pipfile_lock(&text, rel)?,
        "package-lock.json" => package_lock(&text, rel)?,
        _ => toml_packages(&text, rel, file == "Cargo.lock")?,
    };
    Ok(Some(locked))
}

/// uv.lock, poetry.lock and Cargo.lock: `[[package]]` tables of `name` and
/// `version`. Cargo's path and git crates are not registry releases.
fn toml_packages(text: &str, rel: &Path, cargo: bool) -> Result<Locked, ManifestError> {
    let doc = toml_text::parse(text, rel)?;
    let mut locked = Locked::default();
    let Some(packages) = doc.get("package").and_then(|p| p.as_array_of_tables()) else {
        return Ok(locked);
    };
    for package in packages.iter() {
        let name = package.get("name").and_then(|n| n.as_str());
        let version = package.get("version").and_then(|v| v.as_str());
        let (Some(name), Some(version)) = (name, version) else {
            continue;
        };
        if cargo {
            let source = package.get("source").and_then(|s| s.as_str()).unwrap_or("");
            if source.starts_with("registry+") || source.starts_with("sparse+") {
                locked.add(name.to_string(), version.to_string());
            }
        } else {
            locked.add(super::pep508::normalize(name), version.to_string());
        }
    }
    Ok(locked)
}

fn json(text: &str, rel: &Path) -> Result<serde_json::Value, ManifestError> {
    serde_json::from_str(text).map_err(|e| ManifestError {
        path: rel.to_path_buf(),
        line: e.line(),
        message: format!("invalid JSON: {e}"),
    })
}

/// Pipfile.lock: `default` and `develop`, each name -> `{"version": "==x"}`.
fn pipfile_lock(text: &str, rel: &Path) -> Result<Locked, ManifestError> {
    let value = json(text, rel)?;
    let mut locked = Locked::default();
    for section in ["default", "develop"] {
        let Some(entries) = value.get(section).and_then(|s| s.as_object()) else {
            continue;
        };
        for (name, entry) in entries {
            let version = entry.get("version").and_then(|v| v.as_str());
            if let Some(v) = version.and_then(|v| v.strip_prefix("==")) {
                locked.add(super::pep508::normalize(name), v.to_string());
            }
        }
    }
    Ok(locked)
}

/// package-lock.json: `packages["node_modules/NAME"]` (lockfile v2, v3),
/// else `dependencies[NAME]` (v1). Only top-level installs: those are the
/// project's direct dependencies.
fn package_lock(text: &str, rel: &Path) -> Result<Locked, ManifestError> {
    let value = json(text, rel)?;
    let mut locked = Locked::default();
    if let Some(packages) = value.get("packages").and_then(|p| p.as_object()) {
        for (key, entry) in packages {
            let Some(name) = key.strip_prefix("node_modules/") else {
                continue;
            };
            if name.contains("/node_modules/") {
                continue;
            }
            if let Some(v) = entry.get("version").and_then(|v| v.as_str()) {
                locked.add(name.to_string(), v.to_string());
            }
        }
    } else if let Some(deps) = value.get("dependencies").and_then(|d| d.as_object()) {
        for (name, entry) in deps {
            if let Some(v) = entry.get("version").and_then(|v| v.as_str()) {
                locked.add(name.clone(), v.to_string());
            }
        }
    }
    Ok(locked)
}

/// Whether a locked Cargo version can satisfy a requirement whose lower
/// bound is `lower`: same semver-compatible series (`1.x`, `0.4.x`,
/// `0.0.3`) and not below it. Enough to tell two majors of a crate apart.
pub fn cargo_fits(lower: Option<&str>, version: &str) -> bool {
    let Some(lower) = lower else {
        return false;
    };
    let nums = |v: &str| -> Vec<u64> {
        v.split(['-', '+'])
            .next()
            .unwrap_or("")
            .split('.')
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    let (l, v) = (nums(lower), nums(version));
    let series = |n: &[u64]| match n {
        [0, 0, p, ..] => (0, 0, *p),
        [0, m, ..] => (0, *m, 0),
        [major, ..] => (*major, 0, 0),
        [] => (0, 0, 0),
    };
    series(&l) == series(&v) && v >= l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_series() {
        assert!(cargo_fits(Some("1.0.0"), "1.0.140"));
        assert!(!cargo_fits(Some("1.0.0"), "2.0.1"));
        assert!(cargo_fits(Some("0.4.0"), "0.4.23"));
        assert!(!cargo_fits(Some("0.4.0"), "0.5.0"));
        assert!(!cargo_fits(Some("0.4.5"), "0.4.1"));
    }
}
