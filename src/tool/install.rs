//! Tools rungs installs itself, into an isolated environment under its cache
//! dir, from the pinned requirements of a check definition. One folder per set
//! of requirements, shared by every project; a lock keeps two runs from
//! installing the same one at once, and a marker file says it is complete.

use super::Tool;
use crate::check::Check;
use crate::error::Error;
use std::path::{Path, PathBuf};
use std::process::Command;

const READY: &str = ".rungs-ready";
/// How long a failed install stands before it is tried again.
const RETRY_FAILED_AFTER_SECS: u64 = 24 * 60 * 60;

/// Which package manager installs a check's requirements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ecosystem {
    Python,
    Npm,
    Cargo,
}

fn ecosystem(check: &Check) -> Option<Ecosystem> {
    let i = &check.install;
    match (i.pypi.is_empty(), i.npm.is_empty(), i.cargo.is_empty()) {
        (false, _, _) => Some(Ecosystem::Python),
        (_, false, _) => Some(Ecosystem::Npm),
        (_, _, false) => Some(Ecosystem::Cargo),
        _ => None,
    }
}

/// The interpreter a Python environment is made with: a hook's
/// `language_version`, else `python3`.
fn python_of(check: &Check) -> Option<&str> {
    check
        .origin
        .as_ref()
        .and_then(|o| o.language_version.as_deref())
}

/// The interpreter to make the environment with: the hook's
/// `language_version` when this machine has it, else `python3`, with a
/// warning (pre-commit fails the hook; a black hook written for python3.10
/// runs as well on the Python there is, and uv would try to download one).
fn interpreter(check: &Check) -> &str {
    match python_of(check) {
        None | Some("default") => "python3",
        Some(v) if runs(v) => v,
        Some(v) => {
            eprintln!(
                "rungs: warning: check `{}` asks for {v} (its language_version), which does not run here; its environment is made with python3",
                check.id
            );
            "python3"
        }
    }
}

