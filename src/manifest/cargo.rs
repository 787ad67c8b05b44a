//! `Cargo.toml`: `[dependencies]`, dev, build, their `[target.'cfg(..)'.*]`
//! forms and `[workspace.dependencies]`, for the root crate and every
//! workspace member. A renamed dependency (`foo = { package = "bar" }`) is
//! known by its registry name `bar`; an edit finds it again by that name and
//! its requirement, whatever its key.

use super::lock::{self, Locked};
use super::{Dependency, Ecosystem, ManifestError};
use super::{bounds, toml_text};
use std::path::{Path, PathBuf};
use toml_edit::{Item, TableLike};

pub const FILE: &str = "Cargo.toml";
const KINDS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// The root crate's and its workspace members' dependencies.
pub fn discover(root: &Path, deps: &mut Vec<Dependency>, errors: &mut Vec<ManifestError>) {
    let Ok(text) = std::fs::read_to_string(root.join(FILE)) else {
        return;
    };
    let locked = match lock::read(&root.join("Cargo.lock"), Path::new("Cargo.lock")) {
        Ok(locked) => locked,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let rel = PathBuf::from(FILE);
    let members = match toml_text::parse(&text, &rel) {
        Ok(doc) => {
            read(&rel, &doc, locked.as_ref(), deps);
            members(root, &doc, errors)
        }
        Err(e) => return errors.push(e),
    };
    for member in members {
        let rel = member.join(FILE);
        let text = match std::fs::read_to_string(root.join(&rel)) {
            Ok(text) => text,
            Err(_) => {
                errors.push(ManifestError {
                    path: PathBuf::from(FILE),
                    line: 0,
                    message: format!(
                        "workspace member `{}`: expected a Cargo.toml there",
                        member.display()
                    ),
                });
                continue;
            }
        };
        match toml_text::parse(&text, &rel) {
            Ok(doc) => read(&rel, &doc, locked.as_ref(), deps),
            Err(e) => errors.push(e),
        }
    }
}

/// Member directories (relative to the root) that `workspace.members`
/// names, globs expanded, `workspace.exclude` left out, the root itself too.
fn members(
    root: &Path,
    doc: &toml_edit::Document<&str>,
    errors: &mut Vec<ManifestError>,
) -> Vec<PathBuf> {
    let Some(workspace) = toml_text::table_at(doc.as_item(), &["workspace"]) else {
        return Vec::new();
    };
    let list = |key: &str| -> Vec<String> {
        workspace
            .get(key)
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| s.trim_end_matches('/').to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let excluded: Vec<PathBuf> = list("exclude").into_iter().map(PathBuf::from).collect();
    let mut out: Vec<PathBuf> = Vec::new();
    for pattern in list("members") {
        let found = expand(root, &pattern);
        if found.is_empty() && !pattern.contains(['*', '?', '[']) {
            errors.push(ManifestError {
                path: PathBuf::from(FILE),
                line: 0,
                message: format!(
                    "workspace member `{pattern}`: expected a directory with a Cargo.toml"
                ),
            });
        }
        for dir in found {
            let is_root = dir.as_os_str().is_empty() || dir == Path::new(".");
            if !is_root && !excluded.contains(&dir) && !out.contains(&dir) {
                out.push(dir);
            }
        }
    }
    out
}

/// Directories matching a member glob such as `crates/*`, relative to the
/// root, in name order; a literal path is kept even if missing.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut found = vec![PathBuf::new()];
    for part in pattern.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if !part.contains(['*', '?', '[']) {
            found.iter_mut().for_each(|p| p.push(part));
            continue;
        }
        let Ok(glob) = globset::Glob::new(part) else {
            return Vec::new();
        };
        let matcher = glob.compile_matcher();
        let mut next = Vec::new();
        for dir in &found {
            let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
                .into_iter()
                .flatten()
                .flatten()
                .filter(|e| e.path().is_dir())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| matcher.is_match(n))
                .collect();
            names.sort();
            next.extend(names.into_iter().map(|n| dir.join(n)));
        }
        found = next;
    }
    found.retain(|d| !pattern.contains(['*', '?', '[']) || root.join(d).join(FILE).is_file());
    found
}

