//! One project's part of a hook run: plan its staged files, run the
//! pipeline on the shadow copy, report, and hand failing fixable checks to
//! the fixers.

use super::fix::fix_staged;
use super::projects::{Staged, plural, unchecked_code};
use super::{HookStage, shadow};
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::{Error, exit};
use crate::pipeline::{Change, Install, Judging, RunOptions, Selection, plan_for};
use crate::plan::Shard;
use crate::preset::builtin_presets;
use crate::project::Project;
use crate::report::{Event, Notice, NoticeReporter, Reporter, TerminalReporter};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

/// Say so when the rungs config the hook read from the working tree is not
/// what is staged (pre-commit says the same of an unstaged config).
fn unstaged_config(project: &Project, index_root: &std::path::Path) {
    let Some(source) = &project.config.source else {
        return;
    };
    let Some(name) = source.path.file_name() else {
        return;
    };
    let staged = std::fs::read_to_string(index_root.join(name)).ok();
    if staged.as_deref() != Some(source.text.as_str()) {
        eprintln!(
            "rungs: {} is not staged as it is in the working tree; the hook uses the working tree's (git add it to commit it)",
            source.path.display()
        );
    }
}

/// Check one project's staged files in the shadow copy, and carry the
/// fixers' changes to the working tree.
/// `unknown_skips` counts, per id in RUNGS_SKIP (or pre-commit's SKIP), the
/// projects that have no such check.
pub fn check_project(
    run: &Staged,
    shadow: &mut shadow::Shadow,
    index_moved: &dyn Fn() -> Result<bool, Error>,
    unknown_skips: &mut BTreeMap<String, usize>,
) -> Result<i32, Error> {
    let prefix = run.prefix.as_str();
    let project_root = match prefix {
        "" => shadow.dir.clone(),
        _ => shadow.dir.join(prefix),
    };
    let project = open_staged(run, shadow, &project_root)?;
    let selection = Selection {
        skip: skips(&project, unknown_skips),
        hook_stage: Some(run.stage.name()),
        ..Selection::default()
    };
    let fix_enabled =
        project.config.raw.hook.fix.unwrap_or(true) && run.stage == HookStage::PreCommit;
    crate::timing::mark("hook: project opened");
    let mut prepared = plan_for(
        project,
        run.real_root.clone(),
        &selection,
        Stage::Commit,
        Some(run.files.clone()),
        staged_change(run)?,
    )?;
    unchecked_code(run, &prepared.project)?;
    if prepared.plan.checks.is_empty() && run.several {
        // A README at the top of a repository of projects: nothing to say.
        return Ok(exit::PASSED);
    }
    if run.several {
        let name = if prefix.is_empty() { "." } else { prefix };
        println!("rungs: {name} ({} staged)", plural(run.files.len(), "file"));
    }
    let cancel = run.cancel;
    let mut cache =
        Cache::open_shared(&project_root, &run.real_root)?.with_remote(&prepared.project.config)?;
    let options = RunOptions {
        shard: Shard { index: 1, total: 1 },
        install: Install::Allowed,
        judging: Judging::Gates,
        cancel,
        started: run.start,
    };
    let mut terminal = TerminalReporter::new();
    let finished = crate::pipeline::run(&mut prepared, Some(&mut cache), &options, &mut |e| {
        terminal.event(e)
    })?;
    cache.finish();
    crate::timing::mark("hook: checks run");
    if cancel.load(Ordering::SeqCst) {
        return Err(Error::Interrupted);
    }
    let exit_code = finished.summary.exit_code;
    if exit_code != exit::PASSED && fix_enabled && !index_moved()? {
        let fixed = fix_staged(run.repo, shadow, prefix, &mut prepared, &finished, cancel)?;
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        if !fixed.is_empty() {
            NoticeReporter.event(&Event::Notice(Notice::Fixed { files: &fixed }));
        }
    }
    Ok(exit_code)
}

/// The project as staged: its files are the index's (under the shadow copy
/// at `project_root`), its rungs config the working tree's.
fn open_staged(
    run: &Staged,
    shadow: &shadow::Shadow,
    project_root: &std::path::Path,
) -> Result<Project, Error> {
    let prefix = run.prefix.as_str();
    let under = |path: &str| -> Option<String> {
        match prefix {
            "" => Some(path.to_string()),
            _ => path.strip_prefix(&format!("{prefix}/")).map(str::to_string),
        }
    };
    let blobs: std::collections::HashMap<String, String> = shadow
        .entries
        .iter()
        .filter_map(|e| under(&e.path).map(|p| (p, e.blob.clone())))
        .collect();
    let project = Project::open_index(project_root, &builtin_presets()?, &blobs, &run.real_root)?;
    unstaged_config(&project, project_root);
    Ok(project)
}

/// The checks RUNGS_SKIP names, and pre-commit's SKIP too (a team's habit
/// keeps working); ids this project has no check of are counted instead.
fn skips(project: &Project, unknown_skips: &mut BTreeMap<String, usize>) -> Vec<String> {
    let hook_ids = crate::precommit::hook_ids(&project.root);
    ["RUNGS_SKIP", "SKIP"]
        .iter()
        .map(|name| std::env::var(name).unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|id| {
            let known = crate::check::is_builtin(id)
                || project.config.raw.checks.contains_key(id)
                || hook_ids.contains(id);
            if !known {
                *unknown_skips.entry(id.clone()).or_default() += 1;
            }
            known
        })
        .collect()
}

/// What the hook holds the line against: the lines the commit brings, or
/// for a push, the pushed commits' files whole. The baseline holds as in
/// `rungs check`.
fn staged_change(run: &Staged) -> Result<Change, Error> {
    Ok(match run.stage {
        HookStage::PreCommit => Change::staged(
            crate::project::git::staged_lines(&run.real_root)?,
            "the staged changes",
        ),
        HookStage::PrePush => Change::staged(
            run.files
                .iter()
                .map(|f| (f.clone(), Default::default()))
                .collect(),
            "the pushed commits' files",
        ),
    })
}
