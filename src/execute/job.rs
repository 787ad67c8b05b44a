//! One job: build its command, run it, read its output, decide its outcome.

use super::process::{self, Exit, Invocation};
use super::scratch::{Change, Scratch};
use super::{Mode, argv};
use crate::check::{Check, ParserKind, Scope};
use crate::finding::{Finding, Outcome};
use crate::parse;
use crate::results::JobReport;
use crate::tool::Tool;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub fn run_job(ctx: &super::Context, index: usize, mode: Mode) -> JobReport {
    let (root, plan, cancel) = (ctx.root, ctx.plan, ctx.cancel);
    let job = &plan.jobs[index];
    let planned = &plan.checks[job.check];
    let check = &planned.check;
    let tool = &ctx.tools[job.check];
    if let Some(why) = &check.broken {
        return JobReport {
            outcome: Outcome::Error,
            problem: Some(why.clone()),
            ..empty_report(index, job.check, job.files.len())
        };
    }
    // Under the cache, where the next run sweeps it if this one is killed;
    // in the system's temp folder if the cache has no room for it.
    let out_dir = crate::dirs::job_dir()
        .ok()
        .or_else(|| tempfile::Builder::new().prefix("rungs-job-").tempdir().ok());
    let out = out_dir
        .as_ref()
        .map(|d| d.path().to_string_lossy().into_owned())
        .unwrap_or_default();
    let ranged: Option<Vec<String>> = match (mode, job.lines, &check.fix_range) {
        (Mode::Fix, Some((start, end)), Some(template)) => Some(
            template
                .iter()
                .map(|a| {
                    a.replace("{start}", &start.to_string())
                        .replace("{end}", &end.to_string())
                        .replace("{next}", &(end + 1).to_string())
                })
                .collect(),
        ),
        _ => None,
    };
    let template = match mode {
        _ if ranged.is_some() => ranged.as_ref().expect("just matched"),
        Mode::Fix => check.fix.as_ref().unwrap_or(&check.command),
        Mode::Check => &check.command,
    };
    let mut args = argv::expand(
        template,
        &planned.args,
        &out,
        &job.files,
        // A project-level job passes files only when it has some (a shard's test files).
        check.scope == Scope::Files || !job.files.is_empty(),
    );
    args.remove(0);
    // A test run that runs only the test files the change affects.
    let selecting = match (&job.select_tests, mode) {
        (Some(key), Mode::Check) => {
            let files = &planned.all_inputs;
            match crate::affected::Run::start(
                root,
                check.id.as_str(),
                tool,
                files,
                key,
                Path::new(&out),
                plan.all_tests,
            ) {
                Ok(run) => {
                    run.begin_update();
                    Some(run)
                }
                Err(e) => {
                    eprintln!("rungs: warning: `{}` runs every test file: {e}", check.id);
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(run) = &selecting {
        crate::timing::mark("tests: selected");
        run.adjust(&mut args);
    }
    // A job that may write checks a scratch copy: its changes are findings.
    let scratch = match (mode, check.scratch) {
        (Mode::Check, true) => {
            let copies = match check.scope {
                Scope::Files => &job.files,
                Scope::Project => &planned.files,
            };
            match Scratch::new(root, &Path::new(&out).join("scratch"), copies) {
                Ok(s) => Some(s),
                Err(e) => {
                    return JobReport {
                        outcome: Outcome::Error,
                        problem: Some(format!("could not make the scratch copy: {e}")),
                        ..empty_report(index, job.check, job.files.len())
                    };
                }
            }
        }
        _ => None,
    };
    let invocation = Invocation {
        program: tool.program.clone(),
        args,
        cwd: scratch
            .as_ref()
            .map_or_else(|| root.to_path_buf(), |s| s.dir.clone()),
        env: beside(
            tool,
            child_env(tool)
                .into_iter()
                .chain(selecting.iter().flat_map(|r| r.env()))
                .collect(),
        ),
        timeout: check.timeout,
    };
    let done = match &selecting {
        // No test file is affected: the record's verdict and coverage stand.
        Some(run) if run.nothing_to_run() => process::Completed {
            exit: Exit::Code(0),
            stdout: Vec::new(),
            stderr: Vec::new(),
            dropped: 0,
            duration: Duration::ZERO,
        },
        _ => process::run(&invocation, cancel),
    };
    let mut stdout = String::from_utf8_lossy(&done.stdout).into_owned();
    let mut stderr = String::from_utf8_lossy(&done.stderr).into_owned();
    if let Some(s) = &scratch {
        // Paths the tool printed are the project's, not the copy's.
        let prefix = format!("{}/", s.dir.display());
        stdout = stdout.replace(&prefix, "");
        stderr = stderr.replace(&prefix, "");
    }
    let mut report = JobReport {
        job: index,
        check: job.check,
        files: job.files.len(),
        outcome: Outcome::Passed,
        findings: Vec::new(),
        diff: None,
        output: join_output(&stdout, &stderr),
        problem: None,
        exit_code: match done.exit {
            Exit::Code(c) => Some(c),
            _ => None,
        },
        duration: done.duration,
        coverage: None,
        tests: None,
        cached: false,
    };
    if let Some(run) = &selecting {
        report.output = format!("rungs: {}\n{}", run.summary(), report.output);
    }
    let code = match done.exit {
        Exit::Code(c) => c,
        Exit::TimedOut => {
            report.outcome = Outcome::TimedOut;
            report.problem = Some(format!(
                "killed after the timeout of {}s",
                check.timeout.as_secs()
            ));
            return report;
        }
        Exit::Interrupted => {
            report.outcome = Outcome::Interrupted;
            return report;
        }
        Exit::Signal(sig) => {
            report.outcome = Outcome::Error;
            report.problem = Some(with_reason(
                format!("`{}` was killed by signal {sig}", check.program()),
                &stdout,
                &stderr,
            ));
            return report;
        }
        Exit::SpawnFailed(message) => {
            report.outcome = Outcome::Error;
            report.problem = Some(message);
            return report;
        }
    };
    let known = check.ok_codes.contains(&code) || check.fail_codes.contains(&code);
    if mode == Mode::Fix {
        if !known {
            report.outcome = Outcome::Error;
            report.problem = Some(format!("the fix command exited with code {code}"));
        }
        return report;
    }
    if !known {
        report.outcome = Outcome::Error;
        report.problem = Some(with_reason(
            format!(
                "`{}` exited with code {code}, which it does not use for findings (expected {})",
                check.program(),
                expected_codes(check)
            ),
            &stdout,
            &stderr,
        ));
        return report;
    }
    if done.dropped > 0 {
        report.outcome = Outcome::Error;
        report.problem = Some(format!(
            "the output was too large to read ({} bytes dropped)",
            done.dropped
        ));
        return report;
    }
    crate::timing::mark(&format!("{}: the tool exited", check.id));
    if let Some(run) = &selecting
        && let Err(e) = run
            .finish()
            .inspect(|_| crate::timing::mark("tests: joined and recorded"))
    {
        report.outcome = Outcome::Error;
        report.problem = Some(format!(
            "could not join the selected tests' coverage with the record's: {e}"
        ));
        return report;
    }
    let input = parse::Input {
        check,
        stdout: &stdout,
        stderr: &stderr,
        out_dir: Path::new(&out),
        root,
        coverage_floor: planned.coverage_floor,
        coverage_partial: planned.partial,
    };
    let parsed = parse::parse(&input);
    crate::timing::mark(&format!("{}: output read", check.id));
    match parsed {
        Ok(parsed) => {
            let failing = parsed
                .findings
                .iter()
                .any(|f| f.severity != crate::finding::Severity::Info);
            report.outcome = if check.fail_codes.contains(&code) || failing {
                Outcome::Failed
            } else {
                Outcome::Passed
            };
            // A tool that died of an exception and said nothing else is an
            // error with its reason, not a failure with no finding.
            let said_nothing = parsed.findings.is_empty()
                && parsed.diff.is_none()
                && parsed.coverage.is_none()
                && parsed.tests.is_none();
            if report.outcome == Outcome::Failed && said_nothing {
                let crash = parse::reason::crash(&stderr).or_else(|| parse::reason::crash(&stdout));
                if let Some(why) = crash {
                    report.outcome = Outcome::Error;
                    report.problem = Some(format!("`{}` crashed: {why}", check.program()));
                }
            }
            report.findings = parsed.findings;
            report.diff = parsed.diff;
            report.coverage = parsed.coverage;
            report.tests = parsed.tests;
            if report.diff.is_none()
                && check.parser == ParserKind::FileList
                && !report.findings.is_empty()
            {
                report.diff = formatter_diff(root, check, tool, &report.findings, cancel);
            }
        }
        Err(problem) => {
            // Unreadable output never passes: with a findings exit code the
            // check failed and its raw output is shown; otherwise the tool misbehaved.
            report.outcome = if check.fail_codes.contains(&code) {
                Outcome::Failed
            } else {
                Outcome::Error
            };
            report.problem = Some(problem);
        }
    }
    if let Some(s) = &scratch {
        add_changes(&mut report, check, &s.changes(root));
    }
    report
}

/// What a job changed in its scratch copy: a finding and a diff per file,
/// and the job fails, as pre-commit fails a hook that modifies files.
fn add_changes(report: &mut JobReport, check: &Check, changes: &[Change]) {
    for change in changes {
        report.findings.push(Finding {
            check: check.id.0.clone(),
            rule: Some("modified".into()),
            path: Some(change.path.clone()),
            line: None,
            column: None,
            severity: crate::finding::Severity::Error,
            message: "would be changed (rungs check --fix changes it)".into(),
            fingerprint: String::new(),
            baselined: false,
            to_adopt: false,
        });
        report
            .diff
            .get_or_insert_with(String::new)
            .push_str(&change.diff);
    }
    if !changes.is_empty() && report.outcome == Outcome::Passed {
        report.outcome = Outcome::Failed;
    }
}

/// A report of nothing yet, for a job that never starts its tool.
fn empty_report(job: usize, check: usize, files: usize) -> JobReport {
    JobReport {
        job,
        check,
        files,
        outcome: Outcome::Passed,
        findings: Vec::new(),
        diff: None,
        output: String::new(),
        problem: None,
        exit_code: None,
        duration: Duration::ZERO,
        coverage: None,
        tests: None,
        cached: false,
    }
}

fn expected_codes(check: &Check) -> String {
    let codes: Vec<String> = check
        .ok_codes
        .iter()
        .chain(&check.fail_codes)
        .map(i32::to_string)
        .collect();
    if codes.len() > 6 {
        format!("{} … {}", codes[0], codes[codes.len() - 1])
    } else {
        codes.join(", ")
    }
}

/// `problem`, then why the tool says it stopped: its stderr's first
/// meaningful lines, else its stdout's.
fn with_reason(problem: String, stdout: &str, stderr: &str) -> String {
    match parse::reason::reason(stderr).or_else(|| parse::reason::reason(stdout)) {
        Some(why) => format!("{problem}: {why}"),
        None => problem,
    }
}

fn join_output(stdout: &str, stderr: &str) -> String {
    match (stdout.trim_end().is_empty(), stderr.trim_end().is_empty()) {
        (true, _) => stderr.trim_end().to_string(),
        (_, true) => stdout.trim_end().to_string(),
        _ => format!("{}\n{}", stdout.trim_end(), stderr.trim_end()),
    }
}

/// `env` with what rungs put beside the tool last on `PYTHONPATH` (after
/// rungs's plug-in, before the environment's own packages).
fn beside(tool: &Tool, mut env: Vec<(String, String)>) -> Vec<(String, String)> {
    let Some(dir) = &tool.beside else {
        return env;
    };
    let dir = dir.display().to_string();
    let last = env.iter().rposition(|(k, _)| k == "PYTHONPATH");
    let value = match last {
        Some(i) => env[i].1.clone(),
        None => std::env::var("PYTHONPATH").unwrap_or_default(),
    };
    let value = match value.is_empty() {
        true => dir,
        false => format!("{value}:{dir}"),
    };
    env.push(("PYTHONPATH".into(), value));
    env
}

/// The child's environment: the tool's own environment first on PATH.
fn child_env(tool: &Tool) -> Vec<(String, String)> {
    let mut env = Vec::new();
    if let Some(bin) = &tool.bin_dir {
        let path = std::env::var_os("PATH").unwrap_or_default();
        let joined =
            std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(&path)))
                .unwrap_or(path);
        env.push(("PATH".to_string(), joined.to_string_lossy().into_owned()));
        // An npm environment rungs made: what the project's config imports
        // resolves from it when the project's own node_modules lacks it.
        let modules = bin.parent().filter(|m| m.ends_with("node_modules"));
        if let Some(dir) = modules.and_then(Path::parent)
            && dir.join(crate::tool::NODE_REGISTER).is_file()
        {
            let add = |name: &str, value: String, sep: &str| {
                let old = std::env::var(name).unwrap_or_default();
                let joined = if old.is_empty() {
                    value
                } else {
                    format!("{old}{sep}{value}")
                };
                (name.to_string(), joined)
            };
            env.push(add(
                "NODE_PATH",
                modules.unwrap_or(dir).display().to_string(),
                ":",
            ));
            let register = dir.join(crate::tool::NODE_REGISTER);
            env.push(add(
                "NODE_OPTIONS",
                format!("--import={}", register.display()),
                " ",
            ));
        }
    }
    env
}

/// For formatters that only list files: run the check's `diff-command` on each
/// and diff its output against the file.
fn formatter_diff(
    root: &Path,
    check: &Check,
    tool: &Tool,
    findings: &[Finding],
    cancel: &AtomicBool,
) -> Option<String> {
    let template = check.diff_command.as_ref()?;
    let mut out = String::new();
    for path in findings.iter().filter_map(|f| f.path.as_ref()) {
        let original = std::fs::read_to_string(root.join(path)).ok()?;
        let mut args = argv::expand(template, &[], "", std::slice::from_ref(path), true);
        args.remove(0);
        let done = process::run(
            &Invocation {
                program: tool.program.clone(),
                args,
                cwd: root.to_path_buf(),
                env: child_env(tool),
                timeout: Duration::from_secs(60),
            },
            cancel,
        );
        if done.exit != Exit::Code(0) {
            continue;
        }
        let formatted = String::from_utf8_lossy(&done.stdout);
        let diff = similar::TextDiff::from_lines(original.as_str(), formatted.as_ref());
        out.push_str(
            &diff
                .unified_diff()
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string(),
        );
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::child_env;
    use crate::tool::Tool;
    use std::path::Path;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// A project's eslint config imports its shareable config; the project
    /// has no node_modules, and rungs installed the config beside eslint.
    #[test]
    fn a_projects_config_imports_what_rungs_installed_beside_the_tool() {
        let top = tempfile::tempdir().unwrap();
        let env = top.path().join("npm-env");
        let house = env.join("node_modules/house-config");
        write(
            &house.join("package.json"),
            "{\"name\": \"house-config\", \"main\": \"index.js\"}\n",
        );
        write(&house.join("index.js"), "module.exports = ['no-var'];\n");
        std::fs::create_dir_all(env.join("node_modules/.bin")).unwrap();
        let project = top.path().join("project");
        write(
            &project.join("eslint.config.mjs"),
            "import house from 'house-config';\nconsole.log(house.join());\n",
        );
        write(
            &project.join("eslint.config.cjs"),
            "console.log(require('house-config').join());\n",
        );
        let tool = Tool {
            program: env.join("node_modules/.bin/eslint"),
            origin: String::new(),
            bin_dir: Some(env.join("node_modules/.bin")),
            beside: None,
        };
        let node = |config: &str| {
            std::process::Command::new("node")
                .arg(project.join(config))
                .env_remove("NODE_PATH")
                .env_remove("NODE_OPTIONS")
                .envs(child_env(&tool))
                .output()
                .expect("node is on PATH (scripts/setup-tools)")
        };
        let before = node("eslint.config.mjs");
        assert!(!before.status.success(), "an environment without the hook");
        crate::tool::write_node_resolve(&env).unwrap();
        for config in ["eslint.config.mjs", "eslint.config.cjs"] {
            let out = node(config);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                "no-var\n",
                "{config}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