/// Whether `python` starts (a pyenv shim of a version not installed is on
/// PATH, and fails).
fn runs(python: &str) -> bool {
    Command::new(python)
        .args(["-c", ""])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// One folder in `tools` per set of requirements (and interpreter).
fn env_dir(tools: &Path, check: &Check, kind: Ecosystem) -> PathBuf {
    let mut key = blake3::Hasher::new();
    for r in check.install.all() {
        key.update(r.as_bytes());
        key.update(b"\0");
    }
    if let Some(python) = python_of(check) {
        key.update(python.as_bytes());
    }
    if kind == Ecosystem::Npm {
        // Environments made before the resolve hook lack it.
        key.update(b"node-resolve-hook");
    }
    let prefix = match kind {
        Ecosystem::Python => "py",
        Ecosystem::Npm => "npm",
        Ecosystem::Cargo => "cargo",
    };
    tools.join(format!("{prefix}-{}", &key.finalize().to_hex()[..16]))
}

fn bin_dir(kind: Ecosystem, dir: &Path) -> PathBuf {
    match kind {
        Ecosystem::Npm => dir.join("node_modules/.bin"),
        Ecosystem::Python | Ecosystem::Cargo => dir.join("bin"),
    }
}

fn tool_in(check: &Check, kind: Ecosystem, dir: &Path) -> Option<Tool> {
    if !dir.join(READY).exists() {
        return None;
    }
    let bin = bin_dir(kind, dir);
    let program = bin.join(check.program());
    program.exists().then(|| Tool {
        program,
        origin: format!("installed by rungs ({})", requirements(check)),
        bin_dir: Some(bin),
        beside: None,
    })
}

fn requirements(check: &Check) -> String {
    check.install.all().cloned().collect::<Vec<_>>().join(" ")
}

/// A complete earlier install in `tools`, if any.
/// Whether installing the check's requirements failed before (the marker
/// `install` leaves), so a run does not try again each time.
pub fn failed_before(tools: &Path, check: &Check) -> bool {
    ecosystem(check).is_some_and(|kind| {
        env_dir(tools, check, kind)
            .with_extension("failed")
            .is_file()
    })
}

pub fn installed(tools: &Path, check: &Check) -> Option<Tool> {
    let kind = ecosystem(check)?;
    tool_in(check, kind, &env_dir(tools, check, kind))
}

/// Install the check's requirements into a folder of `tools`, once.
pub fn install(tools: &Path, check: &Check) -> Result<Tool, Error> {
    let fail = |message: String| Error::Install {
        check: check.id.0.clone(),
        what: requirements(check),
        message,
    };
    let kind = ecosystem(check).ok_or_else(|| fail("nothing to install".into()))?;
    let dir = env_dir(tools, check, kind);
    std::fs::create_dir_all(tools).map_err(|e| Error::io(tools, e))?;
    let lock_path = dir.with_extension("lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    if let Some(tool) = tool_in(check, kind, &dir) {
        return Ok(tool);
    }
    // A pin that failed to install fails the same way the next time (a
    // version the index does not have): said again at once, not tried on
    // every run; a day later, or after `rungs cache clear`, it is tried again.
    let failed = dir.with_extension("failed");
    if let Some(age) = std::fs::metadata(&failed)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .filter(|age| age.as_secs() < RETRY_FAILED_AFTER_SECS)
    {
        let reason = std::fs::read_to_string(&failed).unwrap_or_default();
        return Err(fail(format!(
            "it failed {} ago, and is tried again a day after (or after `rungs cache clear`): {}",
            crate::report::format_duration(age),
            reason.trim()
        )));
    }
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    eprintln!(
        "rungs: installing {} for check `{}` into {} (once)",
        requirements(check),
        check.id,
        dir.display()
    );
    let i = &check.install;
    match kind {
        Ecosystem::Python => install_python(&dir, interpreter(check), &i.pypi),
        Ecosystem::Npm => install_npm(&dir, &i.npm),
        Ecosystem::Cargo => install_cargo(&dir, &i.cargo),
    }
    .map_err(|e| {
        let _ = std::fs::write(dir.with_extension("failed"), &e);
        fail(e)
    })?;
    std::fs::write(dir.join(READY), requirements(check)).map_err(|e| Error::io(&dir, e))?;
    tool_in(check, kind, &dir).ok_or_else(|| {
        fail(format!(
            "the install finished but `{}` is not in {}",
            check.program(),
            bin_dir(kind, &dir).display()
        ))
    })
}

/// `packages` installed with `python` (a project's interpreter) into a
/// folder of `tools`, once per interpreter and set, without their
/// dependencies (the project's environment has the rest): what a project's
/// own tool needs beside it, put on its `PYTHONPATH`.
pub fn beside(tools: &Path, python: &Path, packages: &[String]) -> Result<PathBuf, String> {
    let version = Command::new(python)
        .args(["-c", "import sys; print(sys.version)"])
        .output()
        .map_err(|e| format!("could not run {}: {e}", python.display()))?;
    let mut key = blake3::Hasher::new();
    key.update(&version.stdout);
    for p in packages {
        key.update(p.as_bytes());
        key.update(b"\0");
    }
    let dir = tools.join(format!("beside-{}", &key.finalize().to_hex()[..16]));
    std::fs::create_dir_all(tools).map_err(|e| e.to_string())?;
    let lock_path = dir.with_extension("lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| e.to_string())?;
    lock.lock().map_err(|e| e.to_string())?;
    if dir.join(READY).exists() {
        return Ok(dir);
    }
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!(
        "rungs: the project's environment lacks {}: installing it beside it, into {} (once; the project's environment is not changed)",
        packages.join(" "),
        dir.display()
    );
    let target = |cmd: &mut Command| {
        cmd.arg("--target").arg(&dir).args(packages);
    };
    let result = match super::find(Path::new("/"), "uv") {
        Some(uv) => {
            let mut cmd = Command::new(&uv.program);
            cmd.args(["pip", "install", "--quiet", "--no-deps", "--python"])
                .arg(python);
            target(&mut cmd);
            run(&mut cmd)
        }
        None => {
            let mut cmd = Command::new(python);
            cmd.args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--no-deps",
            ]);
            target(&mut cmd);
            run(&mut cmd)
        }
    };
    result?;
    std::fs::write(dir.join(READY), packages.join(" ")).map_err(|e| e.to_string())?;
    Ok(dir)
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .map_err(|e| format!("could not run {shown}: {e}"))?;
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
    Err(format!(
        "{shown} failed ({}):\n{}",
        out.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}

/// A venv made with `python` (`python3`, or a hook's `language_version`).
fn install_python(dir: &Path, python: &str, requirements: &[String]) -> Result<(), String> {
    if let Some(uv) = super::find(Path::new("/"), "uv") {
        run(Command::new(&uv.program)
            .args(["venv", "--quiet", "--python", python])
            .arg(dir))?;
        return run(Command::new(&uv.program)
            .args(["pip", "install", "--quiet", "--python"])
            .arg(dir.join("bin/python"))
            .args(requirements));
    }
    let python = super::find(Path::new("/"), python).ok_or(format!(
        "{python} is not on PATH (needed to create the tool's environment)"
    ))?;
    run(Command::new(&python.program).args(["-m", "venv"]).arg(dir))?;
    run(Command::new(dir.join("bin/python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(requirements))
}

/// `cargo install --root DIR` of each crate: a folder (`--path`) or `NAME@VERSION`.
fn install_cargo(dir: &Path, crates: &[String]) -> Result<(), String> {
    let cargo = super::find(Path::new("/"), "cargo")
        .ok_or("cargo is not on PATH (needed to build the tool)")?;
    for item in crates {
        let mut cmd = Command::new(&cargo.program);
        cmd.args(["install", "--quiet", "--bins", "--root"])
            .arg(dir);
        if Path::new(item).is_dir() {
            cmd.arg("--path").arg(item);
        } else {
            cmd.arg(item);
        }
        run(&mut cmd)?;
    }
    Ok(())
}

/// The Node resolve hook an npm environment carries, so a project's config
/// can import what rungs installed for it (see the files' own comments).
pub const NODE_REGISTER: &str = "rungs-resolve.mjs";
const NODE_FILES: [(&str, &str); 2] = [
    (NODE_REGISTER, include_str!("node-register.mjs")),
    (
        "rungs-resolve-hooks.mjs",
        include_str!("node-resolve-hooks.mjs"),
    ),
];

/// Put the resolve hook's files in the npm environment `dir`.
pub fn write_node_resolve(dir: &Path) -> std::io::Result<()> {
    for (name, text) in NODE_FILES {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

fn install_npm(dir: &Path, packages: &[String]) -> Result<(), String> {
    let npm = super::find(Path::new("/"), "npm")
        .ok_or("npm is not on PATH (needed to install the tool)")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("package.json"), "{\"private\": true}\n").map_err(|e| e.to_string())?;
    write_node_resolve(dir).map_err(|e| e.to_string())?;
    run(Command::new(&npm.program)
        .args([
            "install",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
            "--prefix",
        ])
        .arg(dir)
        .args(packages))
}
