//! tox.ini, read for what its test environments say: the `deps` a project
//! installs beside its tools (versions and plug-ins rungs should use too),
//! and the `commands` that run them. Read only: the bump job edits the
//! manifests tox points at, not tox.ini.

use super::{Dependency, Ecosystem, bounds, pep508};
use std::path::{Path, PathBuf};

pub const FILE: &str = "tox.ini";

/// The values of `key` in every `[testenv…]` section, one a line, with `\`
/// continuations joined, a factor prefix (`lint: `) and `{toxinidir}/`
/// taken off.
pub fn testenv_values(text: &str, key: &str) -> Vec<String> {
    let factor = regex::Regex::new(r"^[\w{},.!-]+:\s+").expect("valid regex");
    let mut out: Vec<String> = Vec::new();
    let mut in_env = false;
    let mut in_key = false;
    for line in text.replace("\\\n", " ").lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_env = trimmed.starts_with("[testenv");
            in_key = false;
            continue;
        }
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        let value = if line.starts_with([' ', '\t']) && in_key {
            trimmed
        } else {
            in_key = false;
            match trimmed.split_once(['=', ':']) {
                Some((k, value)) if in_env && k.trim() == key => {
                    in_key = true;
                    value.trim()
                }
                _ => continue,
            }
        };
        let value = factor.replace(value, "").replace("{toxinidir}/", "");
        if !value.is_empty() {
            out.push(value);
        }
    }
    out
}

/// The registry requirements of every test environment's `deps` (not `-r`
/// files, which the requirements reader follows, nor paths or `{…}`).
pub fn deps(root: &Path) -> Vec<Dependency> {
    let Ok(text) = std::fs::read_to_string(root.join(FILE)) else {
        return Vec::new();
    };
    testenv_values(&text, "deps")
        .iter()
        .map(|line| line.split(" #").next().unwrap_or_default().trim())
        .filter(|line| !line.starts_with(['-', '.', '/', '{']) && !line.contains('{'))
        .filter_map(|line| {
            let req = pep508::parse(line).ok().filter(|r| !r.url)?;
            let requirement = req.spec_text(line).to_string();
            Some(Dependency {
                ecosystem: Ecosystem::Python,
                name: req.name,
                manifest: PathBuf::from(FILE),
                section: "testenv.deps".into(),
                current: bounds::python(&requirement),
                requirement,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn deps_of_every_test_environment_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tox.ini"),
            "[tox]\nenvlist = py, mypy\n\n[testenv]\ndeps =\n    -rrequirements.txt\n    pytest>=8 # tests\n    .[extra]\n\n[testenv:mypy]\ndeps =\n    mypy==1.14.0\n    django-stubs\n    lint: flake8\n    {[testenv]deps}\ncommands = mypy app\n",
        )
        .unwrap();
        let deps: Vec<(String, String)> = super::deps(dir.path())
            .into_iter()
            .map(|d| (d.name, d.requirement))
            .collect();
        let pairs: Vec<(&str, &str)> = deps.iter().map(|(n, r)| (n.as_str(), r.as_str())).collect();
        assert_eq!(
            pairs,
            [
                ("pytest", ">=8"),
                ("mypy", "==1.14.0"),
                ("django-stubs", ""),
                ("flake8", "")
            ]
        );
    }
}
