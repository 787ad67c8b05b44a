//! A bump run: the dependencies, what the registries offer, the candidates
//! the policy allows; then, on a branch in a temporary worktree, the checks
//! verify them (see `verify`) and each passing bump is committed (see
//! `commit`); a Markdown and JSON report, and `--push` opens a merge request.

use super::commit::bump_in;
use super::hooks;
use super::policy::{parse_kind, policy, project_python};
use super::report::{self, Bump, Outcome, Report};
use super::version::{self, Policy};
use super::worktree::Worktree;
use super::{Advisory, Candidate, Dependency, DependencyError, Package, UpdateKind};
use crate::clock::{now, today};
use crate::error::{Error, exit};
use crate::git::Repo;
use crate::manifest;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What `rungs bump` is asked to do.
#[derive(Clone, Debug)]
pub struct BumpRequest {
    /// Show what is outdated and what would be bumped; change nothing.
    pub dry_run: bool,
    /// Push the branch and open a GitLab merge request (push options).
    pub push: bool,
    /// Branch to create (default from config, else rungs/bump-YYYY-MM-DD).
    pub branch: Option<String>,
    /// Only these dependencies.
    pub only: Vec<String>,
    /// Write the Markdown report here.
    pub markdown: Option<PathBuf>,
    /// Write the JSON report here.
    pub json: Option<PathBuf>,
    /// Remote to push to (`origin` unless told).
    pub remote: String,
    /// Only security bumps: versions in use with a known vulnerability.
    pub security_only: bool,
    /// Only verify the project as it is, as before any bump; bump nothing.
    pub verify_only: bool,
}

/// `rungs bump`: the exit code (0 done, 1 the checks fail before any bump).
pub fn run(cwd: &Path, args: &BumpRequest) -> Result<i32, Error> {
    let user = Repo::discover(cwd)?;
    let presets = crate::preset::builtin_presets()?;
    let project = crate::project::Project::open(cwd, &presets)?;
    let root = project.root.clone();
    let policy = policy(&project)?;
    if !args.dry_run {
        refuse_dirty(&user)?;
    }
    let mut report = Report {
        date: today(),
        ..Report::default()
    };
    if args.verify_only {
        return verify_only(&user, &project, args, report);
    }
    let deps = dependencies(&root, args, &policy, &mut report);
    let registries =
        crate::registry::Lookup::from_config(&root, &project.config.raw.bump.registries);
    let looked = Instant::now();
    let now = now();
    let sources = Sources {
        root: &root,
        registries: &registries,
        policy: &policy,
        now,
        args,
    };
    let (packages, advisories, hooks) = sources.look_up(&deps);
    let lookup_time = looked.elapsed();
    let python = project_python(&root).or_else(|| declared_python(&root));
    let choice = Choice {
        project: &project,
        policy: &policy,
        now,
        python: python.as_deref(),
        security_only: args.security_only,
    };
    let (mut candidates, known) = choice.candidates(&deps, packages, advisories, &mut report);
    let hook_revs = hooks.as_ref().map_or(0, |h| h.looked_up);
    let mut hook_known = Vec::new();
    if let Some(hooks) = hooks {
        hook_known = hooks.known;
        candidates.extend(hooks.candidates);
        report.skipped.extend(hooks.skipped);
        report.notes.extend(hooks.notes);
        report.errors.extend(hooks.errors);
    }
    let mut candidates = super::merge_declarations(candidates);
    // Security bumps first.
    candidates.sort_by_key(|c| c.advisories.is_empty());
    log_lookup(&deps, hook_revs, lookup_time, &registries, candidates.len());
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
    let branch = branch_name(args, &project, &report.date);
    // The project may sit in a subfolder of the repository (a monorepo).
    let top = user
        .top
        .canonicalize()
        .map_err(|e| Error::io(&user.top, e))?;
    let prefix = root.strip_prefix(&top).unwrap_or(Path::new(""));
    let wt = Worktree::create(&user, &branch, prefix)?;
    report.branch = Some(branch.clone());
    let smaller = Smaller {
        hook_known: &hook_known,
        known: &known,
        policy: &policy,
        now,
        python: python.as_deref(),
    };
    let outcome = bump_in(&wt, &project, candidates, &|c| smaller.of(c), &mut report);
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

/// `--verify-only`: the verification every bump starts with, of HEAD in a
/// worktree with the environment a bump makes there, and nothing bumped.
fn verify_only(
    user: &Repo,
    project: &crate::project::Project,
    args: &BumpRequest,
    mut report: Report,
) -> Result<i32, Error> {
    let top = user
        .top
        .canonicalize()
        .map_err(|e| Error::io(&user.top, e))?;
    let prefix = project.root.strip_prefix(&top).unwrap_or(Path::new(""));
    let branch = format!("rungs/verify-{}", std::process::id());
    let wt = Worktree::create(user, &branch, prefix)?;
    let mut bumper = super::verify::Bumper {
        wt: &wt,
        project,
        candidates: Vec::new(),
        verified: Default::default(),
        cannot_run: Default::default(),
        last: None,
    };
    let verdict = bumper.verify(&[]);
    let last = bumper.last.take();
    wt.finish(false)?;
    let code = match verdict? {
        Some((check, tail)) => {
            report.baseline_failure = Some(format!("{check}:\n{tail}"));
            exit::FAILED
        }
        None => exit::PASSED,
    };
    report.verification = last;
    finish(&report, args, now(), code)
}

/// Refuses a working tree with uncommitted changes: the bump branch starts
/// from HEAD, so they would be left out of what the checks verify.
fn refuse_dirty(user: &Repo) -> Result<(), Error> {
    let dirty = user.git(&["status", "--porcelain", "--untracked-files=no"])?;
    if dirty.is_empty() {
        return Ok(());
    }
    Err(Error::Usage {
        message: format!(
            "the working tree has uncommitted changes:\n{}",
            String::from_utf8_lossy(&dirty).trim_end()
        ),
        hint: Some("commit or stash them first: the bump branch starts from HEAD, and rungs never touches your working tree".into()),
    })
}

/// The project's dependencies that `--only` and the config's `ignore` leave
/// to look up; manifests that could not be read and ignored dependencies
/// go in the report.
fn dependencies(
    root: &Path,
    args: &BumpRequest,
    policy: &Policy,
    report: &mut Report,
) -> Vec<Dependency> {
    let (deps, manifest_errors) = manifest::discover(root);
    for e in manifest_errors {
        report.errors.push(DependencyError {
            name: String::new(),
            manifest: e.path.clone(),
            message: format!("line {}: {}", e.line, e.message),
        });
    }
    deps.into_iter()
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
        .collect()
}

/// What the look-ups of one run read: gathered so the registries can be
/// asked from one place, all at the same time.
struct Sources<'a> {
    root: &'a Path,
    registries: &'a crate::registry::Lookup,
    policy: &'a Policy,
    now: i64,
    args: &'a BumpRequest,
}

