//! Which results the cache already holds, and storing new ones.
//!
//! File-level checks are keyed per file, so a run re-executes the tool only on
//! the files whose key missed; a key over the whole file set lets an unchanged
//! project replay with one read per check. Checks that read the whole project
//! (tests, coverage, type checkers run as one process) have one key over all
//! their inputs.

use super::{Cache, CacheKey, Entry, KeyBuilder, cacheable};
use crate::check::Scope;
use crate::finding::{Finding, Outcome};
use crate::plan::{PlannedCheck, Work};
use crate::results::JobReport;
use std::collections::BTreeMap;
use std::time::Duration;

/// What the cache said about one check.
#[derive(Default)]
pub struct Lookup {
    /// The replayed part of the check, merged into one report.
    pub hit: Option<JobReport>,
    /// Key over the check's whole input, when every input could be read.
    pub whole: Option<CacheKey>,
    /// The same key as every machine computes it, when there is one.
    pub shared: Option<CacheKey>,
    /// Per-file keys (file-level checks).
    pub file_keys: BTreeMap<String, CacheKey>,
    /// Per-file entries already known (hits), for the whole-set entry.
    pub file_entries: BTreeMap<String, Entry>,
    /// The check's per-file table, loaded when the whole-set key missed.
    pub table: Option<super::FileTable>,
    /// The key of everything but the files (the check, its tool, config and
    /// environment): a record of an earlier test run is trusted only under it.
    pub without_files: Option<CacheKey>,
}

/// The key part every job of a check shares: definition, tool, config, env.
/// Each field also in its machine-independent form (see [`super::Portable`]).
fn common(cache: &Cache, planned: &PlannedCheck, version: &str) -> KeyBuilder {
    let c = &planned.check;
    let p = &cache.portable;
    let mut k = KeyBuilder::new("check");
    k.str(c.id.as_str());
    let shape = format!(
        "{:?}",
        (
            &c.command,
            &c.parser,
            c.pattern.as_ref().map(|p| p.as_str()),
            &c.ok_codes,
            &c.fail_codes,
            c.scope,
            c.serial,
            &c.diff_command
        )
    );
    k.split(
        shape.as_bytes(),
        p.text(&shape).as_deref().map(str::as_bytes),
    );
    let args = format!(
        "{:?}",
        (&planned.args, planned.coverage_floor, planned.partial)
    );
    k.split(args.as_bytes(), p.text(&args).as_deref().map(str::as_bytes));
    // A hook: its repo, rev, resolved definition and dependencies.
    match c.origin.as_ref().map(|o| o.definition.as_str()) {
        None => k.u64(0),
        Some(d) => k
            .u64(1)
            .split(d.as_bytes(), p.text(d).as_deref().map(str::as_bytes)),
    };
    k.split(
        version.as_bytes(),
        p.version(version).as_deref().map(str::as_bytes),
    );
    for file in &planned.config_files {
        k.str(file);
        k.opt(cache.hashes.hash(file).as_deref().map(str::as_bytes));
    }
    for name in &c.env {
        k.str(name);
        match std::env::var_os(name) {
            None => k.u64(0),
            Some(v) => {
                let shared = v.to_str().and_then(|v| p.text(v));
                k.u64(1)
                    .split(v.as_encoded_bytes(), shared.as_deref().map(str::as_bytes))
            }
        };
    }
    k
}

