//! Tool versions, asked of each tool once per run and remembered while the
//! program file is unchanged (a Python tool's version costs a start-up).

use super::write_atomic;
use crate::check::Check;
use crate::error::Error;
use crate::tool::Tool;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Clone, PartialEq, Serialize, Deserialize)]
struct Known {
    stamp: (u64, i64, i64, i64, i64, u64),
    version: String,
}

fn stamp(program: &Path) -> Option<(u64, i64, i64, i64, i64, u64)> {
    let m = std::fs::metadata(program).ok()?;
    Some((
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
        m.ino(),
    ))
}

pub struct Versions {
    path: Option<PathBuf>,
    known: HashMap<String, Known>,
    changed: bool,
}

impl Versions {
    pub fn load(path: Option<PathBuf>) -> Versions {
        let known = path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Versions {
            path,
            known,
            changed: false,
        }
    }

    /// The tool's version as its version command prints it.
    pub fn of(&mut self, root: &Path, check: &Check, tool: &Tool) -> Result<String, Error> {
        let Some(argv) = &check.version else {
            return Ok(String::new());
        };
        // The version command's program: the check's own, found the same way.
        let program = if argv[0] == check.program() {
            tool.program.clone()
        } else {
            crate::tool::find(root, &argv[0])
                .map(|t| t.program)
                .unwrap_or_else(|| PathBuf::from(&argv[0]))
        };
        let id = format!("{}\0{}", program.display(), argv[1..].join("\0"));
        let stamp = if check.cache_version {
            stamp(&program)
        } else {
            None
        };
        if let (Some(stamp), Some(known)) = (stamp, self.known.get(&id))
            && known.stamp == stamp
        {
            return Ok(known.version.clone());
        }
        let out = Command::new(&program)
            .args(&argv[1..])
            .current_dir(root)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| version_error(check, argv, &e.to_string()))?;
        if !out.status.success() {
            let stderr = String::from_utf8_lossy(&out.stderr);
            return Err(version_error(check, argv, stderr.trim()));
        }
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if let Some(stamp) = stamp {
            self.known.insert(
                id,
                Known {
                    stamp,
                    version: version.clone(),
                },
            );
            self.changed = true;
        }
        Ok(version)
    }

    pub fn save(&self) {
        if let (true, Some(path)) = (self.changed, &self.path)
            && let Ok(bytes) = serde_json::to_vec(&self.known)
        {
            let _ = write_atomic(path, &bytes);
        }
    }
}

fn version_error(check: &Check, argv: &[String], detail: &str) -> Error {
    Error::ToolMissing {
        check: check.id.0.clone(),
        tool: argv.join(" "),
        detail: format!(" working (asking its version failed: {detail})"),
        hint: Some(if argv[0] == "cargo" || argv[0] == "rustfmt" {
            "rustup component add rustfmt clippy".to_string()
        } else {
            format!(
                "check that `{}` runs in this project's environment",
                argv.join(" ")
            )
        }),
    }
}