/// Each dependency's releases, or why they are unknown.
type Packages = Vec<Result<Package, DependencyError>>;
/// Each dependency's known vulnerabilities, or why they are unknown.
type Advisories = Vec<Result<Vec<Advisory>, DependencyError>>;

impl Sources<'_> {
    /// Releases, advisories and the hook revs' tags, asked for at the same
    /// time so a slow registry does not hold the others up.
    fn look_up(&self, deps: &[Dependency]) -> (Packages, Advisories, Option<hooks::Found>) {
        let Sources {
            root,
            registries,
            policy,
            now,
            args,
        } = *self;
        std::thread::scope(|scope| {
            let advisories = scope.spawn(|| registries.advisories(deps));
            let hooks = scope.spawn(|| {
                (!args.security_only)
                    .then(|| hooks::look_up(root, registries, policy, now, &args.only))
            });
            let packages = registries.fetch_all(deps);
            let advisories = advisories
                .join()
                .unwrap_or_else(|_| deps.iter().map(|_| Ok(Vec::new())).collect());
            (packages, advisories, hooks.join().ok().flatten())
        })
    }
}

/// With no interpreter to ask, the lowest Python the project declares
/// (`>=3.9` in `requires-python` gives `3.9`).
fn declared_python(root: &Path) -> Option<String> {
    let spec = manifest::project_python(root)?;
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
}

/// A dependency, its releases and the policy it was chosen under: kept to
/// choose again one kind smaller after a failure.
type Known = (Dependency, Package, Policy);

/// What choosing each dependency's bump depends on, so the choice reads as
/// one step of `run`.
struct Choice<'a> {
    project: &'a crate::project::Project,
    policy: &'a Policy,
    now: i64,
    python: Option<&'a str>,
    security_only: bool,
}

