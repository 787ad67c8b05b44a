//! One project's part of a hook run: plan its staged files, run the
//! pipeline on the shadow copy, report, and hand failing fixable checks to
//! the fixers.

use super::fix::fix_staged;
use super::projects::{Staged, plural, unchecked_code};
use super::{HookStage, shadow};
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::{Error, exit};
use crate::pipeline::{Format, Gates, Selection, plan_for, run_checks, schedule};
use crate::plan::Shard;
use crate::preset::builtin_presets;
use crate::project::Project;
use crate::report::{Event, Notice, NoticeReporter, Reporter, Summary, TerminalReporter};
use crate::results::CheckResult;
use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

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
    let project_root = if prefix.is_empty() {
        shadow.dir.clone()
    } else {
        shadow.dir.join(prefix)
    };
    let under = |path: &str| -> Option<String> {
        if prefix.is_empty() {
            Some(path.to_string())
        } else {
            path.strip_prefix(&format!("{prefix}/")).map(str::to_string)
        }
    };
    let blobs: std::collections::HashMap<String, String> = shadow
        .entries
        .iter()
        .filter_map(|e| under(&e.path).map(|p| (p, e.blob.clone())))
        .collect();
    let project = Project::open_index(&project_root, &builtin_presets()?, &blobs)?;
    // pre-commit's own SKIP is honoured too: a team's habit keeps working.
    let hook_ids = crate::precommit::hook_ids(&project.root);
    let skip: Vec<String> = ["RUNGS_SKIP", "SKIP"]
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
        .collect();
    let selection = Selection {
        tier: None,
        only: Vec::new(),
        skip,
        files: Vec::new(),
        changed: None,
        jobs: None,
        format: Format::Text,
        hook_stage: Some(run.stage.name()),
        all_tests: false,
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
    let mut scheduled = schedule(
        &mut prepared,
        Some(&mut cache),
        Shard { index: 1, total: 1 },
        true,
    )?;
    crate::timing::mark("hook: planned, cache looked up");
    // The baseline holds as in `rungs check`; a check the project has not
    // adopted fails only on the lines this commit brings.
    let changed = match run.stage {
        HookStage::PreCommit => crate::project::git::staged_lines(&run.real_root)?,
        // The pushed commits' files, whole.
        HookStage::PrePush => run
            .files
            .iter()
            .map(|f| (f.clone(), Default::default()))
            .collect(),
    };
    let gates = Gates::load(&prepared.project, false, Some(changed))?;
    let root = prepared.project.root.clone();
    let mut terminal = TerminalReporter::new();
    terminal.event(&Event::Started {
        plan: &prepared.plan,
    });
    let mut reports = Vec::new();
    run_checks(
        &mut prepared,
        &mut scheduled,
        Some(&cache),
        cancel,
        &mut |plan, report| {
            let judged = gates.judge_job(&root, plan, report);
            terminal.event(&Event::JobFinished {
                plan,
                report: &judged,
            });
            reports.push(judged);
        },
    );
    crate::timing::mark("hook: checks run");
    let plan = &prepared.plan;
    let interrupted = cancel.load(Ordering::SeqCst);
    let checks: Vec<CheckResult> = (0..plan.checks.len())
        .map(|i| {
            plan.result_of(
                i,
                &reports.iter().filter(|r| r.check == i).collect::<Vec<_>>(),
            )
        })
        .collect();
    let failed = checks.iter().any(|c| !c.outcome.is_success());
    let exit_code = if interrupted {
        exit::INTERRUPTED
    } else if failed {
        exit::FAILED
    } else {
        exit::PASSED
    };
    let summary = Summary {
        tier: plan.tier.name.clone(),
        checks: checks.clone(),
        wall: run.start.elapsed(),
        budget: plan.budget,
        exit_code,
        gates: Vec::new(),
        baseline: None,
        shard: None,
        changed_base: None,
    };
    terminal.event(&Event::Finished {
        plan,
        summary: &summary,
    });
    if interrupted {
        return Err(Error::Interrupted);
    }
    if failed && fix_enabled && !index_moved()? {
        let fixed = fix_staged(
            run.repo,
            shadow,
            prefix,
            &mut prepared,
            &scheduled.tools,
            &checks,
            cancel,
        )?;
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        if !fixed.is_empty() {
            NoticeReporter.event(&Event::Notice(Notice::Fixed { files: &fixed }));
        }
    }
    Ok(exit_code)
}
