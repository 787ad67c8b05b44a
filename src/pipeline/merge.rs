//! `rungs merge`: the results of shards (`--shard I/N --format json`) as one
//! report and one exit code; their durations are recorded so the next
//! pipeline's split is better.

use super::{Format, ReportFiles, file_reporters};
use crate::error::Error;
use crate::report::{Summary, TerminalReporter};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `rungs merge`: the exit code of the whole run.
pub fn merge(
    cwd: &Path,
    files: &[PathBuf],
    format: Format,
    reports: &ReportFiles,
) -> Result<i32, Error> {
    let mut parts = Vec::new();
    for file in files {
        let path = cwd.join(file);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let summary: Summary = serde_json::from_str(&text).map_err(|e| Error::ConfigFile {
            path: path.clone(),
            message: format!(
                "line {}, column {}: not a rungs result ({e}); expected the output of `rungs check --format json`",
                e.line(),
                e.column()
            ),
        })?;
        parts.push(summary);
    }
    complete(files, &parts)?;
    let mut summary = Summary::merge(parts)
        .ok_or_else(|| Error::usage("rungs merge needs at least one result file"))?;
    judge_joined(cwd, &mut summary)?;
    record_durations(cwd, &summary);
    write_reports(cwd, &summary, &format!("{} shards", files.len()), reports)?;
    match format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        ),
        Format::Text => TerminalReporter::new().print_summary(&summary),
    }
    Ok(summary.exit_code)
}

/// Shard results must be the whole run: every `I/N` once, none from another
/// split. A missing shard's findings and tests would be missing silently, and
/// its part of the coverage too.
fn complete(files: &[PathBuf], parts: &[Summary]) -> Result<(), Error> {
    let shards: Vec<Option<[usize; 2]>> = parts.iter().map(|p| p.shard).collect();
    if shards.iter().all(Option::is_none) {
        return Ok(());
    }
    let total = shards.iter().flatten().map(|s| s[1]).max().unwrap_or(1);
    let mut seen: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (file, shard) in files.iter().zip(&shards) {
        match shard {
            Some([i, n]) if *n == total && (1..=total).contains(i) => {
                seen.entry(*i).or_default().push(file.display().to_string())
            }
            Some([i, n]) => {
                return Err(Error::usage(format!(
                    "{} is shard {i}/{n}, the others are of {total}: results of different splits",
                    file.display()
                )));
            }
            None => {
                return Err(Error::usage(format!(
                    "{} is a whole run (or from an older rungs), the others are shards: merge the shards of one run",
                    file.display()
                )));
            }
        }
    }
    if let Some((i, files)) = seen.iter().find(|(_, f)| f.len() > 1) {
        return Err(Error::usage(format!(
            "shard {i}/{total} is given twice: {}",
            files.join(", ")
        )));
    }
    // Every index from 1 is there, or the first gap is named (counting up
    // from 1, so a garbled total of 10^18 costs nothing).
    if seen.len() < total {
        let missing = (1..=total).find(|i| !seen.contains_key(i)).unwrap_or(total);
        return Err(Error::Usage {
            message: format!("shard {missing}/{total} is missing from the results"),
            hint: Some(
                "merge every shard's --json result (GitLab: `needs:` the whole parallel job, `artifacts: when: always`)"
                    .into(),
            ),
        });
    }
    partitioned(files, parts)?;
    let bases: std::collections::BTreeSet<&str> = parts
        .iter()
        .filter_map(|p| p.changed_base.as_deref())
        .collect();
    if bases.len() > 1 || (!bases.is_empty() && parts.iter().any(|p| p.changed_base.is_none())) {
        return Err(Error::usage(format!(
            "the shards compared against different bases ({}): run them with the same --changed",
            bases.into_iter().collect::<Vec<_>>().join(", ")
        )));
    }
    Ok(())
}

