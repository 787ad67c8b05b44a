//! The part every subcommand shares: config -> project -> plan.

use super::Selection;
use crate::check::{Check, CheckId, Stage};
use crate::error::Error;
use crate::plan::{self, Ladder, Plan, Request};
use crate::preset::builtin_presets;
use crate::project::{Project, git};
use std::collections::BTreeMap;
use std::path::Path;

pub struct Prepared {
    pub project: Project,
    pub plan: Plan,
    pub workers: usize,
}

pub fn workers(selection: &Selection, project: &Project) -> usize {
    selection
        .jobs
        .or(project.config.raw.jobs)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1)
}

pub fn prepare(cwd: &Path, selection: &Selection, stage: Stage) -> Result<Prepared, Error> {
    let presets = builtin_presets()?;
    let project = Project::open(cwd, &presets)?;
    let registry: BTreeMap<CheckId, Check> = crate::config::build_checks(&project.config)?;
    let ladder = Ladder::of(&project.config)?;
    let tier = plan::choose_tier(&project, &ladder, selection.tier.as_deref())?;
    let files = selected_files(cwd, &project, selection)?;
    let request = Request {
        stage: Some(stage),
        only: selection.only.clone(),
        skip: selection.skip.clone(),
        files,
    };
    let chosen = plan::select_checks(&project, &registry, &ladder, &tier, &request)?;
    let workers = workers(selection, &project);
    let jobs = plan::build_jobs(&chosen.checks, workers);
    Ok(Prepared {
        plan: Plan {
            tier,
            checks: chosen.checks,
            left_out: chosen.left_out,
            jobs,
        },
        project,
        workers,
    })
}

/// `--files` and `--changed` as project-relative paths.
fn selected_files(
    cwd: &Path,
    project: &Project,
    selection: &Selection,
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
    if let Some(reference) = &selection.changed {
        let reference = (!reference.is_empty()).then_some(reference.as_str());
        let base = git::diff_base(&project.root, reference)?;
        let changed = git::changed_files(&project.root, &base)?;
        out = Some(match out {
            Some(files) => files.into_iter().filter(|f| changed.contains(f)).collect(),
            None => changed,
        });
    }
    Ok(out)
}
