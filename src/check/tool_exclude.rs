//! A tool's own exclude settings, as data: where the tool reads them and how
//! it matches them, so rungs can leave out what the tool would have skipped
//! while walking the tree (for tools that check every file they are named).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ToolExclude {
    /// `FILE:SECTION` of the tool's configs, in the order the tool looks for
    /// them: the first the project has is the one read.
    pub config: Vec<String>,
    /// Keys of that section whose values are patterns (all of them apply).
    pub keys: Vec<String>,
    #[serde(rename = "match")]
    pub matching: ExcludeMatch,
    /// A value is a comma-separated list of patterns.
    #[serde(default)]
    pub comma_separated: bool,
}

/// How the tool matches a pattern. Each applies to the file and to each of
/// its folders, as the tool would meet them walking from the root.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExcludeMatch {
    /// A Python regex searched in the root-relative path, folders with a
    /// trailing `/` (mypy's `exclude`, pylint's `ignore-paths`).
    PathRegex,
    /// The same, the path written from the root as `/path` (black).
    RootedPathRegex,
    /// A name equal to the pattern (pylint's `ignore`).
    Name,
    /// A Python regex matched at the start of a name (pylint's `ignore-patterns`).
    NameRegex,
    /// An fnmatch glob over a name, or over the root-relative path when the
    /// pattern holds a `/` (flake8's `exclude`).
    Glob,
    /// A path or glob from the root, naming a file or a folder (mypy's `files`).
    RootPath,
}

/// One pattern, compiled.
pub enum Pattern {
    Regex(ExcludeMatch, fancy_regex::Regex),
    Name(String),
    Glob(bool, globset::GlobMatcher),
}

impl Pattern {
    /// A pattern Rust can't read is `None`: it leaves out nothing (the tool
    /// still sees the file, and reports on it).
    pub fn new(how: ExcludeMatch, text: &str) -> Option<Pattern> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        Some(match how {
            ExcludeMatch::Name => Pattern::Name(text.to_string()),
            ExcludeMatch::NameRegex => {
                Pattern::Regex(how, fancy_regex::Regex::new(&format!("^(?:{text})")).ok()?)
            }
            ExcludeMatch::PathRegex | ExcludeMatch::RootedPathRegex => {
                Pattern::Regex(how, fancy_regex::Regex::new(text).ok()?)
            }
            ExcludeMatch::Glob | ExcludeMatch::RootPath => {
                let text = text.trim_start_matches("./").trim_end_matches('/');
                let glob = globset::GlobBuilder::new(text)
                    .literal_separator(false)
                    .build()
                    .ok()?;
                let by_path = how == ExcludeMatch::RootPath || text.contains('/');
                Pattern::Glob(by_path, glob.compile_matcher())
            }
        })
    }

    /// Whether the tool would skip `path` (root-relative, `/`-separated).
    pub fn excludes(&self, path: &str) -> bool {
        let mut ends: Vec<usize> = path.match_indices('/').map(|(i, _)| i).collect();
        ends.push(path.len());
        ends.iter().any(|&end| {
            let whole = &path[..end];
            let name = whole.rsplit('/').next().unwrap_or(whole);
            let folder = end < path.len();
            match self {
                Pattern::Name(n) => name == n,
                Pattern::Glob(by_path, g) => g.is_match(if *by_path { whole } else { name }),
                Pattern::Regex(how, r) => {
                    let subject = match how {
                        ExcludeMatch::NameRegex => name.to_string(),
                        ExcludeMatch::RootedPathRegex => {
                            format!("/{}", &path[..end + folder as usize])
                        }
                        _ => path[..end + folder as usize].to_string(),
                    };
                    r.is_match(&subject).unwrap_or(false)
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_as_the_tools_walking_the_tree_would() {
        let hit = |how, p: &str, path: &str| Pattern::new(how, p).unwrap().excludes(path);
        assert!(hit(ExcludeMatch::PathRegex, "^legacy/", "legacy/a/old.py"));
        assert!(!hit(ExcludeMatch::PathRegex, "^legacy/", "app/legacy.py"));
        assert!(hit(
            ExcludeMatch::RootedPathRegex,
            "^/legacy/",
            "legacy/old.py"
        ));
        assert!(hit(ExcludeMatch::Name, "legacy", "src/legacy/old.py"));
        assert!(!hit(ExcludeMatch::Name, "legacy", "src/legacy.py"));
        assert!(hit(ExcludeMatch::NameRegex, "old_", "src/old_x.py"));
        assert!(hit(ExcludeMatch::Glob, "legacy", "legacy/old.py"));
        assert!(hit(ExcludeMatch::Glob, "./legacy/*", "legacy/a/old.py"));
        assert!(hit(ExcludeMatch::Glob, "*_pb2.py", "api/x_pb2.py"));
        assert!(!hit(ExcludeMatch::Glob, "legacy", "app/new.py"));
        assert!(hit(ExcludeMatch::RootPath, "src", "src/pkg/a.py"));
        assert!(!hit(ExcludeMatch::RootPath, "src", "docs/src/a.py"));
        assert!(hit(
            ExcludeMatch::RootPath,
            "tests/typing",
            "tests/typing/t.py"
        ));
    }
}
