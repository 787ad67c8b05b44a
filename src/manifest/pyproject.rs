//! `pyproject.toml`: PEP 621 `project.dependencies` and
//! `project.optional-dependencies`, PEP 735 `dependency-groups`, and Poetry's
//! `tool.poetry.*dependencies` tables. PEP 508 strings are edited inside the
//! string, so quotes, markers and extras stay as written.

use super::lock::Locked;
use super::{Dependency, Ecosystem, ManifestError};
use super::{bounds, pep508, toml_text};
use std::path::Path;
use toml_edit::{Array, Item, TableLike};

pub const FILE: &str = "pyproject.toml";

/// Where a section's entries live, and how they are written.
enum Section {
    /// An array of PEP 508 strings at this path.
    Pep508(Vec<String>),
    /// A Poetry table of `name = constraint` at this path.
    Poetry(Vec<String>),
}

fn section(name: &str) -> Option<Section> {
    let path = |p: &[&str]| p.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    if name == "project.dependencies" {
        return Some(Section::Pep508(path(&["project", "dependencies"])));
    }
    if let Some(extra) = name.strip_prefix("project.optional-dependencies.") {
        return Some(Section::Pep508(path(&[
            "project",
            "optional-dependencies",
            extra,
        ])));
    }
    if let Some(group) = name.strip_prefix("dependency-groups.") {
        return Some(Section::Pep508(path(&["dependency-groups", group])));
    }
    if name == "tool.poetry.dependencies" || name == "tool.poetry.dev-dependencies" {
        return Some(Section::Poetry(name.split('.').map(String::from).collect()));
    }
    let group = name
        .strip_prefix("tool.poetry.group.")?
        .strip_suffix(".dependencies")?;
    Some(Section::Poetry(path(&[
        "tool",
        "poetry",
        "group",
        group,
        "dependencies",
    ])))
}

/// The dependencies a `pyproject.toml` declares.
pub fn read(
    text: &str,
    rel: &Path,
    locked: &dyn Fn(&str, &str) -> Option<String>,
    deps: &mut Vec<Dependency>,
    errors: &mut Vec<ManifestError>,
) {
    let doc = match toml_text::parse(text, rel) {
        Ok(doc) => doc,
        Err(e) => return errors.push(e),
    };
    let root = doc.as_item();
    let keys = |path: &[&str]| -> Vec<String> {
        toml_text::table_at(root, path)
            .map(|t| t.iter().map(|(k, _)| k.to_string()).collect())
            .unwrap_or_default()
    };
    let mut sections = vec!["project.dependencies".to_string()];
    for extra in keys(&["project", "optional-dependencies"]) {
        sections.push(format!("project.optional-dependencies.{extra}"));
    }
    for group in keys(&["dependency-groups"]) {
        sections.push(format!("dependency-groups.{group}"));
    }
    sections.push("tool.poetry.dependencies".into());
    sections.push("tool.poetry.dev-dependencies".into());
    for group in keys(&["tool", "poetry", "group"]) {
        sections.push(format!("tool.poetry.group.{group}.dependencies"));
    }
    for name in sections {
        let dependency = |dep_name: &str, requirement: String, current| Dependency {
            ecosystem: Ecosystem::Python,
            name: dep_name.to_string(),
            manifest: rel.to_path_buf(),
            section: name.clone(),
            requirement,
            current,
        };
        match section(&name) {
            Some(Section::Pep508(path)) => {
                let Some(array) = array_at(root, &path) else {
                    if array_item(root, &path).is_some() {
                        errors.push(wrong_type(
                            text,
                            rel,
                            root,
                            &path,
                            "an array of requirement strings",
                        ));
                    }
                    continue;
                };
                for value in array.iter() {
                    let Some(s) = value.as_str() else {
                        continue; // `{include-group = "..."}`: not a dependency
                    };
                    match pep508::parse(s) {
                        Ok(req) if req.url || req.spec.is_none() => {}
                        Ok(req) => {
                            let spec = req.spec_text(s).to_string();
                            let current = bounds::current(
                                bounds::python_pinned(&spec),
                                || locked(&name, &req.name),
                                || bounds::python(&spec),
                            );
                            deps.push(dependency(&req.name, spec, current));
                        }
                        Err(message) => errors.push(ManifestError {
                            path: rel.to_path_buf(),
                            line: toml_text::value_line(text, value),
                            message,
                        }),
                    }
                }
            }
            Some(Section::Poetry(path)) => {
                let refs: Vec<&str> = path.iter().map(String::as_str).collect();
                let Some(table) = toml_text::table_at(root, &refs) else {
                    continue;
                };
                for (key, item) in table.iter() {
                    if let Some(constraint) = poetry_constraint(key, item) {
                        let current = bounds::current(
                            bounds::poetry_pinned(&constraint),
                            || locked(&name, key),
                            || bounds::poetry(&constraint),
                        );
                        deps.push(dependency(key, constraint, current));
                    }
                }
            }
            None => {}
        }
    }
}

