//! `rungs check` and `rungs baseline`: fixes first when asked, then the one
//! run path with the reporters the command line asks for.

use super::{
    CheckRequest, Format, Install, Judging, RunOptions, file_reporters, fix, prepare, run,
};
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::Error;
use crate::execute;
use crate::plan::Shard;
use crate::report::{JsonReporter, NoticeReporter, Reporter, Summary, TerminalReporter};
use std::path::Path;
use std::time::Instant;

/// How a project's run is shown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Show {
    /// The whole run: the format and report files the command line asks for.
    Whole,
    /// One project of a repository of projects: its lines as they come; the
    /// reports are written once, for all of them.
    Member,
}

/// Run the checks of the project at `cwd`; what the run decided.
pub fn check_project(cwd: &Path, args: &CheckRequest, show: Show) -> Result<Summary, Error> {
    let start = Instant::now();
    let cancel = execute::interrupt::flag();
    let mut prepared = prepare(cwd, &args.selection, Stage::Ci)?;
    crate::timing::mark("check: planned");
    if prepared.plan.checks.is_empty() && prepared.whole {
        return Err(nothing_planned(&prepared, &args.selection));
    }
    let shard = match &args.shard {
        Some(text) => Shard::parse(text)?,
        None => Shard { index: 1, total: 1 },
    };
    if args.fix {
        fix(&mut prepared, args, &cancel)?;
    }
    let mut cache = if args.no_cache {
        None
    } else {
        Some(Cache::open(&prepared.project.root)?.with_remote(&prepared.project.config)?)
    };
    crate::timing::mark("check: cache opened");
    let mut reporters: Vec<Box<dyn Reporter>> = match (args.selection.format, show) {
        (Format::Text, _) => vec![Box::new(TerminalReporter::new())],
        (Format::Json, Show::Whole) => vec![Box::new(JsonReporter)],
        (Format::Json, Show::Member) => Vec::new(),
    };
    if show == Show::Whole {
        reporters.extend(file_reporters(cwd, &prepared.project, &args.reports));
    }
    reporters.push(Box::new(NoticeReporter));
    let options = RunOptions {
        shard,
        install: match args.no_install {
            true => Install::Never,
            false => Install::Allowed,
        },
        judging: match args.record_baseline {
            true => Judging::RecordBaseline,
            false => Judging::Gates,
        },
        cancel: &cancel,
        started: start,
    };
    let finished = run(&mut prepared, cache.as_mut(), &options, &mut |event| {
        reporters.iter_mut().for_each(|r| r.event(event))
    })?;
    for reporter in &mut reporters {
        reporter.finish()?;
    }
    crate::timing::mark("check: reported");
    if let Some(cache) = &cache {
        cache.finish();
    }
    crate::timing::mark("check: uploads done");
    let mut summary = finished.summary;
    if args.record_baseline {
        summary.exit_code = finished.gates.record(&prepared.project, &summary)?;
    }
    Ok(summary)
}

/// A run that would check nothing is never a pass: say what was found.
fn nothing_planned(prepared: &super::Prepared, selection: &super::Selection) -> Error {
    let project = &prepared.project;
    let plan = &prepared.plan;
    if !selection.only.is_empty() {
        let why: Vec<String> = plan
            .left_out
            .iter()
            .filter(|(id, _)| selection.only.contains(id))
            .map(|(id, why)| format!("`{id}` {why}"))
            .collect();
        return Error::Usage {
            message: format!(
                "no check planned: --only {} names no check of this run{}",
                selection.only.join(","),
                match why.is_empty() {
                    true => String::new(),
                    false => format!(" ({})", why.join("; ")),
                }
            ),
            hint: Some("`--tier` picks a higher tier; `rungs plan` shows each check's".into()),
        };
    }
    let stacks: Vec<&str> = project
        .stacks
        .iter()
        .map(|s| s.preset.name.as_str())
        .collect();
    let found = match stacks.is_empty() {
        true => "no stack detected".to_string(),
        false => format!("stack {} detected", stacks.join(", ")),
    };
    Error::Usage {
        message: format!(
            "no check planned for {}: {found}, and no check of its tier or config applies",
            project.root.display()
        ),
        hint: Some(
            "`rungs plan` shows what was found; name the stacks (`stacks = [\"python\"]`) or define checks in rungs.toml".into(),
        ),
    }
}
