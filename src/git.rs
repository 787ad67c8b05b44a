//! Running git: raw bytes in and out, NUL-separated names, so no file name
//! is ever mangled by quoting. Used by `--changed`, the hook and `rungs bump`.

use crate::error::Error;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A repository (or worktree) as the hook sees it.
#[derive(Clone, Debug)]
pub struct Repo {
    /// The work tree's top folder.
    pub top: PathBuf,
    /// This worktree's git dir (`.git`, or `.git/worktrees/NAME`).
    pub git_dir: PathBuf,
}

impl Repo {
    pub fn discover(start: &Path) -> Result<Repo, Error> {
        let out = run_in(
            start,
            &["rev-parse", "--show-toplevel", "--absolute-git-dir"],
            None,
            &[],
        )?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        match (lines.next(), lines.next()) {
            (Some(top), Some(git_dir)) => Ok(Repo {
                top: PathBuf::from(top),
                git_dir: PathBuf::from(git_dir),
            }),
            _ => Err(Error::Git {
                message: format!("{} is not inside a git work tree", start.display()),
            }),
        }
    }

    pub fn git(&self, args: &[&str]) -> Result<Vec<u8>, Error> {
        run_in(&self.top, args, None, &[])
    }

    pub fn git_stdin(&self, args: &[&str], stdin: &[u8]) -> Result<Vec<u8>, Error> {
        run_in(&self.top, args, Some(stdin), &[])
    }

    pub fn git_env(&self, args: &[&str], env: &[(&str, &Path)]) -> Result<Vec<u8>, Error> {
        run_in(&self.top, args, None, env)
    }

    pub fn git_full(
        &self,
        args: &[&str],
        stdin: Option<&[u8]>,
        env: &[(&str, &Path)],
    ) -> Result<Vec<u8>, Error> {
        run_in(&self.top, args, stdin, env)
    }

    /// A path inside this worktree's git dir, e.g. `rungs/journal.json`.
    pub fn private(&self, rel: &str) -> PathBuf {
        self.git_dir.join(rel)
    }

    /// Store bytes as a blob; returns its id.
    pub fn hash_object(&self, bytes: &[u8]) -> Result<String, Error> {
        let out = self.git_stdin(&["hash-object", "-w", "--stdin"], bytes)?;
        Ok(String::from_utf8_lossy(&out).trim().to_string())
    }

    pub fn blob(&self, id: &str) -> Result<Vec<u8>, Error> {
        self.git(&["cat-file", "blob", id])
    }
}

/// Run git in `dir`; its stdout, or its stderr as the error.
pub fn run_in(
    dir: &Path,
    args: &[&str],
    stdin: Option<&[u8]>,
    env: &[(&str, &Path)],
) -> Result<Vec<u8>, Error> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.stdin(if stdin.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| Error::Git {
        message: format!("could not run git: {e}"),
    })?;
    if let Some(bytes) = stdin {
        let mut pipe = child.stdin.take().expect("piped");
        let bytes = bytes.to_vec();
        // Written from a thread so a large input cannot deadlock against git's output.
        std::thread::spawn(move || {
            let _ = pipe.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().map_err(|e| Error::Git {
        message: format!("git did not finish: {e}"),
    })?;
    if !out.status.success() {
        return Err(Error::Git {
            message: format!(
                "`git {}` failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    Ok(out.stdout)
}

/// Split NUL-terminated git output into names.
pub fn split_z(bytes: &[u8]) -> Vec<String> {
    bytes
        .split(|b| *b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
        .collect()
}
