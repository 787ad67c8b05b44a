//! Splitting a run across CI jobs (`--shard I/N`, GitLab's `parallel: N`).
//! Every node computes the same split from the same recorded durations: units
//! sorted by expected duration (descending), then by id, each given to the
//! least-loaded shard. File-level checks split by file, test suites (with or
//! without coverage) by test file.

use super::Durations;
use super::PlannedCheck;
use super::jobs::{Work, per_file, per_run};
use crate::check::{Kind, Scope};
use crate::error::Error;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// 1-based, as GitLab's CI_NODE_INDEX.
    pub index: usize,
    pub total: usize,
}

impl Shard {
    /// `I/N`, or `auto` for GitLab's CI_NODE_INDEX / CI_NODE_TOTAL (1/1 outside `parallel:`).
    pub fn parse(text: &str) -> Result<Shard, Error> {
        let (index, total) = if text == "auto" {
            let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
            match (var("CI_NODE_INDEX"), var("CI_NODE_TOTAL")) {
                (Some(i), Some(n)) => (i, n),
                _ => ("1".into(), "1".into()),
            }
        } else {
            let (i, n) = text.split_once('/').ok_or_else(|| bad(text))?;
            (i.to_string(), n.to_string())
        };
        let index: usize = index.trim().parse().map_err(|_| bad(text))?;
        let total: usize = total.trim().parse().map_err(|_| bad(text))?;
        if total == 0 || index == 0 || index > total {
            return Err(bad(text));
        }
        Ok(Shard { index, total })
    }
}

fn bad(text: &str) -> Error {
    Error::Usage {
        message: format!("--shard `{text}` is not I/N with 1 <= I <= N"),
        hint: Some("e.g. --shard 2/4, or --shard auto under GitLab's parallel: N".into()),
    }
}

/// A test file, by the usual pytest and Django names.
pub fn is_test_file(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    // pytest's defaults and Django's (tests.py, test*.py, *_tests.py).
    name.ends_with(".py")
        && (name.starts_with("test") || name.ends_with("_test.py") || name.ends_with("_tests.py"))
}

struct Unit {
    check: usize,
    file: Option<String>,
    seconds: f64,
}

/// The units a shard was dealt, and every unit of the plan it split, so
/// that `rungs merge` can check that its shards partition the run.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Dealt {
    /// `check` or `check::file`, sorted.
    pub mine: Vec<String>,
    /// Every unit of the plan, sorted: the same on every shard of a run.
    pub all: Vec<String>,
}

fn unit_name(checks: &[PlannedCheck], unit: &Unit) -> String {
    let id = checks[unit.check].check.id.as_str();
    match &unit.file {
        Some(file) => format!("{id}::{file}"),
        None => id.to_string(),
    }
}

/// The work of every check, all of it (no sharding).
pub fn all_work(checks: &[PlannedCheck]) -> Vec<Work> {
    checks
        .iter()
        .map(|c| match c.check.scope {
            Scope::Files => Work::Files(c.files.clone()),
            Scope::Project => Work::Project(Vec::new()),
        })
        .collect()
}

/// The work of shard `shard` of every check, and the units it was dealt.
pub fn split(
    checks: &[PlannedCheck],
    durations: &Durations,
    shard: Shard,
) -> (Vec<Work>, Option<Dealt>) {
    if shard.total == 1 {
        return (all_work(checks), None);
    }
    let mut units = Vec::new();
    for (i, c) in checks.iter().enumerate() {
        match c.check.scope {
            Scope::Files if !c.check.serial => {
                let each = per_file(durations, c);
                units.extend(c.files.iter().map(|f| Unit {
                    check: i,
                    file: Some(f.clone()),
                    seconds: each,
                }));
            }
            Scope::Project if matches!(c.check.kind, Kind::Test | Kind::Coverage) => {
                let tests: Vec<&String> = c.files.iter().filter(|f| is_test_file(f)).collect();
                let known: Vec<f64> = tests
                    .iter()
                    .filter_map(|f| durations.get(&format!("{}::{f}", c.check.id)))
                    .collect();
                let mean = if known.is_empty() {
                    per_run(durations, c) / tests.len().max(1) as f64
                } else {
                    known.iter().sum::<f64>() / known.len() as f64
                };
                if tests.is_empty() {
                    units.push(Unit {
                        check: i,
                        file: None,
                        seconds: per_run(durations, c),
                    });
                }
                for f in tests {
                    let seconds = durations
                        .get(&format!("{}::{f}", c.check.id))
                        .unwrap_or(mean);
                    units.push(Unit {
                        check: i,
                        file: Some(f.clone()),
                        seconds,
                    });
                }
            }
            // One process over all its files (mypy): timed per file.
            Scope::Files => units.push(Unit {
                check: i,
                file: None,
                seconds: per_file(durations, c) * c.files.len() as f64,
            }),
            _ => units.push(Unit {
                check: i,
                file: None,
                seconds: per_run(durations, c),
            }),
        }
    }
    units.sort_by(|a, b| {
        b.seconds
            .total_cmp(&a.seconds)
            .then_with(|| checks[a.check].check.id.cmp(&checks[b.check].check.id))
            .then_with(|| a.file.cmp(&b.file))
    });
    let mut load = vec![0.0f64; shard.total];
    let mut mine: Vec<Option<Vec<String>>> = vec![None; checks.len()];
    let mut dealt = Dealt::default();
    for unit in units {
        let name = unit_name(checks, &unit);
        let target = (0..shard.total)
            .min_by(|&a, &b| load[a].total_cmp(&load[b]).then(a.cmp(&b)))
            .expect("at least one shard");
        load[target] += unit.seconds;
        if target + 1 == shard.index {
            dealt.mine.push(name.clone());
        }
        dealt.all.push(name);
        if target + 1 == shard.index {
            let entry = mine[unit.check].get_or_insert_with(Vec::new);
            match (unit.file, checks[unit.check].check.scope) {
                (Some(file), _) => entry.push(file),
                // A file-level check that runs in one process goes whole.
                (None, Scope::Files) => entry.extend(checks[unit.check].files.iter().cloned()),
                (None, Scope::Project) => {}
            }
        }
    }
    dealt.mine.sort();
    dealt.all.sort();
    let work = checks
        .iter()
        .zip(mine)
        .map(|(c, files)| match (files, c.check.scope) {
            (None, _) => Work::None,
            (Some(files), Scope::Files) => Work::Files(files),
            (Some(files), Scope::Project) => Work::Project(files),
        })
        .collect();
    (work, Some(dealt))
}
