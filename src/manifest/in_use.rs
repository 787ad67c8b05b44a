//! The exact versions a project installs, and the line that says so: every
//! package of its lock files (uv.lock, poetry.lock, Pipfile.lock,
//! package-lock.json), and the exact pins of its manifests that no lock
//! file covers (`django==4.2.7`, npm's `"1.2.3"`). A range is no version in
//! use: what it installs depends on the day. Read by the
//! `vulnerable-dependencies` check.

use super::{Dependency, Ecosystem, ManifestError, bounds, pep508, toml_text};
use std::path::{Path, PathBuf};

/// Lock files read for every package they hold, and their ecosystem.
const LOCK_FILES: [(&str, Ecosystem); 4] = [
    ("uv.lock", Ecosystem::Python),
    ("poetry.lock", Ecosystem::Python),
    ("Pipfile.lock", Ecosystem::Python),
    ("package-lock.json", Ecosystem::Node),
];

/// One version in use and where it is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InUse {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub version: String,
    /// Project-relative path of the lock file or manifest.
    pub file: PathBuf,
    /// 1-based line of the entry (0: not found).
    pub line: usize,
}

/// Every Python and npm version in use, each (ecosystem, name, version)
/// once, lock entries first; and the problems reading the files.
pub fn in_use(root: &Path) -> (Vec<InUse>, Vec<ManifestError>) {
    let (deps, mut errors) = super::discover(root);
    let mut found: Vec<InUse> = Vec::new();
    let mut locked: Vec<Ecosystem> = Vec::new();
    for (file, ecosystem) in LOCK_FILES {
        let Ok(text) = std::fs::read_to_string(root.join(file)) else {
            continue;
        };
        let rel = Path::new(file);
        let entries = match file {
            "Pipfile.lock" => pipfile_lock(&text, rel),
            "package-lock.json" => package_lock(&text, rel),
            _ => toml_lock(&text, rel, ecosystem),
        };
        match entries {
            Ok(mut entries) => {
                entries.sort_by_key(|e| e.line);
                locked.push(ecosystem);
                found.extend(entries);
            }
            // discover() reported it already when a manifest reads this lock.
            Err(e) if errors.contains(&e) => {}
            Err(e) => errors.push(e),
        }
    }
    for dep in &deps {
        if locked.contains(&dep.ecosystem) {
            continue;
        }
        let Some(version) = exact_pin(dep) else {
            continue;
        };
        let text = std::fs::read_to_string(root.join(&dep.manifest)).unwrap_or_default();
        found.push(InUse {
            ecosystem: dep.ecosystem,
            name: dep.name.clone(),
            version,
            file: dep.manifest.clone(),
            line: declaration_line(&text, &dep.name, &dep.requirement),
        });
    }
    let mut seen: Vec<(Ecosystem, String, String)> = Vec::new();
    found.retain(|u| {
        let key = (
            u.ecosystem,
            normalize(u.ecosystem, &u.name),
            u.version.clone(),
        );
        let new = !seen.contains(&key);
        seen.push(key);
        new
    });
    (found, errors)
}

fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Python => pep508::normalize(name),
        _ => name.to_string(),
    }
}

/// The version a requirement pins exactly, if it does (Rust crates have no
/// advisory source rungs asks, so they are left out).
fn exact_pin(dep: &Dependency) -> Option<String> {
    let requirement = dep.requirement.trim();
    match dep.ecosystem {
        Ecosystem::Python if dep.section.starts_with("tool.poetry.") => {
            bounds::poetry_pinned(requirement)
        }
        Ecosystem::Python => bounds::python_pinned(requirement),
        Ecosystem::Node => {
            let exact = requirement.strip_prefix('=').unwrap_or(requirement).trim();
            let plain = exact.starts_with(|c: char| c.is_ascii_digit())
                && exact
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
                && exact.matches('.').count() == 2
                && !exact.contains(['x', 'X']);
            plain.then(|| exact.to_string())
        }
        Ecosystem::Rust => None,
    }
}

/// The first line naming `name` with `requirement` on it (a manifest keeps
/// a dependency on one line in every format rungs reads).
fn declaration_line(text: &str, name: &str, requirement: &str) -> usize {
    let name = name.to_ascii_lowercase();
    text.lines()
        .position(|l| {
            let lower = l.to_ascii_lowercase();
            lower.contains(&name) && l.contains(requirement)
        })
        .map_or(0, |i| i + 1)
}

/// uv.lock and poetry.lock: `[[package]]` tables of `name` and `version`.
fn toml_lock(text: &str, rel: &Path, ecosystem: Ecosystem) -> Result<Vec<InUse>, ManifestError> {
    let doc = toml_text::parse(text, rel)?;
    let Some(packages) = doc.get("package").and_then(|p| p.as_array_of_tables()) else {
        return Ok(Vec::new());
    };
    Ok(packages
        .iter()
        .filter_map(|package| {
            let name = package.get("name")?.as_value()?;
            let version = package.get("version")?.as_str()?;
            // uv's own project (`source = { editable = "." }`) is no release.
            let source = package.get("source").and_then(|s| s.as_inline_table());
            if source.is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual")) {
                return None;
            }
            Some(InUse {
                ecosystem,
                name: name.as_str()?.to_string(),
                version: version.to_string(),
                file: rel.to_path_buf(),
                line: toml_text::value_line(text, name),
            })
        })
        .collect())
}