/// The units the shards were dealt are the run's, each exactly once: a
/// shard that computed another split (durations recorded between shards, a
/// retried job) would otherwise leave work unrun, or run it twice.
fn partitioned(files: &[PathBuf], parts: &[Summary]) -> Result<(), Error> {
    let dealt: Vec<(&PathBuf, &crate::plan::Dealt)> = files
        .iter()
        .zip(parts)
        .filter_map(|(f, p)| p.split.as_ref().map(|d| (f, d)))
        .collect();
    if dealt.is_empty() {
        return Ok(());
    }
    if dealt.len() < parts.len() {
        return Err(Error::usage(
            "some shard results do not say which units they ran (made by an older rungs): run every shard with the same rungs",
        ));
    }
    let (first, plan) = dealt[0];
    if let Some((other, _)) = dealt.iter().find(|(_, d)| d.all != plan.all) {
        return Err(Error::usage(format!(
            "{} and {} split different runs (other checks or files): merge the shards of one pipeline",
            first.display(),
            other.display()
        )));
    }
    let mut runs: BTreeMap<&str, usize> = plan.all.iter().map(|u| (u.as_str(), 0)).collect();
    for (_, d) in &dealt {
        for unit in &d.mine {
            *runs.entry(unit.as_str()).or_default() += 1;
        }
    }
    let list = |n: &dyn Fn(usize) -> bool| -> Vec<&str> {
        runs.iter()
            .filter(|(_, c)| n(**c))
            .map(|(u, _)| *u)
            .collect()
    };
    let (twice, never) = (list(&|c| c > 1), list(&|c| c == 0));
    if twice.is_empty() && never.is_empty() {
        return Ok(());
    }
    let name = |units: &[&str]| -> String {
        let mut text = units
            .iter()
            .take(10)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if units.len() > 10 {
            text.push_str(&format!(" and {} more", units.len() - 10));
        }
        text
    };
    let mut message = String::from("the shards did not split the run alike");
    if !twice.is_empty() {
        message.push_str(&format!("; run on more than one shard: {}", name(&twice)));
    }
    if !never.is_empty() {
        message.push_str(&format!("; run on no shard: {}", name(&never)));
    }
    Err(Error::Usage {
        message,
        hint: Some(
            "every shard must split from the same recorded durations: run the shards of one pipeline with one rungs and one cache state, and record durations only with `rungs merge`".into(),
        ),
    })
}

/// Coverage the shards measured in parts, joined, gets the verdicts a single
/// run would have given it; a failed gate fails the merged run.
fn judge_joined(cwd: &Path, summary: &mut Summary) -> Result<(), Error> {
    if !summary
        .checks
        .iter()
        .any(|c| c.coverage.as_ref().is_some_and(|c| c.partial))
    {
        return Ok(());
    }
    let project = crate::project::Project::open(cwd, &crate::preset::builtin_presets()?)?;
    let config = project.config.coverage()?;
    let gates = crate::gate::judge_joined(
        &project.root,
        &config,
        summary.changed_base.as_deref(),
        &mut summary.checks,
    )?;
    summary.gates.extend(gates);
    if summary.exit_code == crate::error::exit::PASSED
        && summary.checks.iter().any(|c| !c.outcome.is_success())
    {
        summary.exit_code = crate::error::exit::FAILED;
    }
    Ok(())
}

/// Per-file durations of file-level checks and run durations of the others,
/// into the project's durations store (carried between pipelines by GitLab's cache).
fn record_durations(cwd: &Path, summary: &Summary) {
    let root = crate::project::find_root(cwd);
    let mut durations = crate::plan::Durations::of_project(&root);
    for c in summary.checks.iter().filter(|c| !c.cached) {
        let seconds = c.duration.as_secs_f64();
        let suite = c.kind == "test" || c.kind == "coverage";
        // As `rungs check` records them: per file for a check over files,
        // per run for one over the project (clippy, mypy's whole run).
        let per_run = suite || c.files == 0 || c.scope == Some(crate::check::Scope::Project);
        let value = if per_run {
            seconds
        } else {
            seconds / c.files as f64
        };
        durations.record(c.check.clone(), value);
        // Each test file's time, for the next split of the suite across shards.
        if let Some(tests) = c
            .tests
            .as_ref()
            .filter(|_| c.kind == "test" || c.kind == "coverage")
        {
            // The units the split deals (a Rust test's file is where it panicked).
            let mut files: Vec<&String> = tests
                .cases
                .iter()
                .filter_map(|t| t.file.as_ref())
                .filter(|f| crate::plan::is_test_file(f))
                .collect();
            files.sort();
            files.dedup();
            if !files.is_empty() {
                durations.record_tests(&c.check, &files, seconds, &tests.cases);
            }
        }
    }
    durations.save();
}

/// The report files (JUnit, Code Quality ...) of the whole run, as a single
/// unsharded run would have written them.
pub(super) fn write_reports(
    cwd: &Path,
    summary: &Summary,
    parts: &str,
    args: &ReportFiles,
) -> Result<(), Error> {
    let project = crate::project::Project::open(cwd, &crate::preset::builtin_presets()?)?;
    let mut reporters = file_reporters(cwd, &project, args);
    if reporters.is_empty() {
        return Ok(());
    }
    let plan = crate::plan::Plan {
        tier: crate::plan::TierChoice {
            name: summary.tier.clone(),
            rank: 0,
            reason: format!("merged from {parts}"),
            size_class: None,
        },
        checks: Vec::new(),
        left_out: Vec::new(),
        notes: Vec::new(),
        jobs: Vec::new(),
        predicted: std::time::Duration::ZERO,
        budget: summary.budget,
        select_tests: false,
        all_tests: false,
    };
    for r in &mut reporters {
        r.event(&crate::report::Event::Finished {
            plan: &plan,
            summary,
        });
        r.finish()?;
    }
    Ok(())
}
