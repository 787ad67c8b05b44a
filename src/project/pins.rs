//! The tool versions a project chose: a dev requirement, a lock file, a
//! `devDependencies` entry. A check whose tool the project pins runs at that
//! version (with the plug-ins the project declares beside it), not at
//! rungs's own pin, so rungs reports what the team's own tools report.

use crate::check::{Install, Pin};
use crate::manifest::{self, Dependency, Ecosystem};
use std::path::Path;

/// What the project's manifests and hooks declare, read once for every check.
pub struct Pins {
    root: std::path::PathBuf,
    deps: Vec<Dependency>,
    locked: bool,
    /// Packages the `.pre-commit-config.yaml` revs stand for (`ruff==0.15.9`).
    hooks: Vec<String>,
}

/// Lock files whose versions are the ones in use.
const LOCKS: [&str; 6] = [
    "uv.lock",
    "poetry.lock",
    "Pipfile.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
];

impl Pins {
    /// `hooks`: the packages the project's pre-commit hooks stand for, which
    /// come before its manifests.
    pub fn of(root: &Path, hooks: Vec<String>) -> Pins {
        let mut deps = manifest::discover(root).0;
        // tox's `deps` come after the manifests, which win where both name a
        // package.
        deps.extend(manifest::tox::deps(root));
        Pins {
            root: root.to_path_buf(),
            deps,
            locked: LOCKS.iter().any(|l| root.join(l).is_file()),
            hooks,
        }
    }

    /// The project's own version of the tool `install` names first, with the
    /// project's version of its other packages and of the plug-ins it
    /// declares; `None` when the project does not pin the tool.
    pub fn pin(&self, install: &Install) -> Option<Pin> {
        let (ecosystem, list) = match (install.pypi.is_empty(), install.npm.is_empty()) {
            (false, _) => (Ecosystem::Python, &install.pypi),
            (_, false) => (Ecosystem::Node, &install.npm),
            _ => return None,
        };
        let tool = package_name(ecosystem, list.first()?);
        let wanted = normalize(ecosystem, &tool);
        if let Some(hook) = self
            .hooks
            .iter()
            .find(|h| normalize(ecosystem, &package_name(ecosystem, h)) == wanted)
        {
            let mut install = install.clone();
            let list = match ecosystem {
                Ecosystem::Node => &mut install.npm,
                _ => &mut install.pypi,
            };
            list[0] = hook.clone();
            return Some(Pin {
                from: format!(".pre-commit-config.yaml: {hook}"),
                project: self.runtime(&install),
                install,
            });
        }
        let declared = self.declared(ecosystem, &tool);
        // The tool at the project's version; a bare name (`mypy`) pins
        // nothing, so rungs's version stands, with the project's plug-ins.
        let mut pinned = vec![
            declared
                .and_then(|d| self.spec(d))
                .unwrap_or_else(|| list[0].clone()),
        ];
        for default in &list[1..] {
            let name = package_name(ecosystem, default);
            pinned.push(match self.declared(ecosystem, &name) {
                Some(dep) => self.spec(dep).unwrap_or_else(|| default.clone()),
                None => default.clone(),
            });
        }
        let imported = self.config_imports(&install.config_imports);
        for dep in self.deps.iter().filter(|d| d.ecosystem == ecosystem) {
            let name = normalize(ecosystem, &dep.name);
            let plugin = imported.contains(&dep.name)
                || install.plugins.iter().any(|p| {
                    globset::Glob::new(&normalize(ecosystem, p))
                        .is_ok_and(|g| g.compile_matcher().is_match(&name))
                });
            if plugin
                && let Some(spec) = self.spec(dep).or_else(|| Some(dep.name.clone()))
                && !pinned.contains(&spec)
            {
                pinned.push(spec);
            }
        }
        let plugins = pinned.len() - list.len();
        let from = match declared.filter(|d| self.spec(d).is_some()) {
            Some(d) => format!("{}: {}", d.manifest.display(), pinned[0]),
            None if plugins > 0 => {
                let names: Vec<&str> = pinned[list.len()..].iter().map(String::as_str).collect();
                format!(
                    "rungs's {}, with the project's {}",
                    pinned[0],
                    names.join(" ")
                )
            }
            None if install.project_dependencies && !self.runtime(install).is_empty() => {
                format!("rungs's {}", pinned[0])
            }
            None => return None,
        };
        let project = self.runtime(install);
        let from = match project.len() {
            0 => from,
            n => format!("{from}, with the project's {n} runtime requirements"),
        };
        let install = match ecosystem {
            Ecosystem::Python => Install {
                pypi: pinned,
                ..Install::default()
            },
            _ => Install {
                npm: pinned,
                ..Install::default()
            },
        };
        Some(Pin {
            install,
            from,
            project,
        })
    }