fn json(text: &str, rel: &Path) -> Result<serde_json::Value, ManifestError> {
    serde_json::from_str(text).map_err(|e| ManifestError {
        path: rel.to_path_buf(),
        line: e.line(),
        message: format!("invalid JSON: {e}"),
    })
}

/// The line of `"key": {` at or after line `from` (JSON lock files write
/// one key a line).
fn key_line(text: &str, key: &str, from: usize) -> usize {
    let quoted = format!("\"{key}\"");
    text.lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.trim_start().starts_with(&quoted))
        .map_or(0, |(i, _)| i + 1)
}

/// Pipfile.lock: `default` and `develop`, each name -> `{"version": "==x"}`.
fn pipfile_lock(text: &str, rel: &Path) -> Result<Vec<InUse>, ManifestError> {
    let value = json(text, rel)?;
    let mut out = Vec::new();
    for section in ["default", "develop"] {
        let Some(entries) = value.get(section).and_then(|s| s.as_object()) else {
            continue;
        };
        let start = key_line(text, section, 1);
        for (name, entry) in entries {
            let version = entry.get("version").and_then(|v| v.as_str());
            if let Some(v) = version.and_then(|v| v.strip_prefix("==")) {
                out.push(InUse {
                    ecosystem: Ecosystem::Python,
                    name: name.clone(),
                    version: v.to_string(),
                    file: rel.to_path_buf(),
                    line: key_line(text, name, start),
                });
            }
        }
    }
    Ok(out)
}

/// package-lock.json: every installed package of `packages` (lockfile v2,
/// v3; nested `node_modules` too), else `dependencies` (v1, top level).
fn package_lock(text: &str, rel: &Path) -> Result<Vec<InUse>, ManifestError> {
    let value = json(text, rel)?;
    let mut out = Vec::new();
    let entries = |key: &str| value.get(key).and_then(|p| p.as_object());
    if let Some(packages) = entries("packages") {
        for (key, entry) in packages {
            let Some((_, name)) = key.rsplit_once("node_modules/") else {
                continue;
            };
            if entry.get("link").and_then(|l| l.as_bool()) == Some(true) {
                continue;
            }
            if let Some(v) = entry.get("version").and_then(|v| v.as_str()) {
                out.push(InUse {
                    ecosystem: Ecosystem::Node,
                    name: name.to_string(),
                    version: v.to_string(),
                    file: rel.to_path_buf(),
                    line: key_line(text, key, 1),
                });
            }
        }
    } else if let Some(deps) = entries("dependencies") {
        for (name, entry) in deps {
            if let Some(v) = entry.get("version").and_then(|v| v.as_str()) {
                out.push(InUse {
                    ecosystem: Ecosystem::Node,
                    name: name.clone(),
                    version: v.to_string(),
                    file: rel.to_path_buf(),
                    line: key_line(text, name, 1),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    fn said(found: &[InUse]) -> Vec<String> {
        found
            .iter()
            .map(|u| format!("{}:{} {} {}", u.file.display(), u.line, u.name, u.version))
            .collect()
    }

    #[test]
    fn pins_count_and_ranges_do_not() {
        let dir = project(&[(
            "requirements.txt",
            "# pinned\nDjango==4.2.7\nrequests>=2.0\nidna == 3.6  # why\n",
        )]);
        let (found, errors) = in_use(dir.path());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            said(&found),
            [
                "requirements.txt:2 Django 4.2.7",
                "requirements.txt:4 idna 3.6"
            ]
        );
    }

    #[test]
    fn a_lock_file_gives_every_package_at_its_line() {
        let uv = "version = 1\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { editable = \".\" }\n\n[[package]]\nname = \"idna\"\nversion = \"3.6\"\nsource = { registry = \"https://pypi.org/simple\" }\n";
        let lock = "{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\n      \"name\": \"app\"\n    },\n    \"node_modules/minimist\": {\n      \"version\": \"1.2.5\"\n    },\n    \"node_modules/a/node_modules/is-number\": {\n      \"version\": \"7.0.0\"\n    }\n  }\n}\n";
        let dir = project(&[
            (
                "pyproject.toml",
                "[project]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"idna>=3\"]\n",
            ),
            ("uv.lock", uv),
            ("package-lock.json", lock),
            ("requirements.txt", "idna==3.6\n"),
        ]);
        let (found, errors) = in_use(dir.path());
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            said(&found),
            [
                "uv.lock:9 idna 3.6",
                "package-lock.json:7 minimist 1.2.5",
                "package-lock.json:10 is-number 7.0.0",
            ]
        );
    }

    #[test]
    fn a_broken_lock_file_is_an_error_at_its_line() {
        let dir = project(&[("package-lock.json", "{\n  \"packages\": {\n    oops\n")]);
        let (_, errors) = in_use(dir.path());
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].path, PathBuf::from("package-lock.json"));
        assert_eq!(errors[0].line, 3);
        assert!(errors[0].message.starts_with("invalid JSON"), "{errors:?}");
    }
}
