//! Coverage reports in the three formats tools write: coverage.py's JSON,
//! Cobertura XML and lcov. Each becomes the same per-file line data, which the
//! total floor, diff coverage and the Cobertura report rungs writes all use.

use super::junit::attr;
use super::{Coverage, Input, Parsed};
use crate::finding::Severity;
use quick_xml::events::Event;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// Which lines of one file ran under the tests and which could have but did not.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct FileCoverage {
    /// Project-relative, `/`-separated.
    pub path: String,
    pub covered: Vec<u32>,
    pub missed: Vec<u32>,
    /// Branches (from line, to line; negative: out of the function) taken
    /// and not, where coverage.py measured branches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covered_branches: Vec<[i64; 2]>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missed_branches: Vec<[i64; 2]>,
}

/// The report files the coverage parser looks for in the job's `{out}`, in order.
pub const REPORT_FILES: [&str; 3] = ["coverage.json", "coverage.xml", "lcov.info"];

/// Read the first coverage report the job wrote.
pub fn read(input: &Input) -> Result<Coverage, String> {
    for name in REPORT_FILES {
        let path = input.out_dir.join(name);
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        return match name {
            "coverage.json" => coverage_py(&text, input.root),
            "coverage.xml" => cobertura(&text, input.root),
            _ => lcov(&text, input.root),
        }
        .map_err(|e| format!("the coverage report {name} is not readable ({e})"));
    }
    Err(format!(
        "the coverage check wrote no report (expected one of {} in {{out}})",
        REPORT_FILES.join(", ")
    ))
}

#[derive(Deserialize)]
struct CoveragePy {
    #[serde(default)]
    files: BTreeMap<String, CoveragePyFile>,
    totals: CoveragePyTotals,
}

#[derive(Deserialize)]
struct CoveragePyFile {
    #[serde(default)]
    executed_lines: Vec<u32>,
    #[serde(default)]
    missing_lines: Vec<u32>,
    #[serde(default)]
    executed_branches: Vec<[i64; 2]>,
    #[serde(default)]
    missing_branches: Vec<[i64; 2]>,
}

#[derive(Deserialize)]
struct CoveragePyTotals {
    covered_lines: u64,
    num_statements: u64,
    percent_covered: f64,
    #[serde(default)]
    num_branches: u64,
    #[serde(default)]
    covered_branches: u64,
}

/// coverage.py's `coverage json`: paths are relative to where it ran (the root).
/// rungs's own files (its pytest plug-in in the cache folder, measured when
/// the project's config names no `source`) are never the project's coverage:
/// they are left out, and the totals counted again without them.
pub fn coverage_py(text: &str, root: &Path) -> Result<Coverage, String> {
    let report: CoveragePy = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let own = crate::dirs::root().ok().and_then(|d| d.canonicalize().ok());
    let is_own = |path: &str| {
        own.as_ref().is_some_and(|own| {
            root.join(path)
                .canonicalize()
                .is_ok_and(|p| p.starts_with(own))
        })
    };
    let mut totals = report.totals;
    let mut files = Vec::new();
    let mut dropped = false;
    for (path, f) in report.files {
        if is_own(&path) {
            dropped = true;
            totals.covered_lines -= (f.executed_lines.len() as u64).min(totals.covered_lines);
            let lines = (f.executed_lines.len() + f.missing_lines.len()) as u64;
            totals.num_statements -= lines.min(totals.num_statements);
            let branches = (f.executed_branches.len() + f.missing_branches.len()) as u64;
            totals.num_branches -= branches.min(totals.num_branches);
            let taken = f.executed_branches.len() as u64;
            totals.covered_branches -= taken.min(totals.covered_branches);
            continue;
        }
        files.push(FileCoverage {
            path: relative(root, &path),
            covered: f.executed_lines,
            missed: f.missing_lines,
            covered_branches: f.executed_branches,
            missed_branches: f.missing_branches,
        });
    }
    if dropped {
        let whole = totals.num_statements + totals.num_branches;
        totals.percent_covered = match whole {
            0 => 100.0,
            _ => 100.0 * (totals.covered_lines + totals.covered_branches) as f64 / whole as f64,
        };
    }
    Ok(Coverage {
        percent: totals.percent_covered,
        floor: None,
        covered_lines: totals.covered_lines,
        statements: totals.num_statements,
        files: sorted(files),
        partial: false,
    })
}

