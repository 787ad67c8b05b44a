//! The first steps every command shares: open the project, then plan
//! (tier, checks, files) with the durations recorded for it.

use super::{Change, Selection};
use crate::check::{Check, CheckId, Stage};
use crate::error::Error;
use crate::plan::{self, Durations, Ladder, Plan, Request};
use crate::precommit;
use crate::preset::builtin_presets;
use crate::project::{Project, git};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Prepared {
    pub project: Project,
    /// Where tools are looked up (`.venv` ...): the project root, or for the
    /// hook, the real project whose index copy is being checked.
    pub tool_root: std::path::PathBuf,
    pub plan: Plan,
    pub workers: usize,
    pub durations: Durations,
    /// What the line is held against, resolved once.
    pub change: Change,
    /// Every file is checked (no `--files`, `--changed` or staged subset).
    pub whole: bool,
}

fn workers(selection: &Selection, project: &Project) -> usize {
    selection
        .jobs
        .or(project.config.raw.jobs)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

/// Open the project in `cwd` and plan its checks for `stage`.
pub fn prepare(cwd: &Path, selection: &Selection, stage: Stage) -> Result<Prepared, Error> {
    let presets = builtin_presets()?;
    let project = Project::open(cwd, &presets)?;
    let change = Change::of_checkout(&project.root, selection.changed.as_deref())?;
    let files = selected_files(cwd, &project, selection, &change)?;
    let tool_root = project.root.clone();
    plan_for(project, tool_root, selection, stage, files, change)
}

/// The plan for an opened project, restricted to `files` when given.
pub fn plan_for(
    project: Project,
    tool_root: std::path::PathBuf,
    selection: &Selection,
    stage: Stage,
    files: Option<Vec<String>>,
    change: Change,
) -> Result<Prepared, Error> {
    let registry: BTreeMap<CheckId, Check> = crate::config::build_checks(&project.config)?;
    // Relative to the project in the working tree (the hook's project root
    // is its copy of the index), so the hook and `rungs check` share it.
    if let Some(dir) = &project.config.raw.cache_dir {
        crate::dirs::configure(tool_root.join(dir));
    }
    let hook_stage = selection.hook_stage.unwrap_or("pre-commit");
    let mut hooks = project_hooks(&project, &tool_root, &registry, hook_stage)?;
    // The commit rules judge a change's commits: CI's business, not a hook's.
    if stage == Stage::Ci
        && let Some(rules) = project.config.history()?
    {
        let reference = selection.changed.as_deref().filter(|r| !r.is_empty());
        hooks
            .checks
            .push(crate::history::check(&project.root, &rules, reference)?);
    }
    // Known vulnerabilities need the network: CI's business too.
    if stage == Stage::Ci
        && let Some(mut check) =
            crate::vulnerable::check(&project.root, &project.config.raw.bump.registries)?
    {
        let spec = project.config.raw.checks.get(crate::vulnerable::ID);
        check.enabled = spec.and_then(|s| s.get_ref().enabled) != Some(false);
        hooks.checks.push(check);
    }
    let ladder = Ladder::of(&project.config)?;
    let tier = plan::choose_tier(&project, &ladder, selection.tier.as_deref())?;
    let whole = files.is_none();
    let request = Request {
        stage: Some(stage),
        only: selection.only.clone(),
        skip: selection.skip.clone(),
        files,
    };
    let chosen = plan::select_checks(&project, &registry, &hooks.checks, &ladder, &tier, &request)?;
    let workers = workers(selection, &project);
    let budget = project.config.budget()?;
    let durations = Durations::of_project(&project.root);
    Ok(Prepared {
        plan: Plan {
            tier,
            checks: chosen.checks,
            left_out: chosen.left_out,
            notes: chosen.unchecked.into_iter().chain(hooks.notes).collect(),
            jobs: Vec::new(),
            predicted: std::time::Duration::ZERO,
            budget,
            select_tests: project.config.raw.tests.select.unwrap_or(true),
            all_tests: selection.all_tests,
        },
        project,
        tool_root,
        workers,
        durations,
        change,
        whole,
    })
}

/// The checks of the project's `.pre-commit-config.yaml`, if it has one,
/// over the files git tracks (the hook's copy of the index: all its files).
fn project_hooks(
    project: &Project,
    tool_root: &Path,
    registry: &BTreeMap<CheckId, Check>,
    stage: &str,
) -> Result<precommit::Loaded, Error> {
    if !project.root.join(precommit::config::CONFIG_FILE).is_file() {
        return Ok(precommit::Loaded::default());
    }
    let in_index_copy = project.root != tool_root;
    let tracked = match in_index_copy {
        true => None,
        false => git::tracked_files(&project.root),
    };
    let tracked = tracked.unwrap_or_else(|| project.files.clone());
    let loaded = precommit::load(
        &project.root,
        &crate::dirs::root()?,
        &tracked,
        registry,
        stage,
    )?;
    Ok(loaded.unwrap_or_default())
}

/// `--files` and `--changed` as project-relative paths.
fn selected_files(
    cwd: &Path,
    project: &Project,
    selection: &Selection,
    change: &Change,
) -> Result<Option<Vec<String>>, Error> {
    let mut out: Option<Vec<String>> = None;
    if !selection.files.is_empty() {
        let cwd = cwd.canonicalize().map_err(|e| Error::io(cwd, e))?;
        let mut files = Vec::new();
        for f in &selection.files {
            let abs = cwd.join(f);
            let abs = abs.canonicalize().map_err(|e| Error::Usage {
                message: format!("--files: {}: {e}", f.display()),
                hint: None,
            })?;
            let rel = abs.strip_prefix(&project.root).map_err(|_| {
                Error::usage(format!(
                    "--files: {} is outside the project at {}",
                    f.display(),
                    project.root.display()
                ))
            })?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            if abs.is_dir() {
                let prefix = format!("{rel}/");
                files.extend(
                    project
                        .files
                        .iter()
                        .filter(|p| rel.is_empty() || p.starts_with(&prefix))
                        .cloned(),
                );
            } else {
                files.push(rel);
            }
        }
        out = Some(files);
    }
    if let Some(base) = &change.changed_base {
        let changed = git::changed_files(&project.root, base)?;
        out = Some(match out {
            Some(files) => files.into_iter().filter(|f| changed.contains(f)).collect(),
            None => changed,
        });
    }
    Ok(out)
}
