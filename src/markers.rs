//! Config markers: the evidence that a project uses a tool or a stack.
//!
//! A marker is `FILE` (a glob over the root's entries), `FILE:SECTION` (a table
//! in a TOML or JSON file, a `[section]` in an INI file), or `dependency:NAME`
//! (a Python requirement in any of the usual manifests); and the value of a
//! tool's setting, `FILE:SECTION:KEY`. Below project and config, which both
//! read tools' config files.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub struct Markers {
    root: PathBuf,
    texts: RefCell<HashMap<String, Option<String>>>,
    /// The Python requirements the manifests declare, read once.
    declared: std::cell::OnceCell<Vec<String>>,
}

impl Markers {
    pub fn new(root: &Path) -> Markers {
        Markers {
            root: root.to_path_buf(),
            texts: RefCell::new(HashMap::new()),
            declared: std::cell::OnceCell::new(),
        }
    }

    fn text(&self, file: &str) -> Option<String> {
        self.texts
            .borrow_mut()
            .entry(file.to_string())
            .or_insert_with(|| std::fs::read_to_string(self.root.join(file)).ok())
            .clone()
    }

    /// The first marker of `markers` that holds, if any.
    pub fn first<'a>(&self, markers: &'a [String]) -> Option<&'a str> {
        markers.iter().map(String::as_str).find(|m| self.holds(m))
    }

    pub fn holds(&self, marker: &str) -> bool {
        if let Some(name) = marker.strip_prefix("dependency:") {
            return self.has_python_dependency(name);
        }
        match marker.split_once(':') {
            Some((file, section)) => self.has_section(file, section),
            None => self.root_has(marker),
        }
    }

    /// The value of a tool's setting, `FILE:SECTION:KEY` (a string, or each
    /// string of a TOML array); `None` when the file has no such section, an
    /// empty list when the section does not set the key.
    pub fn setting(&self, marker: &str) -> Option<Vec<String>> {
        let (file, rest) = marker.split_once(':')?;
        let (section, key) = rest.rsplit_once(':')?;
        if !self.has_section(file, section) {
            return None;
        }
        let text = self.text(file)?;
        if file.ends_with(".toml") {
            let mut node = toml::Value::Table(text.parse::<toml::Table>().ok()?);
            for part in section.split('.') {
                node = node.get(part)?.clone();
            }
            return Some(match node.get(key) {
                Some(toml::Value::String(s)) => vec![s.clone()],
                Some(toml::Value::Integer(n)) => vec![n.to_string()],
                Some(toml::Value::Float(n)) => vec![n.to_string()],
                Some(toml::Value::Array(a)) => a
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            });
        }
        Some(ini_value(&text, section, key).into_iter().collect())
    }

    fn root_has(&self, pattern: &str) -> bool {
        if !pattern.contains(['*', '?', '[']) {
            return self.root.join(pattern).exists();
        }
        let Ok(glob) = globset::Glob::new(pattern) else {
            return false;
        };
        let matcher = glob.compile_matcher();
        std::fs::read_dir(&self.root)
            .map(|entries| {
                entries
                    .filter_map(|e| e.ok())
                    .any(|e| matcher.is_match(e.file_name()))
            })
            .unwrap_or(false)
    }

    fn has_section(&self, file: &str, section: &str) -> bool {
        let Some(text) = self.text(file) else {
            return false;
        };
        if file.ends_with(".toml") {
            let Ok(value) = text.parse::<toml::Table>() else {
                return false;
            };
            let mut node = toml::Value::Table(value);
            for key in section.split('.') {
                match node.get(key) {
                    Some(next) => node = next.clone(),
                    None => return false,
                }
            }
            true
        } else if file.ends_with(".json") {
            let Ok(mut node) = serde_json::from_str::<serde_json::Value>(&text) else {
                return false;
            };
            for key in section.split('.') {
                match node.get(key) {
                    Some(next) => node = next.clone(),
                    None => return false,
                }
            }
            true
        } else {
            let header = format!("[{section}]");
            text.lines().any(|l| l.trim() == header)
        }
    }

    /// A requirement named `name` (case and `-`/`_` folded) that the project
    /// declares: its manifests as the bump job reads them (pyproject.toml's
    /// dependency tables and groups, Pipfile, requirements files), and the
    /// requirement lists of setup.cfg and setup.py. A word elsewhere in those
    /// files (`profile = "black"`, a comment naming isort) is no dependency.
    fn has_python_dependency(&self, name: &str) -> bool {
        let wanted = normalize(name);
        let declared = self.declared.get_or_init(|| {
            crate::manifest::discover(&self.root)
                .0
                .into_iter()
                .filter(|d| d.ecosystem == crate::manifest::Ecosystem::Python)
                .map(|d| normalize(&d.name))
                .collect()
        });
        if declared.contains(&wanted) {
            return true;
        }
        // setup.cfg: an indented line of a requirement list; setup.py: a
        // quoted requirement string.
        let listed = regex::Regex::new(
            r#"(?m)^[ \t]+([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;]|$)"#,
        )
        .expect("static regex");
        let quoted = regex::Regex::new(
            r#"["']([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;][^"']*)?["']"#,
        )
        .expect("static regex");
        let found = |re: &regex::Regex, file: &str| {
            self.text(file)
                .is_some_and(|text| re.captures_iter(&text).any(|c| normalize(&c[1]) == wanted))
        };
        found(&listed, "setup.cfg") || found(&quoted, "setup.py")
    }
}

