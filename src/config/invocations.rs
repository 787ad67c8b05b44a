//! How the project runs a tool itself: the command lines of its tox.ini,
//! noxfile and Makefile. When every one of them names the folders and files
//! to check (`flake8 django_filters tests`), those are what the project's gate
//! covers, and a zero-config check covers the same; `docs/conf.py` is not
//! linted when the project never lints it.

use std::path::Path;

/// Words that only launch the tool in some environment, before its name.
const LAUNCHERS: &[&[&str]] = &[
    &["poetry", "run"],
    &["uv", "run"],
    &["pipenv", "run"],
    &["pdm", "run"],
    &["hatch", "run"],
    &["python", "-m"],
    &["python3", "-m"],
    &["{envpython}", "-m"],
];

/// The paths the project's own invocations of the tool name, relative to
/// `root`; `None` when it has none, or when one of them checks the whole tree
/// (no path, or `.`). `heads` are the tool's command words (`ruff check`);
/// `wanted` says whether a named file is one the tool would check (a folder
/// always is), so an option's value (`--config setup.cfg`) is not taken for
/// a path.
pub fn invoked_paths(
    root: &Path,
    heads: &[String],
    wanted: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    let heads: Vec<Vec<&str>> = heads
        .iter()
        .map(|h| h.split_whitespace().collect())
        .collect();
    let mut paths: Vec<String> = Vec::new();
    let mut any = false;
    for line in command_lines(root) {
        for command in line.split(['&', ';', '|']) {
            let Ok(words) = shell_words::split(command.trim()) else {
                continue;
            };
            let words = without_launcher(&words);
            let Some(head) = heads
                .iter()
                .find(|h| !h.is_empty() && words.len() >= h.len() && words[..h.len()] == h[..])
            else {
                continue;
            };
            any = true;
            let named: Vec<String> = words[head.len()..]
                .iter()
                .filter(|w| !w.starts_with('-') && !w.contains(['{', '$', '*', '=']))
                .map(|w| w.trim_start_matches("./").trim_end_matches('/').to_string())
                .filter(|w| {
                    w.is_empty() || w == "." || {
                        let p = root.join(w);
                        p.is_dir() || (p.is_file() && wanted(w))
                    }
                })
                .collect();
            if named.is_empty() || named.iter().any(|w| w.is_empty() || w == ".") {
                return None;
            }
            paths.extend(named);
        }
    }
    paths.sort();
    paths.dedup();
    (any && !paths.is_empty()).then_some(paths)
}

fn without_launcher(words: &[String]) -> Vec<&str> {
    let mut words: Vec<&str> = words.iter().map(String::as_str).collect();
    // A Makefile recipe's `@` (silent) and `-` (ignore errors) prefixes.
    if let Some(first) = words.first_mut() {
        *first = first.trim_start_matches(['@', '-']);
    }
    loop {
        if let Some(l) = LAUNCHERS
            .iter()
            .find(|l| words.len() > l.len() && words[..l.len()] == l[..])
        {
            words.drain(..l.len());
        } else if words.len() > 2 && words[0].starts_with('$') && words[1] == "-m" {
            // `$(PYTHON) -m flake8`
            words.drain(..2);
        } else {
            break;
        }
    }
    words
}

/// Every command line of tox.ini's `commands`, noxfile.py's `session.run`
/// and the Makefile's recipes.
fn command_lines(root: &Path) -> Vec<String> {
    let read = |name: &str| std::fs::read_to_string(root.join(name)).ok();
    let mut lines = Vec::new();
    if let Some(text) = read(crate::manifest::tox::FILE) {
        lines.extend(crate::manifest::tox::testenv_values(&text, "commands"));
    }
    if let Some(text) = read("noxfile.py") {
        let call = regex::Regex::new(r"session\.run\(([^)]*)\)").expect("valid regex");
        let quoted = regex::Regex::new(r#"["']([^"']*)["']"#).expect("valid regex");
        for c in call.captures_iter(&text) {
            let words: Vec<&str> = quoted
                .captures_iter(&c[1])
                .map(|q| q.get(1).map_or("", |m| m.as_str()))
                .collect();
            // `*session.posargs` and the like: paths the script can't see.
            if !c[1].contains('*') {
                lines.push(shell_words::join(words));
            }
        }
    }
    for name in ["Makefile", "makefile", "GNUmakefile"] {
        if let Some(text) = read(name) {
            lines.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix('\t'))
                    .map(str::to_string),
            );
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::invoked_paths;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    fn paths(dir: &tempfile::TempDir, head: &str) -> Option<Vec<String>> {
        invoked_paths(dir.path(), &[head.to_string()], |f| f.ends_with(".py"))
    }

    #[test]
    fn the_folders_tox_names_are_what_the_project_checks() {
        let dir = project(&[
            (
                "tox.ini",
                "[tox]\nenvlist = lint\n\n[testenv:lint]\ncommands = flake8 --config setup.cfg django_filters tests {posargs}\ndeps = flake8\n",
            ),
            ("setup.cfg", "[flake8]\n"),
            ("django_filters/a.py", ""),
            ("tests/t.py", ""),
        ]);
        assert_eq!(
            paths(&dir, "flake8"),
            Some(vec!["django_filters".into(), "tests".into()])
        );
        assert_eq!(paths(&dir, "black"), None);
    }

    #[test]
    fn one_invocation_of_the_whole_tree_covers_everything() {
        let dir = project(&[
            (
                "tox.ini",
                "[testenv:lint]\ncommands =\n    black --check src\n    lint: black --check .\n",
            ),
            ("src/a.py", ""),
        ]);
        assert_eq!(paths(&dir, "black"), None);
    }

    #[test]
    fn makefile_and_noxfile_lines_count_with_their_launchers() {
        let dir = project(&[
            (
                "Makefile",
                "lint:\n\t@poetry run python -m mypy app && ruff check app scripts/x.py\n",
            ),
            (
                "noxfile.py",
                "def lint(session):\n    session.run(\"ruff\", \"check\", \"tests\")\n    session.run(\"ruff\", \"check\", *session.posargs)\n",
            ),
            ("app/a.py", ""),
            ("tests/t.py", ""),
            ("scripts/x.py", ""),
        ]);
        assert_eq!(paths(&dir, "mypy"), Some(vec!["app".into()]));
        assert_eq!(
            paths(&dir, "ruff check"),
            Some(vec!["app".into(), "scripts/x.py".into(), "tests".into()])
        );
    }

    #[test]
    fn a_path_that_does_not_exist_is_no_scope() {
        let dir = project(&[(
            "tox.ini",
            "[testenv]\ncommands = pylint {env:PKG} missing\n",
        )]);
        assert_eq!(paths(&dir, "pylint"), None);
    }
}
