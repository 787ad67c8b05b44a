//! `rungs bump`: outdated dependencies found, each bump verified with the
//! project's own checks on a branch in a temporary worktree, one commit per
//! passing bump, a Markdown and JSON report; `--push` opens a merge request.

use crate::bump::registry::{Lookup, RegistryOverrides};
use crate::bump::report::{self, Bump, Outcome, Report};
use crate::bump::version::{self, Policy};
use crate::bump::worktree::Worktree;
use crate::bump::{Candidate, DependencyError, UpdateKind, manifest};
use crate::cache::Cache;
use crate::check::Stage;
use crate::error::{Error, exit};
use crate::git::Repo;
use crate::pipeline::{Format, Selection};
use crate::pipeline::{prepare, run_checks, schedule};
use crate::plan::Shard;
use crate::results::CheckResult;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct BumpArgs {
    /// Show what is outdated and what would be bumped; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Push the branch and open a GitLab merge request (push options).
    #[arg(long)]
    pub push: bool,
    /// Branch to create (default from config, else rungs/bump-YYYY-MM-DD).
    #[arg(long)]
    pub branch: Option<String>,
    /// Only these dependencies.
    #[arg(long, value_name = "NAME", num_args = 1.., value_delimiter = ',')]
    pub only: Vec<String>,
    /// Write the Markdown report here.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write the JSON report here.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Remote to push to.
    #[arg(long, default_value = "origin")]
    pub remote: String,
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn today() -> String {
    let days = now() / 86_400;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn parse_kind(text: &str) -> Option<UpdateKind> {
    match text {
        "patch" => Some(UpdateKind::Patch),
        "minor" => Some(UpdateKind::Minor),
        "major" => Some(UpdateKind::Major),
        _ => None,
    }
}

fn kind_name(k: UpdateKind) -> &'static str {
    match k {
        UpdateKind::Patch => "patch",
        UpdateKind::Minor => "minor",
        UpdateKind::Major => "major",
    }
}

/// The policy from `[bump]`.
fn policy(project: &crate::project::Project) -> Result<Policy, Error> {
    let cfg = &project.config.raw.bump;
    let source = project.config.source();
    let allow = match &cfg.allow {
        Some(a) => parse_kind(a.get_ref()).ok_or_else(|| {
            source.error(
                a.span(),
                format!(
                    "`{}` is not an update type (expected \"patch\", \"minor\" or \"major\")",
                    a.get_ref()
                ),
            )
        })?,
        None => UpdateKind::Minor,
    };
    let cooldown = match &cfg.cooldown {
        Some(c) => crate::config::parse_duration(c.get_ref()).ok_or_else(|| {
            source.error(
                c.span(),
                format!("`{}` is not a duration (expected e.g. \"3d\")", c.get_ref()),
            )
        })?,
        None => std::time::Duration::from_secs(3 * 86_400),
    };
    let mut ignore = cfg.ignore.clone();
    for (name, rule) in &cfg.dependencies {
        if rule.ignore {
            ignore.push(name.clone());
        }
        if let Some(a) = &rule.allow
            && parse_kind(a.get_ref()).is_none()
        {
            return Err(source.error(
                a.span(),
                format!(
                    "`{}` is not an update type (expected \"patch\", \"minor\" or \"major\")",
                    a.get_ref()
                ),
            ));
        }
    }
    Ok(Policy {
        allow,
        ignore,
        cooldown_secs: cooldown.as_secs() as i64,
    })
}

/// The project's Python, as `3.11`, from its environment.
fn project_python(root: &Path) -> Option<String> {
    let python = [root.join(".venv/bin/python"), root.join("venv/bin/python")]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("python3"));
    let out = Command::new(python)
        .args([
            "-c",
            "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')",
        ])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub fn run(cwd: &Path, args: &BumpArgs) -> Result<i32, Error> {
    let user = Repo::discover(cwd)?;
    let presets = crate::preset::builtin_presets()?;
    let project = crate::project::Project::open(cwd, &presets)?;
    let root = project.root.clone();
    let policy = policy(&project)?;
    if !args.dry_run {
        let dirty = user.git(&["status", "--porcelain", "--untracked-files=no"])?;
        if !dirty.is_empty() {
            return Err(Error::Usage {
                message: format!(
                    "the working tree has uncommitted changes:\n{}",
                    String::from_utf8_lossy(&dirty).trim_end()
                ),
                hint: Some("commit or stash them first: the bump branch starts from HEAD, and rungs never touches your working tree".into()),
            });
        }
    }
    let (deps, manifest_errors) = manifest::discover(&root);
    let mut report = Report {
        date: today(),
        ..Report::default()
    };
    for e in manifest_errors {
        report.errors.push(DependencyError {
            name: String::new(),
            manifest: e.path.clone(),
            message: format!("line {}: {}", e.line, e.message),
        });
    }
    let deps: Vec<_> = deps
        .into_iter()
        .filter(|d| {
            args.only.is_empty() || args.only.iter().any(|o| o.eq_ignore_ascii_case(&d.name))
        })
        .filter(|d| {
            let ignored = policy
                .ignore
                .iter()
                .any(|i| i.eq_ignore_ascii_case(&d.name));
            if ignored {
                report
                    .skipped
                    .push((d.name.clone(), "ignored by config".into()));
            }
            !ignored
        })
        .collect();
    let registries = registries(&root, &project.config.raw.bump.registries);
    let looked = Instant::now();
    let packages = registries.fetch_all(&deps);
    let lookup_time = looked.elapsed();
    let python = project_python(&root).or_else(|| {
        // No interpreter to ask: the lowest Python the project declares.
        let spec = manifest::project_python(&root)?;
        let lower = spec
            .split(',')
            .find_map(|part| part.trim().strip_prefix(">="))?;
        Some(
            lower
                .trim()
                .split('.')
                .take(2)
                .collect::<Vec<_>>()
                .join("."),
        )
    });
    let now = now();
    let mut candidates: Vec<Candidate> = Vec::new();
    // What each candidate was chosen from, to choose again one kind smaller.
    let mut known: Vec<(crate::bump::Dependency, crate::bump::Package, Policy)> = Vec::new();
    for (dep, package) in deps.iter().zip(packages) {
        let package = match package {
            Ok(p) => p,
            Err(e) => {
                report.errors.push(e);
                continue;
            }
        };
        let mut dep_policy = policy.clone();
        if let Some(rule) = project.config.raw.bump.dependencies.get(&dep.name)
            && let Some(kind) = rule.allow.as_ref().and_then(|a| parse_kind(a.get_ref()))
        {
            dep_policy.allow = kind;
        }
        known.push((dep.clone(), package.clone(), dep_policy.clone()));
        match version::decide(dep, &package, &dep_policy, now, python.as_deref()) {
            Ok(decision) => match decision.candidate {
                Some(c) => candidates.push(c),
                None => {
                    let why = if decision.notes.is_empty() {
                        "up to date".to_string()
                    } else {
                        decision.notes.join("; ")
                    };
                    report.skipped.push((dep.name.clone(), why));
                }
            },
            Err(message) => report.errors.push(DependencyError {
                name: dep.name.clone(),
                manifest: dep.manifest.clone(),
                message,
            }),
        }
    }
    eprintln!(
        "rungs: {} dependencies looked up in {:.2}s (PyPI {} from {}, crates.io {} from {}, npm {} from {}); {} can be bumped",
        deps.len(),
        lookup_time.as_secs_f64(),
        registries.registries.pypi,
        registries.origins.pypi,
        registries.registries.crates,
        registries.origins.crates,
        registries.registries.npm,
        registries.origins.npm,
        candidates.len()
    );
    if args.dry_run || candidates.is_empty() {
        report.bumps = candidates
            .into_iter()
            .map(|candidate| Bump {
                candidate,
                outcome: Outcome::Planned,
            })
            .collect();
        return finish(&report, args, now, exit::PASSED);
    }
    let branch = args
        .branch
        .clone()
        .or_else(|| project.config.raw.bump.branch.clone())
        .unwrap_or_else(|| "rungs/bump-{date}".into())
        .replace("{date}", &report.date);
    // The project may sit in a subfolder of the repository (a monorepo).
    let top = user
        .top
        .canonicalize()
        .map_err(|e| Error::io(&user.top, e))?;
    let prefix = root.strip_prefix(&top).unwrap_or(Path::new(""));
    let wt = Worktree::create(&user, &branch, prefix)?;
    report.branch = Some(branch.clone());
    let smaller = |c: &Candidate| -> Option<Candidate> {
        let kind = match c.kind {
            UpdateKind::Major => UpdateKind::Minor,
            UpdateKind::Minor => UpdateKind::Patch,
            UpdateKind::Patch => return None,
        };
        let (dep, package, policy) = known.iter().find(|(d, _, _)| *d == c.dependency)?;
        let mut policy = policy.clone();
        policy.allow = kind;
        version::choose(dep, package, &policy, now, python.as_deref())
            .ok()
            .flatten()
            .filter(|s| s.to != c.to)
    };
    let outcome = bump_in(&wt, &project, candidates, &smaller, &mut report);
    let committed = report.bumps.iter().any(|b| {
        matches!(
            b.outcome,
            Outcome::Committed { .. } | Outcome::MovedTogether { .. }
        )
    });
    wt.finish(committed)?;
    if !committed {
        report.branch = None;
    }
    let code = outcome?;
    if args.push && committed {
        push(&user, args, &branch, &report, now)?;
    }
    finish(&report, args, now, code)
}

/// Registry URLs: rungs's config over the user's pip, Cargo and npm configuration.
fn registries(root: &Path, overrides: &crate::config::BumpRegistries) -> Lookup {
    Lookup::from_env(
        root,
        &RegistryOverrides {
            pypi: overrides.pypi.clone(),
            crates: overrides.crates.clone(),
            npm: overrides.npm.clone(),
        },
    )
}

fn finish(report: &Report, args: &BumpArgs, now: i64, code: i32) -> Result<i32, Error> {
    let text = report::markdown(report, now);
    print!("{text}");
    if let Some(path) = &args.markdown {
        crate::fs::write_atomic(path, text.as_bytes())?;
    }
    if let Some(path) = &args.json {
        let json = serde_json::to_vec_pretty(report).expect("report serializes");
        crate::fs::write_atomic(path, &json)?;
    }
    Ok(code)
}

/// How a verification went: `None` passed, else (the failing check, its output tail).
type Verdict = Option<(String, String)>;

struct Bumper<'a> {
    wt: &'a Worktree,
    project: &'a crate::project::Project,
    candidates: Vec<Candidate>,
    verified: BTreeMap<Vec<usize>, Verdict>,
}

