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

fn env_dir(check: &Check) -> Result<PathBuf, Error> {
    let mut key = blake3::Hasher::new();
    for r in check.install.pypi.iter().chain(&check.install.npm) {
        key.update(r.as_bytes());
        key.update(b"\0");
    }
    if let Some(python) = check
        .origin
        .as_ref()
        .and_then(|o| o.language_version.as_deref())
    {
        key.update(python.as_bytes());
    }
    let kind = if check.install.pypi.is_empty() {
        "npm"
    } else {
        "py"
    };
    let name = format!("{kind}-{}", &key.finalize().to_hex()[..16]);
    Ok(crate::dirs::root()?.join("tools").join(name))
}

fn bin_dir(check: &Check, dir: &Path) -> PathBuf {
    if check.install.pypi.is_empty() {
        dir.join("node_modules/.bin")
    } else {
        dir.join("bin")
    }
}

fn tool_in(check: &Check, dir: &Path) -> Option<Tool> {
    if !dir.join(READY).exists() {
        return None;
    }
    let bin = bin_dir(check, dir);
    let program = bin.join(check.program());
    program.exists().then(|| Tool {
        program,
        origin: format!("installed by rungs ({})", requirements(check)),
        bin_dir: Some(bin),
    })
}

fn requirements(check: &Check) -> String {
    check
        .install
        .pypi
        .iter()
        .chain(&check.install.npm)
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A complete earlier install, if any.
pub fn installed(check: &Check) -> Result<Option<Tool>, Error> {
    if check.install.pypi.is_empty() && check.install.npm.is_empty() {
        return Ok(None);
    }
    Ok(tool_in(check, &env_dir(check)?))
}

pub fn install(check: &Check) -> Result<Tool, Error> {
    let dir = env_dir(check)?;
    let parent = dir.parent().expect("env dir has a parent");
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    let lock_path = dir.with_extension("lock");
    let lock = std::fs::File::create(&lock_path).map_err(|e| Error::io(&lock_path, e))?;
    lock.lock().map_err(|e| Error::io(&lock_path, e))?;
    if let Some(tool) = tool_in(check, &dir) {
        return Ok(tool);
    }
    let fail = |message: String| Error::Install {
        check: check.id.0.clone(),
        what: requirements(check),
        message,
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    }
    eprintln!(
        "rungs: installing {} for check `{}` into {} (once)",
        requirements(check),
        check.id,
        dir.display()
    );
    if !check.install.pypi.is_empty() {
        let python = check
            .origin
            .as_ref()
            .and_then(|o| o.language_version.as_deref())
            .unwrap_or("python3");
        install_python(&dir, python, &check.install.pypi).map_err(fail)?;
    } else {
        install_npm(&dir, &check.install.npm).map_err(fail)?;
    }
    std::fs::write(dir.join(READY), requirements(check)).map_err(|e| Error::io(&dir, e))?;
    tool_in(check, &dir).ok_or_else(|| {
        fail(format!(
            "the install finished but `{}` is not in {}",
            check.program(),
            bin_dir(check, &dir).display()
        ))
    })
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

fn install_npm(dir: &Path, packages: &[String]) -> Result<(), String> {
    let npm = super::find(Path::new("/"), "npm")
        .ok_or("npm is not on PATH (needed to install the tool)")?;
    std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("package.json"), "{\"private\": true}\n").map_err(|e| e.to_string())?;
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
