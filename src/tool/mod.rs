//! Finding each check's program: the project's environment first (`.venv`,
//! `venv`, `$VIRTUAL_ENV`, `node_modules/.bin`), then `PATH`, then tools rungs
//! installed itself from the check's pinned requirements.

mod install;

pub use install::NODE_REGISTER;
#[cfg(test)]
pub use install::write_node_resolve;

use crate::check::Check;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// A check's program, found.
#[derive(Clone, Debug)]
pub struct Tool {
    pub program: PathBuf,
    /// Where it was found, for `rungs plan`.
    pub origin: String,
    /// Folder to put first on the child's PATH (the tool's environment).
    pub bin_dir: Option<PathBuf>,
    /// Packages rungs put beside a project's tool (see `Install::beside`):
    /// a folder for the child's `PYTHONPATH`.
    pub beside: Option<PathBuf>,
}

/// Project folders that hold executables, in lookup order.
fn project_bin_dirs(root: &Path) -> Vec<(PathBuf, String)> {
    let mut dirs = vec![
        (root.join(".venv/bin"), ".venv".to_string()),
        (root.join("venv/bin"), "venv".to_string()),
    ];
    if let Some(v) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) {
        dirs.push((PathBuf::from(v).join("bin"), "$VIRTUAL_ENV".to_string()));
    }
    // Where pipenv or Poetry keep it, outside the project.
    if let Some(env) = crate::project::environment::managed(root) {
        dirs.push((env.dir.join("bin"), env.origin));
    }
    dirs.push((root.join("node_modules/.bin"), "node_modules".to_string()));
    dirs
}

fn executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Look a program up without installing anything: the project's
/// environment, then `PATH`.
pub fn find(root: &Path, name: &str) -> Option<Tool> {
    find_in_project(root, name).or_else(|| find_on_path(name))
}

/// A program of the project itself (a path), or of its environment.
fn find_in_project(root: &Path, name: &str) -> Option<Tool> {
    if name.contains('/') {
        let path = root.join(name);
        return executable(&path).then(|| Tool {
            program: path,
            origin: "project".into(),
            bin_dir: None,
            beside: None,
        });
    }
    project_bin_dirs(root)
        .into_iter()
        .find_map(|(dir, origin)| {
            let path = dir.join(name);
            executable(&path).then_some(Tool {
                program: path,
                origin,
                bin_dir: Some(dir),
                beside: None,
            })
        })
}

fn find_on_path(name: &str) -> Option<Tool> {
    let path_var = std::env::var_os("PATH")?;
    std::env::split_paths(&path_var)
        .map(|d| d.join(name))
        .find(|p| executable(p))
        .map(|program| Tool {
            program,
            origin: "PATH".into(),
            bin_dir: None,
            beside: None,
        })
}

/// Where rungs installs tools: one folder of the cache, shared by every project.
fn tools_dir() -> Result<PathBuf, Error> {
    Ok(crate::dirs::root()?.join("tools"))
}

impl Tool {
    /// No program: for a check that does not run.
    pub fn none() -> Tool {
        Tool {
            program: PathBuf::new(),
            origin: "not run".into(),
            bin_dir: None,
            beside: None,
        }
    }
}

/// The check with the project's pin as what to install, when it has one,
/// with the project's runtime requirements where the pin carries them.
fn as_pinned(check: &Check) -> Option<Check> {
    let pin = check.pin.as_ref()?;
    let mut pinned = check.clone();
    pinned.install = pin.install.clone();
    pinned.install.pypi.extend(pin.project.iter().cloned());
    Some(pinned)
}

/// The pin without the project's runtime requirements, when it has some:
/// the tool at the project's version still runs when they can't install.
fn without_project(pinned: &Check) -> Option<Check> {
    let project = &pinned.pin.as_ref()?.project;
    if project.is_empty() {
        return None;
    }
    let mut bare = pinned.clone();
    bare.install.pypi.retain(|r| !project.contains(r));
    Some(bare)
}

