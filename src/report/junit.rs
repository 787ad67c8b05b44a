//! JUnit XML for GitLab's `artifacts:reports:junit`: a `<testsuite>` per check,
//! a `<testcase>` per file it checked — or per test, for test runners that
//! report their tests — with `classname` = the check (GitLab shows it as the
//! suite), a unique `name`, `file` and `time` in seconds. The findings of a
//! file are the text of its `<failure>`; baselined ones, which do not fail,
//! go in `<system-out>`.
//!
//! Written with quick-xml rather than the junit-report crate, whose 0.9
//! prints times as raw floats (`31.951999999999998`), which the Surefire
//! schema's time pattern rejects.

use super::context::Context;
use crate::check::Scope;
use crate::finding::{Finding, Outcome};
use crate::parse::TestOutcome;
use crate::results::CheckResult;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use std::collections::{BTreeMap, HashSet};

/// One `<testcase>` before it is written.
struct Case {
    name: String,
    file: Option<String>,
    seconds: f64,
    /// `failure` or `error`, its message, and its text.
    result: Option<(&'static str, String, String)>,
    skipped: Option<String>,
    out: String,
}

impl Case {
    fn new(name: String, file: Option<String>) -> Case {
        Case {
            name,
            file,
            seconds: 0.0,
            result: None,
            skipped: None,
            out: String::new(),
        }
    }
}

pub fn render(ctx: &Context) -> Vec<u8> {
    let suites: Vec<(&CheckResult, Vec<Case>)> = ctx
        .summary
        .checks
        .iter()
        .map(|c| (c, cases(ctx, c)))
        .collect();
    let count = |kind: &str| {
        suites
            .iter()
            .flat_map(|(_, cases)| cases)
            .filter(|c| c.result.as_ref().is_some_and(|r| r.0 == kind))
            .count()
    };
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let total: usize = suites.iter().map(|(_, c)| c.len()).sum();
    let mut root = BytesStart::new("testsuites");
    root.push_attribute(("name", "rungs"));
    root.push_attribute(("tests", total.to_string().as_str()));
    root.push_attribute(("failures", count("failure").to_string().as_str()));
    root.push_attribute(("errors", count("error").to_string().as_str()));
    root.push_attribute(("time", seconds(ctx.summary.wall.as_secs_f64()).as_str()));
    let _ = w.write_event(Event::Start(root));
    for (check, cases) in &suites {
        let failures = cases
            .iter()
            .filter(|c| c.result.as_ref().is_some_and(|r| r.0 == "failure"));
        let errors = cases
            .iter()
            .filter(|c| c.result.as_ref().is_some_and(|r| r.0 == "error"));
        let mut suite = BytesStart::new("testsuite");
        suite.push_attribute(("name", check.check.as_str()));
        suite.push_attribute(("tests", cases.len().to_string().as_str()));
        suite.push_attribute(("failures", failures.count().to_string().as_str()));
        suite.push_attribute(("errors", errors.count().to_string().as_str()));
        let skipped = cases.iter().filter(|c| c.skipped.is_some()).count();
        suite.push_attribute(("skipped", skipped.to_string().as_str()));
        suite.push_attribute(("time", seconds(check.duration.as_secs_f64()).as_str()));
        let _ = w.write_event(Event::Start(suite));
        for case in cases {
            write_case(&mut w, &check.check, case);
        }
        let _ = w.write_event(Event::End(BytesEnd::new("testsuite")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testsuites")));
    let mut out = w.into_inner();
    out.push(b'\n');
    out
}

fn write_case(w: &mut Writer<Vec<u8>>, classname: &str, case: &Case) {
    let mut start = BytesStart::new("testcase");
    start.push_attribute(("classname", xml_text(classname).as_str()));
    start.push_attribute(("name", xml_text(&case.name).as_str()));
    if let Some(file) = &case.file {
        start.push_attribute(("file", xml_text(file).as_str()));
    }
    start.push_attribute(("time", seconds(case.seconds).as_str()));
    if case.result.is_none() && case.skipped.is_none() && case.out.is_empty() {
        let _ = w.write_event(Event::Empty(start));
        return;
    }
    let _ = w.write_event(Event::Start(start));
    if let Some(message) = &case.skipped {
        let mut skipped = BytesStart::new("skipped");
        skipped.push_attribute(("message", xml_text(message).as_str()));
        let _ = w.write_event(Event::Empty(skipped));
    }
    if let Some((kind, message, text)) = &case.result {
        let mut el = BytesStart::new(*kind);
        el.push_attribute(("message", xml_text(message).as_str()));
        el.push_attribute(("type", classname));
        let _ = w.write_event(Event::Start(el));
        let _ = w.write_event(Event::Text(BytesText::new(&xml_text(text))));
        let _ = w.write_event(Event::End(BytesEnd::new(*kind)));
    }
    if !case.out.is_empty() {
        let _ = w.write_event(Event::Start(BytesStart::new("system-out")));
        let _ = w.write_event(Event::Text(BytesText::new(&xml_text(&case.out))));
        let _ = w.write_event(Event::End(BytesEnd::new("system-out")));
    }
    let _ = w.write_event(Event::End(BytesEnd::new("testcase")));
}

/// The test cases of one check.
fn cases(ctx: &Context, check: &CheckResult) -> Vec<Case> {
    let planned = ctx.plan.checks.iter().find(|p| p.check.id.0 == check.check);
    let mut cases: Vec<Case> = Vec::new();
    let mut rest: Vec<&Finding> = check.findings.iter().collect();
    let tests = check
        .tests
        .as_ref()
        .map(|t| t.cases.as_slice())
        .unwrap_or(&[]);
    if !tests.is_empty() {
        // The runner's own tests; their failures are already findings.
        let names: HashSet<&str> = tests.iter().map(|t| t.name.as_str()).collect();
        rest.retain(|f| !f.rule.as_deref().is_some_and(|r| names.contains(r)));
        for t in tests {
            let mut case = Case::new(t.name.clone(), t.file.clone());
            case.seconds = t.seconds;
            let message = t.message.clone().unwrap_or_default();
            match t.outcome {
                TestOutcome::Passed => {}
                TestOutcome::Skipped => case.skipped = Some(message),
                TestOutcome::Failed => case.result = Some(("failure", message.clone(), message)),
                TestOutcome::Error => case.result = Some(("error", message.clone(), message)),
            }
            cases.push(case);
        }
    } else {
        let mut by_file: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
        if let Some(p) = planned.filter(|p| p.check.scope == Scope::Files) {
            for file in &p.files {
                by_file.entry(file.clone()).or_default();
            }
        }
        for f in rest.iter().filter(|f| f.path.is_some()) {
            let path = f.path.clone().unwrap_or_default();
            by_file.entry(path).or_default().push(f);
        }
        rest.retain(|f| f.path.is_none());
        let share = check.duration.as_secs_f64() / by_file.len().max(1) as f64;
        for (path, findings) in by_file {
            let mut case = Case::new(path.clone(), Some(path));
            case.seconds = share;
            judge(&mut case, check, &findings);
            cases.push(case);
        }
    }
    // The check as a whole: what belongs to no file, or a tool that did not finish.
    let whole_needed = !rest.is_empty()
        || check.outcome > Outcome::Failed
        || (check.outcome == Outcome::Failed && !cases.iter().any(|c| c.result.is_some()))
        || cases.is_empty();
    if whole_needed {
        let taken: HashSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
        let mut name = check.check.clone();
        while taken.contains(name.as_str()) {
            name.push_str(" (check)");
        }
        let mut case = Case::new(name, None);
        if cases.is_empty() {
            case.seconds = check.duration.as_secs_f64();
        }
        judge(&mut case, check, &rest);
        if check.outcome > Outcome::Failed {
            let mut text = check.problems.join("\n");
            if !check.output.is_empty() {
                text.push_str("\n\n");
                text.push_str(&check.output);
            }
            let message = check
                .problems
                .first()
                .cloned()
                .unwrap_or_else(|| check.outcome.label().to_string());
            case.result = Some(("error", message, text));
        } else if check.outcome == Outcome::Failed
            && case.result.is_none()
            && !cases.iter().any(|c| c.result.is_some())
        {
            let message = format!("{} failed", check.check);
            let text = if check.output.is_empty() {
                message.clone()
            } else {
                check.output.clone()
            };
            case.result = Some(("failure", message, text));
        }
        cases.push(case);
    }
    cases
}

/// A failure holding a file's findings; baselined ones and those of a check
/// not adopted yet only as output.
fn judge(case: &mut Case, check: &CheckResult, findings: &[&Finding]) {
    let (quiet, failing): (Vec<&Finding>, Vec<&Finding>) =
        findings.iter().partition(|f| f.baselined || f.to_adopt);
    if !failing.is_empty() {
        let n = failing.len();
        let message = format!("{n} finding{}", if n == 1 { "" } else { "s" });
        let mut text: String = failing.iter().map(|f| f.display() + "\n").collect();
        if let Some(diff) = &check.diff
            && let Some(path) = &case.file
            && let Some(part) = diff_of(diff, path)
        {
            text.push('\n');
            text.push_str(&part);
        }
        case.result = Some(("failure", message, text));
    }
    for f in quiet {
        let why = if f.baselined { "baselined" } else { "to adopt" };
        case.out.push_str(&format!("{why}: {}\n", f.display()));
    }
}

/// The part of a multi-file unified diff that is about `path`.
fn diff_of(diff: &str, path: &str) -> Option<String> {
    let mut out = String::new();
    let mut inside = false;
    for line in diff.lines() {
        if let Some(name) = line.strip_prefix("--- ") {
            let name = name.split('\t').next().unwrap_or(name);
            let name = name.strip_prefix("a/").unwrap_or(name);
            inside = name == path;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Seconds with millisecond precision, as the Surefire schema's time pattern wants.
fn seconds(s: f64) -> String {
    format!("{:.3}", s.max(0.0))
}

/// Text XML 1.0 can hold: tool output may carry terminal escapes and other
/// control characters, which no XML parser accepts even escaped.
pub fn xml_text(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
        })
        .collect()
}
