//! Storing what a run found: per file where findings can be told apart by
//! file, whole otherwise; here, and on the remote when this run writes there.

use super::lookup::merge;
use super::{Cache, Entry, Lookup, cacheable};
use crate::check::Scope;
use crate::finding::{Finding, Outcome};
use crate::plan::PlannedCheck;
use crate::results::JobReport;
use std::collections::BTreeMap;

/// Store what a run found: per file where findings can be told apart by file,
/// whole otherwise; then the whole-set entry once every file has a result.
/// Each also on the remote, when this run writes there and its key has a
/// shared form.
pub fn record(
    cache: &Cache,
    planned: &PlannedCheck,
    found: &mut Lookup,
    reports: &[&JobReport],
    job_files: &[&[String]],
) {
    let file_level = planned.check.scope == Scope::Files && !planned.check.serial;
    if !file_level {
        // A network check's error is that service's trouble of the moment.
        let outage = planned.check.network && reports.iter().any(|r| r.outcome == Outcome::Error);
        if let (Some(whole), [report]) = (found.whole, reports)
            && cacheable(report.outcome, report.exit_code)
            && !outage
        {
            cache.keep(found.shared, &Entry::from_report(whole, report));
        }
        return;
    }
    let mut new = Vec::new();
    for (report, files) in reports.iter().zip(job_files) {
        for (file, entry) in split_by_file(report, files) {
            if let (Some(key), Some(table)) = (found.file_keys.get(&file), found.table.as_mut()) {
                let mut entry = entry;
                entry.key = key.to_string();
                table.put(file.clone(), entry.clone());
                new.push(file.clone());
                found.file_entries.insert(file, entry);
            }
        }
    }
    if let Some(table) = &mut found.table {
        table.save();
    }
    keep_whole(cache, found, reports, job_files);
    // Per file too, so a clone with a few files changed still hits on the
    // others; after every whole result (a clone with nothing changed needs
    // only those), should the end of the run cut the uploads short.
    for file in new {
        if let Some(entry) = found.file_entries.get(&file) {
            cache.share_file(found.shared_file_keys.get(&file).copied(), entry);
        }
    }
}

/// The whole-set entry of a file-level check, once every file has a result.
fn keep_whole(cache: &Cache, found: &Lookup, reports: &[&JobReport], job_files: &[&[String]]) {
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
