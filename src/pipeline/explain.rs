//! `rungs plan`: what would run, and why — the pipeline's first steps,
//! shown instead of run.

use super::{Format, Selection, prepare};
use crate::check::{Scope, Stage};
use crate::error::Error;
use crate::gate::adoption::Distance;
use crate::plan::{PlannedCheck, thousands};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// Print the plan of a `rungs check` with `selection`, cold (no cache hits).
pub fn explain(cwd: &Path, selection: &Selection) -> Result<i32, Error> {
    let mut p = prepare(cwd, selection, Stage::Ci)?;
    plan_cold(&mut p);
    let selections = test_selections(&mut p);
    let gates = super::Gates::load(&p.project, false, None)?;
    let distances = crate::gate::adoption::load(&p.project.root);
    let facts = Facts {
        gates: &gates,
        distances: &distances,
        selections: &selections,
    };
    let checks: Vec<CheckInfo> = p
        .plan
        .checks
        .iter()
        .map(|c| CheckInfo::of(c, &p, &facts))
        .collect();
    if selection.format == Format::Json {
        println!(
            "{}",
            serde_json::to_string_pretty(&json(&p, &checks)).unwrap_or_default()
        );
        return Ok(0);
    }
    print!("{}", text(&p, &checks));
    Ok(0)
}

/// Cold: every job as if nothing were cached, timed by recorded durations.
/// The plan shows what a run would do with no cache hits.
fn plan_cold(p: &mut super::Prepared) {
    let work = crate::plan::all_work(&p.plan.checks);
    p.plan.jobs = crate::plan::build_jobs(
        &p.project.root,
        &p.plan.checks,
        &work,
        p.workers,
        &p.durations,
    );
    p.plan.predicted = crate::plan::predict_wall(&p.plan.jobs, &p.plan.checks, p.workers);
}

/// What the plan shows of its checks beyond the plan itself: whether each
/// is adopted, how far from adopting each is, and what each test run
/// selects. One parameter for `CheckInfo::of` instead of three.
struct Facts<'a> {
    gates: &'a super::Gates,
    distances: &'a BTreeMap<String, Distance>,
    selections: &'a BTreeMap<String, String>,
}

/// What the plan says about one check: built once, then shown as JSON (its
/// fields, in the order of the JSON) or as a line of text.
#[derive(serde::Serialize)]
struct CheckInfo<'a> {
    id: &'a str,
    kind: &'a str,
    description: &'a str,
    version_command: Option<&'a [String]>,
    env: &'a [String],
    role: Option<&'a str>,
    reason: &'a str,
    command: Vec<String>,
    files: usize,
    jobs: usize,
    tool: Option<String>,
    tool_origin: Option<String>,
    install: Vec<&'a String>,
    coverage_floor: Option<f64>,
    broken: Option<&'a str>,
    adopted: bool,
    to_adopt: Option<&'a Distance>,
    tests: Option<&'a str>,
    /// Whether the check takes files or the project, for the text.
    #[serde(skip)]
    scope: Scope,
    /// The only paths the project runs it on, for the text.
    #[serde(skip)]
    invoked_paths: &'a [String],
}

