//! A scratch copy of the project for a job that may write (a pre-commit
//! hook): the files it is given are real copies, everything else links back
//! to the project, so the job sees the whole tree while the user's files are
//! never touched. What the job changed in its copies becomes a diff.

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

pub struct Scratch {
    pub dir: PathBuf,
    copies: Vec<String>,
}

/// One file the job changed: its unified diff (or a note, for a binary file).
pub struct Change {
    pub path: String,
    pub diff: String,
}

impl Scratch {
    /// Lay out `dir` (created, empty) over `root` with `copies` copied.
    pub fn new(root: &Path, dir: &Path, copies: &[String]) -> io::Result<Scratch> {
        let copied: BTreeSet<&str> = copies.iter().map(String::as_str).collect();
        // Folders on the way to a copy are real folders; any other entry is a link.
        let mut real: BTreeSet<&str> = BTreeSet::from([""]);
        for c in copies {
            let mut at = c.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                real.insert(parent);
                at = parent;
            }
        }
        for folder in &real {
            let from = root.join(folder);
            let to = dir.join(folder);
            std::fs::create_dir_all(&to)?;
            for entry in std::fs::read_dir(&from)? {
                let entry = entry?;
                let name = entry.file_name();
                let Some(name) = name.to_str() else { continue };
                if folder.is_empty() && name == ".git" {
                    continue;
                }
                let rel = if folder.is_empty() {
                    name.to_string()
                } else {
                    format!("{folder}/{name}")
                };
                let target = to.join(name);
                if real.contains(rel.as_str()) {
                    continue;
                }
                if copied.contains(rel.as_str()) {
                    std::fs::copy(entry.path(), &target)?;
                } else {
                    std::os::unix::fs::symlink(entry.path(), &target)?;
                }
            }
        }
        Ok(Scratch {
            dir: dir.to_path_buf(),
            copies: copies.to_vec(),
        })
    }

    /// The copies that differ from the project's files now.
    pub fn changes(&self, root: &Path) -> Vec<Change> {
        let mut out = Vec::new();
        for rel in &self.copies {
            let before = std::fs::read(root.join(rel)).unwrap_or_default();
            let after = std::fs::read(self.dir.join(rel)).unwrap_or_default();
            if before == after {
                continue;
            }
            let diff = match (std::str::from_utf8(&before), std::str::from_utf8(&after)) {
                (Ok(a), Ok(b)) => similar::TextDiff::from_lines(a, b)
                    .unified_diff()
                    .header(&format!("a/{rel}"), &format!("b/{rel}"))
                    .to_string(),
                _ => format!("Binary file {rel} would change\n"),
            };
            out.push(Change {
                path: rel.clone(),
                diff,
            });
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_copies_and_the_rest_links_back() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        for (rel, body) in [
            ("a/b/c.py", "c\n"),
            ("a/d.py", "d\n"),
            ("e/f.py", "f\n"),
            ("g.cfg", "g\n"),
        ] {
            std::fs::create_dir_all(r.join(rel).parent().unwrap()).unwrap();
            std::fs::write(r.join(rel), body).unwrap();
        }
        let out = tempfile::tempdir().unwrap();
        let s = Scratch::new(r, out.path(), &["a/b/c.py".to_string()]).unwrap();
        let d = out.path();
        assert!(!d.join("a/b/c.py").is_symlink());
        assert!(
            d.join("a/d.py").is_symlink()
                && d.join("e").is_symlink()
                && d.join("g.cfg").is_symlink()
        );
        assert_eq!(std::fs::read_to_string(d.join("e/f.py")).unwrap(), "f\n");
        std::fs::write(d.join("a/b/c.py"), "changed\n").unwrap();
        assert_eq!(std::fs::read_to_string(r.join("a/b/c.py")).unwrap(), "c\n");
        let changes = s.changes(r);
        assert_eq!(changes.len(), 1);
        assert!(
            changes[0].diff.contains("-c\n+changed\n"),
            "{}",
            changes[0].diff
        );
    }
}