/// A Poetry entry's version constraint, when it is a registry release with
/// one (not `python`, not `*`, not a path, git or url dependency).
fn poetry_constraint(key: &str, item: &Item) -> Option<String> {
    if key == "python" {
        return None;
    }
    let (version, table) = toml_text::keyed_version(item);
    if table.is_some_and(|t| ["path", "git", "url"].iter().any(|k| t.contains_key(k))) {
        return None;
    }
    let v = version?.as_str()?.trim();
    (!v.is_empty() && v != "*").then(|| v.to_string())
}

fn array_item<'a>(root: &'a Item, path: &[String]) -> Option<&'a Item> {
    let (last, parent) = path.split_last()?;
    let refs: Vec<&str> = parent.iter().map(String::as_str).collect();
    toml_text::table_at(root, &refs)?.get(last)
}

fn array_at<'a>(root: &'a Item, path: &[String]) -> Option<&'a Array> {
    array_item(root, path)?.as_array()
}

fn wrong_type(
    text: &str,
    rel: &Path,
    root: &Item,
    path: &[String],
    expected: &str,
) -> ManifestError {
    let line = array_item(root, path)
        .and_then(|i| i.as_value())
        .map_or(0, |v| toml_text::value_line(text, v));
    ManifestError {
        path: rel.to_path_buf(),
        line,
        message: format!("`{}`: expected {expected}", path.join(".")),
    }
}

/// `text` with `dep`'s requirement replaced.
pub fn edit(text: &str, dep: &Dependency, new_requirement: &str) -> Result<String, ManifestError> {
    let doc = toml_text::parse(text, &dep.manifest)?;
    let root = doc.as_item();
    let missing = || toml_text::not_found(&dep.manifest, &dep.section, &dep.name, &dep.requirement);
    let wanted = pep508::normalize(&dep.name);
    match section(&dep.section).ok_or_else(missing)? {
        Section::Pep508(path) => {
            let array = array_at(root, &path).ok_or_else(missing)?;
            for value in array.iter() {
                let Some(s) = value.as_str() else { continue };
                let Ok(req) = pep508::parse(s) else { continue };
                let Some(spec) = req.spec.clone() else {
                    continue;
                };
                if pep508::normalize(&req.name) != wanted || s[spec.clone()] != dep.requirement {
                    continue;
                }
                let inner = toml_text::string_range(text, value)
                    .ok_or_else(|| escaped(text, dep, value))?;
                let range = inner.start + spec.start..inner.start + spec.end;
                return toml_text::splice(text, range, new_requirement, &dep.manifest);
            }
            Err(missing())
        }
        Section::Poetry(path) => {
            let refs: Vec<&str> = path.iter().map(String::as_str).collect();
            let table: &dyn TableLike = toml_text::table_at(root, &refs).ok_or_else(missing)?;
            for (key, item) in table.iter() {
                if pep508::normalize(key) != wanted
                    || poetry_constraint(key, item).as_deref() != Some(dep.requirement.as_str())
                {
                    continue;
                }
                let value = toml_text::keyed_version(item).0.ok_or_else(missing)?;
                let inner = toml_text::string_range(text, value)
                    .ok_or_else(|| escaped(text, dep, value))?;
                return toml_text::splice(text, inner, new_requirement, &dep.manifest);
            }
            Err(missing())
        }
    }
}