impl Bumper<'_> {
    /// Apply bumps `set` to the base, refresh the environment, run the checks.
    fn verify(&mut self, set: &[usize]) -> Result<Verdict, Error> {
        if let Some(v) = self.verified.get(set) {
            return Ok(v.clone());
        }
        self.wt.reset()?;
        // A lock file the ecosystem's tool cannot regenerate is that bump's failure.
        let mut verdict = None;
        for &i in set {
            if let Err(e) = self.apply(i) {
                verdict = Some(("lock file".to_string(), e.to_string()));
                break;
            }
        }
        let verdict = match verdict {
            Some(fail) => Some(fail),
            None => match self.install()? {
                Some(fail) => Some(fail),
                None => self.checks()?,
            },
        };
        self.verified.insert(set.to_vec(), verdict.clone());
        Ok(verdict)
    }

    fn apply(&self, i: usize) -> Result<(), Error> {
        let c = &self.candidates[i];
        let path = self.wt.path().join(&c.dependency.manifest);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let edited = manifest::edit(&text, &c.dependency, &c.new_requirement).map_err(|e| {
            Error::ConfigFile {
                path: e.path.clone(),
                message: format!("line {}: {}", e.line, e.message),
            }
        })?;
        std::fs::write(&path, edited).map_err(|e| Error::io(&path, e))?;
        if let Some(argv) = manifest::lock_command(self.wt.path(), &c.dependency) {
            run_command(self.wt.path(), &argv).map_err(|tail| Error::Usage {
                message: format!(
                    "regenerating the lock file with `{}` failed:\n{tail}",
                    argv.join(" ")
                ),
                hint: None,
            })?;
        }
        Ok(())
    }

    fn install(&self) -> Result<Verdict, Error> {
        for argv in install_commands(self.wt.path(), self.project) {
            if let Err(tail) = run_command(self.wt.path(), &argv) {
                return Ok(Some((format!("install ({})", argv.join(" ")), tail)));
            }
        }
        Ok(None)
    }

    fn checks(&self) -> Result<Verdict, Error> {
        let cfg = &self.project.config.raw.bump;
        let selection = Selection {
            tier: cfg.tier.clone(),
            only: Vec::new(),
            skip: Vec::new(),
            files: Vec::new(),
            changed: None,
            jobs: None,
            format: Format::Text,
        };
        let mut prepared = prepare(self.wt.path(), &selection, Stage::Bump)?;
        let mut cache = Cache::open(&prepared.project.root)?;
        let mut scheduled = schedule(
            &mut prepared,
            Some(&mut cache),
            Shard { index: 1, total: 1 },
            true,
        )?;
        let cancel = crate::execute::interrupt::flag();
        let reports = run_checks(
            &mut prepared,
            &mut scheduled,
            Some(&cache),
            &cancel,
            &mut |_, _| {},
        );
        if cancel.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let plan = &prepared.plan;
        for i in 0..plan.checks.len() {
            let mine: Vec<_> = reports.iter().filter(|r| r.check == i).collect();
            let result = plan.result_of(i, &mine);
            if !result.outcome.is_success() {
                return Ok(Some((result.check.clone(), tail_of(&result))));
            }
        }
        Ok(None)
    }

    /// `base` (bumps already accepted) plus `set`, in index order.
    fn with(base: &[usize], set: &[usize]) -> Vec<usize> {
        let mut all: Vec<usize> = base.iter().chain(set).copied().collect();
        all.sort();
        all.dedup();
        all
    }

    /// The bumps in `set` that break the checks on top of `base`; a set whose
    /// halves pass apart but fail together is returned whole.
    fn failing(&mut self, base: &[usize], set: Vec<usize>) -> Result<Vec<usize>, Error> {
        if set.is_empty() || self.verify(&Self::with(base, &set))?.is_none() {
            return Ok(Vec::new());
        }
        if set.len() == 1 {
            return Ok(set);
        }
        let right = set[set.len() / 2..].to_vec();
        let left = set[..set.len() / 2].to_vec();
        let mut found = self.failing(base, left)?;
        found.extend(self.failing(base, right)?);
        Ok(if found.is_empty() { set } else { found })
    }

    /// One round: which of `ids` pass on top of `base`, as commit groups
    /// (single bumps, or pairs that only pass together), and which fail.
    fn round(
        &mut self,
        base: &[usize],
        ids: Vec<usize>,
    ) -> Result<(Vec<Vec<usize>>, Vec<usize>), Error> {
        let failing = self.failing(base, ids.clone())?;
        let mut passing: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|i| !failing.contains(i))
            .collect();
        // Passing apart is not passing together: keep what still passes, one by one.
        if self.verify(&Self::with(base, &passing))?.is_some() {
            let mut kept = Vec::new();
            for &i in &passing {
                let mut trial = kept.clone();
                trial.push(i);
                if self.verify(&Self::with(base, &trial))?.is_none() {
                    kept = trial;
                }
            }
            passing = kept;
        }
        let mut groups: Vec<Vec<usize>> = passing.iter().map(|&i| vec![i]).collect();
        let mut accepted: Vec<usize> = base.iter().chain(&passing).copied().collect();
        let mut still: Vec<usize> = ids
            .iter()
            .copied()
            .filter(|i| !passing.contains(i))
            .collect();
        // Failing bumps that pass in pairs move together.
        if still.len() <= 6 {
            let mut k = 0;
            while k < still.len() {
                let a = still[k];
                let mut partner = None;
                for &b in &still[k + 1..] {
                    if self.verify(&Self::with(&accepted, &[a, b]))?.is_none() {
                        partner = Some(b);
                        break;
                    }
                }
                match partner {
                    Some(b) => {
                        groups.push(vec![a, b]);
                        accepted.extend([a, b]);
                        still.retain(|x| *x != a && *x != b);
                    }
                    None => k += 1,
                }
            }
        }
        Ok((groups, still))
    }
}

