//! Coverage reports in the three formats tools write: coverage.py's JSON,
//! Cobertura XML and lcov. Each becomes the same per-file line data, which the
//! total floor, diff coverage and the Cobertura report rungs writes all use.

use super::junit::attr;
use super::{Coverage, Input};
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
}

#[derive(Deserialize)]
struct CoveragePyTotals {
    covered_lines: u64,
    num_statements: u64,
    percent_covered: f64,
}

/// coverage.py's `coverage json`: paths are relative to where it ran (the root).
pub fn coverage_py(text: &str, root: &Path) -> Result<Coverage, String> {
    let report: CoveragePy = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let files = report
        .files
        .into_iter()
        .map(|(path, f)| FileCoverage {
            path: relative(root, &path),
            covered: f.executed_lines,
            missed: f.missing_lines,
        })
        .collect();
    Ok(Coverage {
        percent: report.totals.percent_covered,
        floor: None,
        covered_lines: report.totals.covered_lines,
        statements: report.totals.num_statements,
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
    }
}

/// Files of the same path (a report listing one file twice) merged, sorted by path.
fn sorted(files: Vec<FileCoverage>) -> Vec<FileCoverage> {
    let mut by_path: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    for f in files {
        let lines = by_path.entry(f.path).or_default();
        for n in f.covered {
            lines.insert(n, true);
        }
        for n in f.missed {
            lines.entry(n).or_insert(false);
        }
    }
    by_path
        .into_iter()
        .map(|(path, lines)| file_from_hits(path, lines))
        .collect()
}

fn totals(files: Vec<FileCoverage>) -> Coverage {
    let covered: u64 = files.iter().map(|f| f.covered.len() as u64).sum();
    let statements: u64 = covered + files.iter().map(|f| f.missed.len() as u64).sum::<u64>();
    Coverage {
        percent: if statements == 0 {
            100.0
        } else {
            covered as f64 * 100.0 / statements as f64
        },
        floor: None,
        covered_lines: covered,
        statements,
        files,
        partial: false,
    }
}

/// Two shards' coverage of the same code as one: a line ran if it ran in
/// either. The percentage is recomputed from the lines (coverage.py's own
/// includes branches when measured; the joined one counts lines).
pub fn join(a: Coverage, b: Coverage) -> Coverage {
    let mut lines: BTreeMap<String, BTreeMap<u32, bool>> = BTreeMap::new();
    for f in a.files.into_iter().chain(b.files) {
        let file = lines.entry(f.path).or_default();
        for n in f.missed {
            file.entry(n).or_insert(false);
        }
        for n in f.covered {
            file.insert(n, true);
        }
    }
    let files = lines
        .into_iter()
        .map(|(path, lines)| FileCoverage {
            path,
            covered: lines.iter().filter(|(_, c)| **c).map(|(n, _)| *n).collect(),
            missed: lines
                .iter()
                .filter(|(_, c)| !**c)
                .map(|(n, _)| *n)
                .collect(),
        })
        .collect();
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
