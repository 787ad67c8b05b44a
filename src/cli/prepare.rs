//! The part every subcommand shares: config -> project -> plan.

use super::Selection;
use crate::cache::{self, Cache, Lookup};
use crate::check::{Check, CheckId, Stage};
use crate::error::Error;
use crate::plan::{self, Durations, Job, Ladder, Plan, Request, Shard, Work};
use crate::preset::builtin_presets;
use crate::project::{Project, git};
use crate::tool::{self, Tool};
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
}

/// What scheduling found out on the way: each check's program and cache look-up.
pub struct Scheduled {
    pub tools: Vec<Tool>,
    pub lookups: Vec<Lookup>,
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
    let files = selected_files(cwd, &project, selection)?;
    let tool_root = project.root.clone();
    plan_for(project, tool_root, selection, stage, files)
}

/// The plan for an opened project, restricted to `files` when given.
pub fn plan_for(
    project: Project,
    tool_root: std::path::PathBuf,
    selection: &Selection,
    stage: Stage,
    files: Option<Vec<String>>,
) -> Result<Prepared, Error> {
    let registry: BTreeMap<CheckId, Check> = crate::config::build_checks(&project.config)?;
    let ladder = Ladder::of(&project.config)?;
    let tier = plan::choose_tier(&project, &ladder, selection.tier.as_deref())?;
    let request = Request {
        stage: Some(stage),
        only: selection.only.clone(),
        skip: selection.skip.clone(),
        files,
    };
    let chosen = plan::select_checks(&project, &registry, &ladder, &tier, &request)?;
    let workers = workers(selection, &project);
    let budget = project.config.budget()?;
    // Relative to the project in the working tree (the hook's project root
    // is its copy of the index), so the hook and `rungs check` share it.
    if let Some(dir) = &project.config.raw.cache_dir {
        crate::dirs::configure(tool_root.join(dir));
    }
    let durations = Durations::of_project(&project.root);
    Ok(Prepared {
        plan: Plan {
            tier,
            checks: chosen.checks,
            left_out: chosen.left_out,
            jobs: Vec::new(),
            predicted: std::time::Duration::ZERO,
            budget,
        },
        project,
        tool_root,
        workers,
        durations,
    })
}

/// Shard, find tools, look up the cache, and make the jobs that are left.
pub fn schedule(
    prepared: &mut Prepared,
    cache: Option<&mut Cache>,
    shard: Shard,
    install: bool,
) -> Result<Scheduled, Error> {
    let plan = &mut prepared.plan;
    let mut work = plan::split(&plan.checks, &prepared.durations, shard);
    if shard.total > 1 {
        let mut kept = Vec::new();
        let mut kept_work = Vec::new();
        for (mut c, w) in std::mem::take(&mut plan.checks).into_iter().zip(work) {
            match &w {
                Work::Files(mine) => c.files = mine.clone(),
                Work::Project(tests) => c.partial = !tests.is_empty(),
                Work::None => {}
            }
            if matches!(w, Work::None) {
                plan.left_out.push((
                    c.check.id.0.clone(),
                    format!("runs on another shard than {}/{}", shard.index, shard.total),
                ));
            } else {
                kept.push(c);
                kept_work.push(w);
            }
        }
        plan.checks = kept;
        work = kept_work;
    }
    let root = &prepared.project.root;
    let tool_root = &prepared.tool_root;
    let tools: Vec<Tool> = plan
        .checks
        .iter()
        .map(|c| tool::resolve(tool_root, &c.check, install))
        .collect::<Result<_, _>>()?;
    let mut lookups = Vec::new();
    let mut left = Vec::new();
    match cache {
        Some(cache) => {
            // A Python venv's tool is keyed by the venv's installed
            // distributions, its own among them: asking its version too
            // would only cost a start-up.
            let environments: Vec<String> = tools.iter().map(tool::environment).collect();
            let pinned: Vec<bool> = tools
                .iter()
                .zip(&environments)
                .map(|(t, env)| tool::pinned_by_environment(t, env))
                .collect();
            let ask: Vec<_> = plan
                .checks
                .iter()
                .zip(&tools)
                .zip(&pinned)
                .filter(|(_, pinned)| !**pinned)
                .map(|((c, t), _)| (&c.check, t))
                .collect();
            let mut asked = cache.versions.of_all(root, &ask)?.into_iter();
            for (i, (c, w)) in plan.checks.iter().zip(work).enumerate() {
                let mut version = match pinned[i] {
                    true => "venv".to_string(),
                    false => asked.next().unwrap_or_default(),
                };
                version.push_str(&environments[i]);
                let (found, rest) = cache::lookup(cache, i, c, &version, w);
                lookups.push(found);
                left.push(rest);
            }
        }
        None => {
            lookups.resize_with(plan.checks.len(), Lookup::default);
            left = work;
        }
    }
    let mut jobs: Vec<Job> = lookups
        .iter_mut()
        .enumerate()
        .filter_map(|(i, l)| {
            l.hit.take().map(|hit| Job {
                check: i,
                files: Vec::new(),
                predicted: std::time::Duration::ZERO,
                cached: Some(Box::new(hit)),
            })
        })
        .collect();
    jobs.extend(plan::build_jobs(
        root,
        &plan.checks,
        &left,
        prepared.workers,
        &prepared.durations,
    ));
    plan.predicted = plan::predict_wall(&jobs, &plan.checks, prepared.workers);
    plan.jobs = jobs;
    Ok(Scheduled { tools, lookups })
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

/// Run a scheduled plan, calling `on_report` as each job finishes, then
/// remember results and durations for the next run (unless interrupted).
pub fn run_checks(
    prepared: &mut Prepared,
    scheduled: &mut Scheduled,
    cache: Option<&Cache>,
    cancel: &std::sync::atomic::AtomicBool,
    on_report: &mut dyn FnMut(&Plan, &crate::results::JobReport),
) -> Vec<crate::results::JobReport> {
    let plan = &prepared.plan;
    let ctx = crate::execute::Context {
        root: &prepared.project.root,
        plan,
        tools: &scheduled.tools,
        workers: prepared.workers,
        cancel,
    };
    let all: Vec<usize> = (0..plan.jobs.len()).collect();
    let reports = crate::execute::run_jobs(&ctx, &all, crate::execute::Mode::Check, &mut |r| {
        on_report(plan, r)
    });
    if !cancel.load(std::sync::atomic::Ordering::SeqCst) {
        let lookups = std::mem::take(&mut scheduled.lookups);
        super::check::remember(cache, plan, &mut prepared.durations, lookups, &reports);
        if let Some(cache) = cache {
            cache.save();
        }
        prepared.durations.save();
    }
    reports
}