/// The findings, or else the last lines the failing tool printed.
fn tail_of(result: &CheckResult) -> String {
    let mut lines: Vec<String> = result.findings.iter().map(|f| f.display()).collect();
    lines.extend(result.problems.iter().cloned());
    if lines.is_empty() {
        lines = result.output.lines().map(str::to_string).collect();
    }
    let start = lines.len().saturating_sub(40);
    lines[start..].join("\n")
}

fn run_command(dir: &Path, argv: &[String]) -> Result<(), String> {
    if argv.is_empty() {
        return Err("the command is empty (expected a program and its arguments)".into());
    }
    let out = Command::new(&argv[0])
        .args(&argv[1..])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("could not run {}: {e}", argv[0]))?;
    if out.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = text.lines().collect();
    Err(lines[lines.len().saturating_sub(30)..].join("\n"))
}

/// The configured install command, else one per ecosystem the project uses.
fn install_commands(dir: &Path, project: &crate::project::Project) -> Vec<Vec<String>> {
    if let Some(cmd) = &project.config.raw.bump.install {
        return vec![cmd.clone()];
    }
    let mut cmds = Vec::new();
    let has = |name: &str| dir.join(name).exists();
    let requirements: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            let mut names: Vec<String> = entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
                .collect();
            names.sort();
            names
        })
        .unwrap_or_default();
    let python_project = !requirements.is_empty()
        || std::fs::read_to_string(dir.join("pyproject.toml"))
            .is_ok_and(|t| t.contains("[project]"));
    if python_project {
        if !has(".venv/bin/python") {
            cmds.push(vec![
                "python3".into(),
                "-m".into(),
                "venv".into(),
                ".venv".into(),
            ]);
        }
        let pip = |rest: &[&str]| -> Vec<String> {
            let mut v: Vec<String> = vec![
                ".venv/bin/python".into(),
                "-m".into(),
                "pip".into(),
                "install".into(),
                "--quiet".into(),
                "--disable-pip-version-check".into(),
            ];
            v.extend(rest.iter().map(|s| s.to_string()));
            v
        };
        for r in &requirements {
            cmds.push(pip(&["-r", r]));
        }
        if requirements.is_empty() {
            cmds.push(pip(&["-e", "."]));
        }
    }
    if has("Cargo.toml") {
        cmds.push(vec!["cargo".into(), "fetch".into()]);
    }
    if has("package.json") {
        if has("package-lock.json") {
            cmds.push(vec![
                "npm".into(),
                "ci".into(),
                "--no-audit".into(),
                "--no-fund".into(),
            ]);
        } else {
            cmds.push(vec![
                "npm".into(),
                "install".into(),
                "--no-audit".into(),
                "--no-fund".into(),
            ]);
        }
    }
    cmds
}

