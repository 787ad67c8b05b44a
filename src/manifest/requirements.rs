//! pip requirements files: `requirements*.txt` and `requirements/*.txt` at
//! the root, following `-r` includes. An edit replaces the bytes of one
//! line's version specifier; a file with `--hash` options is left to the
//! tool that generated it, since a hand-edited pin would carry wrong hashes.

use super::{Dependency, Ecosystem, ManifestError};
use super::{bounds, pep508};
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

pub const SECTION: &str = "requirements";

/// One meaningful line of a requirements file.
#[derive(Debug)]
enum Entry {
    /// `-r other.txt`, as written.
    Include { target: String, line: usize },
    Requirement {
        name: String,
        /// Byte range of the version specifier in the file's text.
        spec: Range<usize>,
        hashes: bool,
    },
}

/// Every requirements file at the root and what they include.
pub fn discover(root: &Path, deps: &mut Vec<Dependency>, errors: &mut Vec<ManifestError>) {
    let mut queue = starting_files(root);
    let mut seen = HashSet::new();
    let canonical_root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut i = 0;
    while i < queue.len() {
        let path = queue[i].clone();
        i += 1;
        let Ok(canonical) = path.canonicalize() else {
            continue;
        };
        let Ok(rel) = canonical.strip_prefix(&canonical_root) else {
            continue; // an include outside the project is not ours to bump
        };
        if !seen.insert(canonical.clone()) {
            continue;
        }
        let rel = rel.to_path_buf();
        let text = match std::fs::read_to_string(&canonical) {
            Ok(text) => text,
            Err(e) => {
                errors.push(error(&rel, 0, format!("cannot read: {e}")));
                continue;
            }
        };
        let dir = canonical.parent().unwrap_or(&canonical_root).to_path_buf();
        for entry in read(&text, &rel, errors) {
            match entry {
                Entry::Include { target, line } => {
                    let included = dir.join(&target);
                    if included.is_file() {
                        queue.push(included);
                    } else {
                        errors.push(error(
                            &rel,
                            line,
                            format!("`-r {target}`: expected a requirements file, found none"),
                        ));
                    }
                }
                Entry::Requirement { name, spec, .. } => {
                    let requirement = text[spec].to_string();
                    deps.push(Dependency {
                        ecosystem: Ecosystem::Python,
                        name,
                        manifest: rel.clone(),
                        section: SECTION.into(),
                        current: bounds::python(&requirement),
                        requirement,
                    });
                }
            }
        }
    }
}

/// `requirements*.txt` and `requirements/*.txt`, in name order.
fn starting_files(root: &Path) -> Vec<PathBuf> {
    let list = |dir: &Path, keep: &dyn Fn(&str) -> bool| {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file())
            .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(keep))
            .collect();
        files.sort();
        files
    };
    let mut files = list(root, &|n| {
        n.starts_with("requirements") && n.ends_with(".txt")
    });
    files.extend(list(&root.join("requirements"), &|n| n.ends_with(".txt")));
    files
}

/// `text` with `dep`'s version specifier replaced.
pub fn edit(text: &str, dep: &Dependency, new_requirement: &str) -> Result<String, ManifestError> {
    let mut errors = Vec::new();
    let wanted = pep508::normalize(&dep.name);
    for entry in read(text, &dep.manifest, &mut errors) {
        let Entry::Requirement { name, spec, hashes } = entry else {
            continue;
        };
        if pep508::normalize(&name) != wanted || text[spec.clone()] != dep.requirement {
            continue;
        }
        let line = line_of(text, spec.start);
        if hashes {
            return Err(error(
                &dep.manifest,
                line,
                format!(
                    "`{}` is pinned with --hash options: regenerate this file with the tool that wrote it (pip-compile or uv pip compile --generate-hashes) instead of editing it",
                    dep.name
                ),
            ));
        }
        if new_requirement.contains(['\n', '\r', '#', ';']) || new_requirement.trim().is_empty() {
            return Err(error(
                &dep.manifest,
                line,
                format!("expected a version specifier to write, found `{new_requirement}`"),
            ));
        }
        let mut out = String::with_capacity(text.len() + new_requirement.len());
        out.push_str(&text[..spec.start]);
        out.push_str(new_requirement);
        out.push_str(&text[spec.end..]);
        return Ok(out);
    }
    Err(error(
        &dep.manifest,
        0,
        format!(
            "expected `{}{}` in this file; it changed since it was read",
            dep.name, dep.requirement
        ),
    ))
}

/// For a file generated from a `.in` next to it: the command that generates
/// it again. With hashes, the edit was refused, so the command itself moves
/// the package (`--upgrade-package`); without, it keeps the edited pin.
pub fn lock_command(root: &Path, dep: &Dependency) -> Option<Vec<String>> {
    let txt = &dep.manifest;
    let input = txt.with_extension("in");
    if !root.join(&input).is_file() {
        return None;
    }
    let text = std::fs::read_to_string(root.join(txt)).unwrap_or_default();
    let hashes = text.contains("--hash");
    let mut cmd: Vec<String> = if text.contains("autogenerated by pip-compile") {
        vec!["pip-compile".into()]
    } else {
        vec!["uv".into(), "pip".into(), "compile".into()]
    };
    if hashes {
        cmd.push("--generate-hashes".into());
        cmd.push("--upgrade-package".into());
        cmd.push(dep.name.clone());
    }
    cmd.push(input.to_string_lossy().into_owned());
    cmd.push("-o".into());
    cmd.push(txt.to_string_lossy().into_owned());
    Some(cmd)
}