fn escaped(text: &str, dep: &Dependency, value: &toml_edit::Value) -> ManifestError {
    ManifestError {
        path: dep.manifest.clone(),
        line: toml_text::value_line(text, value),
        message: format!(
            "`{}`: the requirement is written with escapes; edit it by hand",
            dep.name
        ),
    }
}

/// The lock file this pyproject's dependencies are locked in, if any.
pub fn lock_file(dir: &Path, section: Option<&str>) -> Option<&'static str> {
    let poetry = section.is_some_and(|s| s.starts_with("tool.poetry."));
    let has = |f: &str| dir.join(f).is_file();
    if poetry {
        return has("poetry.lock").then_some("poetry.lock");
    }
    ["uv.lock", "poetry.lock"].into_iter().find(|f| has(f))
}

/// The command that regenerates the lock after `dep` was edited.
pub fn lock_command(root: &Path, dep: &Dependency) -> Option<Vec<String>> {
    let dir = root.join(dep.manifest.parent().unwrap_or(Path::new("")));
    let cmd: Vec<&str> = match lock_file(&dir, Some(&dep.section))? {
        "uv.lock" => vec!["uv", "lock", "--upgrade-package", &dep.name],
        _ => vec!["poetry", "lock"],
    };
    Some(cmd.into_iter().map(String::from).collect())
}

/// The project's Python as a PEP 440 specifier: `project.requires-python`,
/// else Poetry's `python` constraint translated.
pub fn python(text: &str) -> Option<String> {
    let doc = toml_edit::Document::parse(text).ok()?;
    let root = doc.as_item();
    if let Some(v) = root.get("project").and_then(|p| p.get("requires-python")) {
        return v.as_str().map(|s| s.trim().to_string());
    }
    let poetry = toml_text::table_at(root, &["tool", "poetry", "dependencies"])?;
    let constraint = toml_text::keyed_version(poetry.get("python")?)
        .0?
        .as_str()?;
    Some(poetry_to_pep440(constraint))
}

/// `^3.9` -> `>=3.9,<4`, `~3.9` -> `>=3.9,<3.10`, `3.9` -> `==3.9`.
fn poetry_to_pep440(constraint: &str) -> String {
    let clause = |c: &str| -> String {
        let bump = |v: &str, at: usize| -> String {
            let mut parts: Vec<u64> = v.split('.').map(|p| p.parse().unwrap_or(0)).collect();
            parts.truncate(at + 1);
            if let Some(last) = parts.get_mut(at) {
                *last += 1;
            }
            parts
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(".")
        };
        if let Some(v) = c.strip_prefix('^') {
            let major_at = v.split('.').position(|p| p != "0").unwrap_or(0);
            format!(">={v},<{}", bump(v, major_at))
        } else if let Some(v) = c.strip_prefix('~').filter(|v| !v.starts_with('=')) {
            let at = usize::from(v.contains('.'));
            format!(">={v},<{}", bump(v, at))
        } else if c.starts_with(|ch: char| ch.is_ascii_digit()) {
            format!("=={c}")
        } else {
            c.to_string()
        }
    };
    constraint
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(clause)
        .collect::<Vec<_>>()
        .join(",")
}

/// Versions for this pyproject's entries from its lock file.
pub fn locked_version(locked: Option<&Locked>, name: &str) -> Option<String> {
    locked?.version(&pep508::normalize(name), |_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_python_as_pep440() {
        assert_eq!(poetry_to_pep440("^3.9"), ">=3.9,<4");
        assert_eq!(poetry_to_pep440(">=3.9.0"), ">=3.9.0");
        assert_eq!(poetry_to_pep440("~3.9"), ">=3.9,<3.10");
        assert_eq!(poetry_to_pep440(">=3.8,<4.0"), ">=3.8,<4.0");
        assert_eq!(poetry_to_pep440("3.11"), "==3.11");
    }
}
