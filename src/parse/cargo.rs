//! cargo's outputs: compiler messages as JSON (clippy), libtest's text (tests).

use super::{Input, Parsed, TestCase, TestCounts, TestOutcome};
use crate::finding::{Finding, Severity};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize)]
struct Line {
    reason: String,
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Message {
    message: String,
    level: String,
    code: Option<Code>,
    spans: Vec<Span>,
}

#[derive(Deserialize)]
struct Code {
    code: String,
}

#[derive(Deserialize)]
struct Span {
    file_name: String,
    line_start: u32,
    column_start: u32,
    is_primary: bool,
}

pub fn messages(input: &Input) -> Result<Parsed, String> {
    let mut findings: Vec<Finding> = Vec::new();
    let mut json_lines = 0;
    for line in input.stdout.lines().filter(|l| l.starts_with('{')) {
        let parsed: Line = serde_json::from_str(line)
            .map_err(|e| format!("cargo's JSON message is not readable ({e})"))?;
        json_lines += 1;
        let Some(m) = parsed
            .message
            .filter(|_| parsed.reason == "compiler-message")
        else {
            continue;
        };
        let severity = match m.level.as_str() {
            "error" => Severity::Error,
            "warning" => Severity::Warning,
            _ => continue,
        };
        let Some(span) = m.spans.iter().find(|s| s.is_primary) else {
            continue;
        };
        let mut f = input.finding(
            Some(input.relative(&span.file_name)),
            Some(span.line_start),
            Some(span.column_start),
        );
        f.rule = m.code.map(|c| c.code);
        f.severity = severity;
        f.message = m.message;
        // --all-targets reports a lib's warning once per target.
        if !findings.contains(&f) {
            findings.push(f);
        }
    }
    if json_lines == 0 && !input.stdout.trim().is_empty() {
        return Err("cargo printed no JSON messages".into());
    }
    Ok(Parsed::of(findings))
}

/// Every test from libtest's output (`test NAME ... ok`), failed ones also
/// as findings placed where they panicked. libtest reports no per-test time
/// on stable Rust, and one `cargo test` runs several test binaries whose
/// names may repeat: a repeated name gets ` (2)`, ` (3)` … so each case is
/// unique in the JUnit report.
pub fn tests(input: &Input) -> Result<Parsed, String> {
    let result = regex::Regex::new(
        r"^test (.+?)(?: - should panic)? \.\.\. (ok|FAILED|ignored)(?:, (.*))?$",
    )
    .expect("static regex");
    let section = regex::Regex::new(r"^---- (.+?) stdout ----$").expect("static regex");
    let panicked = regex::Regex::new(r"panicked at (.+?):(\d+):(\d+):$").expect("static regex");
    // Where each failing test panicked, in order of appearance per name.
    type Place = (String, Option<u32>, Option<u32>, String);
    // Each `---- NAME stdout ----` section in order, with where its test
    // panicked (the last panic in it: a spawned thread's comes first).
    let mut places: HashMap<String, std::collections::VecDeque<Option<Place>>> = HashMap::new();
    let mut current: Option<String> = None;
    // `--show-output` also prints the passing tests' sections, under `successes:`.
    let mut in_failures = false;
    let mut lines = input.stdout.lines().peekable();
    while let Some(line) = lines.next() {
        match line {
            "failures:" => in_failures = true,
            "successes:" => in_failures = false,
            _ => {}
        }
        if let Some(c) = section.captures(line) {
            let name = c[1].to_string();
            current = None;
            if in_failures {
                places.entry(name.clone()).or_default().push_back(None);
                current = Some(name);
            }
        } else if let Some(c) = panicked.captures(line)
            && let Some(slot) = current
                .as_ref()
                .and_then(|name| places.get_mut(name))
                .and_then(|q| q.back_mut())
        {
            let detail = lines
                .peek()
                .map(|l| l.trim().to_string())
                .unwrap_or_default();
            *slot = Some((
                c[1].to_string(),
                c[2].parse().ok(),
                c[3].parse().ok(),
                detail,
            ));
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut counts = TestCounts::default();
    let mut findings = Vec::new();
    for line in input.stdout.lines() {
        let Some(c) = result.captures(line) else {
            continue;
        };
        let name = c[1].to_string();
        let n = seen.entry(name.clone()).or_default();
        *n += 1;
        let unique = if *n == 1 {
            name.clone()
        } else {
            format!("{name} ({n})")
        };
        let mut case = TestCase {
            name: unique.clone(),
            file: None,
            line: None,
            seconds: 0.0,
            outcome: TestOutcome::Passed,
            message: None,
        };
        counts.total += 1;
        match &c[2] {
            "ignored" => {
                counts.skipped += 1;
                case.outcome = TestOutcome::Skipped;
                case.message = c.get(3).map(|m| m.as_str().to_string());
            }
            "FAILED" => {
                counts.failed += 1;
                let place = places.get_mut(&name).and_then(|q| q.pop_front()).flatten();
                let mut f = match &place {
                    Some((path, l, col, _)) => {
                        let path = input.relative(path);
                        case.file = Some(path.clone());
                        case.line = *l;
                        input.finding(Some(path), *l, *col)
                    }
                    None => input.finding(None, None, None),
                };
                let detail = place.map(|p| p.3).unwrap_or_default();
                f.rule = Some(unique.clone());
                f.message = if detail.is_empty() {
                    format!("test {name} failed")
                } else {
                    format!("test {name} failed: {detail}")
                };
                case.outcome = TestOutcome::Failed;
                case.message = Some(f.message.clone());
                findings.push(f);
            }
            _ => {}
        }
        counts.cases.push(case);
    }
    let mut parsed = Parsed::of(findings);
    parsed.tests = (counts.total > 0).then_some(counts);
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use crate::check::Check;
    use crate::parse::{Input, TestOutcome};

    /// Two test binaries (a name repeats), a doc test, an ignored test and a
    /// failure, as `cargo test` prints them.
    const OUTPUT: &str = "
running 3 tests
test tests::adds ... ok
test tests::empty ... FAILED
test tests::slow ... ignored, needs the network

failures:

---- tests::empty stdout ----

thread 'tests::empty' panicked at src/lib.rs:18:9:
assertion failed: !no_names(&[])
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::empty

test result: FAILED. 1 passed; 1 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 2 tests
test tests::adds ... ok
test tests::empty ... FAILED

failures:

---- tests::empty stdout ----
Error: \"no names\"


failures:
    tests::empty

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

running 1 test
test src/lib.rs - add (line 5) ... ok
";

    #[test]
    fn a_passing_tests_shown_output_takes_no_failures_place() {
        let output = "
running 1 test
test tests::empty ... ok

successes:

---- tests::empty stdout ----
hello

successes:
    tests::empty

running 1 test
test tests::empty ... FAILED

failures:

---- tests::empty stdout ----

thread 'tests::empty' panicked at src/b.rs:3:5:
boom

failures:
    tests::empty
";
        let (id, spec, source) = crate::check::builtin_specs()
            .unwrap()
            .into_iter()
            .find(|(id, _, _)| id == "cargo-test")
            .unwrap();
        let check = Check::resolve(&id, &spec, &source).unwrap();
        let root = std::path::Path::new("/nowhere");
        let input = Input {
            check: &check,
            stdout: output,
            stderr: "",
            out_dir: root,
            root,
            coverage_floor: None,
            coverage_partial: false,
        };
        let tests = super::tests(&input).unwrap().tests.unwrap();
        assert_eq!(tests.cases[1].name, "tests::empty (2)");
        assert_eq!(tests.cases[1].file.as_deref(), Some("src/b.rs"));
    }

    #[test]
    fn every_test_is_a_case_and_a_failure_is_also_a_finding() {
        let (id, spec, source) = crate::check::builtin_specs()
            .unwrap()
            .into_iter()
            .find(|(id, _, _)| id == "cargo-test")
            .unwrap();
        let check = Check::resolve(&id, &spec, &source).unwrap();
        let check: &Check = &check;
        let root = std::path::Path::new("/nowhere");
        let input = Input {
            check,
            stdout: OUTPUT,
            stderr: "",
            out_dir: root,
            root,
            coverage_floor: None,
            coverage_partial: false,
        };
        let parsed = super::tests(&input).unwrap();
        let tests = parsed.tests.unwrap();
        let names: Vec<&str> = tests.cases.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "tests::adds",
                "tests::empty",
                "tests::slow",
                "tests::adds (2)",
                "tests::empty (2)",
                "src/lib.rs - add (line 5)"
            ]
        );
        assert_eq!((tests.total, tests.failed, tests.skipped), (6, 2, 1));
        // The second binary's failure returned an error: no place to borrow.
        assert_eq!(tests.cases[4].file, None);
        assert_eq!(
            parsed.findings[1].display(),
            "tests::empty (2) test tests::empty failed"
        );
        assert_eq!(tests.cases[1].outcome, TestOutcome::Failed);
        assert_eq!(tests.cases[1].file.as_deref(), Some("src/lib.rs"));
        assert_eq!(tests.cases[2].message.as_deref(), Some("needs the network"));
        assert_eq!(parsed.findings.len(), 2);
        assert_eq!(
            parsed.findings[0].display(),
            "src/lib.rs:18:9: tests::empty test tests::empty failed: assertion failed: !no_names(&[])"
        );
    }
}