/// Every section of one Cargo.toml that can hold dependencies, as
/// `(section name, table)`.
fn sections(root: &Item) -> Vec<(String, &dyn TableLike)> {
    let mut out = Vec::new();
    for kind in KINDS {
        if let Some(t) = toml_text::table_at(root, &[kind]) {
            out.push((kind.to_string(), t));
        }
    }
    if let Some(targets) = toml_text::table_at(root, &["target"]) {
        for (cfg, target) in targets.iter() {
            for kind in KINDS {
                if let Some(t) = toml_text::table_at(target, &[kind]) {
                    out.push((format!("target.{cfg}.{kind}"), t));
                }
            }
        }
    }
    if let Some(t) = toml_text::table_at(root, &["workspace", "dependencies"]) {
        out.push(("workspace.dependencies".into(), t));
    }
    out
}

/// One entry as a registry dependency: its registry name and requirement.
/// `None` for path, git, other-registry and `workspace = true` entries.
fn registry_dep(key: &str, item: &Item) -> Option<(String, String)> {
    let (version, table) = toml_text::keyed_version(item);
    let mut name = key.to_string();
    if let Some(t) = table {
        let not_ours = ["path", "git", "registry", "registry-index", "workspace"];
        if not_ours.iter().any(|k| t.contains_key(k)) {
            return None;
        }
        if let Some(package) = t.get("package").and_then(|p| p.as_str()) {
            name = package.to_string();
        }
    }
    let requirement = version?.as_str()?.trim().to_string();
    (!requirement.is_empty() && requirement != "*").then_some((name, requirement))
}

fn read(
    rel: &Path,
    doc: &toml_edit::Document<&str>,
    locked: Option<&Locked>,
    deps: &mut Vec<Dependency>,
) {
    for (section, table) in sections(doc.as_item()) {
        for (key, item) in table.iter() {
            let Some((name, requirement)) = registry_dep(key, item) else {
                continue;
            };
            let lower = bounds::cargo(&requirement);
            let current = bounds::current(
                bounds::cargo_pinned(&requirement),
                || locked?.version(&name, |v| lock::cargo_fits(lower.as_deref(), v)),
                || lower.clone(),
            );
            deps.push(Dependency {
                ecosystem: Ecosystem::Rust,
                name,
                manifest: rel.to_path_buf(),
                section: section.clone(),
                requirement,
                current,
            });
        }
    }
}

/// `text` with `dep`'s version requirement replaced.
pub fn edit(text: &str, dep: &Dependency, new_requirement: &str) -> Result<String, ManifestError> {
    let doc = toml_text::parse(text, &dep.manifest)?;
    let missing = || toml_text::not_found(&dep.manifest, &dep.section, &dep.name, &dep.requirement);
    let (_, table) = sections(doc.as_item())
        .into_iter()
        .find(|(s, _)| *s == dep.section)
        .ok_or_else(missing)?;
    for (key, item) in table.iter() {
        if registry_dep(key, item) != Some((dep.name.clone(), dep.requirement.clone())) {
            continue;
        }
        let value = toml_text::keyed_version(item).0.ok_or_else(missing)?;
        let inner = toml_text::string_range(text, value).ok_or_else(missing)?;
        return toml_text::splice(text, inner, new_requirement, &dep.manifest);
    }
    Err(missing())
}

/// `cargo update -p NAME` (with `@version` when the lock holds several
/// versions of the crate) when the workspace has a Cargo.lock.
pub fn lock_command(root: &Path, dep: &Dependency) -> Option<Vec<String>> {
    let lock_path = root.join("Cargo.lock");
    let locked = lock::read(&lock_path, Path::new("Cargo.lock")).ok()??;
    let several = locked.version(&dep.name, |_| false).is_none();
    let spec = match (&dep.current, several) {
        (Some(current), true) => format!("{}@{current}", dep.name),
        _ => dep.name.clone(),
    };
    Some(vec!["cargo".into(), "update".into(), "-p".into(), spec])
}
