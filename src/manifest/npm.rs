//! `package.json`: `dependencies` and `devDependencies`. The file is never
//! re-serialized: an edit replaces the bytes of one version string, so key
//! order, indentation and everything else stay as the project wrote them.

use super::bounds;
use super::lock::{self, Locked};
use super::{Dependency, Ecosystem, ManifestError};
use std::ops::Range;
use std::path::{Path, PathBuf};

pub const FILE: &str = "package.json";
const SECTIONS: [&str; 2] = ["dependencies", "devDependencies"];

/// The root package.json's dependencies.
pub fn discover(root: &Path, deps: &mut Vec<Dependency>, errors: &mut Vec<ManifestError>) {
    let Ok(text) = std::fs::read_to_string(root.join(FILE)) else {
        return;
    };
    let locked = match lock::read(
        &root.join("package-lock.json"),
        Path::new("package-lock.json"),
    ) {
        Ok(locked) => locked,
        Err(e) => {
            errors.push(e);
            None
        }
    };
    read(&text, &PathBuf::from(FILE), locked.as_ref(), deps, errors);
}

/// One dependency entry: where its value string is and what it says.
struct Entry {
    /// The key, which is also the install directory (`node_modules/<key>`).
    key: String,
    /// The registry name: the key, or an `npm:` alias's target.
    name: String,
    requirement: String,
    /// Byte range of the requirement inside the file.
    range: Range<usize>,
}

fn read(
    text: &str,
    rel: &Path,
    locked: Option<&Locked>,
    deps: &mut Vec<Dependency>,
    errors: &mut Vec<ManifestError>,
) {
    let entries = match entries(text, rel) {
        Ok(entries) => entries,
        Err(e) => return errors.push(e),
    };
    for (section, entry) in entries {
        let current = bounds::current(
            bounds::npm_pinned(&entry.requirement),
            || locked?.version(&entry.key, |_| false),
            || bounds::npm(&entry.requirement),
        );
        deps.push(Dependency {
            ecosystem: Ecosystem::Node,
            name: entry.name,
            manifest: rel.to_path_buf(),
            section: section.to_string(),
            requirement: entry.requirement,
            current,
        });
    }
}

/// Every bumpable entry of both sections, in file order per section.
fn entries(text: &str, rel: &Path) -> Result<Vec<(&'static str, Entry)>, ManifestError> {
    serde_json::from_str::<serde_json::Value>(text).map_err(|e| ManifestError {
        path: rel.to_path_buf(),
        line: e.line(),
        message: format!("invalid JSON: {e}"),
    })?;
    let mut out = Vec::new();
    let top = members(text, skip_ws(text, 0));
    for section in SECTIONS {
        // JSON.parse keeps the last of duplicate keys; so does npm.
        let Some((_, value)) = top.iter().rev().find(|(k, _)| k == section) else {
            continue;
        };
        if !text[value.clone()].starts_with('{') {
            return Err(ManifestError {
                path: rel.to_path_buf(),
                line: text[..value.start].matches('\n').count() + 1,
                message: format!("`{section}`: expected an object of name -> version range"),
            });
        }
        for (key, value) in members(text, value.start) {
            if let Some(entry) = entry(text, key, value) {
                out.push((section, entry));
            }
        }
    }
    Ok(out)
}

/// A `"name": "range"` member as a registry dependency; `None` for
/// `workspace:`, `file:`, git, URLs, `*`, `latest` and other tags.
fn entry(text: &str, key: String, value: Range<usize>) -> Option<Entry> {
    let raw = &text[value.clone()];
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        return None; // escapes: offsets in the value are not offsets in the file
    }
    let start = value.start + 1;
    let (name, requirement, offset) = match inner.strip_prefix("npm:") {
        Some(alias) => {
            let at = alias.rfind('@').filter(|&i| i > 0)?;
            (alias[..at].to_string(), &alias[at + 1..], 4 + at + 1)
        }
        None => (key.clone(), inner, 0),
    };
    let trimmed = requirement.trim();
    if !is_range(trimmed) {
        return None;
    }
    let lead = requirement.len() - requirement.trim_start().len();
    let begin = start + offset + lead;
    Some(Entry {
        key,
        name,
        requirement: trimmed.to_string(),
        range: begin..begin + trimmed.len(),
    })
}