/// The entries of one file; unparseable requirement lines become errors.
fn read(text: &str, rel: &Path, errors: &mut Vec<ManifestError>) -> Vec<Entry> {
    let mut entries = Vec::new();
    for (start, masked) in logical_lines(text) {
        let line = line_of(text, start);
        let trimmed = masked.trim_start();
        let offset = start + (masked.len() - trimmed.len());
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with('-') {
            if let Some(target) = include_target(trimmed) {
                entries.push(Entry::Include { target, line });
            }
            continue; // -e, --index-url, -c ...: nothing to bump
        }
        // pip splits a line into the requirement and its options at the
        // first token that starts with `-`.
        let (requirement, options) = match find_option(trimmed) {
            Some(i) => (trimmed[..i].trim_end(), &trimmed[i..]),
            None => (trimmed, ""),
        };
        if is_path_or_url(requirement) {
            continue;
        }
        match pep508::parse(requirement) {
            Ok(req) if req.url => {}
            Ok(req) => {
                if let Some(spec) = req.spec {
                    entries.push(Entry::Requirement {
                        name: req.name,
                        spec: offset + spec.start..offset + spec.end,
                        hashes: options.contains("--hash"),
                    });
                }
            }
            Err(message) => errors.push(error(rel, line, message)),
        }
    }
    entries
}

/// Each logical line (continuations joined) as its start offset and its text
/// with the same byte offsets: line-joining backslashes, newlines and
/// comments turned into spaces.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut current = String::new();
    let mut offset = 0;
    for physical in text.split_inclusive('\n') {
        let body = physical.trim_end_matches(['\n', '\r']);
        let ending = &physical[body.len()..];
        if current.is_empty() {
            start = offset;
        }
        offset += physical.len();
        if let Some(joined) = body.strip_suffix('\\') {
            current.push_str(joined);
            current.push(' ');
            current.push_str(&" ".repeat(ending.len()));
            continue;
        }
        current.push_str(body);
        current.push_str(&" ".repeat(ending.len()));
        out.push((start, strip_comment(std::mem::take(&mut current))));
    }
    if !current.is_empty() {
        out.push((start, strip_comment(current)));
    }
    out
}

/// pip's rule: `#` at the start or after whitespace begins a comment
/// (`#egg=` in a URL does not).
fn strip_comment(mut line: String) -> String {
    let bytes = line.as_bytes();
    let at = (0..bytes.len())
        .find(|&i| bytes[i] == b'#' && (i == 0 || bytes[i - 1].is_ascii_whitespace()));
    if let Some(i) = at {
        let blank = " ".repeat(line.len() - i);
        line.replace_range(i.., &blank);
    }
    line
}

fn find_option(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    (1..bytes.len()).find(|&i| bytes[i] == b'-' && bytes[i - 1].is_ascii_whitespace())
}

/// The file an `-r` / `--requirement` line names.
fn include_target(line: &str) -> Option<String> {
    let rest = ["--requirement", "-r"]
        .iter()
        .find_map(|flag| line.strip_prefix(flag))?;
    let rest = rest.strip_prefix('=').unwrap_or(rest).trim();
    let target = rest.split_whitespace().next()?;
    Some(target.to_string())
}

fn is_path_or_url(requirement: &str) -> bool {
    let head = requirement.split(';').next().unwrap_or("").trim();
    head.contains("://")
        || head.contains(['/', '\\'])
        || head.starts_with('.')
        || [".whl", ".zip", ".tar.gz", ".tar.bz2", ".tgz"]
            .iter()
            .any(|ext| head.ends_with(ext))
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn error(path: &Path, line: usize, message: String) -> ManifestError {
    ManifestError {
        path: path.to_path_buf(),
        line,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<(String, String, bool)> {
        let mut errors = Vec::new();
        let entries = read(text, Path::new("requirements.txt"), &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        entries
            .into_iter()
            .filter_map(|e| match e {
                Entry::Requirement { name, spec, hashes } => {
                    Some((name, text[spec].to_string(), hashes))
                }
                Entry::Include { .. } => None,
            })
            .collect()
    }

    #[test]
    fn continuations_comments_hashes_and_skips() {
        let text = "a==1.0 \\\n    --hash=sha256:ab \\\n    --hash=sha256:cd\n\
                    # b==2\nc>=1 # trailing\n-e ./local\ngit+https://x/y.git#egg=y\n\
                    d[x]==2; python_version < \"3.12\"\ne\n./pkg.whl\nf @ https://x/f.zip\n";
        assert_eq!(
            names(text),
            vec![
                ("a".into(), "==1.0".into(), true),
                ("c".into(), ">=1".into(), false),
                ("d".into(), "==2".into(), false),
            ]
        );
    }

    #[test]
    fn includes_in_all_spellings() {
        for line in [
            "-r base.txt",
            "-rbase.txt",
            "--requirement base.txt",
            "--requirement=base.txt",
        ] {
            assert_eq!(include_target(line).as_deref(), Some("base.txt"), "{line}");
        }
    }
}
