//! Which results the cache already holds, here or on the remote.
//!
//! File-level checks are keyed per file, so a run re-executes the tool only on
//! the files whose key missed; a key over the whole file set lets an unchanged
//! project replay with one read per check. Checks that read the whole project
//! (tests, coverage, type checkers run as one process) have one key over all
//! their inputs.

use super::{Cache, CacheKey, Entry, KeyBuilder};
use crate::check::Scope;
use crate::finding::Outcome;
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
    /// The same keys as every machine computes them, where there is one.
    pub shared_file_keys: BTreeMap<String, CacheKey>,
    /// Per-file entries already known (hits), for the whole-set entry.
    pub file_entries: BTreeMap<String, Entry>,
    /// The check's per-file table, loaded when the whole-set key missed.
    pub table: Option<super::FileTable>,
    /// The key of everything but the files (the check, its tool, config and
    /// environment): a record of an earlier test run is trusted only under it.
    pub without_files: Option<CacheKey>,
    /// The same key as every machine computes it: a record is shared
    /// through the remote cache under it.
    pub shared_without_files: Option<CacheKey>,
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

/// One check to look up: its place in the plan, the tool's version as the
/// key holds it, and its work before the cache is asked.
pub struct Ask<'a> {
    pub index: usize,
    pub planned: &'a PlannedCheck,
    pub version: String,
    pub work: Work,
    /// Whether a result found may stand for running it: not for a test
    /// run asked to run every test file, whose result may be a selected
    /// run's (its keys are still made, for the record of the run).
    pub replay: bool,
}

/// A check on its way through the look-up.
struct Pending<'a> {
    ask: Ask<'a>,
    found: Lookup,
    files: Vec<String>,
    hashes: Vec<String>,
    base: KeyBuilder,
    /// Results found so far (file-level checks).
    hits: Vec<Entry>,
    /// Files that missed here and may be on the remote, with their shared key.
    missed: Vec<(String, Option<CacheKey>)>,
}

/// Look up every check's work; returns, per check, what the cache said and
/// what is left to run. The local cache is read first; the remote is asked
/// only for what missed here, many keys at once (see [`super::remote`]):
/// first each check's whole-set key, then the files of the checks that missed.
pub fn lookup(cache: &Cache, asks: Vec<Ask>) -> Vec<(Lookup, Work)> {
    let mut pending: Vec<Result<Pending, Work>> =
        asks.into_iter().map(|a| keyed(cache, a)).collect();
    // The whole-set keys: here, else on the remote.
    let mut remote_asks = Vec::new();
    for (i, p) in pending.iter_mut().enumerate() {
        let Ok(p) = p else { continue };
        if !p.ask.replay {
            continue;
        }
        match p.found.whole.and_then(|k| cache.store.get(k)) {
            Some(entry) => p.hits.push(entry),
            None => {
                if let Some(shared) = p.found.shared {
                    remote_asks.push((i, shared));
                }
            }
        }
    }
    let keys: Vec<CacheKey> = remote_asks.iter().map(|&(_, k)| k).collect();
    for ((i, _), entry) in remote_asks.iter().zip(cache.remote_results(&keys)) {
        if let (Ok(p), Some(mut entry)) = (&mut pending[*i], entry) {
            entry.key = p.found.whole.map(|k| k.to_string()).unwrap_or_default();
            cache.store.put(&entry);
            p.hits.push(entry);
        }
    }
    crate::timing::mark("cache: whole sets looked up");
    // Per file, for the file-level checks whose whole set missed.
    for p in pending.iter_mut().flatten() {
        if p.hits.is_empty() && p.ask.replay {
            per_file_here(cache, p);
        }
    }
    crate::timing::mark("cache: files looked up here");
    per_file_remote(cache, &mut pending);
    crate::timing::mark("cache: files looked up on the remote");
    pending
        .into_iter()
        .map(|p| p.map_or_else(|work| (Lookup::default(), work), finish))
        .collect()
}

/// A check's keys: its whole-set key, and the part every per-file key
/// shares; or its work as it was, when nothing is to be looked up.
fn keyed<'a>(cache: &Cache, ask: Ask<'a>) -> Result<Pending<'a>, Work> {
    let planned = ask.planned;
    let per_file = planned.check.scope == Scope::Files && !planned.check.serial;
    // What the tool is given, and what its verdict depends on: for a check
    // that reads the whole project (tests, a type checker), all its inputs.
    let (given, files): (Vec<String>, Vec<String>) = match &ask.work {
        Work::None => return Err(ask.work),
        Work::Files(f) if per_file => (f.clone(), f.clone()),
        Work::Files(f) => (f.clone(), planned.all_inputs.clone()),
        Work::Project(passed) => (passed.clone(), planned.all_inputs.clone()),
    };
    let hashes: Option<Vec<String>> = cache.hashes.hash_all(&files).into_iter().collect();
    let Some(hashes) = hashes else {
        // An unreadable input: run it, remember nothing.
        return Err(ask.work);
    };
    let base = common(cache, planned, &ask.version);
    let mut whole = base.clone();
    whole.str(if per_file { "set" } else { "all" });
    for (f, h) in files.iter().zip(&hashes) {
        whole.str(f).str(h);
    }
    if !per_file {
        whole.u64(given.len() as u64);
        for f in &given {
            whole.str(f);
        }
    }
    let found = Lookup {
        whole: Some(whole.finish()),
        shared: whole.finish_shared(),
        without_files: Some(base.finish()),
        shared_without_files: base.finish_shared(),
        ..Lookup::default()
    };
    Ok(Pending {
        ask,
        found,
        files,
        hashes,
        base,
        hits: Vec::new(),
        missed: Vec::new(),
    })
}