impl<'a> CheckInfo<'a> {
    /// What the plan says about check `c`: its tool as found now, its jobs
    /// in the plan, and the facts about it.
    fn of(c: &'a PlannedCheck, p: &super::Prepared, facts: &Facts<'a>) -> CheckInfo<'a> {
        let (project, plan) = (&p.project, &p.plan);
        let tool = crate::tool::locate(&project.root, &c.check).ok().flatten();
        let jobs = plan
            .jobs
            .iter()
            .filter(|j| plan.checks[j.check].check.id == c.check.id)
            .count();
        let id = c.check.id.as_str();
        CheckInfo {
            id,
            kind: c.check.kind.as_str(),
            description: &c.check.description,
            version_command: c.check.version.as_deref(),
            env: &c.check.env,
            role: c.role.as_deref(),
            reason: &c.reason,
            command: command_line(c),
            files: c.files.len(),
            jobs,
            tool: tool.as_ref().map(|t| t.program.display().to_string()),
            tool_origin: tool.as_ref().map(|t| t.origin.clone()),
            install: c.check.install.all().collect(),
            coverage_floor: c.coverage_floor,
            broken: c.check.broken.as_deref(),
            adopted: facts.gates.adopted(c),
            to_adopt: facts.distances.get(id),
            tests: facts.selections.get(id).map(String::as_str),
            scope: c.check.scope,
            invoked_paths: &c.check.invoked_paths,
        }
    }

    /// The check's line under `checks` in the text: role, id, files,
    /// command, floor, why, scope, adoption, tool, and the tests it selects.
    fn line(&self) -> String {
        let tool = match (self.broken, &self.tool, &self.tool_origin) {
            (Some(why), ..) => format!("CAN'T RUN: {why}"),
            (None, Some(_), Some(origin)) => format!("from {origin}"),
            _ if !self.install.is_empty() => "will be installed".to_string(),
            _ => "NOT FOUND".to_string(),
        };
        let files = match self.scope {
            Scope::Files => format!("{} files", self.files),
            Scope::Project => "project".to_string(),
        };
        let floor = self
            .coverage_floor
            .map(|f| format!(", floor {f}%"))
            .unwrap_or_default();
        let adoption = match (self.adopted, self.to_adopt) {
            (true, _) => String::new(),
            (false, Some(d)) => format!(
                "; not adopted, holds the line: {} findings in {} files to adopt at the last run (`rungs adopt {}`)",
                d.findings, d.files, self.id
            ),
            (false, None) => format!(
                "; not adopted, holds the line: only findings on changed code fail (`rungs adopt {}`)",
                self.id
            ),
        };
        let tests = match self.tests {
            Some(line) => format!("\n               tests: {line}"),
            None => String::new(),
        };
        let scope = match self.invoked_paths {
            [] => String::new(),
            paths => format!("; only {}, as the project runs it", paths.join(", ")),
        };
        format!(
            "  {:<12} {:<14} {:<10} {}{floor} — {}{scope}{adoption}; {tool}{tests}",
            self.role.unwrap_or(self.kind),
            self.id,
            files,
            shell_words::join(&self.command),
            self.reason,
        )
    }
}

/// The plan as JSON, for tools that read it.
fn json(p: &super::Prepared, checks: &[CheckInfo]) -> serde_json::Value {
    let (project, plan) = (&p.project, &p.plan);
    serde_json::json!({
        "root": project.root.display().to_string(),
        "config": project.config.source.as_ref().map(|s| s.path.display().to_string()),
        "stacks": project.stacks.iter().map(|s| serde_json::json!({"name": s.preset.name, "description": s.preset.description, "reason": s.reason})).collect::<Vec<_>>(),
        "size": project.size,
        "tier": plan.tier,
        "holds_line_against": p.change.against,
        "checks": checks,
        "left_out": plan.left_out.iter().map(|(id, why)| serde_json::json!({"id": id, "reason": why})).collect::<Vec<_>>(),
        "notes": plan.notes,
        "workers": p.workers,
        "predicted_seconds": plan.predicted.as_secs_f64(),
        "budget_seconds": plan.budget.as_secs_f64(),
    })
}

/// The plan as text, for people: the project and the run, its checks, the
/// notes, and the checks left out.
fn text(p: &super::Prepared, checks: &[CheckInfo]) -> String {
    let plan = &p.plan;
    let mut out = header(p);
    let _ = writeln!(out, "checks");
    for check in checks {
        let _ = writeln!(out, "{}", check.line());
    }
    if !plan.notes.is_empty() {
        let _ = writeln!(out, "\nnotes");
        for note in &plan.notes {
            let _ = writeln!(out, "  {note}");
        }
    }
    if !plan.left_out.is_empty() {
        let _ = writeln!(out, "\nleft out");
        for (id, why) in &plan.left_out {
            let _ = writeln!(out, "  {id:<14} {why}");
        }
    }
    out
}