impl Choice<'_> {
    /// The bumps for `deps`, from what the registries answered; what could
    /// not be looked up or is left out goes in the report.
    fn candidates(
        &self,
        deps: &[Dependency],
        packages: Packages,
        advisories: Advisories,
        report: &mut Report,
    ) -> (Vec<Candidate>, Vec<Known>) {
        let mut candidates: Vec<Candidate> = Vec::new();
        let mut known: Vec<Known> = Vec::new();
        for ((dep, package), advisories) in deps.iter().zip(packages).zip(advisories) {
            let package = match package {
                Ok(p) => p,
                Err(e) => {
                    report.errors.push(e);
                    continue;
                }
            };
            let advisories = advisories.unwrap_or_else(|e| {
                report.advisories_unknown.push(e);
                Vec::new()
            });
            let dep_policy = self.policy_for(dep);
            known.push((dep.clone(), package.clone(), dep_policy.clone()));
            if let Some(c) = self.candidate(dep, &package, &dep_policy, &advisories, report) {
                candidates.push(c);
            }
        }
        (candidates, known)
    }

    /// The project's policy, with the largest update a dependency's own
    /// rule allows in the config.
    fn policy_for(&self, dep: &Dependency) -> Policy {
        let mut dep_policy = self.policy.clone();
        if let Some(rule) = self.project.config.raw.bump.dependencies.get(&dep.name)
            && let Some(kind) = rule.allow.as_ref().and_then(|a| parse_kind(a.get_ref()))
        {
            dep_policy.allow = kind;
        }
        dep_policy
    }

    /// One dependency's bump: a security fix first, else (unless only
    /// security bumps are asked for) the newest release the policy allows.
    fn candidate(
        &self,
        dep: &Dependency,
        package: &Package,
        dep_policy: &Policy,
        advisories: &[Advisory],
        report: &mut Report,
    ) -> Option<Candidate> {
        if !advisories.is_empty() {
            match super::security::candidate(
                dep,
                package,
                dep_policy,
                self.now,
                self.python,
                advisories,
            ) {
                Ok(c) => return Some(c),
                Err(why) => report.skipped.push((dep.name.clone(), why)),
            }
        }
        if self.security_only {
            return None;
        }
        match version::decide(dep, package, dep_policy, self.now, self.python) {
            Ok(decision) => {
                if decision.candidate.is_none() {
                    let why = if decision.notes.is_empty() {
                        "up to date".to_string()
                    } else {
                        decision.notes.join("; ")
                    };
                    report.skipped.push((dep.name.clone(), why));
                }
                decision.candidate
            }
            Err(message) => {
                report.errors.push(DependencyError {
                    name: dep.name.clone(),
                    manifest: dep.manifest.clone(),
                    message,
                });
                None
            }
        }
    }
}

/// One line on stderr: how much was looked up, how fast, where from.
fn log_lookup(
    deps: &[Dependency],
    hook_revs: usize,
    lookup_time: Duration,
    registries: &crate::registry::Lookup,
    bumpable: usize,
) {
    eprintln!(
        "rungs: {} dependencies and {hook_revs} hook revs looked up in {:.2}s (PyPI {} from {}, crates.io {} from {}, npm {} from {}); {} can be bumped",
        deps.len(),
        lookup_time.as_secs_f64(),
        registries.registries.pypi,
        registries.origins.pypi,
        registries.registries.crates,
        registries.origins.crates,
        registries.registries.npm,
        registries.origins.npm,
        bumpable
    );
}

/// The bump branch: `--branch`, else the config's, else
/// `rungs/bump-{date}`, with `{date}` filled in.
fn branch_name(args: &BumpRequest, project: &crate::project::Project, date: &str) -> String {
    args.branch
        .clone()
        .or_else(|| project.config.raw.bump.branch.clone())
        .unwrap_or_else(|| "rungs/bump-{date}".into())
        .replace("{date}", date)
}

/// What choosing a bump again one kind smaller needs: a struct in place of
/// a closure over five of `run`'s locals.
struct Smaller<'a> {
    hook_known: &'a [hooks::Known],
    known: &'a [Known],
    policy: &'a Policy,
    now: i64,
    python: Option<&'a str>,
}

impl Smaller<'_> {
    /// The bump to try after `c` fails: one update kind smaller, or none.
    fn of(&self, c: &Candidate) -> Option<Candidate> {
        let kind = match c.kind {
            UpdateKind::Major => UpdateKind::Minor,
            UpdateKind::Minor => UpdateKind::Patch,
            UpdateKind::Patch => return None,
        };
        // Each declaration chosen again one kind smaller; merged back when
        // they still agree, else only the first moves.
        let first = self.again(&c.dependency, kind, c)?;
        let others = c
            .also
            .iter()
            .filter_map(|d| self.again(&d.dependency, kind, c));
        let merged = super::merge_declarations(std::iter::once(first).chain(others).collect());
        merged.into_iter().next()
    }

    /// `dep` (one declaration of `c`) chosen again allowing at most `kind`;
    /// none when that gives the same version as `c`.
    fn again(&self, dep: &Dependency, kind: UpdateKind, c: &Candidate) -> Option<Candidate> {
        if let Some(hook) = self.hook_known.iter().find(|k| k.is(dep)) {
            let mut policy = self.policy.clone();
            policy.allow = kind;
            return hook.again(&policy, self.now).filter(|s| s.to != c.to);
        }
        let (dep, package, policy) = self.known.iter().find(|(d, _, _)| d == dep)?;
        let mut policy = policy.clone();
        policy.allow = kind;
        version::choose(dep, package, &policy, self.now, self.python)
            .ok()
            .flatten()
            .filter(|s| s.to != c.to)
    }
}

fn finish(report: &Report, args: &BumpRequest, now: i64, code: i32) -> Result<i32, Error> {
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

/// Push the branch and open a merge request with GitLab's push options.
fn push(
    user: &Repo,
    args: &BumpRequest,
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
