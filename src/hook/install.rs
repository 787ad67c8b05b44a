//! `rungs hook install / uninstall`: the git hook script, where git will run it
//! (core.hooksPath, worktrees and submodules respected), never overwriting a
//! hook that is not ours unless asked to chain it.

use crate::error::Error;
use crate::git::Repo;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

const MARKER: &str = "# rungs-hook: installed by `rungs hook install`";
const CHAINED_SUFFIX: &str = ".rungs-chained";

/// The folder git runs hooks from.
pub fn hooks_dir(repo: &Repo) -> Result<PathBuf, Error> {
    if let Ok(out) = repo.git(&["config", "--get", "core.hooksPath"]) {
        let configured = String::from_utf8_lossy(&out).trim().to_string();
        if !configured.is_empty() {
            let path = PathBuf::from(shellexpand_home(&configured));
            return Ok(if path.is_absolute() {
                path
            } else {
                repo.top.join(path)
            });
        }
    }
    let out = repo.git(&["rev-parse", "--git-common-dir"])?;
    let common = PathBuf::from(String::from_utf8_lossy(&out).trim());
    let common = if common.is_absolute() {
        common
    } else {
        repo.top.join(common)
    };
    Ok(common.join("hooks"))
}

fn shellexpand_home(path: &str) -> String {
    match (path.strip_prefix("~/"), std::env::var("HOME")) {
        (Some(rest), Ok(home)) => format!("{home}/{rest}"),
        _ => path.to_string(),
    }
}

fn script(stage: &str) -> String {
    let exe = std::env::current_exe()
        .ok()
        .and_then(|p| p.canonicalize().ok())
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "rungs".into());
    let quoted = shell_words::quote(&exe);
    let head = format!(
        "#!/bin/sh\n{MARKER}\n# Remove with `rungs hook uninstall`. Skip once: RUNGS_SKIP=check,... or git commit --no-verify.\n\
RUNGS={quoted}\n[ -x \"$RUNGS\" ] || RUNGS=rungs\nchained=\"$0{CHAINED_SUFFIX}\"\n"
    );
    let body = if stage == "pre-push" {
        // git writes the pushed refs on stdin: rungs and a chained hook both get them.
        format!(
            "input=$(mktemp) || exit 1\ntrap 'rm -f \"$input\"' EXIT\ncat > \"$input\"\n\
\"$RUNGS\" hook run --stage {stage} \"$@\" < \"$input\" || exit $?\n\
if [ -x \"$chained\" ]; then \"$chained\" \"$@\" < \"$input\"; exit $?; fi\n"
        )
    } else {
        format!(
            "\"$RUNGS\" hook run --stage {stage} \"$@\" || exit $?\n\
if [ -x \"$chained\" ]; then exec \"$chained\" \"$@\"; fi\n"
        )
    };
    head + &body
}

pub struct Installed {
    pub path: PathBuf,
    pub chained: Option<PathBuf>,
}

pub fn install(repo: &Repo, stage: &str, chain: bool) -> Result<Installed, Error> {
    let dir = hooks_dir(repo)?;
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let path = dir.join(stage);
    let mut chained = None;
    if let Ok(existing) = std::fs::read_to_string(&path)
        && !existing.contains(MARKER)
    {
        if !chain {
            return Err(Error::Usage {
                message: format!("{} already exists and is not rungs's hook", path.display()),
                hint: Some(
                    "pass --chain to keep it and run it after rungs, or remove it first".into(),
                ),
            });
        }
        let keep = dir.join(format!("{stage}{CHAINED_SUFFIX}"));
        std::fs::rename(&path, &keep).map_err(|e| Error::io(&path, e))?;
        chained = Some(keep);
    }
    crate::fs::write_atomic(&path, script(stage).as_bytes())?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(&path, e))?;
    Ok(Installed { path, chained })
}

/// Remove rungs's hook; a chained hook takes its place again.
pub fn uninstall(repo: &Repo, stage: &str) -> Result<Option<PathBuf>, Error> {
    let dir = hooks_dir(repo)?;
    let path = dir.join(stage);
    match std::fs::read_to_string(&path) {
        Ok(text) if text.contains(MARKER) => {}
        Ok(_) => {
            return Err(Error::Usage {
                message: format!("{} is not rungs's hook; left as it is", path.display()),
                hint: None,
            });
        }
        Err(_) => return Ok(None),
    }
    let keep = dir.join(format!("{stage}{CHAINED_SUFFIX}"));
    if keep.exists() {
        std::fs::rename(&keep, &path).map_err(|e| Error::io(&keep, e))?;
    } else {
        std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
    }
    Ok(Some(path))
}