/// Find the check's program without installing: an isolated check's only in
/// its own environment; else the project's environment, then the version
/// the project pins if installed before, then `PATH`, then rungs's own pin
/// if installed before.
pub fn locate(root: &Path, check: &Check) -> Result<Option<Tool>, Error> {
    let tools = tools_dir()?;
    if check.isolated {
        return Ok(install::installed(&tools, check));
    }
    if let Some(tool) = find_in_project(root, check.program()) {
        return Ok(Some(tool));
    }
    if let Some(pinned) = as_pinned(check) {
        // Without the project's requirements only when those failed to install.
        return Ok(install::installed(&tools, &pinned).or_else(|| {
            without_project(&pinned)
                .filter(|_| install::failed_before(&tools, &pinned))
                .and_then(|bare| install::installed(&tools, &bare))
        }));
    }
    Ok(find_on_path(check.program()).or_else(|| install::installed(&tools, check)))
}

/// Find the check's program, installing what it needs when it is missing:
/// the project's pinned version, else rungs's own.
pub fn resolve(root: &Path, check: &Check, allow_install: bool) -> Result<Tool, Error> {
    let name = check.program();
    if let Some(mut tool) = locate(root, check)? {
        if allow_install {
            tool.beside = beside(&tool, check)?;
        }
        return Ok(tool);
    }
    if allow_install && let Some(pinned) = as_pinned(check) {
        // The project's version could not be had (a range no index serves,
        // a package it lacks): rungs's own pin, said once, rather than no run.
        let tools = tools_dir()?;
        let first =
            match install::failed_before(&tools, &pinned) && without_project(&pinned).is_some() {
                true => Err(Error::Install {
                    check: check.id.0.clone(),
                    what: String::new(),
                    message: "it failed before".into(),
                }),
                false => install::install(&tools, &pinned),
            };
        let result = match (first, without_project(&pinned)) {
            (Err(e), Some(bare)) => {
                eprintln!(
                    "rungs: warning: the project's runtime requirements could not be installed beside `{}`; it runs without them, and may report imports of them: {e}",
                    check.id
                );
                install::install(&tools, &bare)
            }
            (result, _) => result,
        };
        match result {
            Ok(tool) => return Ok(tool),
            Err(e) => eprintln!(
                "rungs: warning: the version the project chose for `{}` ({}) could not be installed; using rungs's own: {e}",
                check.id,
                check.pin.as_ref().map_or("", |p| p.from.as_str())
            ),
        }
        if let Some(tool) =
            find_on_path(check.program()).or_else(|| install::installed(&tools_dir().ok()?, check))
        {
            return Ok(tool);
        }
    }
    if !check.install.is_empty() && allow_install {
        return install::install(&tools_dir()?, check);
    }
    Err(Error::ToolMissing {
        check: check.id.0.clone(),
        tool: name.to_string(),
        detail: " in .venv, venv, $VIRTUAL_ENV, node_modules/.bin or PATH".into(),
        hint: Some(missing_hint(check)),
    })
}

/// What `check.install.beside` names that the project's environment of
/// `tool` lacks, installed beside it; `None` when nothing is missing or the
/// tool is not a Python environment's.
fn beside(tool: &Tool, check: &Check) -> Result<Option<PathBuf>, Error> {
    let Some(bin) = &tool.bin_dir else {
        return Ok(None);
    };
    let python = bin.join("python");
    if check.install.beside.is_empty() || !python.exists() || tool.origin.starts_with("installed") {
        return Ok(None);
    }
    let have = environment(tool);
    let normal = |s: &str| s.to_ascii_lowercase().replace(['-', '.'], "_");
    let missing: Vec<String> = check
        .install
        .beside
        .iter()
        .filter(|req| {
            let name = normal(
                req.split(['=', '<', '>', '~', '!', '['])
                    .next()
                    .unwrap_or(req),
            );
            !have
                .lines()
                .any(|dist| normal(dist).starts_with(&format!("{name}_")))
        })
        .cloned()
        .collect();
    if missing.is_empty() {
        return Ok(None);
    }
    install::beside(&tools_dir()?, &python, &missing)
        .map(Some)
        .map_err(|message| Error::Install {
            check: check.id.0.clone(),
            what: missing.join(" "),
            message,
        })
}

