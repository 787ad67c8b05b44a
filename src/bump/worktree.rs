//! The branch `rungs bump` works on lives in a temporary git worktree, so the
//! user's own working tree and branch are never touched.

use crate::error::Error;
use crate::git::Repo;
use std::path::{Path, PathBuf};

pub struct Worktree {
    pub repo: Repo,
    pub dir: PathBuf,
    /// The project's folder in the worktree (a repository's subfolder, or its top).
    project: PathBuf,
    pub branch: String,
    pub base: String,
    user: Repo,
}

impl Worktree {
    /// A new branch at HEAD, checked out in a temporary folder; the project
    /// is at `prefix` below the repository's top.
    pub fn create(user: &Repo, branch: &str, prefix: &Path) -> Result<Worktree, Error> {
        if user
            .git(&[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("refs/heads/{branch}"),
            ])
            .is_ok()
        {
            return Err(Error::Usage {
                message: format!("branch `{branch}` already exists"),
                hint: Some(format!(
                    "delete it (git branch -D {branch}) or name another with --branch"
                )),
            });
        }
        let base = String::from_utf8_lossy(&user.git(&["rev-parse", "HEAD"])?)
            .trim()
            .to_string();
        let dir =
            std::env::temp_dir().join(format!("rungs-bump-{}-{}", std::process::id(), &base[..12]));
        user.git(&[
            "worktree",
            "add",
            "--quiet",
            "-b",
            branch,
            &dir.display().to_string(),
            &base,
        ])?;
        let repo = Repo::discover(&dir)?;
        Ok(Worktree {
            repo,
            project: dir.join(prefix),
            dir,
            branch: branch.to_string(),
            base,
            user: user.clone(),
        })
    }

    /// Back to the base commit, keeping ignored files (the environment) in place.
    pub fn reset(&self) -> Result<(), Error> {
        self.repo.git(&["reset", "--quiet", "--hard", &self.base])?;
        self.repo.git(&["clean", "--quiet", "-fd"])?;
        Ok(())
    }

    /// Commit everything changed, as one commit; returns its id.
    pub fn commit(&self, message: &str) -> Result<String, Error> {
        self.repo.git(&["add", "--all"])?;
        let named = self.repo.git(&["config", "user.email"]).is_ok();
        let mut args: Vec<&str> = Vec::new();
        if !named {
            args.extend(["-c", "user.name=rungs", "-c", "user.email=rungs@localhost"]);
        }
        args.extend(["commit", "--quiet", "--no-verify", "-m", message]);
        self.repo.git(&args)?;
        Ok(
            String::from_utf8_lossy(&self.repo.git(&["rev-parse", "HEAD"])?)
                .trim()
                .to_string(),
        )
    }

    /// The project's folder in the worktree.
    pub fn path(&self) -> &Path {
        &self.project
    }

    /// Remove the folder; the branch stays when it has commits of its own.
    pub fn finish(self, keep_branch: bool) -> Result<(), Error> {
        self.user.git(&[
            "worktree",
            "remove",
            "--force",
            &self.dir.display().to_string(),
        ])?;
        if !keep_branch {
            self.user.git(&["branch", "--quiet", "-D", &self.branch])?;
        }
        Ok(())
    }
}