fn message(cands: &[&Candidate]) -> String {
    let parts: Vec<String> = cands
        .iter()
        .map(|c| {
            format!(
                "{} {} -> {}",
                c.dependency.name,
                c.from.as_deref().unwrap_or("?"),
                c.to
            )
        })
        .collect();
    let kind = cands
        .iter()
        .map(|c| c.kind)
        .max()
        .unwrap_or(UpdateKind::Patch);
    if cands.len() == 1 {
        format!("deps: bump {} ({})", parts[0], kind_name(kind))
    } else {
        format!(
            "deps: bump {} together ({})",
            parts.join(" and "),
            kind_name(kind)
        )
    }
}

fn bump_in(
    wt: &Worktree,
    project: &crate::project::Project,
    candidates: Vec<Candidate>,
    fallback: &dyn Fn(&Candidate) -> Option<Candidate>,
    report: &mut Report,
) -> Result<i32, Error> {
    // A bump whose manifest edit is not possible is reported, not tried.
    let mut editable = |c: &Candidate| {
        let path = wt.path().join(&c.dependency.manifest);
        let edit = std::fs::read_to_string(&path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                manifest::edit(&t, &c.dependency, &c.new_requirement)
                    .map(|_| ())
                    .map_err(|e| format!("line {}: {}", e.line, e.message))
            });
        if let Err(message) = &edit {
            report.errors.push(DependencyError {
                name: c.dependency.name.clone(),
                manifest: c.dependency.manifest.clone(),
                message: message.clone(),
            });
        }
        edit.is_ok()
    };
    let mut next: Vec<Candidate> = candidates.into_iter().filter(|c| editable(c)).collect();
    let mut bumper = Bumper {
        wt,
        project,
        candidates: Vec::new(),
        verified: BTreeMap::new(),
    };
    if let Some((check, tail)) = bumper.verify(&[])? {
        report.baseline_failure = Some(format!("{check}:\n{tail}"));
        return Ok(exit::FAILED);
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut base: Vec<usize> = Vec::new();
    let mut failures: Vec<(usize, (String, String))> = Vec::new();
    // A bump that fails is retried one update kind smaller (2.0 fails: try 1.1).
    for _ in 0..3 {
        if next.is_empty() {
            break;
        }
        next.sort_by(|a, b| {
            a.dependency
                .name
                .to_lowercase()
                .cmp(&b.dependency.name.to_lowercase())
        });
        let first = bumper.candidates.len();
        bumper.candidates.append(&mut next);
        let ids: Vec<usize> = (first..bumper.candidates.len()).collect();
        let (passed, failed) = bumper.round(&base, ids)?;
        for g in &passed {
            base.extend(g);
        }
        groups.extend(passed);
        for i in failed {
            let alone = bumper.verify(&Bumper::with(&base, &[i]))?;
            let why = alone.unwrap_or_else(|| {
                (
                    "checks".into(),
                    "fails only together with other bumps".into(),
                )
            });
            failures.push((i, why));
            // Edits are checked against the base, not a trial's state.
            wt.reset()?;
            if let Some(smaller) = fallback(&bumper.candidates[i])
                && editable(&smaller)
            {
                next.push(smaller);
            }
        }
    }
    // Commit, one per bump (or pair), in a linear history.
    wt.reset()?;
    for group in &groups {
        for &i in group {
            bumper.apply(i)?;
        }
        let cands: Vec<&Candidate> = group.iter().map(|&i| &bumper.candidates[i]).collect();
        let commit = wt.commit(&message(&cands))?;
        for &i in group {
            let outcome = if group.len() == 1 {
                Outcome::Committed {
                    commit: commit.clone(),
                }
            } else {
                Outcome::MovedTogether {
                    with: group
                        .iter()
                        .filter(|&&j| j != i)
                        .map(|&j| bumper.candidates[j].dependency.name.clone())
                        .collect(),
                    commit: commit.clone(),
                }
            };
            report.bumps.push(Bump {
                candidate: bumper.candidates[i].clone(),
                outcome,
            });
        }
    }
    for (i, (check, tail)) in failures {
        report.bumps.push(Bump {
            candidate: bumper.candidates[i].clone(),
            outcome: Outcome::Failed { check, tail },
        });
    }
    report.bumps.sort_by(|a, b| {
        (a.candidate.dependency.name.to_lowercase(), &a.candidate.to)
            .cmp(&(b.candidate.dependency.name.to_lowercase(), &b.candidate.to))
    });
    Ok(exit::PASSED)
}

/// Push the branch and open a merge request with GitLab's push options.
fn push(
    user: &Repo,
    args: &BumpArgs,
    branch: &str,
    report: &Report,
    now: i64,
) -> Result<(), Error> {
    let target = std::env::var("CI_DEFAULT_BRANCH")
        .ok()
        .filter(|b| !b.is_empty())
        .unwrap_or_else(|| "main".into());
    // Push options cannot hold newlines: the description is the report's lines joined.
    let description = report::markdown(report, now).replace('\n', "<br>");
    let title = format!("deps: dependency bumps {}", report.date);
    let options = [
        "merge_request.create".to_string(),
        format!("merge_request.target={target}"),
        format!("merge_request.title={title}"),
        format!("merge_request.description={description}"),
        "merge_request.remove_source_branch".to_string(),
    ];
    let mut argv: Vec<String> = vec!["push".into()];
    for o in &options {
        argv.push("-o".into());
        argv.push(o.clone());
    }
    argv.extend([args.remote.clone(), format!("{branch}:refs/heads/{branch}")]);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    user.git(&argv)?;
    Ok(())
}