fn missing_hint(check: &Check) -> String {
    if !check.install.pypi.is_empty() {
        format!(
            "install it in the project's environment: pip install {}",
            check.install.pypi.join(" ")
        )
    } else if !check.install.npm.is_empty() {
        format!(
            "install it in the project: npm install --save-dev {}",
            check.install.npm.join(" ")
        )
    } else if check.program() == "cargo" || check.program() == "rustfmt" {
        "install Rust with rustup (https://rustup.rs), then: rustup component add rustfmt clippy"
            .into()
    } else {
        format!(
            "install `{}`, or disable the check with [checks.{}] enabled = false",
            check.program(),
            check.id
        )
    }
}

/// What is installed in the tool's Python environment, when it runs from one
/// (its Python's version and the distributions in its site-packages), so
/// upgrading a package the tests import, or the venv's Python, changes the
/// cache key even when no project file changed.
/// The packages of a `node_modules` folder at their versions, one a line
/// (`@scope/name` included): an eslint plug-in or shareable config changes
/// its verdict as much as eslint's own version.
fn node_packages(modules: &Path) -> String {
    let version = |dir: &Path| -> Option<String> {
        let text = std::fs::read_to_string(dir.join("package.json")).ok()?;
        let json: serde_json::Value = serde_json::from_str(&text).ok()?;
        json["version"].as_str().map(str::to_string)
    };
    let entries = |dir: &Path| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .collect()
    };
    let mut lines: Vec<String> = Vec::new();
    for entry in entries(modules) {
        let name = entry
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        let packages = match name.starts_with('@') {
            true => entries(&entry),
            false => vec![entry],
        };
        for package in packages {
            if let Some(v) = version(&package) {
                let rel = package.strip_prefix(modules).unwrap_or(&package);
                lines.push(format!("{}@{v}", rel.display()));
            }
        }
    }
    lines.sort();
    format!("\n{}", lines.join("\n"))
}

pub fn environment(tool: &Tool) -> String {
    let mut env = project_environment(tool);
    // What rungs put beside it is part of what the tool runs with.
    if let Some(dir) = &tool.beside {
        for n in dist_infos(std::iter::once(dir.clone())) {
            env.push_str(&format!("\nbeside {n}"));
        }
    }
    env
}

/// The `*.dist-info` names in `dirs` (site-packages folders), sorted.
fn dist_infos(dirs: impl Iterator<Item = PathBuf>) -> Vec<String> {
    let mut names: Vec<String> = dirs
        .flat_map(|d| std::fs::read_dir(d).into_iter().flatten())
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".dist-info"))
        .collect();
    names.sort();
    names
}

fn project_environment(tool: &Tool) -> String {
    let Some(prefix) = tool.program.parent().and_then(Path::parent) else {
        return String::new();
    };
    if prefix.ends_with("node_modules") {
        return node_packages(prefix);
    }
    let Ok(cfg) = std::fs::read_to_string(prefix.join("pyvenv.cfg")) else {
        return String::new();
    };
    // `version = 3.11.7` (older venvs: `version_info`); the home it was made from.
    let python: Vec<&str> = cfg
        .lines()
        .filter(|l| {
            let key = l.split('=').next().unwrap_or("").trim();
            matches!(key, "version" | "version_info" | "home")
        })
        .map(str::trim)
        .collect();
    let site_packages = std::fs::read_dir(prefix.join("lib"))
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|python| python.path().join("site-packages"));
    let names = dist_infos(site_packages);
    format!("\n{}\n{}", python.join("\n"), names.join("\n"))
}

/// Whether `environment` (the venv's distributions) pins the tool itself, so
/// its version need not be asked: a Python entry script of that venv (its
/// shebang names the venv's python), or a program its distribution installed
/// under its own name (ruff's binary, `ruff-0.17.6.dist-info`). A program
/// linked into the venv from elsewhere, or a node tool, is not.
pub fn pinned_by_environment(tool: &Tool, environment: &str) -> bool {
    let program = &tool.program;
    let Some(prefix) = program.parent().and_then(Path::parent) else {
        return false;
    };
    if environment.is_empty() || program.is_symlink() {
        return false;
    }
    let mut head = [0u8; 512];
    let read = std::fs::File::open(program)
        .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
        .unwrap_or(0);
    let head = String::from_utf8_lossy(&head[..read]);
    // pip writes `#!/venv/bin/python`, or for long paths a `#!/bin/sh` line
    // that execs it.
    let python = prefix.join("bin").join("python");
    if head.starts_with("#!") && head.contains(python.to_string_lossy().as_ref()) {
        return true;
    }
    let normal = |s: &str| s.to_ascii_lowercase().replace(['-', '.'], "_");
    let name = normal(&program.file_name().unwrap_or_default().to_string_lossy());
    environment
        .lines()
        .filter(|l| l.ends_with(".dist-info"))
        .any(|dist| normal(dist).starts_with(&format!("{name}_")) && !head.starts_with("#!"))
}

