//! The `history` check as the planner sees it.

use super::judge::SUBCOMMAND;
use crate::check::{Check, Kind, ParserKind, Scope, Stage};
use crate::config::HistoryRules;
use crate::error::Error;
use crate::project::git;
use std::path::Path;
use std::time::Duration;

pub const ID: &str = "history";

/// The check for `rules`, judging the commits since `reference` (`--changed
/// REF`), else the merge-request base, else the merge base.
pub fn check(root: &Path, rules: &HistoryRules, reference: Option<&str>) -> Result<Check, Error> {
    let exe = std::env::current_exe().map_err(|e| Error::io("rungs", e))?;
    let mut command = vec![exe.to_string_lossy().into_owned(), SUBCOMMAND.to_string()];
    match range(root, reference) {
        Ok((base, head)) => {
            let rules = serde_json::to_string(rules).expect("rules serialize");
            command.extend(["--rules".into(), rules, base, head]);
        }
        Err(why) => command.extend(["--nothing".into(), why]),
    }
    let mut check = Check::made(
        ID,
        Kind::History,
        "the commits since the base: count, merges, subjects, kinds of change".into(),
        command,
    );
    check.scope = Scope::Project;
    check.parser = ParserKind::Regex;
    check.pattern = Some(
        regex::Regex::new(r"^history:(?P<severity>error|info):(?P<rule>[a-z-]+): (?P<message>.*)$")
            .expect("a valid pattern"),
    );
    check.timeout = Duration::from_secs(60);
    check.expected_seconds = Some(0.05);
    check.serial = true;
    check.stages = vec![Stage::Ci];
    Ok(check)
}

/// The base and `HEAD` commits, or why there is nothing to judge.
fn range(root: &Path, reference: Option<&str>) -> Result<(String, String), String> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if reference.is_none() && var("GITLAB_CI").is_some() && var("CI_MERGE_REQUEST_IID").is_none() {
        return Err("not a merge-request pipeline".into());
    }
    let head = git::head(root).ok_or("no commit checked out")?;
    let base = git::diff_base(root, reference).map_err(|e| format!("no base: {e}"))?;
    let base = git::commit_of(root, &base).ok_or(format!("no base: `{base}` is not a commit"))?;
    Ok((base, head))
}