    /// The packages the project's config files `files` import or require
    /// (`@ljharb/eslint-config/flat` is `@ljharb/eslint-config`).
    fn config_imports(&self, files: &[String]) -> Vec<String> {
        let pattern = regex::Regex::new(
            r#"(?:\bfrom\s*|\brequire\s*\(\s*|\bimport\s*\(\s*|\bimport\s+)["']([^"'./][^"']*)["']"#,
        )
        .expect("valid regex");
        let mut out: Vec<String> = Vec::new();
        for file in files {
            let Ok(text) = std::fs::read_to_string(self.root.join(file)) else {
                continue;
            };
            for c in pattern.captures_iter(&text) {
                let spec = &c[1];
                if spec.starts_with("node:") {
                    continue;
                }
                let parts: Vec<&str> = spec.split('/').collect();
                let name = match parts.as_slice() {
                    [scope, name, ..] if scope.starts_with('@') => format!("{scope}/{name}"),
                    [name, ..] => name.to_string(),
                    [] => continue,
                };
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
        out
    }

    /// The project's runtime requirements (`[project] dependencies`,
    /// Poetry's, the Pipfile's `[packages]`, `requirements.txt`), as pip
    /// reads them, when `install` asks for them.
    fn runtime(&self, install: &Install) -> Vec<String> {
        if !install.project_dependencies {
            return Vec::new();
        }
        let runtime = |d: &Dependency| match d.manifest.to_str().unwrap_or_default() {
            "pyproject.toml" => {
                d.section == "project.dependencies"
                    || (d.section == "tool.poetry.dependencies" && d.name != "python")
            }
            "Pipfile" => d.section == "packages",
            "requirements.txt" | "requirements/base.txt" | "requirements/prod.txt" => true,
            _ => false,
        };
        let mut out: Vec<String> = Vec::new();
        for dep in self
            .deps
            .iter()
            .filter(|d| d.ecosystem == Ecosystem::Python && runtime(d))
        {
            let spec = self.spec(dep).unwrap_or_else(|| dep.name.clone());
            if !out.contains(&spec) {
                out.push(spec);
            }
        }
        out
    }

    fn declared(&self, ecosystem: Ecosystem, name: &str) -> Option<&Dependency> {
        let wanted = normalize(ecosystem, name);
        self.deps
            .iter()
            .find(|d| d.ecosystem == ecosystem && normalize(ecosystem, &d.name) == wanted)
    }

    /// The requirement to install: an exact pin as given; with a lock file,
    /// the locked version; else the range (the newest version it allows).
    /// `None` for a bare name, which pins nothing.
    fn spec(&self, dep: &Dependency) -> Option<String> {
        // npm reads `^1.2` itself; pip and uv don't.
        let poetry = match dep.ecosystem {
            Ecosystem::Python => poetry_range(dep.requirement.trim()),
            _ => None,
        };
        let req = poetry.as_deref().unwrap_or(dep.requirement.trim());
        let exact = req
            .strip_prefix("==")
            .or_else(|| req.strip_prefix("==="))
            .filter(|v| !v.contains([',', '*', ' ']));
        let version = match (exact, &dep.current) {
            (Some(v), _) => Some(v.trim().to_string()),
            (None, Some(current)) if self.locked => Some(current.clone()),
            _ => None,
        };
        match (dep.ecosystem, version) {
            (Ecosystem::Node, Some(v)) => Some(format!("{}@{v}", dep.name)),
            (_, Some(v)) => Some(format!("{}=={v}", dep.name)),
            (_, None) if req.is_empty() || req == "*" => None,
            (Ecosystem::Node, None) => Some(format!("{}@{req}", dep.name)),
            (_, None) => Some(format!("{}{req}", dep.name)),
        }
    }
}

/// Poetry's `^1.2` and `~1.2` as PEP 440 (`>=1.2,<2`, `>=1.2,<1.3`), which
/// pip and uv read; `None` for anything else.
fn poetry_range(req: &str) -> Option<String> {
    let (caret, version) = match (req.strip_prefix('^'), req.strip_prefix('~')) {
        (Some(v), _) => (true, v.trim()),
        (None, Some(v)) if !v.starts_with('=') => (false, v.trim()),
        _ => return None,
    };
    let parts: Vec<u64> = version
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let mut upper = parts.clone();
    // Caret: bump the first non-zero part (of those given); tilde: the
    // minor when given, else the major.
    let at = if caret {
        parts
            .iter()
            .position(|&p| p != 0)
            .unwrap_or(parts.len() - 1)
    } else {
        (parts.len() > 1) as usize
    };
    upper.truncate(at + 1);
    upper[at] += 1;
    let upper: Vec<String> = upper.iter().map(u64::to_string).collect();
    Some(format!(">={version},<{}", upper.join(".")))
}

/// `black==26.10.1` -> `black`; `@scope/tool@1.2` -> `@scope/tool`.
fn package_name(ecosystem: Ecosystem, requirement: &str) -> String {
    match ecosystem {
        Ecosystem::Node => match requirement.rfind('@') {
            Some(at) if at > 0 => requirement[..at].to_string(),
            _ => requirement.to_string(),
        },
        _ => requirement
            .split(|c: char| "=<>!~;[ ".contains(c))
            .next()
            .unwrap_or(requirement)
            .to_string(),
    }
}

/// PEP 503 for Python names; npm names are exact.
fn normalize(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Node => name.to_string(),
        _ => name.to_ascii_lowercase().replace(['_', '.'], "-"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn install(pypi: &[&str], plugins: &[&str]) -> Install {
        Install {
            pypi: pypi.iter().map(|s| s.to_string()).collect(),
            plugins: plugins.iter().map(|s| s.to_string()).collect(),
            ..Install::default()
        }
    }

    #[test]
    fn poetry_ranges_become_pep_440() {
        assert_eq!(poetry_range("^22.6").as_deref(), Some(">=22.6,<23"));
        assert_eq!(poetry_range("^0.2.3").as_deref(), Some(">=0.2.3,<0.3"));
        assert_eq!(poetry_range("~1.2.3").as_deref(), Some(">=1.2.3,<1.3"));
        assert_eq!(poetry_range("~1").as_deref(), Some(">=1,<2"));
        assert_eq!(poetry_range("~=1.2"), None);
        assert_eq!(poetry_range(">=1"), None);
    }

    #[test]
    fn a_dev_requirement_pins_the_tool_and_brings_its_plugins() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("requirements-dev.txt"),
            "flake8==6.1.0\nflake8-bugbear>=23\nFlake8_Docstrings==1.7.0\nblack\nisort>=5,<6\n",
        )
        .unwrap();
        let pins = Pins::of(dir.path(), vec!["ruff==0.15.9".into()]);
        assert_eq!(
            pins.pin(&install(&["ruff==0.17.6"], &[])).unwrap(),
            Pin {
                install: install(&["ruff==0.15.9"], &[]),
                from: ".pre-commit-config.yaml: ruff==0.15.9".into(),
                project: Vec::new(),
            },
            "the hook's rev comes first"
        );
        let flake8 = pins
            .pin(&install(
                &["flake8==7.5.0", "Flake8-pyproject==1.2.4"],
                &["flake8-*"],
            ))
            .unwrap();
        assert_eq!(
            flake8.install.pypi,
            [
                "flake8==6.1.0",
                "Flake8-pyproject==1.2.4",
                "flake8-bugbear>=23",
                "Flake8_Docstrings==1.7.0"
            ]
        );
        assert_eq!(flake8.from, "requirements-dev.txt: flake8==6.1.0");
        assert_eq!(
            pins.pin(&install(&["black==26.10.1"], &[])),
            None,
            "a bare name pins nothing"
        );
        assert_eq!(
            pins.pin(&install(&["isort==9.0.2"], &[]))
                .unwrap()
                .install
                .pypi,
            ["isort>=5,<6"],
            "a range: the newest version it allows"
        );
        assert_eq!(pins.pin(&install(&["mypy==2.4.1"], &[])), None);
    }

    #[test]
    fn a_tool_that_follows_imports_gets_the_projects_runtime_requirements() {
        // jinja2: mypy reports every `import markupsafe` without it.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[project]\nname = \"Jinja2\"\nversion = \"3.1.6\"\ndependencies = [\"MarkupSafe>=2.0\"]\n\n[project.optional-dependencies]\ni18n = [\"Babel>=2.7\"]\n",
        )
        .unwrap();
        let pins = Pins::of(dir.path(), Vec::new());
        let mut mypy = install(&["mypy==2.4.1"], &["types-*"]);
        assert_eq!(pins.pin(&mypy), None, "a tool that does not ask for them");
        mypy.project_dependencies = true;
        let pin = pins.pin(&mypy).unwrap();
        assert_eq!(pin.install.pypi, ["mypy==2.4.1"]);
        assert_eq!(pin.project, ["MarkupSafe>=2.0"]);
        assert_eq!(
            pin.from,
            "rungs's mypy==2.4.1, with the project's 1 runtime requirements"
        );
    }