#[cfg(test)]
mod tests {
    use super::{Tool, environment, pinned_by_environment};
    use std::path::Path;

    fn tool(path: &Path) -> Tool {
        Tool {
            program: path.to_path_buf(),
            origin: String::new(),
            bin_dir: None,
            beside: None,
        }
    }

    #[test]
    fn an_npm_tools_environment_is_its_packages_at_their_versions() {
        // A shareable config rungs installed beside eslint changes eslint's
        // verdict: its version is part of the key, as a venv's are.
        let dir = tempfile::tempdir().unwrap();
        let modules = dir.path().join("node_modules");
        let package = |name: &str, version: &str| {
            let d = modules.join(name);
            std::fs::create_dir_all(&d).unwrap();
            std::fs::write(
                d.join("package.json"),
                format!("{{\"version\": \"{version}\"}}"),
            )
            .unwrap();
        };
        package("eslint", "9.39.5");
        package("neostandard", "0.13.0");
        package("@ljharb/eslint-config", "22.2.3");
        std::fs::create_dir_all(modules.join(".bin")).unwrap();
        let tool = tool(&modules.join(".bin/eslint"));
        assert_eq!(
            environment(&tool),
            "\n@ljharb/eslint-config@22.2.3\neslint@9.39.5\nneostandard@0.13.0"
        );
        package("neostandard", "0.14.0");
        assert!(environment(&tool).contains("neostandard@0.14.0"));
    }

    #[test]
    fn only_a_tool_the_venv_installed_is_pinned_by_its_distributions() {
        let venv = tempfile::tempdir().unwrap();
        let p = venv.path();
        std::fs::write(p.join("pyvenv.cfg"), "home = /usr/bin\n").unwrap();
        std::fs::create_dir_all(p.join("bin")).unwrap();
        let site = p.join("lib/python3.12/site-packages");
        for dist in ["flake8-7.5.0.dist-info", "ruff-0.17.6.dist-info"] {
            std::fs::create_dir_all(site.join(dist)).unwrap();
        }
        let script = format!("#!{}/bin/python\nimport flake8\n", p.display());
        std::fs::write(p.join("bin/flake8"), script).unwrap();
        std::fs::write(p.join("bin/ruff"), b"\x7fELF\x02\x01").unwrap();
        std::fs::write(p.join("bin/prettier"), "#!/usr/bin/env node\n").unwrap();
        std::fs::write(p.join("bin/black"), b"\x7fELF\x02\x01").unwrap();
        std::os::unix::fs::symlink("/usr/bin/true", p.join("bin/ruff-linked")).unwrap();
        let pinned = |name: &str| {
            let t = tool(&p.join("bin").join(name));
            pinned_by_environment(&t, &environment(&t))
        };
        assert!(pinned("flake8"), "an entry script of this venv");
        assert!(pinned("ruff"), "a binary its own distribution installed");
        assert!(!pinned("prettier"), "a node tool in the venv's bin");
        assert!(
            !pinned("black"),
            "a binary no distribution here is named after"
        );
        assert!(!pinned("ruff-linked"), "a program linked in from elsewhere");
        // Another Python under the same packages is another environment.
        let before = environment(&tool(&p.join("bin/flake8")));
        std::fs::write(p.join("pyvenv.cfg"), "home = /usr/bin\nversion = 3.12.1\n").unwrap();
        assert_ne!(environment(&tool(&p.join("bin/flake8"))), before);
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("flake8"), "#!/usr/bin/python3\n").unwrap();
        assert!(!pinned_by_environment(
            &tool(&outside.path().join("flake8")),
            ""
        ));
    }
}
