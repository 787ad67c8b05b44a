//! The hook's fixes: fixers run on the shadow copy, and each change is
//! carried to the working tree through the journal, merged with unstaged
//! work or left alone on a conflict.

use super::{journal, merge, shadow};
use crate::check::Kind;
use crate::error::Error;
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::git::Repo;
use crate::pipeline::{Finished, Prepared};
use crate::plan::Job;
use crate::results::JobReport;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// The fixes of the failing fixable checks, import sorters first: of the
/// files whose findings fail the commit (what is only "to adopt" is not
/// fixed). A formatter the project has not adopted fixes the staged lines
/// only, and with no way to, nothing: a file the team never formatted is
/// never rewritten whole.
fn fix_jobs(prepared: &Prepared, finished: &Finished) -> Vec<Job> {
    let checks = &finished.summary.checks;
    let changed = prepared.change.lines.as_ref();
    let mut jobs = Vec::new();
    for kind in [Kind::Imports, Kind::Format] {
        for (i, planned) in prepared.plan.checks.iter().enumerate() {
            if planned.check.kind != kind
                || planned.check.fix.is_none()
                || checks[i].outcome != Outcome::Failed
            {
                continue;
            }
            let mut files: Vec<String> = checks[i]
                .findings
                .iter()
                .filter(|f| f.blocking())
                .filter_map(|f| f.path.clone())
                .collect();
            files.sort();
            files.dedup();
            if files.is_empty() {
                continue;
            }
            let held = planned.check.holds_line && !finished.gates.adopted(planned);
            match (held && kind == Kind::Format, &planned.check.fix_range) {
                (false, _) => jobs.extend(Job::fixes(i, files, None)),
                (true, Some(_)) => jobs.extend(Job::fixes(i, files, changed)),
                (true, None) => {}
            }
        }
    }
    jobs
}

/// Run the failing fixable checks' fixers on the shadow copy, then carry each
/// change over to the working tree: as is where the file has no unstaged
/// changes, merged three-way where it has, and not at all on a conflict.
pub fn fix_staged(
    repo: &Repo,
    shadow: &mut shadow::Shadow,
    prefix: &str,
    prepared: &mut Prepared,
    finished: &Finished,
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Vec<String>, Error> {
    let jobs = fix_jobs(prepared, finished);
    let tools = &finished.tools;
    let plan = &mut prepared.plan;
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let touched: Vec<String> = {
        let mut t: Vec<String> = jobs.iter().flat_map(|j| j.files.clone()).collect();
        t.sort();
        t.dedup();
        t
    };
    let top_relative = |file: &String| {
        if prefix.is_empty() {
            file.clone()
        } else {
            format!("{prefix}/{file}")
        }
    };
    shadow.mark_dirty(&touched.iter().map(top_relative).collect::<Vec<_>>())?;
    plan.jobs = jobs;
    let project_root = prepared.project.root.clone();
    let ctx = execute::Context {
        root: &project_root,
        plan,
        tools,
        workers: prepared.workers,
        cancel,
    };
    // Fault injection for the tests: Ctrl-C as the Nth fixer starts.
    let failpoint = std::env::var("RUNGS_FAILPOINT_FIX_JOBS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok());
    // One fixer at a time, imports before formatting.
    for j in 0..ctx.plan.jobs.len() {
        if failpoint == Some(j) {
            cancel.store(true, Ordering::SeqCst);
        }
        let _: Vec<JobReport> = execute::run_jobs(&ctx, &[j], Mode::Fix, &mut |_| {});
    }
    // Interrupted while the fixers ran, some files are fixed in the shadow
    // copy and some not: carrying those over would leave a tree that is
    // neither the one before the commit nor the one a finished hook leaves.
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    // The base of each fix is the staged content that was checked.
    let blobs: BTreeMap<String, String> = shadow
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.blob.clone()))
        .collect();
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    for file in touched {
        let top_rel = if prefix.is_empty() {
            file.clone()
        } else {
            format!("{prefix}/{file}")
        };
        let Some(blob) = blobs.get(&top_rel) else {
            continue;
        };
        let staged = repo.blob(blob)?;
        let Ok(fixed) = std::fs::read(project_root.join(&file)) else {
            continue;
        };
        if fixed == staged {
            continue;
        }
        let Ok(worktree) = std::fs::read(repo.top.join(&top_rel)) else {
            continue;
        };
        let new = if worktree == staged {
            Some(fixed)
        } else {
            merge::three_way(repo, &staged, &worktree, &fixed)?
        };
        match new {
            Some(bytes) if bytes != worktree => changes.push(journal::Change {
                path: top_rel,
                expected: worktree,
                new: bytes,
            }),
            Some(_) => {}
            None => conflicts.push(top_rel),
        }
    }
    // A file saved again since it was read is left alone too.
    conflicts.extend(journal::apply(repo, &changes)?);
    for path in &conflicts {
        eprintln!(
            "rungs: the fix for {path} conflicts with its unstaged changes; the file was left as it is. Fix it by hand, or stage all of it and commit again."
        );
    }
    Ok(changes
        .into_iter()
        .map(|c| c.path)
        .filter(|p| !conflicts.contains(p))
        .collect())
}
