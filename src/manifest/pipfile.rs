//! `Pipfile` (TOML): `[packages]` and `[dev-packages]`, each `name = "spec"`
//! or `name = { version = "spec", ... }`. `"*"` asks for any version, so
//! there is nothing to bump.

use super::{Dependency, Ecosystem, ManifestError};
use super::{bounds, pep508, toml_text};
use std::path::Path;
use toml_edit::Item;

pub const FILE: &str = "Pipfile";
const SECTIONS: [&str; 2] = ["packages", "dev-packages"];

/// The dependencies a Pipfile declares.
pub fn read(
    text: &str,
    rel: &Path,
    locked: &dyn Fn(&str) -> Option<String>,
    deps: &mut Vec<Dependency>,
    errors: &mut Vec<ManifestError>,
) {
    let doc = match toml_text::parse(text, rel) {
        Ok(doc) => doc,
        Err(e) => return errors.push(e),
    };
    for section in SECTIONS {
        let Some(table) = toml_text::table_at(doc.as_item(), &[section]) else {
            continue;
        };
        for (name, item) in table.iter() {
            let Some(spec) = requirement(item) else {
                continue;
            };
            if let Some(clause) = spec
                .split(',')
                .map(str::trim)
                .find(|c| pep508::check_clause(c).is_err())
            {
                let line = toml_text::keyed_version(item)
                    .0
                    .map_or(0, |v| toml_text::value_line(text, v));
                errors.push(ManifestError {
                    path: rel.to_path_buf(),
                    line,
                    message: format!("`{name}`: expected a version specifier like `>=1.0` or `==1.2.3`, found `{clause}`"),
                });
                continue;
            }
            deps.push(Dependency {
                ecosystem: Ecosystem::Python,
                name: name.to_string(),
                manifest: rel.to_path_buf(),
                section: section.to_string(),
                current: bounds::current(
                    bounds::python_pinned(&spec),
                    || locked(name),
                    || bounds::python(&spec),
                ),
                requirement: spec,
            });
        }
    }
}

/// The version specifier of a registry entry (not `*`, path, git, file).
fn requirement(item: &Item) -> Option<String> {
    let (version, table) = toml_text::keyed_version(item);
    let local = ["path", "git", "file", "editable"];
    if table.is_some_and(|t| local.iter().any(|k| t.contains_key(k))) {
        return None;
    }
    let v = version?.as_str()?.trim();
    (!v.is_empty() && v != "*").then(|| v.to_string())
}

/// `text` with `dep`'s requirement replaced.
pub fn edit(text: &str, dep: &Dependency, new_requirement: &str) -> Result<String, ManifestError> {
    let doc = toml_text::parse(text, &dep.manifest)?;
    let missing = || toml_text::not_found(&dep.manifest, &dep.section, &dep.name, &dep.requirement);
    let table = toml_text::table_at(doc.as_item(), &[dep.section.as_str()]).ok_or_else(missing)?;
    let wanted = pep508::normalize(&dep.name);
    for (name, item) in table.iter() {
        if pep508::normalize(name) != wanted
            || requirement(item).as_deref() != Some(dep.requirement.as_str())
        {
            continue;
        }
        let value = toml_text::keyed_version(item).0.ok_or_else(missing)?;
        let inner = toml_text::string_range(text, value).ok_or_else(missing)?;
        return toml_text::splice(text, inner, new_requirement, &dep.manifest);
    }
    Err(missing())
}

/// `pipenv lock` when a Pipfile.lock is there.
pub fn lock_command(root: &Path, dep: &Dependency) -> Option<Vec<String>> {
    let dir = root.join(dep.manifest.parent().unwrap_or(Path::new("")));
    dir.join("Pipfile.lock")
        .is_file()
        .then(|| vec!["pipenv".into(), "lock".into()])
}

/// `[requires] python_version = "3.11"` as `==3.11.*`,
/// `python_full_version = "3.11.4"` as `==3.11.4`.
pub fn python(text: &str) -> Option<String> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let requires = toml_text::table_at(doc.as_item(), &["requires"])?;
    if let Some(full) = requires.get("python_full_version").and_then(|v| v.as_str()) {
        return Some(format!("=={}", full.trim()));
    }
    let version = requires.get("python_version")?.as_str()?;
    Some(format!("=={}.*", version.trim()))
}