/// The text's first lines: the project, its config, stacks, size and
/// class, the tier, what the line is held against, the jobs and the time.
fn header(p: &super::Prepared) -> String {
    let (project, plan) = (&p.project, &p.plan);
    let mut out = String::new();
    let _ = writeln!(out, "project  {}", project.root.display());
    let _ = writeln!(out, "config   {}", project.config.describe());
    let stacks: Vec<String> = project
        .stacks
        .iter()
        .map(|s| format!("{} ({})", s.preset.name, s.reason))
        .collect();
    let _ = writeln!(
        out,
        "stack    {}",
        if stacks.is_empty() {
            "none detected".to_string()
        } else {
            stacks.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "size     {} code lines in {} files ({}){}",
        thousands(project.size.code_lines),
        project.size.files,
        project.size.languages.join(", "),
        if project.size.left_out > 0 {
            format!(
                ", {} vendored/generated/migration files left out",
                project.size.left_out
            )
        } else {
            String::new()
        }
    );
    let class = plan
        .tier
        .size_class
        .as_ref()
        .map(|c| c.name.as_str())
        .unwrap_or("-");
    let _ = writeln!(out, "class    {class}");
    let _ = writeln!(out, "tier     {} — {}", plan.tier.name, plan.tier.reason);
    let _ = writeln!(out, "base     {}", p.change.against);
    let _ = writeln!(
        out,
        "jobs     {} in parallel, {} jobs planned",
        p.workers,
        plan.jobs.len()
    );
    let _ = writeln!(
        out,
        "time     {} predicted without cache hits, budget {}{}\n",
        crate::report::format_duration(plan.predicted),
        crate::report::format_duration(plan.budget),
        if plan.predicted > plan.budget {
            " — warning: over budget; `--shard` splits the run across CI jobs"
        } else {
            ""
        }
    );
    out
}

/// For each test run that selects: what it would run now, from the record
/// of the last run and the project as it is (the cache's key, without its
/// hits: the plan stays cold).
fn test_selections(p: &mut super::Prepared) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    if !p.plan.select_tests || !p.plan.checks.iter().any(crate::affected::applies) {
        return out;
    }
    let (jobs, predicted) = (p.plan.jobs.clone(), p.plan.predicted);
    let Ok(mut cache) = crate::cache::Cache::open(&p.project.root) else {
        return out;
    };
    // Only the test runs: another check's tool, not installed yet, is no
    // reason not to say what the tests would do.
    let all = std::mem::take(&mut p.plan.checks);
    p.plan.checks = all
        .iter()
        .filter(|c| crate::affected::applies(c))
        .cloned()
        .collect();
    let shard = crate::plan::Shard { index: 1, total: 1 };
    if let Ok(scheduled) = super::schedule(p, Some(&mut cache), shard, false) {
        for (i, c) in p.plan.checks.iter().enumerate() {
            let Some(key) = scheduled.lookups[i]
                .without_files
                .filter(|_| crate::affected::applies(c))
            else {
                continue;
            };
            let Ok(dir) = tempfile::tempdir() else {
                continue;
            };
            let line = match crate::affected::Run::start(
                &p.project.root,
                c.check.id.as_str(),
                &scheduled.tools[i],
                &c.all_inputs,
                &key.to_string(),
                dir.path(),
                p.plan.all_tests,
            ) {
                Ok(run) => run.summary(),
                Err(e) => format!("every test file runs: {e}"),
            };
            out.insert(c.check.id.0.clone(), line);
        }
    }
    p.plan.checks = all;
    p.plan.jobs = jobs;
    p.plan.predicted = predicted;
    out
}

fn command_line(c: &crate::plan::PlannedCheck) -> Vec<String> {
    let mut argv = Vec::new();
    let mut args_placed = false;
    for item in &c.check.command {
        if item == "{args}" {
            argv.extend(c.args.iter().cloned());
            args_placed = true;
        } else {
            argv.push(item.clone());
        }
    }
    if !args_placed {
        argv.extend(c.args.iter().cloned());
    }
    if c.check.scope == Scope::Files {
        argv.push("FILES…".into());
    }
    argv
}