/// `key` of `[section]` in an INI file, as Python's configparser reads it:
/// `key = value` or `key: value`, indented lines continuing it.
fn ini_value(text: &str, section: &str, key: &str) -> Option<String> {
    let header = format!("[{section}]");
    let mut in_section = false;
    let mut value: Option<String> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(v) = value.as_mut() {
            if line.starts_with([' ', '\t']) && !trimmed.is_empty() {
                if !v.is_empty() {
                    v.push('\n');
                }
                v.push_str(trimmed);
                continue;
            }
            if !trimmed.is_empty() {
                break;
            }
            continue;
        }
        if trimmed.starts_with('[') {
            in_section = trimmed == header;
            continue;
        }
        if !in_section || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some((k, v)) = trimmed.split_once(['=', ':'])
            && k.trim() == key
        {
            value = Some(v.trim().to_string());
        }
    }
    value.filter(|v| !v.is_empty())
}

/// PEP 503 name normalization.
fn normalize(name: &str) -> String {
    name.to_ascii_lowercase().replace(['_', '.'], "-")
}

#[cfg(test)]
mod tests {
    use super::{Markers, ini_value};

    #[test]
    fn a_dependency_is_a_declared_requirement_not_a_word_in_a_config() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write(
            "pyproject.toml",
            "[project]\nname = \"p\"\nversion = \"0\"\n\n[project.optional-dependencies]\ndev = [\"black==23.1.0\"]\n\n[tool.isort]\nprofile = \"black\"\n\n[tool.ruff.lint]\nselect = [\n  \"I\",  # isort\n  \"F\", # flake8\n]\n",
        );
        write(
            "setup.cfg",
            "[options]\ninstall_requires =\n    django>=4.2\n[isort]\nprofile = black\n",
        );
        write(
            "setup.py",
            "setup(tests_require=['pytest-django>=4'])  # mypy is not used\n",
        );
        let m = Markers::new(dir.path());
        for yes in ["black", "django", "pytest-django", "Pytest_Django"] {
            assert!(m.holds(&format!("dependency:{yes}")), "{yes}");
        }
        for no in ["isort", "flake8", "mypy", "profile"] {
            assert!(!m.holds(&format!("dependency:{no}")), "{no}");
        }
    }

    #[test]
    fn ini_values_read_as_configparser_reads_them() {
        let text = "[flake8]\nexclude = a\n[mypy]\n# exclude = no\nexclude =\n    ^legacy/\n    | ^build/\nstrict = True\n";
        assert_eq!(
            ini_value(text, "mypy", "exclude").as_deref(),
            Some("^legacy/\n| ^build/")
        );
        assert_eq!(ini_value(text, "mypy", "files"), None);
    }
}
