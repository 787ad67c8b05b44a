//! Tool versions, asked of each tool once per run and remembered while the
//! program file is unchanged (a Python tool's version costs a start-up).

use crate::check::Check;
use crate::error::Error;
use crate::fs::write_atomic;
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

    /// The versions of several checks' tools, in order. Those not known
    /// from an earlier run are asked at the same time: each is a tool start
    /// (a Python one takes a few hundred milliseconds).
    pub fn of_all(
        &mut self,
        root: &Path,
        checks: &[(&Check, &Tool)],
    ) -> Result<Vec<String>, Error> {
        let questions: Vec<Option<Question>> =
            checks.iter().map(|(c, t)| question(root, c, t)).collect();
        let answers: Vec<Result<String, Error>> = std::thread::scope(|scope| {
            let handles: Vec<_> = questions
                .iter()
                .zip(checks)
                .map(|(q, (check, _))| {
                    let known = q.as_ref().and_then(|q| {
                        let stamp = q.stamp?;
                        self.known
                            .get(&q.id)
                            .filter(|k| k.stamp == stamp)
                            .map(|k| k.version.clone())
                    });
                    scope.spawn(move || match (q, known) {
                        (None, _) => Ok(String::new()),
                        (Some(_), Some(version)) => Ok(version),
                        (Some(q), None) => ask(root, check, q),
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Ok(String::new())))
                .collect()
        });
        let mut out = Vec::new();
        for (q, answer) in questions.into_iter().zip(answers) {
            let version = answer?;
            if let Some(Question {
                id,
                stamp: Some(stamp),
                ..
            }) = q
                && self
                    .known
                    .get(&id)
                    .is_none_or(|k| k.stamp != stamp || k.version != version)
            {
                self.known.insert(
                    id,
                    Known {
                        stamp,
                        version: version.clone(),
                    },
                );
                self.changed = true;
            }
            out.push(version);
        }
        Ok(out)
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

/// How to ask one tool its version, and what identifies the answer.
struct Question {
    program: PathBuf,
    args: Vec<String>,
    id: String,
    /// The program file's stamp, when the answer may be remembered.
    stamp: Option<(u64, i64, i64, i64, i64, u64)>,
}

fn question(root: &Path, check: &Check, tool: &Tool) -> Option<Question> {
    let argv = check.version.as_ref()?;
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
    Some(Question {
        program,
        args: argv[1..].to_vec(),
        id,
        stamp,
    })
}

fn ask(root: &Path, check: &Check, q: &Question) -> Result<String, Error> {
    let argv = check.version.as_deref().unwrap_or_default();
    let out = Command::new(&q.program)
        .args(&q.args)
        .current_dir(root)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| version_error(check, argv, &e.to_string()))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(version_error(check, argv, stderr.trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}