/// A semver range a registry can answer (`^1.2.3`, `~1.2`, `>=1 <2`, `1.x`,
/// `1.2.3 - 2`), not a tag, path, URL or git spec.
fn is_range(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit() || "^~<>=v".contains(c))
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" .^~<>=|*-+".contains(&b))
}

/// `text` with `dep`'s version range replaced.
pub fn edit(text: &str, dep: &Dependency, new_requirement: &str) -> Result<String, ManifestError> {
    let entries = entries(text, &dep.manifest)?;
    let found = entries
        .iter()
        .find(|(s, e)| *s == dep.section && e.name == dep.name && e.requirement == dep.requirement);
    let Some((_, entry)) = found else {
        return Err(ManifestError {
            path: dep.manifest.clone(),
            line: 0,
            message: format!(
                "expected `{}` with range `{}` in `{}`; the manifest changed since it was read",
                dep.name, dep.requirement, dep.section
            ),
        });
    };
    if new_requirement.contains(['"', '\\', '\n']) {
        return Err(ManifestError {
            path: dep.manifest.clone(),
            line: text[..entry.range.start].matches('\n').count() + 1,
            message: format!(
                "cannot write the range `{new_requirement}`: it holds quotes or backslashes"
            ),
        });
    }
    let mut out = String::with_capacity(text.len() + new_requirement.len());
    out.push_str(&text[..entry.range.start]);
    out.push_str(new_requirement);
    out.push_str(&text[entry.range.end..]);
    Ok(out)
}

/// `npm install --package-lock-only --ignore-scripts` when a
/// package-lock.json is there.
pub fn lock_command(root: &Path, dep: &Dependency) -> Option<Vec<String>> {
    let dir = dep.manifest.parent().unwrap_or(Path::new(""));
    if !root.join(dir).join("package-lock.json").is_file() {
        return None;
    }
    let mut cmd: Vec<String> = ["npm", "install", "--package-lock-only", "--ignore-scripts"]
        .map(String::from)
        .to_vec();
    if !dir.as_os_str().is_empty() {
        cmd.push("--prefix".into());
        cmd.push(dir.to_string_lossy().into_owned());
    }
    Some(cmd)
}

/// The members of the JSON object starting at `open` (a `{`), as decoded
/// key and the byte range of the value. The text is already known to be
/// valid JSON.
fn members(text: &str, open: usize) -> Vec<(String, Range<usize>)> {
    let mut out = Vec::new();
    let mut i = open + 1;
    loop {
        i = skip_ws(text, i);
        if i >= text.len() || text.as_bytes()[i] == b'}' {
            return out;
        }
        let key_end = string_end(text, i);
        let key = serde_json::from_str::<String>(&text[i..key_end]).unwrap_or_default();
        i = skip_ws(text, key_end) + 1; // ':'
        let start = skip_ws(text, i);
        let end = value_end(text, start);
        out.push((key, start..end));
        i = skip_ws(text, end);
        if text.as_bytes().get(i) == Some(&b',') {
            i += 1;
        }
    }
}

fn skip_ws(text: &str, mut i: usize) -> usize {
    while text
        .as_bytes()
        .get(i)
        .is_some_and(|b| b.is_ascii_whitespace())
    {
        i += 1;
    }
    i
}

/// One past the closing quote of the string starting at `i`.
fn string_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return j + 1,
            _ => j += 1,
        }
    }
    bytes.len()
}

/// One past the end of the value starting at `i`.
fn value_end(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(i) {
        Some(b'"') => string_end(text, i),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut j = i;
            while j < bytes.len() {
                match bytes[j] {
                    b'"' => {
                        j = string_end(text, j);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return j + 1;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            bytes.len()
        }
        _ => {
            let mut j = i;
            while j < bytes.len() && !b",}] \t\r\n".contains(&bytes[j]) {
                j += 1;
            }
            j
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_what_is_not_one() {
        for r in [
            "^1.2.3",
            "~3.0.2",
            "1.4.7",
            ">=1 <2",
            "1.x",
            "1.2.3 - 2",
            "^1 || ^2",
            "v1.0.0",
        ] {
            assert!(is_range(r), "{r}");
        }
        for r in [
            "*",
            "latest",
            "next",
            "workspace:*",
            "file:../x",
            "git+https://x/y.git",
            "user/repo",
            "https://x/y.tgz",
            "",
        ] {
            assert!(!is_range(r), "{r}");
        }
    }
}
