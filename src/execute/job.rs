//! One job: build its command, run it, read its output, decide its outcome.

use super::process::{self, Exit, Invocation};
use super::scratch::{Change, Scratch};
use super::{Mode, argv};
use crate::check::{Check, ParserKind, Scope};
use crate::finding::{Finding, Outcome};
use crate::parse;
use crate::plan::{Job, PlannedCheck};
use crate::results::JobReport;
use crate::tool::Tool;
use std::borrow::Cow;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

pub fn run_job(ctx: &super::Context, index: usize, mode: Mode) -> JobReport {
    let job = &ctx.plan.jobs[index];
    let planned = &ctx.plan.checks[job.check];
    if let Some(why) = &planned.check.broken {
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
    let step = Step {
        ctx,
        index,
        mode,
        job,
        planned,
        tool: &ctx.tools[job.check],
        out: &out,
    };
    let mut args = step.args();
    let selecting = step.select_tests();
    if let Some(run) = &selecting {
        crate::timing::mark("tests: selected");
        run.adjust(&mut args);
    }
    let scratch = match step.scratch() {
        Ok(scratch) => scratch,
        Err(e) => {
            return JobReport {
                outcome: Outcome::Error,
                problem: Some(format!("could not make the scratch copy: {e}")),
                ..empty_report(index, job.check, job.files.len())
            };
        }
    };
    let done = step.run_tool(args, selecting.as_ref(), scratch.as_ref());
    let output = Output::of(&done, scratch.as_ref());
    let mut report = step.report(&done, &output, selecting.as_ref());
    let read = step
        .exit_code(&done, &output)
        .and_then(|code| step.finish_selection(selecting.as_ref()).map(|()| code));
    match read {
        Ok(code) => step.read_output(&mut report, code, &output),
        Err(ended) => {
            report.outcome = ended.outcome;
            report.problem = ended.problem;
            return report;
        }
    }
    if let Some(s) = &scratch {
        add_changes(&mut report, &planned.check, &s.changes(ctx.root));
    }
    report
}

/// One job's place in the run, read by each step of `run_job`: one
/// parameter for the steps instead of many.
struct Step<'a> {
    ctx: &'a super::Context<'a>,
    /// The job's index in the plan.
    index: usize,
    mode: Mode,
    job: &'a Job,
    planned: &'a PlannedCheck,
    tool: &'a Tool,
    /// The folder the tool writes its reports to (`{out}` in its command).
    out: &'a str,
}

/// The tool's output as text, with the paths of a scratch copy made the
/// project's: what the report shows and the parsers read.
struct Output {
    stdout: String,
    stderr: String,
}

impl Output {
    /// The tool's output, read once for the report and the parsers.
    fn of(done: &process::Completed, scratch: Option<&Scratch>) -> Output {
        let mut stdout = String::from_utf8_lossy(&done.stdout).into_owned();
        let mut stderr = String::from_utf8_lossy(&done.stderr).into_owned();
        if let Some(s) = scratch {
            // Paths the tool printed are the project's, not the copy's.
            let prefix = format!("{}/", s.dir.display());
            stdout = stdout.replace(&prefix, "");
            stderr = stderr.replace(&prefix, "");
        }
        Output { stdout, stderr }
    }
}

/// How a job ended before its output is read: the report's final outcome
/// and problem.
struct Ended {
    outcome: Outcome,
    problem: Option<String>,
}

impl Ended {
    /// A job whose tool misbehaved, or could not be run or read.
    fn error(problem: String) -> Ended {
        Ended {
            outcome: Outcome::Error,
            problem: Some(problem),
        }
    }
}