/// The per-file keys of a file-level check, and the results its table holds.
fn per_file_here(cache: &Cache, p: &mut Pending) {
    if !matches!(p.ask.work, Work::Files(_)) || p.ask.planned.check.serial {
        return;
    }
    let table = super::FileTable::load(&cache.project, p.ask.planned.check.id.as_str(), &p.files);
    for (file, hash) in p.files.iter().zip(&p.hashes) {
        let mut k = p.base.clone();
        k.str("file").str(file).str(hash);
        let key = k.finish();
        match table.get(file, key) {
            Some(entry) => {
                p.hits.push(entry.clone());
                p.found.file_entries.insert(file.clone(), entry.clone());
            }
            None => p.missed.push((file.clone(), k.finish_shared())),
        }
        if let Some(shared) = k.finish_shared() {
            p.found.shared_file_keys.insert(file.clone(), shared);
        }
        p.found.file_keys.insert(file.clone(), key);
    }
    p.found.table = Some(table);
}

/// Files asked of the remote in a first wave per check; when none of them
/// is there, the server does not hold this check's results (a first run, a
/// new tool version) and the others are not asked, one request each.
const WAVE: usize = 32;

/// The files that missed here, asked of the remote: a first wave per check,
/// then the rest of the checks that had a hit in theirs.
fn per_file_remote(cache: &Cache, pending: &mut [Result<Pending, Work>]) {
    if !cache.has_remote() {
        return;
    }
    // (check, file in its `missed`, shared key)
    let mut first = Vec::new();
    let mut later = Vec::new();
    for (i, p) in pending.iter().enumerate() {
        let Ok(p) = p else { continue };
        let misses: Vec<(usize, CacheKey)> = (p.missed.iter().enumerate())
            .filter_map(|(j, (_, shared))| shared.map(|s| (j, s)))
            .collect();
        let step = misses.len().div_ceil(WAVE).max(1);
        for (n, (j, key)) in misses.into_iter().enumerate() {
            match n % step {
                0 => first.push((i, j, key)),
                _ => later.push((i, j, key)),
            }
        }
    }
    let found = take_remote(cache, pending, &first);
    let (later, not_there): (Vec<_>, Vec<_>) =
        later.into_iter().partition(|(i, _, _)| found.contains(i));
    take_remote(cache, pending, &later);
    cache.presume_missing(not_there.iter().map(|&(_, _, k)| k));
    for p in pending.iter_mut().flatten() {
        p.missed
            .retain(|(file, _)| !p.found.file_entries.contains_key(file));
        if let Some(table) = &mut p.found.table {
            table.save();
        }
    }
}

/// Ask the remote for `files` (check, file, shared key); keep the hits in
/// the checks' tables. Returns the checks that had a hit.
fn take_remote(
    cache: &Cache,
    pending: &mut [Result<Pending, Work>],
    files: &[(usize, usize, CacheKey)],
) -> std::collections::BTreeSet<usize> {
    let keys: Vec<CacheKey> = files.iter().map(|&(_, _, k)| k).collect();
    let mut found = std::collections::BTreeSet::new();
    for (&(i, j, _), entry) in files.iter().zip(cache.remote_results(&keys)) {
        let (Ok(p), Some(mut entry)) = (&mut pending[i], entry) else {
            continue;
        };
        let file = p.missed[j].0.clone();
        let (Some(key), Some(table)) = (p.found.file_keys.get(&file), p.found.table.as_mut())
        else {
            continue;
        };
        entry.key = key.to_string();
        table.put(file.clone(), entry.clone());
        p.hits.push(entry.clone());
        p.found.file_entries.insert(file, entry);
        found.insert(i);
    }
    found
}

/// A check's answer: what replays, and what is left to run.
fn finish(mut p: Pending) -> (Lookup, Work) {
    let index = p.ask.index;
    let given = match &p.ask.work {
        Work::Files(f) | Work::Project(f) => f.len(),
        Work::None => 0,
    };
    // The whole set's entry, found here or there.
    if p.found.table.is_none() {
        if let Some(entry) = p.hits.first() {
            p.found.hit = Some(entry.replay(usize::MAX, index, given));
            return (p.found, Work::None);
        }
        return (p.found, p.ask.work);
    }
    if !p.hits.is_empty() {
        p.found.hit = Some(merge(index, p.hits.len(), &p.hits));
    }
    let missed = p.missed.into_iter().map(|(f, _)| f).collect();
    (p.found, Work::Files(missed))
}

/// Several per-file entries as one replayed report.
pub(super) fn merge(check: usize, files: usize, entries: &[Entry]) -> JobReport {
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