    #[test]
    fn what_the_eslint_config_imports_comes_with_eslint_at_npms_own_ranges() {
        // avvio: its config is `require('neostandard')(...)`.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"devDependencies": {"eslint": "^9.17.0", "neostandard": "^0.13.0", "tape": "^5.9.0", "@ljharb/eslint-config": "^22.2.3"}}"#,
        )
        .unwrap();
        std::fs::write(
            dir.path().join("eslint.config.js"),
            "const { defineConfig } = require('eslint/config')\nconst neostandard = require('neostandard')\nimport x from '@ljharb/eslint-config/flat'\nimport './local.js'\n",
        )
        .unwrap();
        let pins = Pins::of(dir.path(), Vec::new());
        let eslint = Install {
            npm: vec!["eslint@10.15.0".into()],
            config_imports: vec!["eslint.config.js".into(), "eslint.config.mjs".into()],
            ..Install::default()
        };
        assert_eq!(
            pins.pin(&eslint).unwrap().install.npm,
            [
                "eslint@^9.17.0",
                "neostandard@^0.13.0",
                "@ljharb/eslint-config@^22.2.3"
            ]
        );
    }

    #[test]
    fn tox_deps_bring_the_plugins_of_a_tool_they_leave_unpinned() {
        // django-extensions: its mypy env installs mypy and django-stubs,
        // which the `mypy_django_plugin.main` its config names comes from.
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tox.ini"),
            "[testenv:mypy]\ndeps =\n    mypy\n    django-stubs\ncommands = mypy django_extensions\n",
        )
        .unwrap();
        let pins = Pins::of(dir.path(), Vec::new());
        let mypy = pins
            .pin(&install(&["mypy==2.4.1"], &["types-*", "*-stubs"]))
            .unwrap();
        assert_eq!(mypy.install.pypi, ["mypy==2.4.1", "django-stubs"]);
        assert_eq!(
            mypy.from,
            "rungs's mypy==2.4.1, with the project's django-stubs"
        );
    }
}
