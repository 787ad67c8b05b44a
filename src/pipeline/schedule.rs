//! Scheduling a plan: shard it, find each check's program, look each job
//! up in the result cache, and make jobs of what is left, longest first.

use super::Prepared;
use crate::cache::{self, Cache, Lookup};
use crate::error::Error;
use crate::plan::{self, Job, Plan, Shard, Work};
use crate::tool::{self, Tool};
use std::path::Path;

/// What scheduling found out on the way: each check's program and cache look-up.
pub struct Scheduled {
    pub tools: Vec<Tool>,
    pub lookups: Vec<Lookup>,
    /// What a shard was dealt of the plan.
    pub split: Option<plan::Dealt>,
}

/// Shard, find tools, look up the cache, and make the jobs that are left.
pub fn schedule(
    prepared: &mut Prepared,
    mut cache: Option<&mut Cache>,
    shard: Shard,
    install: bool,
) -> Result<Scheduled, Error> {
    let plan = &mut prepared.plan;
    let (mut work, split) = plan::split(&plan.checks, &prepared.durations, shard);
    if shard.total > 1 {
        work = keep_what_the_shard_was_dealt(plan, work, shard);
    }
    let root = &prepared.project.root;
    let tool_root = &prepared.tool_root;
    let tools = resolve_tools(&mut plan.checks, tool_root, install)?;
    crate::timing::mark("schedule: tools found");
    let (mut lookups, left): (Vec<Lookup>, Vec<Work>) = match cache.as_deref_mut() {
        Some(cache) => look_up(cache, root, plan, &tools, work)?
            .into_iter()
            .unzip(),
        None => {
            let mut lookups = Vec::new();
            lookups.resize_with(plan.checks.len(), Lookup::default);
            (lookups, work)
        }
    };
    let mut jobs = replayed_jobs(&mut lookups);
    jobs.extend(plan::build_jobs(
        root,
        &plan.checks,
        &left,
        prepared.workers,
        &prepared.durations,
    ));
    if plan.select_tests {
        select_tests(&mut jobs, plan, &lookups, cache.as_deref(), root);
    }
    plan.predicted = plan::predict_wall(&jobs, &plan.checks, prepared.workers);
    plan.jobs = jobs;
    Ok(Scheduled {
        tools,
        lookups,
        split,
    })
}

/// On a shard, each check keeps what the shard was dealt of it (its files,
/// or whether its tests are a part); a check dealt nothing is left out, with
/// why. Returns the work of the checks kept, in their order.
fn keep_what_the_shard_was_dealt(plan: &mut Plan, work: Vec<Work>, shard: Shard) -> Vec<Work> {
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
    kept_work
}

/// Each check's look-up in the cache and the work left to run, by check. A
/// broken check is not looked up: it keeps its work, to be reported as
/// broken, and nothing of it is kept.
fn look_up(
    cache: &mut Cache,
    root: &Path,
    plan: &Plan,
    tools: &[Tool],
    work: Vec<Work>,
) -> Result<Vec<(Lookup, Work)>, Error> {
    let versions = tool_versions(cache, root, &plan.checks, tools)?;
    let mut asks = Vec::new();
    let mut broken = Vec::new();
    for (i, ((c, w), version)) in plan.checks.iter().zip(work).zip(versions).enumerate() {
        match c.check.broken {
            Some(_) => broken.push(Some(w)),
            None => {
                broken.push(None);
                let every = plan.all_tests && plan.select_tests;
                asks.push(cache::Ask {
                    index: i,
                    planned: c,
                    version,
                    work: w,
                    replay: !(every && crate::affected::applies(c)),
                });
            }
        }
    }
    let mut looked_up = cache::lookup(cache, asks).into_iter();
    Ok(broken
        .into_iter()
        .map(|w| match w {
            Some(w) => (Lookup::default(), w),
            None => looked_up.next().unwrap_or((Lookup::default(), Work::None)),
        })
        .collect())
}

/// Each check's tool as its cache key names it: its version and its
/// environment. A Python venv's tool is keyed by the venv's installed
/// distributions, its own among them: asking its version too would only
/// cost a start-up.
fn tool_versions(
    cache: &mut Cache,
    root: &Path,
    checks: &[plan::PlannedCheck],
    tools: &[Tool],
) -> Result<Vec<String>, Error> {
    let environments: Vec<String> = tools.iter().map(tool::environment).collect();
    let pinned: Vec<bool> = tools
        .iter()
        .zip(&environments)
        .map(|(t, env)| tool::pinned_by_environment(t, env))
        .collect();
    let ask: Vec<_> = checks
        .iter()
        .zip(tools)
        .zip(&pinned)
        .filter(|(_, pinned)| !**pinned)
        .map(|((c, t), _)| (&c.check, t))
        .collect();
    let mut asked = cache.versions.of_all(root, &ask)?.into_iter();
    crate::timing::mark("schedule: tool versions");
    Ok(pinned
        .iter()
        .zip(&environments)
        .map(|(&pinned, environment)| {
            let mut version = if pinned {
                "venv".to_string()
            } else {
                asked.next().unwrap_or_default()
            };
            version.push_str(environment);
            version
        })
        .collect())
}

/// The jobs replayed from the cache: one per check whose look-up found a
/// result, which the job takes.
fn replayed_jobs(lookups: &mut [Lookup]) -> Vec<Job> {
    lookups
        .iter_mut()
        .enumerate()
        .filter_map(|(i, l)| {
            l.hit.take().map(|hit| Job {
                lines: None,
                check: i,
                files: Vec::new(),
                predicted: std::time::Duration::ZERO,
                cached: Some(Box::new(hit)),
                select_tests: None,
            })
        })
        .collect()
}

/// Each test run of the whole suite that is not replayed selects its test
/// files under the record key its look-up found, taking the record the
/// cache shares when it is another's.
fn select_tests(
    jobs: &mut [Job],
    plan: &Plan,
    lookups: &[Lookup],
    cache: Option<&Cache>,
    root: &Path,
) {
    for job in jobs
        .iter_mut()
        .filter(|j| j.cached.is_none() && j.files.is_empty())
    {
        if crate::affected::applies(&plan.checks[job.check]) {
            let found = &lookups[job.check];
            job.select_tests = found.without_files.map(|k| k.to_string());
            if let (Some(cache), Some(key), Some(shared)) =
                (cache, &job.select_tests, found.shared_without_files)
            {
                let id = plan.checks[job.check].check.id.as_str();
                crate::affected::take_shared_record(cache, root, id, key, shared);
            }
        }
    }
}

/// Each check's program. A hook whose program can't be found or installed
/// is broken (reported, the others still run); a missing built-in tool
/// ends the run.
pub fn resolve_tools(
    checks: &mut [plan::PlannedCheck],
    tool_root: &std::path::Path,
    install: bool,
) -> Result<Vec<Tool>, Error> {
    let mut tools = Vec::with_capacity(checks.len());
    for c in checks {
        if c.check.broken.is_some() {
            tools.push(Tool::none());
            continue;
        }
        match tool::resolve(tool_root, &c.check, install) {
            Ok(t) => tools.push(t),
            Err(e) if c.check.origin.is_some() => {
                let mut why = e.to_string();
                if let Some(hint) = e.hint() {
                    why.push_str(&format!(" ({hint})"));
                }
                c.check.broken = Some(why);
                tools.push(Tool::none());
            }
            Err(e) => return Err(e),
        }
    }
    Ok(tools)
}
