//! `rungs hook install | uninstall | run | recover`: arguments, then the
//! hook's own code in [`crate::hook`].

use crate::error::{Error, exit};
use crate::git::Repo;
use crate::hook::{self, HookStage, install, journal};
use std::path::Path;

#[derive(clap::Subcommand, Debug)]
pub enum HookCommand {
    /// Write the git hook (respects core.hooksPath, worktrees and submodules).
    Install {
        /// The git hook (default: those the `.pre-commit-config.yaml` names in
        /// `default_install_hook_types`, else pre-commit).
        #[arg(long, value_enum)]
        stage: Option<HookStage>,
        /// Keep an existing hook and run it after rungs.
        #[arg(long, conflicts_with = "replace")]
        chain: bool,
        /// Put rungs in place of an existing hook (kept aside; uninstall puts it back).
        #[arg(long)]
        replace: bool,
    },
    /// Remove rungs's hook (a chained or replaced hook is put back).
    Uninstall {
        #[arg(long, value_enum, default_value_t = HookStage::PreCommit)]
        stage: HookStage,
    },
    /// What the installed hook runs: check the staged content (or the pushed commits).
    Run {
        #[arg(long, value_enum, default_value_t = HookStage::PreCommit)]
        stage: HookStage,
        /// Arguments git passes to the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
    /// Put back files an interrupted hook was fixing (any rungs command also does this).
    Recover,
}

pub fn run(cwd: &Path, command: &HookCommand) -> Result<i32, Error> {
    let repo = Repo::discover(cwd)?;
    match command {
        HookCommand::Install {
            stage,
            chain,
            replace,
        } => {
            let existing = match (chain, replace) {
                (true, _) => install::Existing::Chain,
                (_, true) => install::Existing::Replace,
                _ => install::Existing::Refuse,
            };
            let stages: Vec<&str> = match stage {
                Some(s) => vec![s.name()],
                None => install_types(&repo),
            };
            for stage in stages {
                let done = install::install(&repo, stage, existing)?;
                println!("installed {}", done.path.display());
                match (done.kept, existing) {
                    (Some(c), install::Existing::Chain) => {
                        println!("the existing hook runs after rungs: {}", c.display())
                    }
                    (Some(c), _) => println!(
                        "the existing hook is kept aside, and put back by `rungs hook uninstall`: {}",
                        c.display()
                    ),
                    (None, _) => {}
                }
            }
            Ok(exit::PASSED)
        }
        HookCommand::Uninstall { stage } => {
            match install::uninstall(&repo, stage.name())? {
                Some(path) => println!("removed {}", path.display()),
                None => println!("no rungs {} hook installed", stage.name()),
            }
            Ok(exit::PASSED)
        }
        HookCommand::Recover => {
            match journal::recover(&repo)? {
                None => println!("nothing to recover"),
                Some(done) => hook::report_recovery(&done),
            }
            Ok(exit::PASSED)
        }
        HookCommand::Run { stage, .. } => hook::run(&repo, *stage),
    }
}

/// The git hooks `.pre-commit-config.yaml`'s `default_install_hook_types`
/// names that rungs runs (pre-commit, pre-push); the others are said.
fn install_types(repo: &Repo) -> Vec<&'static str> {
    let named = crate::precommit::install_hook_types(&repo.top);
    let mut out = Vec::new();
    for name in &named {
        match name.as_str() {
            "pre-commit" => out.push("pre-commit"),
            "pre-push" => out.push("pre-push"),
            other => eprintln!(
                "rungs: warning: .pre-commit-config.yaml names the {other} hook type; rungs installs pre-commit and pre-push hooks only"
            ),
        }
    }
    if out.is_empty() {
        out.push("pre-commit");
    }
    out
}