/// Cobertura XML: each `<class filename>` is relative to one of the `<source>`s.
pub fn cobertura(text: &str, root: &Path) -> Result<Coverage, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut sources: Vec<String> = Vec::new();
    let mut in_source = false;
    let mut lines: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    let mut current: Option<String> = None;
    loop {
        match reader.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.name().as_ref() == "source" => in_source = true,
            Event::End(e) if e.name().as_ref() == "source" => in_source = false,
            Event::Text(t) if in_source => sources.push(t.xml10_content().trim().to_string()),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "class" => {
                let name = attr(&e, "filename").ok_or("a <class> without filename")?;
                current = Some(name);
            }
            Event::End(e) if e.name().as_ref() == "class" => current = None,
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "line" => {
                // Lines of <method>s repeat the class's own lines; both say the same.
                let Some(file) = &current else { continue };
                let number = attr(&e, "number").and_then(|n| n.parse::<u32>().ok());
                let hits = attr(&e, "hits").and_then(|h| h.parse::<u64>().ok());
                if let (Some(number), Some(hits)) = (number, hits) {
                    let hit = lines.entry(file.clone()).or_default().entry(number);
                    *hit.or_insert(false) |= hits > 0;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let files = lines
        .into_iter()
        .map(|(name, lines)| {
            let path = sources
                .iter()
                .map(|s| Path::new(s).join(&name))
                .find(|p| p.is_file())
                .map(|p| p.to_string_lossy().into_owned())
                .unwrap_or(name);
            file_from_hits(relative(root, &path), lines)
        })
        .collect();
    Ok(totals(sorted(files)))
}

/// lcov's tracefile: `SF:` opens a file, `DA:line,hits` per line.
pub fn lcov(text: &str, root: &Path) -> Result<Coverage, String> {
    let mut files = Vec::new();
    let mut current: Option<(String, BTreeMap<u32, bool>)> = None;
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(path) = line.strip_prefix("SF:") {
            current = Some((relative(root, path), BTreeMap::new()));
        } else if let Some(data) = line.strip_prefix("DA:") {
            let mut parts = data.split(',');
            let number = parts.next().and_then(|p| p.trim().parse::<u32>().ok());
            let hits = parts.next().and_then(|p| p.trim().parse::<i64>().ok());
            let (Some(number), Some(hits), Some((_, lines))) = (number, hits, current.as_mut())
            else {
                return Err(format!(
                    "line {}: `{line}` is not `DA:LINE,HITS` in a file",
                    n + 1
                ));
            };
            *lines.entry(number).or_insert(false) |= hits > 0;
        } else if line == "end_of_record"
            && let Some((path, lines)) = current.take()
        {
            files.push(file_from_hits(path, lines));
        }
    }
    if let Some((path, lines)) = current.take() {
        files.push(file_from_hits(path, lines));
    }
    Ok(totals(sorted(files)))
}

fn file_from_hits(path: String, lines: BTreeMap<u32, bool>) -> FileCoverage {
    let (covered, missed): (Vec<_>, Vec<_>) = lines.into_iter().partition(|(_, hit)| *hit);
    FileCoverage {
        path,
        covered: covered.into_iter().map(|(n, _)| n).collect(),
        missed: missed.into_iter().map(|(n, _)| n).collect(),
        ..FileCoverage::default()
    }
}

/// Files of the same path (a report listing one file twice, or two shards'
/// reports) as one, sorted by path: a line or branch counts as covered if
/// it was covered in any of them.
fn sorted(files: Vec<FileCoverage>) -> Vec<FileCoverage> {
    type Hits<K> = BTreeMap<K, bool>;
    let mut by_path: BTreeMap<String, (Hits<u32>, Hits<[i64; 2]>)> = BTreeMap::new();
    for f in files {
        let (lines, branches) = by_path.entry(f.path).or_default();
        for n in f.missed {
            lines.entry(n).or_insert(false);
        }
        for n in f.covered {
            lines.insert(n, true);
        }
        for b in f.missed_branches {
            branches.entry(b).or_insert(false);
        }
        for b in f.covered_branches {
            branches.insert(b, true);
        }
    }
    fn split<K: Copy + Ord>(hits: &BTreeMap<K, bool>) -> (Vec<K>, Vec<K>) {
        let pick = |want: bool| {
            hits.iter()
                .filter(move |(_, h)| **h == want)
                .map(|(k, _)| *k)
        };
        (pick(true).collect(), pick(false).collect())
    }
    by_path
        .into_iter()
        .map(|(path, (lines, branches))| {
            let (covered, missed) = split(&lines);
            let (covered_branches, missed_branches) = split(&branches);
            FileCoverage {
                path,
                covered,
                missed,
                covered_branches,
                missed_branches,
            }
        })
        .collect()
}

/// Totals as coverage.py computes them: covered lines and branches over
/// all lines and branches.
fn totals(files: Vec<FileCoverage>) -> Coverage {
    let count = |f: fn(&FileCoverage) -> usize| files.iter().map(f).sum::<usize>() as u64;
    let covered = count(|f| f.covered.len());
    let statements = covered + count(|f| f.missed.len());
    let covered_branches = count(|f| f.covered_branches.len());
    let branches = covered_branches + count(|f| f.missed_branches.len());
    let all = statements + branches;
    Coverage {
        percent: if all == 0 {
            100.0
        } else {
            (covered + covered_branches) as f64 * 100.0 / all as f64
        },
        floor: None,
        covered_lines: covered,
        statements,
        files,
        partial: false,
    }
}

/// Two shards' coverage of the same code as one: a line or branch ran if it
/// ran in either; the percentage is recomputed as coverage.py computes it.
pub fn join(a: Coverage, b: Coverage) -> Coverage {
    let files = sorted(a.files.into_iter().chain(b.files).collect());
    Coverage {
        floor: a.floor.or(b.floor),
        partial: a.partial || b.partial,
        ..totals(files)
    }
}

fn relative(root: &Path, path: &str) -> String {
    let p = Path::new(path);
    let rel = match p.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) if p.is_relative() => p.to_path_buf(),
        // The root may have been reached through a symlink.
        Err(_) => match (root.canonicalize(), p.canonicalize()) {
            (Ok(r), Ok(c)) => c.strip_prefix(&r).map(Path::to_path_buf).unwrap_or(c),
            _ => p.to_path_buf(),
        },
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// The coverage check: the tests' JUnit report when there is one, and a
/// coverage report (coverage.py JSON, Cobertura XML or lcov) judged by the floor.
pub fn check(input: &Input) -> Result<Parsed, String> {
    let mut parsed = if input.out_dir.join("junit.xml").is_file() {
        super::junit::pytest(input)?
    } else {
        Parsed::default()
    };
    let mut coverage = match read(input) {
        Ok(c) => c,
        // pytest-cov writes no report of a session stopped short (a
        // collection error): the failures JUnit names are the verdict.
        Err(_) if parsed.findings.iter().any(|f| f.severity != Severity::Info) => {
            return Ok(parsed);
        }
        Err(e) => return Err(e),
    };
    let percent = coverage.percent;
    coverage.partial = input.coverage_partial;
    if let Some(floor) = input.coverage_floor
        && !input.coverage_partial
        && percent + 1e-9 < floor
    {
        let mut f = input.finding(None, None, None);
        f.rule = Some("coverage-floor".into());
        f.message = format!("total coverage {percent:.2}% is below the floor of {floor}%");
        parsed.findings.push(f);
    }
    coverage.floor = input.coverage_floor;
    parsed.coverage = Some(coverage);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::{FileCoverage, join, totals};

    fn part(covered: &[u32], missed: &[u32], taken: &[[i64; 2]], not: &[[i64; 2]]) -> FileCoverage {
        FileCoverage {
            path: "a.py".into(),
            covered: covered.to_vec(),
            missed: missed.to_vec(),
            covered_branches: taken.to_vec(),
            missed_branches: not.to_vec(),
        }
    }

    #[test]
    fn shards_join_lines_and_branches_as_one_run() {
        let a = totals(vec![part(&[1, 2], &[3], &[[2, 3]], &[[2, -1]])]);
        let b = totals(vec![part(&[1, 3], &[2], &[], &[[2, 3], [2, -1]])]);
        let joined = join(a, b);
        assert_eq!(joined.files[0].covered, [1, 2, 3]);
        assert!(joined.files[0].missed.is_empty());
        assert_eq!(joined.files[0].covered_branches, [[2, 3]]);
        assert_eq!(joined.files[0].missed_branches, [[2, -1]]);
        // (3 lines + 1 branch) of (3 lines + 2 branches), as coverage.py counts.
        assert_eq!(joined.percent, 80.0);
        assert_eq!((joined.covered_lines, joined.statements), (3, 3));
    }
}