impl Step<'_> {
    /// The job's check, which most steps read.
    fn check(&self) -> &Check {
        &self.planned.check
    }

    /// The command to expand: in fix mode on a range of lines, the check's
    /// `fix-range` with the range filled in; else its fix or check command.
    fn template(&self) -> Cow<'_, [String]> {
        let check = self.check();
        match (self.mode, self.job.lines, &check.fix_range) {
            (Mode::Fix, Some((start, end)), Some(template)) => Cow::Owned(
                template
                    .iter()
                    .map(|a| {
                        a.replace("{start}", &start.to_string())
                            .replace("{end}", &end.to_string())
                            .replace("{next}", &(end + 1).to_string())
                    })
                    .collect(),
            ),
            (Mode::Fix, ..) => Cow::Borrowed(check.fix.as_ref().unwrap_or(&check.command)),
            (Mode::Check, ..) => Cow::Borrowed(&check.command),
        }
    }

    /// The tool's arguments: the template expanded with the tier's
    /// arguments, the output folder and the job's files.
    fn args(&self) -> Vec<String> {
        let check = self.check();
        let mut args = argv::expand(
            &self.template(),
            &self.planned.args,
            self.out,
            &self.job.files,
            // A project-level job passes files only when it has some (a shard's test files).
            check.scope == Scope::Files || !self.job.files.is_empty(),
        );
        args.remove(0);
        args
    }

    /// A test run that runs only the test files the change affects; none
    /// (every test file runs) when the job does not select or it can't start.
    fn select_tests(&self) -> Option<crate::affected::Run> {
        let (Some(key), Mode::Check) = (&self.job.select_tests, self.mode) else {
            return None;
        };
        let check = self.check();
        match crate::affected::Run::start(
            self.ctx.root,
            check.id.as_str(),
            self.tool,
            &self.planned.all_inputs,
            key,
            Path::new(self.out),
            self.ctx.plan.all_tests,
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

    /// A job that may write checks a scratch copy: its changes are findings.
    fn scratch(&self) -> std::io::Result<Option<Scratch>> {
        let check = self.check();
        if self.mode != Mode::Check || !check.scratch {
            return Ok(None);
        }
        let copies = match check.scope {
            Scope::Files => &self.job.files,
            Scope::Project => &self.planned.files,
        };
        let dir = Path::new(self.out).join("scratch");
        Scratch::new(self.ctx.root, &dir, copies).map(Some)
    }

    /// Runs the tool, in the scratch copy if there is one.
    fn run_tool(
        &self,
        args: Vec<String>,
        selecting: Option<&crate::affected::Run>,
        scratch: Option<&Scratch>,
    ) -> process::Completed {
        let invocation = Invocation {
            program: self.tool.program.clone(),
            args,
            cwd: scratch.map_or_else(|| self.ctx.root.to_path_buf(), |s| s.dir.clone()),
            env: beside(
                self.tool,
                child_env(self.tool)
                    .into_iter()
                    .chain(selecting.iter().flat_map(|r| r.env()))
                    .collect(),
            ),
            timeout: self.check().timeout,
        };
        match selecting {
            // No test file is affected: the record's verdict and coverage stand.
            Some(run) if run.nothing_to_run() => process::Completed {
                exit: Exit::Code(0),
                stdout: Vec::new(),
                stderr: Vec::new(),
                dropped: 0,
                duration: Duration::ZERO,
            },
            _ => process::run(&invocation, self.ctx.cancel),
        }
    }

    /// The report of a finished run before its exit and output are judged:
    /// passed, with the tool's output.
    fn report(
        &self,
        done: &process::Completed,
        output: &Output,
        selecting: Option<&crate::affected::Run>,
    ) -> JobReport {
        let mut report = JobReport {
            output: join_output(&output.stdout, &output.stderr),
            exit_code: match done.exit {
                Exit::Code(c) => Some(c),
                _ => None,
            },
            duration: done.duration,
            ..empty_report(self.index, self.job.check, self.job.files.len())
        };
        if let Some(run) = selecting {
            report.output = format!("rungs: {}\n{}", run.summary(), report.output);
        }
        report
    }

    /// The tool's exit code when its output is worth reading; else how the
    /// job ended (timed out, interrupted, killed, an exit code the check does
    /// not use, output too large, or a fix whatever its code).
    fn exit_code(&self, done: &process::Completed, output: &Output) -> Result<i32, Ended> {
        let check = self.check();
        let code = match &done.exit {
            Exit::Code(c) => *c,
            Exit::TimedOut => {
                return Err(Ended {
                    outcome: Outcome::TimedOut,
                    problem: Some(format!(
                        "killed after the timeout of {}s",
                        check.timeout.as_secs()
                    )),
                });
            }
            Exit::Interrupted => {
                return Err(Ended {
                    outcome: Outcome::Interrupted,
                    problem: None,
                });
            }
            Exit::Signal(sig) => {
                return Err(Ended::error(with_reason(
                    format!("`{}` was killed by signal {sig}", check.program()),
                    &output.stdout,
                    &output.stderr,
                )));
            }
            Exit::SpawnFailed(message) => return Err(Ended::error(message.clone())),
        };
        let known = check.ok_codes.contains(&code) || check.fail_codes.contains(&code);
        if self.mode == Mode::Fix {
            // A fix's output is not read: a code the check uses means it ran.
            return Err(if known {
                Ended {
                    outcome: Outcome::Passed,
                    problem: None,
                }
            } else {
                Ended::error(format!("the fix command exited with code {code}"))
            });
        }
        if !known {
            return Err(Ended::error(with_reason(
                format!(
                    "`{}` exited with code {code}, which it does not use for findings (expected {})",
                    check.program(),
                    expected_codes(check)
                ),
                &output.stdout,
                &output.stderr,
            )));
        }
        if done.dropped > 0 {
            return Err(Ended::error(format!(
                "the output was too large to read ({} bytes dropped)",
                done.dropped
            )));
        }
        crate::timing::mark(&format!("{}: the tool exited", check.id));
        Ok(code)
    }

    /// Joins the selected tests' coverage with the record's: the report is
    /// of the whole suite.
    fn finish_selection(&self, selecting: Option<&crate::affected::Run>) -> Result<(), Ended> {
        let Some(run) = selecting else {
            return Ok(());
        };
        run.finish()
            .inspect(|_| crate::timing::mark("tests: joined and recorded"))
            .map_err(|e| {
                Ended::error(format!(
                    "could not join the selected tests' coverage with the record's: {e}"
                ))
            })
    }

    /// Reads the tool's output into the report: its findings, diff,
    /// coverage and tests, and the outcome they and the exit `code` make.
    fn read_output(&self, report: &mut JobReport, code: i32, output: &Output) {
        let check = self.check();
        let input = parse::Input {
            check,
            stdout: &output.stdout,
            stderr: &output.stderr,
            out_dir: Path::new(self.out),
            root: self.ctx.root,
            coverage_floor: self.planned.coverage_floor,
            coverage_partial: self.planned.partial,
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
                crashed(report, &parsed, output);
                report.findings = parsed.findings;
                report.diff = parsed.diff;
                report.coverage = parsed.coverage;
                report.tests = parsed.tests;
                if report.diff.is_none()
                    && check.parser == ParserKind::FileList
                    && !report.findings.is_empty()
                {
                    let (root, cancel) = (self.ctx.root, self.ctx.cancel);
                    report.diff = formatter_diff(root, check, self.tool, &report.findings, cancel);
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
    }
}

/// A tool that died of an exception and said nothing else is an error with
/// its reason, not a failure with no finding.
fn crashed(report: &mut JobReport, parsed: &parse::Parsed, output: &Output) {
    let said_nothing = parsed.findings.is_empty()
        && parsed.diff.is_none()
        && parsed.coverage.is_none()
        && parsed.tests.is_none();
    if report.outcome != Outcome::Failed || !said_nothing {
        return;
    }
    let crash =
        parse::reason::crash(&output.stderr).or_else(|| parse::reason::crash(&output.stdout));
    if let Some(why) = crash {
        report.outcome = Outcome::Error;
        report.problem = Some(format!("crashed: {why}"));
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
