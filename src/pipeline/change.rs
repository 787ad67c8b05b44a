//! What a run holds the line against, resolved once before planning: the
//! lines the change touched. Checks the project has not adopted fail only on
//! those; with no change to compare against, they are advisory.

use crate::error::Error;
use crate::gate::ChangedLines;
use crate::project::git;
use std::path::Path;

/// The change a run judges, and what it was measured against.
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// Lines added or changed, per project-relative file; `None`: nothing
    /// to compare against (outside git, nothing changed), so every finding
    /// of a check the project has not adopted is advisory.
    pub lines: Option<ChangedLines>,
    /// For `rungs plan`: "checks not adopted hold the line against
    /// origin/main at abc1234, plus uncommitted changes".
    pub against: String,
    /// What `--changed` compared against, as named (`main`): diff
    /// coverage's base.
    pub changed_base: Option<String>,
    /// The same as a commit (a branch moves), for `rungs merge` to judge
    /// against and to check its shards agree on.
    pub changed_commit: Option<String>,
}

impl Change {
    /// `rungs check` and `rungs plan`: `--changed [REF]` when given; else, in
    /// a git checkout, the merge base with the default branch (GitLab's
    /// merge-request base in a merge-request pipeline) plus the staged,
    /// unstaged and untracked work.
    pub fn of_checkout(root: &Path, changed: Option<&str>) -> Result<Change, Error> {
        if let Some(reference) = changed {
            let reference = (!reference.is_empty()).then_some(reference);
            let base = git::diff_base(root, reference)?;
            let lines = git::changed_lines(root, &base)?;
            let commit = git::commit_of(root, &base).unwrap_or_else(|| base.clone());
            return Ok(Change {
                against: holding(&against(reference.unwrap_or(&base), &commit)),
                lines: Some(lines),
                changed_base: Some(base),
                changed_commit: Some(commit),
            });
        }
        if git::head(root).is_none() {
            return Ok(Change::advisory(
                "outside a git checkout, nothing to compare with",
            ));
        }
        let Ok(base) = git::diff_base(root, None) else {
            return Ok(Change::advisory(
                "no default branch to compare with (pass --changed REF)",
            ));
        };
        let lines = git::changed_lines(root, &base)?;
        let commit = git::commit_of(root, &base).unwrap_or_else(|| base.clone());
        let in_merge_request =
            std::env::var("CI_MERGE_REQUEST_DIFF_BASE_SHA").is_ok_and(|sha| !sha.is_empty());
        let name = match in_merge_request {
            true => "the merge request's base".to_string(),
            false => git::default_branch(root).unwrap_or_else(|| "the default branch".into()),
        };
        if lines.is_empty() {
            let short: String = commit.chars().take(10).collect();
            return Ok(Change::advisory(&format!(
                "nothing changed against {name} at {short}"
            )));
        }
        Ok(Change {
            lines: Some(lines),
            against: holding(&against(&name, &commit)),
            ..Change::default()
        })
    }

    /// The hook's: what the commit brings (or the push, whole files).
    pub fn staged(lines: ChangedLines, against: &str) -> Change {
        Change {
            lines: Some(lines),
            against: holding(against),
            ..Change::default()
        }
    }

    fn advisory(why: &str) -> Change {
        Change {
            lines: None,
            against: format!("{why}: findings of checks not adopted are advisory"),
            ..Change::default()
        }
    }
}

fn holding(against: &str) -> String {
    format!("checks not adopted hold the line against {against}")
}

fn against(name: &str, commit: &str) -> String {
    let short: String = commit.chars().take(10).collect();
    if name == commit || name.starts_with(&short) {
        format!("{short}, plus uncommitted changes")
    } else {
        format!("{name} at {short}, plus uncommitted changes")
    }
}
