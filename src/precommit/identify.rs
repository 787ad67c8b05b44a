//! A file's type tags as pre-commit's `types` filters see them: what the
//! `identify` library says of a path (file, symlink, executable, text or
//! binary, and the tags of its name, extension or shebang). The table is data,
//! in `precommit/identify.toml`.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::path::Path;
use std::sync::OnceLock;

pub type Tags = BTreeSet<&'static str>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Table {
    names: BTreeMap<String, Vec<String>>,
    extensions: BTreeMap<String, Vec<String>>,
    extensions_need_binary_check: BTreeMap<String, Vec<String>>,
    interpreters: BTreeMap<String, Vec<String>>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        toml::from_str(include_str!("../../precommit/identify.toml"))
            .expect("precommit/identify.toml is checked by a test")
    })
}

/// Every tag the table knows, to tell a typo in `types` from a real tag.
pub fn known(tag: &str) -> bool {
    const FIXED: &[&str] = &[
        "file",
        "directory",
        "symlink",
        "socket",
        "executable",
        "non-executable",
        "text",
        "binary",
    ];
    let t = table();
    FIXED.contains(&tag)
        || [
            &t.names,
            &t.extensions,
            &t.extensions_need_binary_check,
            &t.interpreters,
        ]
        .iter()
        .any(|m| m.values().flatten().any(|v| v == tag))
}

fn extend(tags: &mut Tags, values: &'static [String]) {
    tags.extend(values.iter().map(String::as_str));
}

/// The tags of a file name alone: by name (`Dockerfile.dev` counts as
/// `Dockerfile`), then by extension.
pub fn from_filename(name: &str) -> Tags {
    let t = table();
    let mut tags = Tags::new();
    if let Some(values) = std::iter::once(name)
        .chain(name.split('.'))
        .find_map(|part| t.names.get(part))
    {
        extend(&mut tags, values);
    }
    if let Some((stem, ext)) = name.rsplit_once('.')
        && !stem.is_empty()
    {
        let ext = ext.to_lowercase();
        if let Some(values) = t
            .extensions
            .get(&ext)
            .or_else(|| t.extensions_need_binary_check.get(&ext))
        {
            extend(&mut tags, values);
        }
    }
    tags
}

/// `python3.11` tries `python3.11`, `python3`, `python`.
fn from_interpreter(interpreter: &str) -> Tags {
    let t = table();
    let mut name = interpreter.rsplit('/').next().unwrap_or(interpreter);
    let mut tags = Tags::new();
    while !name.is_empty() {
        if let Some(values) = t.interpreters.get(name) {
            extend(&mut tags, values);
            break;
        }
        name = name.rsplit_once('.').map_or("", |(head, _)| head);
    }
    tags
}

/// The command of a `#!` line (`/usr/bin/env` and its `-S` dropped), or
/// nothing when the line is not printable ASCII.
fn shebang(head: &[u8]) -> Vec<String> {
    let Some(rest) = head.strip_prefix(b"#!") else {
        return Vec::new();
    };
    let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
    let Ok(line) = std::str::from_utf8(line) else {
        return Vec::new();
    };
    let line = line.strip_suffix('\r').unwrap_or(line);
    if !line.chars().all(|c| (' '..='~').contains(&c) || c == '\t') {
        return Vec::new();
    }
    let mut cmd = shell_words::split(line.trim())
        .unwrap_or_else(|_| line.split_whitespace().map(str::to_string).collect());
    if cmd.first().is_some_and(|c| c == "/usr/bin/env") {
        cmd.remove(0);
        if cmd.first().is_some_and(|c| c == "-S") {
            cmd.remove(0);
        }
    }
    cmd
}

/// Bytes a text file never holds in its first KiB (`identify.is_text`).
fn is_text(head: &[u8]) -> bool {
    !head
        .iter()
        .any(|&b| matches!(b, 0..=6 | 0x0e..=0x1a | 0x1c..=0x1f | 0x7f))
}

/// The tags of the file at `path`; `None` when it cannot be read.
pub fn from_path(path: &Path) -> Option<Tags> {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    let meta = path.symlink_metadata().ok()?;
    let kind = meta.file_type();
    if kind.is_dir() {
        return Some(Tags::from(["directory"]));
    }
    if kind.is_symlink() {
        return Some(Tags::from(["symlink"]));
    }
    if kind.is_socket() {
        return Some(Tags::from(["socket"]));
    }
    let mut tags = Tags::from(["file"]);
    let executable = meta.permissions().mode() & 0o111 != 0;
    tags.insert(if executable {
        "executable"
    } else {
        "non-executable"
    });
    let name = path.file_name()?.to_string_lossy();
    let by_name = from_filename(&name);
    let mut head = None;
    let read_head = || -> Option<Vec<u8>> {
        let mut buf = Vec::with_capacity(1024);
        std::fs::File::open(path)
            .ok()?
            .take(1024)
            .read_to_end(&mut buf)
            .ok()?;
        Some(buf)
    };
    if by_name.is_empty() {
        if executable {
            head = Some(read_head()?);
            if let Some(interpreter) = shebang(head.as_deref().unwrap_or_default()).first() {
                tags.extend(from_interpreter(interpreter));
            }
        }
    } else {
        tags.extend(by_name);
    }
    if !tags.contains("text") && !tags.contains("binary") {
        let head = match head {
            Some(h) => h,
            None => read_head()?,
        };
        tags.insert(if is_text(&head) { "text" } else { "binary" });
    }
    Some(tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_table_parses() {
        assert!(known("python") && known("yaml") && known("file") && !known("pyhton"));
    }

    #[test]
    fn names_extensions_and_shebangs() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, body: &[u8], exec: bool| {
            let p = dir.path().join(name);
            std::fs::write(&p, body).unwrap();
            if exec {
                std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
            from_path(&p).unwrap()
        };
        let set = |v: &[&'static str]| v.iter().copied().collect::<Tags>();
        assert_eq!(
            write("a.py", b"x = 1\n", false),
            set(&["file", "non-executable", "text", "python"])
        );
        assert_eq!(
            write("run", b"#!/usr/bin/env python3.11\nprint()\n", true),
            set(&["file", "executable", "text", "python", "python3"])
        );
        assert_eq!(
            write("Dockerfile.dev", b"FROM x\n", false),
            set(&["file", "non-executable", "text", "dockerfile"])
        );
        assert_eq!(
            write("README.md", b"hi\n", false),
            set(&["file", "non-executable", "text", "plain-text", "markdown"])
        );
        assert_eq!(
            write("blob", b"\x00\x01", false),
            set(&["file", "non-executable", "binary"])
        );
        assert_eq!(
            write("notes", "é\n".as_bytes(), false),
            set(&["file", "non-executable", "text"])
        );
        assert_eq!(
            write("a.PNG", b"", false),
            set(&["file", "non-executable", "binary", "image", "png"])
        );
        std::os::unix::fs::symlink("a.py", dir.path().join("link")).unwrap();
        assert_eq!(
            from_path(&dir.path().join("link")).unwrap(),
            set(&["symlink"])
        );
    }
}
