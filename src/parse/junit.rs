//! pytest's JUnit XML (every test, failed ones as findings with file and
//! line) and the coverage check, which adds a coverage report to it.

use super::{Input, Parsed, TestCounts};
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use serde::{Deserialize, Serialize};

struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    seconds: f64,
}

/// One test as the test runner reported it, so reports can list every test.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct TestCase {
    /// The test's id as its runner takes it (`file::Class::test` for pytest).
    pub name: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub seconds: f64,
    pub outcome: TestOutcome,
    /// Why it failed, errored or was skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Copy, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TestOutcome {
    Passed,
    Failed,
    Error,
    Skipped,
}

/// An XML attribute's value, entities resolved.
pub(super) fn attr(e: &BytesStart, key: &str) -> Option<String> {
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
    let mut skipped: Option<String> = None;
    let mut text = String::new();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("pytest's JUnit report is not valid XML ({e})"))?;
        let (start, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        match (&event, start) {
            (_, Some(e)) if e.name().as_ref() == "testcase" => {
                counts.total += 1;
                case = Some(Case {
                    classname: attr(e, "classname").unwrap_or_default(),
                    name: attr(e, "name").unwrap_or_default(),
                    file: attr(e, "file"),
                    // pytest writes 0-based lines.
                    line: attr(e, "line")
                        .and_then(|l| l.parse::<u32>().ok())
                        .map(|l| l + 1),
                    seconds: attr(e, "time")
                        .and_then(|t| t.parse::<f64>().ok())
                        .unwrap_or(0.0),
                });
                (failure, skipped) = (None, None);
                if empty && let Some(c) = case.take() {
                    finish(input, c, None, None, "", &mut parsed, &mut counts);
                }
            }
            (_, Some(e)) if matches!(e.name().as_ref(), "failure" | "error") => {
                let kind = e.name().as_ref().to_string();
                if kind == "error" {
                    counts.errors += 1;
                } else {
                    counts.failed += 1;
                }
                failure = Some((kind, attr(e, "message").unwrap_or_default()));
                text.clear();
            }
            (_, Some(e)) if e.name().as_ref() == "skipped" => {
                // pytest writes an expected failure as skipped, typed so.
                match attr(e, "type").as_deref() {
                    Some("pytest.xfail") => counts.xfailed += 1,
                    _ => counts.skipped += 1,
                }
                skipped = Some(attr(e, "message").unwrap_or_default());
            }
            (Event::Text(t), _) if failure.is_some() => text.push_str(&t.xml10_content()),
            (Event::End(e), _) if e.name().as_ref() == "testcase" => {
                if let Some(c) = case.take() {
                    finish(
                        input,
                        c,
                        failure.take(),
                        skipped.take(),
                        &text,
                        &mut parsed,
                        &mut counts,
                    );
                }
            }
            (Event::Eof, _) => break,
            _ => {}
        }
    }
    // An unexpected pass is a plain pass in JUnit: pytest's own summary
    // line counts it.
    counts.xpassed = summary_count(input.stdout, "xpassed");
    parsed.tests = Some(counts);
    Ok(parsed)
}

/// `N word` in pytest's closing summary line (`3 passed, 1 xpassed in 0.1s`).
fn summary_count(stdout: &str, word: &str) -> u64 {
    let Some(line) = stdout
        .lines()
        .rev()
        .find(|l| l.contains(" in ") && (l.contains("passed") || l.contains("failed")))
    else {
        return 0;
    };
    line.trim_matches(|c: char| c == '=' || c.is_whitespace())
        .split([',', ' '])
        .collect::<Vec<_>>()
        .windows(2)
        .find(|w| w[1] == word)
        .and_then(|w| w[0].parse().ok())
        .unwrap_or(0)
}

/// One test case read: recorded, and a finding when it failed.
fn finish(
    input: &Input,
    c: Case,
    failure: Option<(String, String)>,
    skipped: Option<String>,
    text: &str,
    parsed: &mut Parsed,
    counts: &mut TestCounts,
) {
    let test = node_id(&c);
    let mut record = TestCase {
        name: test.clone(),
        file: c.file.clone(),
        line: c.line,
        seconds: c.seconds,
        outcome: TestOutcome::Passed,
        message: None,
    };
    if let Some(message) = skipped {
        record.outcome = TestOutcome::Skipped;
        record.message = Some(message);
    }
    if let Some((kind, message)) = failure {
        // A module that failed to import has no line of its own: the
        // traceback's last frame in it has one.
        let line = c
            .line
            .or_else(|| c.file.as_deref().and_then(|f| frame_line(text, f)));
        let mut f = input.finding(c.file.clone(), line, None);
        f.rule = Some(test);
        let first = message.lines().next().unwrap_or("").trim().to_string();
        let why = super::reason::reason(text);
        let detail = match (first.as_str(), why) {
            ("", Some(why)) => why,
            ("", None) => text.lines().last().unwrap_or("").trim().to_string(),
            // pytest's label alone says nothing of the cause; the text does.
            (COLLECTION, Some(why)) => format!("{COLLECTION}: {why}"),
            _ => first,
        };
        let error = kind == "error";
        f.message = if error {
            format!("error: {detail}")
        } else {
            format!("failed: {detail}")
        };
        record.outcome = if error {
            TestOutcome::Error
        } else {
            TestOutcome::Failed
        };
        record.message = Some(f.message.clone());
        parsed.findings.push(f);
    }
    counts.cases.push(record);
}

/// The line of the last traceback frame in `file` (`file:LINE: in …`).
fn frame_line(text: &str, file: &str) -> Option<u32> {
    let prefix = format!("{file}:");
    text.lines()
        .rev()
        .find_map(|l| l.strip_prefix(&prefix)?.split_once(": in ")?.0.parse().ok())
}

/// pytest's message for a module it could not collect.
const COLLECTION: &str = "collection failure";

/// pytest's node id of a test case: what `pytest` takes to re-run it.
fn node_id(c: &Case) -> String {
    match (&c.file, c.classname.is_empty()) {
        (Some(file), _) => {
            let module = file.trim_end_matches(".py").replace('/', ".");
            // A module that failed to collect is named after itself.
            if c.classname.is_empty() && c.name == module {
                return file.clone();
            }
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
    }
}
