//! pytest's JUnit XML (failed tests with file and line) and coverage.py's JSON.

use super::{Coverage, Input, Parsed, TestCounts};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
}

fn attr(e: &BytesStart, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

pub fn pytest(input: &Input) -> Result<Parsed, String> {
    let path = input.out_dir.join("junit.xml");
    let xml = std::fs::read_to_string(&path)
        .map_err(|e| format!("pytest wrote no JUnit report ({e})"))?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut parsed = Parsed::default();
    let mut counts = TestCounts::default();
    let mut case: Option<Case> = None;
    let mut failure: Option<(String, String)> = None;
    let mut text = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("pytest's JUnit report is not valid XML ({e})"))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "testcase" => {
                counts.total += 1;
                case = Some(Case {
                    classname: attr(&e, "classname").unwrap_or_default(),
                    name: attr(&e, "name").unwrap_or_default(),
                    file: attr(&e, "file"),
                    // pytest writes 0-based lines.
                    line: attr(&e, "line")
                        .and_then(|l| l.parse::<u32>().ok())
                        .map(|l| l + 1),
                });
            }
            Event::Start(e) | Event::Empty(e)
                if matches!(e.name().as_ref(), "failure" | "error") =>
            {
                let kind = e.name().as_ref().to_string();
                if kind == "error" {
                    counts.errors += 1;
                } else {
                    counts.failed += 1;
                }
                failure = Some((kind, attr(&e, "message").unwrap_or_default()));
                text.clear();
            }
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == "skipped" => {
                counts.skipped += 1
            }
            Event::Text(t) if failure.is_some() => text.push_str(&t.xml10_content()),
            Event::End(e) if e.name().as_ref() == "testcase" => {
                if let (Some(c), Some((kind, message))) = (case.take(), failure.take()) {
                    let mut f = input.finding(c.file.clone(), c.line, None);
                    // A pytest node id where the file is known: what `pytest` takes to re-run it.
                    let test = match (&c.file, c.classname.is_empty()) {
                        (Some(file), _) => {
                            let module = file.trim_end_matches(".py").replace('/', ".");
                            let class = c
                                .classname
                                .strip_prefix(&module)
                                .unwrap_or("")
                                .trim_start_matches('.');
                            if class.is_empty() {
                                format!("{file}::{}", c.name)
                            } else {
                                format!("{file}::{}::{}", class.replace('.', "::"), c.name)
                            }
                        }
                        (None, true) => c.name.clone(),
                        (None, false) => format!("{}::{}", c.classname, c.name),
                    };
                    f.rule = Some(test);
                    let first = message.lines().next().unwrap_or("").trim().to_string();
                    let detail = if first.is_empty() {
                        text.lines().last().unwrap_or("").trim().to_string()
                    } else {
                        first
                    };
                    f.message = if kind == "error" {
                        format!("error: {detail}")
                    } else {
                        format!("failed: {detail}")
                    };
                    parsed.findings.push(f);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    parsed.tests = Some(counts);
    Ok(parsed)
}

#[derive(serde::Deserialize)]
struct CoverageJson {
    totals: Totals,
}

#[derive(serde::Deserialize)]
struct Totals {
    covered_lines: u64,
    num_statements: u64,
    percent_covered: f64,
}

pub fn coverage(input: &Input) -> Result<Parsed, String> {
    let mut parsed = pytest(input)?;
    let path = input.out_dir.join("coverage.json");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("coverage wrote no JSON report ({e})"))?;
    let report: CoverageJson = serde_json::from_str(&text)
        .map_err(|e| format!("coverage's JSON report is not readable ({e})"))?;
    let percent = report.totals.percent_covered;
    if let Some(floor) = input.coverage_floor
        && percent + 1e-9 < floor
    {
        let mut f = input.finding(None, None, None);
        f.rule = Some("coverage-floor".into());
        f.message = format!("total coverage {percent:.2}% is below the floor of {floor}%");
        parsed.findings.push(f);
    }
    parsed.coverage = Some(Coverage {
        percent,
        floor: input.coverage_floor,
        covered_lines: report.totals.covered_lines,
        statements: report.totals.num_statements,
    });
    Ok(parsed)
}