/// Look up a check's work; returns what is left to run.
pub fn lookup(
    cache: &Cache,
    index: usize,
    planned: &PlannedCheck,
    version: &str,
    work: Work,
) -> (Lookup, Work) {
    let mut found = Lookup::default();
    let per_file = planned.check.scope == Scope::Files && !planned.check.serial;
    // What the tool is given, and what its verdict depends on: for a check
    // that reads the whole project (tests, a type checker), all its inputs.
    let (given, files): (Vec<String>, Vec<String>) = match &work {
        Work::None => return (found, work),
        Work::Files(f) if per_file => (f.clone(), f.clone()),
        Work::Files(f) => (f.clone(), planned.all_inputs.clone()),
        Work::Project(passed) => (passed.clone(), planned.all_inputs.clone()),
    };
    let hashes = cache.hashes.hash_all(&files);
    if hashes.iter().any(Option::is_none) {
        // An unreadable input: run it, remember nothing.
        return (found, work);
    }
    let base = common(cache, planned, version);
    found.without_files = Some(base.finish());
    let mut whole = base.clone();
    whole.str(if per_file { "set" } else { "all" });
    for (f, h) in files.iter().zip(&hashes) {
        whole.str(f).str(h.as_deref().unwrap_or_default());
    }
    if !per_file {
        whole.u64(given.len() as u64);
        for f in &given {
            whole.str(f);
        }
    }
    found.shared = whole.finish_shared();
    let whole = whole.finish();
    found.whole = Some(whole);
    if let Some(entry) = cache.result(whole, found.shared) {
        found.hit = Some(entry.replay(usize::MAX, index, given.len()));
        return (found, Work::None);
    }
    if !matches!(work, Work::Files(_)) || planned.check.serial {
        return (found, work);
    }
    let keys: Vec<(String, CacheKey)> = files
        .iter()
        .zip(&hashes)
        .map(|(f, h)| {
            let mut k = base.clone();
            k.str("file").str(f).str(h.as_deref().unwrap_or_default());
            (f.clone(), k.finish())
        })
        .collect();
    let mut missed = Vec::new();
    let mut hits = Vec::new();
    let table = super::FileTable::load(&cache.project, planned.check.id.as_str(), &files);
    for (file, key) in keys {
        match table.get(&file, key) {
            Some(entry) => {
                hits.push(entry.clone());
                found.file_entries.insert(file.clone(), entry.clone());
            }
            None => missed.push(file.clone()),
        }
        found.file_keys.insert(file, key);
    }
    found.table = Some(table);
    if !hits.is_empty() {
        found.hit = Some(merge(index, hits.len(), &hits));
    }
    (found, Work::Files(missed))
}

/// The reports of several jobs of one check as one.
fn joined(reports: &[&JobReport]) -> JobReport {
    let mut all = reports[0].clone();
    for r in &reports[1..] {
        all.outcome = all.outcome.max(r.outcome);
        all.findings.extend(r.findings.iter().cloned());
        all.duration += r.duration;
        all.files += r.files;
        if let Some(d) = &r.diff {
            all.diff.get_or_insert_with(String::new).push_str(d);
        }
        // Batches that stopped alike say so once.
        if let Some(p) = &r.problem
            && all.problem.as_ref().is_none_or(|a| !a.contains(p.as_str()))
        {
            all.problem = Some(match all.problem.take() {
                Some(a) => format!("{a}; {p}"),
                None => p.clone(),
            });
        }
        if !r.output.is_empty() {
            if !all.output.is_empty() {
                all.output.push('\n');
            }
            all.output.push_str(&r.output);
        }
    }
    all
}

/// Several per-file entries as one replayed report.
fn merge(check: usize, files: usize, entries: &[Entry]) -> JobReport {
    let mut report = entries[0].replay(usize::MAX, check, files);
    report.findings.clear();
    report.diff = None;
    report.duration = Duration::ZERO;
    report.outcome = Outcome::Passed;
    for e in entries {
        report.outcome = report.outcome.max(e.outcome);
        report.findings.extend(e.findings.iter().cloned());
        report.duration += Duration::from_secs_f64(e.seconds.max(0.0));
        if let Some(d) = &e.diff {
            report.diff.get_or_insert_with(String::new).push_str(d);
        }
    }
    report
}

