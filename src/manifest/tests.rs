//! Tests of `rungs bump`'s manifests: discovery, edits that change nothing but the
//! requirement, malformed input, and lock commands, on real-world manifests
//! from PyPI, crates.io and npm (fixtures/manifests/README.md names them).

use super::{Dependency, Ecosystem, ManifestError};
use super::{discover, edit, lock_command, project_python};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/manifests")
        .join(name)
}

/// `(section, name, requirement, current)` of every dependency found.
fn found(root: &Path) -> Vec<(String, String, String, Option<String>)> {
    let (deps, errors) = discover(root);
    assert!(errors.is_empty(), "{errors:#?}");
    deps.into_iter()
        .map(|d| (d.section, d.name, d.requirement, d.current))
        .collect()
}

fn dep(
    section: &str,
    name: &str,
    requirement: &str,
    current: Option<&str>,
) -> (String, String, String, Option<String>) {
    (
        section.into(),
        name.into(),
        requirement.into(),
        current.map(String::from),
    )
}

/// A copy of a fixture (or an empty project) to edit and add files to.
fn project(name: Option<&str>, files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    if let Some(name) = name {
        copy_dir(&fixture(name), dir.path());
    }
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Bump every dependency found, one edit at a time as `rungs bump` would,
/// and check each edit changed exactly the requirement's bytes; then read
/// the project again and find every requirement replaced, nothing else.
fn round_trip(name: &str, new_requirement: &dyn Fn(&Dependency) -> String) {
    let dir = project(Some(name), &[]);
    let (before, errors) = discover(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
    assert!(!before.is_empty());
    for dep in &before {
        let path = dir.path().join(&dep.manifest);
        let old = std::fs::read_to_string(&path).unwrap();
        let new_req = new_requirement(dep);
        let new = edit(&old, dep, &new_req).unwrap_or_else(|e| panic!("{dep:?}: {e:?}"));
        let exact = old.match_indices(&dep.requirement).any(|(at, _)| {
            new == format!(
                "{}{new_req}{}",
                &old[..at],
                &old[at + dep.requirement.len()..]
            )
        });
        assert!(exact, "{dep:?}: the edit changed more than the requirement");
        std::fs::write(&path, new).unwrap();
    }
    let (after, errors) = discover(dir.path());
    assert!(errors.is_empty(), "{errors:#?}");
    let expected: Vec<(String, String, String)> = before
        .iter()
        .map(|d| {
            (
                d.manifest.display().to_string(),
                d.name.clone(),
                new_requirement(d),
            )
        })
        .collect();
    let actual: Vec<(String, String, String)> = after
        .iter()
        .map(|d| {
            (
                d.manifest.display().to_string(),
                d.name.clone(),
                d.requirement.clone(),
            )
        })
        .collect();
    assert_eq!(actual, expected);
}

fn python_bump(dep: &Dependency) -> String {
    if dep.requirement.starts_with('^') {
        "^99.1.0".into() // Poetry
    } else {
        ">=99.1,<100".into()
    }
}

// ---- Python -------------------------------------------------------------

#[test]
fn flask_pyproject_pep621_and_dependency_groups() {
    assert_eq!(
        found(&fixture("flask")),
        vec![
            dep("project.dependencies", "blinker", ">=1.9.0", Some("1.9.0")),
            dep("project.dependencies", "click", ">=8.1.3", Some("8.1.3")),
            dep(
                "project.dependencies",
                "importlib-metadata",
                ">=3.6.0",
                Some("3.6.0")
            ),
            dep(
                "project.dependencies",
                "itsdangerous",
                ">=2.2.0",
                Some("2.2.0")
            ),
            dep("project.dependencies", "jinja2", ">=3.1.2", Some("3.1.2")),
            dep(
                "project.dependencies",
                "markupsafe",
                ">=2.1.1",
                Some("2.1.1")
            ),
            dep("project.dependencies", "werkzeug", ">=3.1.0", Some("3.1.0")),
            dep(
                "project.optional-dependencies.async",
                "asgiref",
                ">=3.2",
                Some("3.2")
            ),
            // Unversioned entries (`ruff`, `python-dotenv`) have nothing to bump.
            dep("dependency-groups.docs", "sphinx", "<9", None),
        ]
    );
    assert_eq!(project_python(&fixture("flask")).as_deref(), Some(">=3.9"));
}

#[test]
fn djangorestframework_groups_skip_include_group_and_urls() {
    let deps = found(&fixture("djangorestframework"));
    let sections: Vec<(&str, &str, &str)> = deps
        .iter()
        .map(|(s, n, r, _)| (s.as_str(), n.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        sections,
        vec![
            ("project.dependencies", "django", ">=5.2"),
            ("dependency-groups.test", "dj-database-url", ">=3.1.0"),
            ("dependency-groups.test", "importlib-metadata", "<10.0"),
            ("dependency-groups.test", "pytest", "==9.*"),
            ("dependency-groups.test", "pytest-cov", "==7.*"),
            ("dependency-groups.test", "pytest-django", ">=4.5.2,<5"),
            ("dependency-groups.docs", "mkdocs", "==1.6.1"),
            ("dependency-groups.docs", "mkdocs-material", "==9.7.7"),
            ("dependency-groups.docs", "mkdocs-redirects", "==1.2.3"),
            ("dependency-groups.docs", "pylinkvalidator", "==0.3"),
            ("dependency-groups.django52", "django", ">=5.2,<6.0"),
            ("dependency-groups.django60", "django", ">=6.0,<6.1"),
            ("dependency-groups.django61", "django", ">=6.1,<6.2"),
            (
                "dependency-groups.optional",
                "django-guardian",
                ">=2.4.0,<3.6"
            ),
            ("dependency-groups.optional", "inflection", "==0.5.1"),
            ("dependency-groups.optional", "markdown", ">=3.3.7"),
            ("dependency-groups.optional", "psycopg", ">=3.1.8"),
            ("dependency-groups.optional", "pygments", "==2.21.*"),
            ("dependency-groups.optional", "pyyaml", ">=5.3.1,<6.1"),
        ]
    );
    // A pin is the version in use; a wildcard pin says only its lower bound.
    assert_eq!(deps[6].3.as_deref(), Some("1.6.1"));
    assert_eq!(deps[3].3.as_deref(), Some("9"));
}

#[test]
fn rich_poetry_tables() {
    assert_eq!(
        found(&fixture("rich")),
        vec![
            dep(
                "tool.poetry.dependencies",
                "pygments",
                "^2.13.0",
                Some("2.13.0")
            ),
            dep(
                "tool.poetry.dependencies",
                "ipywidgets",
                ">=7.5.1,<9",
                Some("7.5.1")
            ),
            dep(
                "tool.poetry.dependencies",
                "markdown-it-py",
                ">=2.2.0",
                Some("2.2.0")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "pytest",
                "^7.0.0",
                Some("7.0.0")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "black",
                "^22.6",
                Some("22.6")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "mypy",
                "^1.11",
                Some("1.11")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "pytest-cov",
                "^3.0.0",
                Some("3.0.0")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "attrs",
                "^21.4.0",
                Some("21.4.0")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "pre-commit",
                "^2.17.0",
                Some("2.17.0")
            ),
            dep(
                "tool.poetry.dev-dependencies",
                "typing-extensions",
                ">=4.0.0, <5.0",
                Some("4.0.0")
            ),
        ]
    );
    assert_eq!(project_python(&fixture("rich")).as_deref(), Some(">=3.9.0"));
}

#[test]
fn poetry_groups_tables_and_poetry_lock() {
    let dir = project(
        None,
        &[
            (
                "pyproject.toml",
                "[tool.poetry.dependencies]\npython = \"^3.10\"\ndjango = \"^4.2\"\n\
                 local = { path = \"../local\" }\nanything = \"*\"\n\n\
                 [tool.poetry.group.test.dependencies]\npytest = { version = \"^8.0\", optional = true }\n\
                 pinned = \"1.2.3\"\n",
            ),
            (
                "poetry.lock",
                "[[package]]\nname = \"django\"\nversion = \"4.2.9\"\n\n\
                 [[package]]\nname = \"pytest\"\nversion = \"8.1.1\"\n\n\
                 [[package]]\nname = \"pinned\"\nversion = \"1.2.3\"\n",
            ),
        ],
    );
    assert_eq!(
        found(dir.path()),
        vec![
            dep("tool.poetry.dependencies", "django", "^4.2", Some("4.2.9")),
            dep(
                "tool.poetry.group.test.dependencies",
                "pytest",
                "^8.0",
                Some("8.1.1")
            ),
            dep(
                "tool.poetry.group.test.dependencies",
                "pinned",
                "1.2.3",
                Some("1.2.3")
            ),
        ]
    );
    assert_eq!(project_python(dir.path()).as_deref(), Some(">=3.10,<4"));
    let (deps, _) = discover(dir.path());
    assert_eq!(
        lock_command(dir.path(), &deps[0]),
        Some(vec!["poetry".into(), "lock".into()])
    );
    let text = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    let edited = edit(&text, &deps[1], "^8.3").unwrap();
    assert!(
        edited.contains("pytest = { version = \"^8.3\", optional = true }"),
        "{edited}"
    );
}

#[test]
fn uv_lock_gives_current_and_lock_command() {
    let root = fixture("uv-project");
    assert_eq!(
        found(&root),
        vec![
            dep("project.dependencies", "django", ">=4.2,<5", Some("4.2.30")),
            dep("project.dependencies", "requests", ">=2.31", Some("2.34.2")),
            dep("dependency-groups.dev", "pytest", ">=8.0", Some("9.2.0")),
        ]
    );
    let (deps, _) = discover(&root);
    assert_eq!(
        lock_command(&root, &deps[0]),
        Some(
            ["uv", "lock", "--upgrade-package", "django"]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(lock_command(&fixture("flask"), &deps[0]), None);
}

#[test]
fn requests_pipfile_with_its_lock() {
    let root = fixture("requests-pipfile");
    assert_eq!(
        found(&root),
        vec![
            // Pipfile.lock says which version is in use; `"*"` is not bumpable,
            // nor is the editable path in [packages].
            dep("dev-packages", "pytest", ">=2.8.0,<=3.10.1", Some("3.10.1")),
            dep(
                "dev-packages",
                "pytest-httpbin",
                ">=0.0.7,<1.0",
                Some("0.3.0")
            ),
            dep("dev-packages", "pytest-xdist", "<=1.25", Some("1.25.0")),
            dep("dev-packages", "sphinx", "<=1.5.5", Some("1.5.5")),
            dep("dev-packages", "httpbin", ">=0.7.0", Some("0.7.0")),
        ]
    );
    let (deps, _) = discover(&root);
    assert_eq!(
        lock_command(&root, &deps[0]),
        Some(vec!["pipenv".into(), "lock".into()])
    );
    let dir = project(
        None,
        &[("Pipfile", "[requires]\npython_version = \"3.11\"\n")],
    );
    assert_eq!(project_python(dir.path()).as_deref(), Some("==3.11.*"));
}

#[test]
fn requirements_files_follow_includes_markers_extras_continuations() {
    assert_eq!(
        found(&fixture("django-requirements")),
        vec![
            dep("requirements", "gunicorn", "==22.0.0", Some("22.0.0")),
            dep("requirements", "psycopg", "==3.1.19", Some("3.1.19")),
            dep("requirements", "Django", ">=4.2.7,<5.0", Some("4.2.7")),
            dep(
                "requirements",
                "djangorestframework",
                "~=3.14.0",
                Some("3.14.0")
            ),
            dep(
                "requirements",
                "django-environ",
                "== 0.11.2",
                Some("0.11.2")
            ),
            dep("requirements", "celery", ">= 5.3.4", Some("5.3.4")),
            dep("requirements", "importlib-metadata", ">=6.0", Some("6.0")),
            dep(
                "requirements",
                "backports.zoneinfo",
                "==0.2.1",
                Some("0.2.1")
            ),
            dep("requirements", "Pillow", ">=10.0.1", Some("10.0.1")),
            dep("requirements", "pytest", "==8.2.1", Some("8.2.1")),
            dep("requirements", "pytest-django", ">=4.8.0", Some("4.8.0")),
            dep("requirements", "coverage", "==7.5.3", Some("7.5.3")),
            dep("requirements", "ruff", "==0.4.8", Some("0.4.8")),
        ]
    );
    let (deps, _) = discover(&fixture("django-requirements"));
    let manifests: Vec<String> = deps
        .iter()
        .map(|d| d.manifest.display().to_string())
        .collect();
    assert_eq!(manifests[0], "requirements.txt");
    assert_eq!(manifests[2], "requirements/base.txt");
    assert_eq!(manifests[12], "requirements/dev.txt");
}

#[test]
fn requirements_edit_keeps_markers_extras_comments_and_continuations() {
    let text =
        std::fs::read_to_string(fixture("django-requirements/requirements/base.txt")).unwrap();
    let (deps, _) = discover(&fixture("django-requirements"));
    let by_name = |n: &str| deps.iter().find(|d| d.name == n).unwrap();
    let edited = edit(&text, by_name("Django"), ">=4.2.9,<5.0").unwrap();
    assert!(
        edited.contains("Django>=4.2.9,<5.0  # LTS only\n"),
        "{edited}"
    );
    let edited = edit(&text, by_name("backports.zoneinfo"), "==0.2.2").unwrap();
    assert!(edited.contains("backports.zoneinfo==0.2.2; \\\n    python_version < \"3.9\"\n"));
    let edited = edit(&text, by_name("celery"), ">= 5.4.0").unwrap();
    assert!(edited.contains("celery[redis] >= 5.4.0\n"));
}

#[test]
fn requirements_with_hashes_are_left_to_their_lock_tool() {
    let root = fixture("pip-compile");
    let (deps, errors) = discover(&root);
    assert!(errors.is_empty(), "{errors:#?}");
    let django = deps.iter().find(|d| d.name == "django").unwrap();
    assert_eq!(django.requirement, "==4.2.30");
    let text = std::fs::read_to_string(root.join("requirements.txt")).unwrap();
    let err = edit(&text, django, "==4.2.31").unwrap_err();
    assert_eq!(err.path, Path::new("requirements.txt"));
    assert!(err.line > 1);
    assert!(err.message.contains("--hash"), "{}", err.message);
    assert_eq!(
        lock_command(&root, django),
        Some(
            [
                "uv",
                "pip",
                "compile",
                "--generate-hashes",
                "--upgrade-package",
                "django",
                "requirements.in",
                "-o",
                "requirements.txt"
            ]
            .map(String::from)
            .to_vec()
        )
    );
    // Without a .in next to it, there is no tool to ask.
    let (deps, _) = discover(&fixture("flask-celery"));
    assert_eq!(lock_command(&fixture("flask-celery"), &deps[0]), None);
}

#[test]
fn requirements_include_loops_end_and_missing_includes_are_reported() {
    let dir = project(
        None,
        &[
            (
                "requirements.txt",
                "-r requirements-dev.txt\nflask==3.0.0\n",
            ),
            (
                "requirements-dev.txt",
                "--requirement=requirements.txt\n-r missing.txt\npytest>=8\n",
            ),
        ],
    );
    let (deps, errors) = discover(dir.path());
    let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["pytest", "flask"]);
    assert_eq!(
        errors,
        vec![ManifestError {
            path: "requirements-dev.txt".into(),
            line: 2,
            message: "`-r missing.txt`: expected a requirements file, found none".into(),
        }]
    );
}

#[test]
fn python_round_trips_byte_for_byte() {
    for name in [
        "flask",
        "djangorestframework",
        "rich",
        "uv-project",
        "requests-pipfile",
        "django-requirements",
        "flask-celery",
    ] {
        round_trip(name, &python_bump);
    }
}

// ---- Rust ---------------------------------------------------------------

#[test]
fn serde_json_cargo_toml() {
    let deps = found(&fixture("serde_json"));
    assert_eq!(deps.len(), 14);
    assert_eq!(
        deps[0],
        dep("dependencies", "indexmap", "2.2.3", Some("2.2.3"))
    );
    assert_eq!(deps[1], dep("dependencies", "itoa", "1.0", Some("1.0.0")));
    assert_eq!(deps[2], dep("dependencies", "memchr", "2", Some("2.0.0")));
    assert_eq!(
        deps[5],
        dep("dev-dependencies", "automod", "1.0.11", Some("1.0.11"))
    );
}

#[test]
fn ripgrep_workspace_members_targets_and_dotted_tables() {
    let (deps, errors) = discover(&fixture("ripgrep"));
    assert!(errors.is_empty(), "{errors:#?}");
    let root: Vec<_> = deps
        .iter()
        .filter(|d| d.manifest == Path::new("Cargo.toml"))
        .map(|d| (d.section.as_str(), d.name.as_str(), d.requirement.as_str()))
        .collect();
    // `grep` and `ignore` are path dependencies inside the workspace.
    assert_eq!(
        root,
        vec![
            ("dependencies", "anyhow", "1.0.75"),
            ("dependencies", "bstr", "1.7.0"),
            ("dependencies", "lexopt", "0.3.0"),
            ("dependencies", "log", "0.4.5"),
            ("dependencies", "serde_json", "1.0.23"),
            ("dependencies", "termcolor", "1.1.0"),
            ("dependencies", "textwrap", "0.16.0"),
            ("dev-dependencies", "serde", "1.0.77"),
            ("dev-dependencies", "serde_derive", "1.0.77"),
            ("dev-dependencies", "walkdir", "2"),
            (
                "target.cfg(all(target_env = \"musl\", target_pointer_width = \"64\")).dependencies",
                "jemallocator",
                "0.5.0"
            ),
        ]
    );
    let manifests: std::collections::BTreeSet<String> = deps
        .iter()
        .map(|d| d.manifest.display().to_string())
        .collect();
    assert_eq!(manifests.len(), 10, "{manifests:?}");
    let ignore: Vec<_> = deps
        .iter()
        .filter(|d| d.manifest == Path::new("crates/ignore/Cargo.toml"))
        .map(|d| (d.section.as_str(), d.name.as_str(), d.requirement.as_str()))
        .collect();
    assert_eq!(
        ignore,
        vec![
            ("dependencies", "crossbeam-deque", "0.8.3"),
            ("dependencies", "log", "0.4.20"),
            ("dependencies", "memchr", "2.6.3"),
            ("dependencies", "same-file", "1.0.6"),
            ("dependencies", "walkdir", "2.4.0"),
            ("dependencies", "regex-automata", "0.4.0"),
            ("dev-dependencies", "bstr", "1.6.2"),
            ("dev-dependencies", "crossbeam-channel", "0.5.8"),
            ("target.cfg(windows).dependencies", "winapi-util", "0.1.2"),
        ]
    );
}

#[test]
fn cargo_workspace_dependencies_renames_and_lock() {
    let dir = project(
        None,
        &[
            (
                "Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\n\n[workspace.dependencies]\n\
                 serde = { version = \"1.0\", features = [\"derive\"] } # shared\n\
                 local = { path = \"crates/local\" }\n",
            ),
            (
                "crates/app/Cargo.toml",
                "[package]\nname = \"app\"\n\n[dependencies]\nserde.workspace = true\n\
                 toml_old = { package = \"toml\", version = \"0.5\" }\ntoml = \"0.8\"\n\
                 pinned = \"=1.2.3\"\nfrom-git = { git = \"https://example.com/x\" }\n",
            ),
            (
                "Cargo.lock",
                "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\n\n\
                 [[package]]\nname = \"serde\"\nversion = \"1.0.219\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                 [[package]]\nname = \"toml\"\nversion = \"0.5.11\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                 [[package]]\nname = \"toml\"\nversion = \"0.8.23\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n\n\
                 [[package]]\nname = \"pinned\"\nversion = \"1.2.3\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n",
            ),
        ],
    );
    assert_eq!(
        found(dir.path()),
        vec![
            dep("workspace.dependencies", "serde", "1.0", Some("1.0.219")),
            // The registry name, not the key: `toml_old` is `toml` 0.5.
            dep("dependencies", "toml", "0.5", Some("0.5.11")),
            dep("dependencies", "toml", "0.8", Some("0.8.23")),
            dep("dependencies", "pinned", "=1.2.3", Some("1.2.3")),
        ]
    );
    let (deps, _) = discover(dir.path());
    let app = std::fs::read_to_string(dir.path().join("crates/app/Cargo.toml")).unwrap();
    let edited = edit(&app, &deps[1], "0.9").unwrap();
    assert!(
        edited.contains("toml_old = { package = \"toml\", version = \"0.9\" }\ntoml = \"0.8\"\n"),
        "{edited}"
    );
    let edited = edit(&app, &deps[2], "0.9").unwrap();
    assert!(
        edited.contains("version = \"0.5\" }\ntoml = \"0.9\"\n"),
        "{edited}"
    );
    let root = std::fs::read_to_string(dir.path().join("Cargo.toml")).unwrap();
    let edited = edit(&root, &deps[0], "1.0.220").unwrap();
    assert!(
        edited.contains("serde = { version = \"1.0.220\", features = [\"derive\"] } # shared\n")
    );
    // Two versions of `toml` are locked: name the one to move.
    assert_eq!(
        lock_command(dir.path(), &deps[1]),
        Some(
            ["cargo", "update", "-p", "toml@0.5.11"]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(
        lock_command(dir.path(), &deps[0]),
        Some(
            ["cargo", "update", "-p", "serde"]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(lock_command(&fixture("serde_json"), &deps[0]), None);
}

#[test]
fn rust_round_trips_byte_for_byte() {
    for name in ["serde_json", "ripgrep"] {
        round_trip(name, &|_| "99.1".into());
    }
}

// ---- JavaScript ---------------------------------------------------------

#[test]
fn express_package_json() {
    let deps = found(&fixture("express"));
    assert_eq!(deps.len(), 44);
    assert_eq!(
        deps[0],
        dep("dependencies", "accepts", "^2.0.0", Some("2.0.0"))
    );
    assert_eq!(
        deps[28],
        dep("devDependencies", "after", "0.8.2", Some("0.8.2"))
    );
    assert_eq!(
        deps[43],
        dep("devDependencies", "vhost", "~3.0.2", Some("3.0.2"))
    );
}

#[test]
fn npm_skips_what_is_not_a_registry_range_and_reads_the_lock() {
    let dir = project(
        None,
        &[
            (
                "package.json",
                "{\n    \"name\": \"app\",\n    \"dependencies\": {\n        \"left-pad\": \"^1.1.0\",\n\
                 \"local\": \"file:../local\",\n        \"mono\": \"workspace:*\",\n        \"edge\": \"latest\",\n\
                 \"any\": \"*\",\n        \"gh\": \"user/repo#v1\",\n        \"git\": \"git+https://example.com/x.git\",\n\
                 \"old-react\": \"npm:react@^17.0.2\",\n        \"@scope/pkg\": \"~2.1.0\"\n    },\n\
                 \"devDependencies\": {\"jest\": \"29.7.0\"}\n}\n",
            ),
            (
                "package-lock.json",
                "{\"lockfileVersion\": 3, \"packages\": {\"\": {}, \"node_modules/left-pad\": {\"version\": \"1.3.0\"},\n\
                 \"node_modules/old-react\": {\"version\": \"17.0.2\"}, \"node_modules/@scope/pkg\": {\"version\": \"2.1.4\"},\n\
                 \"node_modules/x/node_modules/left-pad\": {\"version\": \"0.0.1\"}}}\n",
            ),
        ],
    );
    assert_eq!(
        found(dir.path()),
        vec![
            dep("dependencies", "left-pad", "^1.1.0", Some("1.3.0")),
            dep("dependencies", "react", "^17.0.2", Some("17.0.2")),
            dep("dependencies", "@scope/pkg", "~2.1.0", Some("2.1.4")),
            dep("devDependencies", "jest", "29.7.0", Some("29.7.0")),
        ]
    );
    let (deps, _) = discover(dir.path());
    let text = std::fs::read_to_string(dir.path().join("package.json")).unwrap();
    let edited = edit(&text, &deps[1], "^18.3.1").unwrap();
    assert!(
        edited.contains("\"old-react\": \"npm:react@^18.3.1\",\n"),
        "{edited}"
    );
    assert_eq!(
        lock_command(dir.path(), &deps[0]),
        Some(
            ["npm", "install", "--package-lock-only", "--ignore-scripts"]
                .map(String::from)
                .to_vec()
        )
    );
    assert_eq!(lock_command(&fixture("express"), &deps[0]), None);
}

#[test]
fn node_round_trips_byte_for_byte() {
    round_trip("express", &|d| {
        if d.requirement.starts_with('^') {
            "^99.1.0".into()
        } else {
            "99.1.0".into()
        }
    });
}

// ---- Malformed manifests ------------------------------------------------

#[test]
fn malformed_manifests_are_reported_and_the_others_still_read() {
    let dir = project(
        None,
        &[
            (
                "pyproject.toml",
                "[project]\nname = \"x\"\ndependencies = [\n  \"django>=4.2\"\n  \"flask\",\n]\n",
            ),
            (
                "Pipfile",
                "[packages]\nrequests = \">=2.0\"\nflask = \"=>2.0\"\n",
            ),
            (
                "requirements.txt",
                "django>=4.2\nflask=>3.0\nrequests[socks>=2\nclick==8.1.7\n",
            ),
            ("Cargo.toml", "[dependencies]\nserde = \"1.0\n"),
            (
                "package.json",
                "{\n  \"dependencies\": {\n    \"a\": \"^1.0.0\",\n  }\n}\n",
            ),
        ],
    );
    let (deps, errors) = discover(dir.path());
    let names: Vec<&str> = deps.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["requests", "django", "click"]);
    let summary: Vec<(String, usize)> = errors
        .iter()
        .map(|e| (e.path.display().to_string(), e.line))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("pyproject.toml".into(), 5),
            ("Pipfile".into(), 3),
            ("requirements.txt".into(), 2),
            ("requirements.txt".into(), 3),
            ("Cargo.toml".into(), 2),
            ("package.json".into(), 4),
        ]
    );
    for e in &errors {
        assert!(
            e.message.contains("expected") || e.message.contains("invalid"),
            "{e:?}"
        );
    }
    assert!(
        errors[0].message.starts_with("invalid TOML"),
        "{:?}",
        errors[0]
    );
    assert!(
        errors[2].message.contains("version specifier like `>=1.0`"),
        "{:?}",
        errors[2]
    );
    assert!(errors[3].message.contains("`]`"), "{:?}", errors[3]);
    assert!(
        errors[5].message.starts_with("invalid JSON"),
        "{:?}",
        errors[5]
    );
}

#[test]
fn edit_of_a_changed_manifest_says_so() {
    let (deps, _) = discover(&fixture("flask"));
    let err = edit("[project]\ndependencies = []\n", &deps[0], ">=2").unwrap_err();
    assert!(err.message.contains("changed since it was read"), "{err:?}");
    let err = edit("[project\n", &deps[0], ">=2").unwrap_err();
    assert_eq!(err.line, 1);
    assert!(err.message.starts_with("invalid TOML"));
}

#[test]
fn ecosystems_are_set() {
    let (deps, _) = discover(&fixture("express"));
    assert!(deps.iter().all(|d| d.ecosystem == Ecosystem::Node));
    let (deps, _) = discover(&fixture("serde_json"));
    assert!(deps.iter().all(|d| d.ecosystem == Ecosystem::Rust));
    let (deps, _) = discover(&fixture("flask"));
    assert!(deps.iter().all(|d| d.ecosystem == Ecosystem::Python));
}
