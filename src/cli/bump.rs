//! `rungs bump`: arguments; the bump itself is [`crate::bump`].

use crate::bump::BumpRequest;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct BumpArgs {
    /// Show what is outdated and what would be bumped; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Push the branch and open a GitLab merge request (push options).
    #[arg(long)]
    pub push: bool,
    /// Branch to create (default from config, else rungs/bump-YYYY-MM-DD).
    #[arg(long)]
    pub branch: Option<String>,
    /// Only these dependencies.
    #[arg(long, value_name = "NAME", num_args = 1.., value_delimiter = ',')]
    pub only: Vec<String>,
    /// Write the Markdown report here.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Remote to push to.
    #[arg(long, default_value = "origin")]
    pub remote: String,
    /// Only security bumps: versions in use with a known vulnerability
    /// (PyPI's and npm's advisories), moved to a release that fixes them.
    #[arg(long)]
    pub security_only: bool,
    /// Only verify the project as every bump run starts: its checks, in a
    /// worktree with the environment a bump makes; bump nothing.
    #[arg(long, conflicts_with_all = ["dry_run", "push", "security_only"])]
    pub verify_only: bool,
}

impl BumpArgs {
    pub fn request(&self) -> BumpRequest {
        BumpRequest {
            dry_run: self.dry_run,
            push: self.push,
            branch: self.branch.clone(),
            only: self.only.clone(),
            markdown: self.markdown.clone(),
            json: self.json.clone(),
            remote: self.remote.clone(),
            security_only: self.security_only,
            verify_only: self.verify_only,
        }
    }
}