/// Store what a run found: per file where findings can be told apart by file,
/// whole otherwise; then the whole-set entry once every file has a result.
pub fn record(
    cache: &Cache,
    planned: &PlannedCheck,
    found: &mut Lookup,
    reports: &[&JobReport],
    job_files: &[&[String]],
) {
    let file_level = planned.check.scope == Scope::Files && !planned.check.serial;
    if !file_level {
        if let (Some(whole), [report]) = (found.whole, reports)
            && cacheable(report.outcome, report.exit_code)
        {
            cache.keep(found.shared, &Entry::from_report(whole, report));
        }
        return;
    }
    for (report, files) in reports.iter().zip(job_files) {
        for (file, entry) in split_by_file(report, files) {
            if let (Some(key), Some(table)) = (found.file_keys.get(&file), found.table.as_mut()) {
                let mut entry = entry;
                entry.key = key.to_string();
                table.put(file.clone(), entry.clone());
                found.file_entries.insert(file, entry);
            }
        }
    }
    if let Some(table) = &found.table {
        table.save();
    }
    let Some(whole) = found.whole else { return };
    let ran: usize = job_files.iter().map(|f| f.len()).sum();
    if found.file_entries.len() != found.file_keys.len()
        && ran == found.file_keys.len()
        && reports.iter().all(|r| cacheable(r.outcome, r.exit_code))
    {
        // A failure that names no file (a hook's own words) or an error the
        // tool exited with is not split by file; the whole run is kept as it
        // is, for a run of the same files.
        let entry = Entry::from_report(whole, &joined(reports));
        cache.keep(found.shared, &entry);
        return;
    }
    if found.file_keys.is_empty() || found.file_entries.len() != found.file_keys.len() {
        return;
    }
    let entries: Vec<Entry> = found.file_entries.values().cloned().collect();
    let merged = merge(0, entries.len(), &entries);
    cache.keep(found.shared, &Entry::from_report(whole, &merged));
}

/// A batch's result as per-file entries, or nothing when it cannot be split
/// faithfully (the tool failed without findings that name the batch's files).
fn split_by_file(report: &JobReport, files: &[String]) -> Vec<(String, Entry)> {
    if !cacheable(report.outcome, report.exit_code) || report.problem.is_some() {
        return Vec::new();
    }
    let failing = |f: &Finding| f.severity != crate::finding::Severity::Info;
    if report.outcome == Outcome::Failed
        && (!report.findings.iter().any(failing)
            || report
                .findings
                .iter()
                .any(|f| f.path.as_ref().is_none_or(|p| !files.contains(p))))
    {
        return Vec::new();
    }
    let diffs = split_diff(report.diff.as_deref().unwrap_or(""));
    let share = report.duration.as_secs_f64() / files.len().max(1) as f64;
    files
        .iter()
        .map(|file| {
            let findings: Vec<Finding> = report
                .findings
                .iter()
                .filter(|f| f.path.as_deref() == Some(file.as_str()))
                .cloned()
                .collect();
            let outcome = if findings.iter().any(failing) {
                Outcome::Failed
            } else {
                Outcome::Passed
            };
            let entry = Entry {
                key: String::new(),
                outcome,
                findings,
                diff: diffs.get(file.as_str()).cloned(),
                output: String::new(),
                problem: None,
                exit_code: report.exit_code,
                seconds: share,
                coverage: None,
                tests: None,
            };
            (file.clone(), entry)
        })
        .collect()
}

/// A diff with `--- a/PATH` / `+++ b/PATH` headers, cut into one piece per file.
fn split_diff(diff: &str) -> BTreeMap<&str, String> {
    let mut out: BTreeMap<&str, String> = BTreeMap::new();
    let lines: Vec<&str> = diff.split_inclusive('\n').collect();
    let mut current: Option<&str> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(path) = line.strip_prefix("--- a/")
            && lines.get(i + 1).is_some_and(|n| n.starts_with("+++ b/"))
        {
            current = Some(path.trim_end_matches('\n'));
        }
        if let Some(path) = current {
            out.entry(path).or_default().push_str(line);
        }
    }
    out
}
