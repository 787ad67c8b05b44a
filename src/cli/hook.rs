//! `rungs hook install | uninstall | run | recover`.

use crate::cache::Cache;
use crate::check::{Kind, Stage};
use crate::error::{Error, exit};
use crate::execute::{self, Mode};
use crate::finding::Outcome;
use crate::git::{Repo, split_z};
use crate::hook::{install, journal, merge, shadow};
use crate::pipeline::{Format, Selection};
use crate::pipeline::{Prepared, plan_for, run_checks, schedule};
use crate::plan::{Job, Shard};
use crate::preset::builtin_presets;
use crate::project::Project;
use crate::report::{Event, Reporter, Summary, TerminalReporter};
use crate::results::CheckResult;
use crate::results::JobReport;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookStage {
    PreCommit,
    PrePush,
}

impl HookStage {
    fn name(self) -> &'static str {
        match self {
            HookStage::PreCommit => "pre-commit",
            HookStage::PrePush => "pre-push",
        }
    }
}

#[derive(clap::Subcommand, Debug)]
pub enum HookCommand {
    /// Write the git hook (respects core.hooksPath, worktrees and submodules).
    Install {
        #[arg(long, value_enum, default_value_t = HookStage::PreCommit)]
        stage: HookStage,
        /// Keep an existing hook and run it after rungs.
        #[arg(long)]
        chain: bool,
    },
    /// Remove rungs's hook (a chained hook is put back).
    Uninstall {
        #[arg(long, value_enum, default_value_t = HookStage::PreCommit)]
        stage: HookStage,
    },
    /// What the installed hook runs: check the staged content (or the pushed commits).
    Run {
        #[arg(long, value_enum, default_value_t = HookStage::PreCommit)]
        stage: HookStage,
        /// Arguments git passes to the hook.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, hide = true)]
        args: Vec<String>,
    },
    /// Put back files an interrupted hook was fixing (any rungs command also does this).
    Recover,
}

pub fn run(cwd: &Path, command: &HookCommand) -> Result<i32, Error> {
    let repo = Repo::discover(cwd)?;
    match command {
        HookCommand::Install { stage, chain } => {
            let done = install::install(&repo, stage.name(), *chain)?;
            println!("installed {}", done.path.display());
            if let Some(c) = done.chained {
                println!("the existing hook runs after rungs: {}", c.display());
            }
            Ok(exit::PASSED)
        }
        HookCommand::Uninstall { stage } => {
            match install::uninstall(&repo, stage.name())? {
                Some(path) => println!("removed {}", path.display()),
                None => println!("no rungs {} hook installed", stage.name()),
            }
            Ok(exit::PASSED)
        }
        HookCommand::Recover => {
            match journal::recover(&repo)? {
                None => println!("nothing to recover"),
                Some(done) => report_recovery(&done),
            }
            Ok(exit::PASSED)
        }
        HookCommand::Run { stage, .. } => run_hook(&repo, *stage),
    }
}

/// Before any command: finish what an interrupted hook left.
pub fn recover_pending(cwd: &Path) {
    if journal::pending(cwd).is_none() {
        return;
    }
    match Repo::discover(cwd).and_then(|repo| journal::recover(&repo)) {
        Ok(Some(done)) => report_recovery(&done),
        Ok(None) => {}
        Err(e) => eprintln!(
            "rungs: could not finish an interrupted hook's recovery: {e}\n  hint: run `rungs hook recover`"
        ),
    }
}

fn report_recovery(done: &journal::Recovered) {
    if !done.restored.is_empty() {
        eprintln!(
            "rungs: an interrupted hook was fixing files; put back as they were: {}",
            done.restored.join(", ")
        );
    }
    for (path, blob) in &done.kept {
        eprintln!(
            "rungs: {path} changed after an interrupted hook; left as it is. Its earlier content: git cat-file blob {blob}"
        );
    }
}

/// Files the commit (or push) brings, relative to the work tree's top.
fn changed_files(repo: &Repo, stage: HookStage) -> Result<(Vec<String>, Option<String>), Error> {
    match stage {
        HookStage::PreCommit => {
            let out = repo.git(&[
                "diff",
                "--cached",
                "--name-only",
                "-z",
                "--diff-filter=ACMR",
                "--no-renames",
            ])?;
            Ok((split_z(&out), None))
        }
        HookStage::PrePush => {
            let mut stdin = String::new();
            let _ = std::io::Read::read_to_string(&mut std::io::stdin(), &mut stdin);
            let zero = |s: &str| s.chars().all(|c| c == '0');
            let mut files = Vec::new();
            let mut tip = None;
            for line in stdin.lines() {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [_, local, _, remote] = parts[..] else {
                    continue;
                };
                if zero(local) {
                    continue;
                }
                let out = if zero(remote) {
                    // A new branch: what it has that no remote branch has.
                    repo.git(&[
                        "log",
                        "--name-only",
                        "-z",
                        "--diff-filter=ACMR",
                        "--format=",
                        local,
                        "--not",
                        "--remotes",
                    ])?
                } else {
                    repo.git(&[
                        "diff",
                        "--name-only",
                        "-z",
                        "--diff-filter=ACMR",
                        remote,
                        local,
                    ])?
                };
                files.extend(split_z(&out));
                tip = Some(local.to_string());
            }
            files.sort();
            files.dedup();
            Ok((files, tip))
        }
    }
}

fn run_hook(repo: &Repo, stage: HookStage) -> Result<i32, Error> {
    let start = Instant::now();
    let top = repo
        .top
        .canonicalize()
        .map_err(|e| Error::io(&repo.top, e))?;
    let cache_root = crate::dirs::root()?;
    let state = crate::dirs::project_dir(&cache_root, &repo.git_dir);
    let stamp = index_stamp(repo, stage);
    // A commit's staged files and its index copy don't depend on each other:
    // git is asked for both at once (a push's copy needs the pushed commit).
    let (changed, early) = std::thread::scope(|scope| {
        let changed = scope.spawn(|| changed_files(repo, stage));
        let early = (stage == HookStage::PreCommit)
            .then(|| shadow::sync(repo, &state.join("shadow"), None));
        (changed.join(), early)
    });
    let (files, tip) = changed.unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    if files.is_empty() {
        return Ok(exit::PASSED);
    }
    // For a push, a temporary index of the pushed commit.
    let temp_index =
        tempfile::NamedTempFile::new().map_err(|e| Error::io(std::env::temp_dir(), e))?;
    crate::timing::mark("hook: staged files");
    let mut shadow = match (early, &tip) {
        (Some(synced), _) => synced?,
        (None, Some(commit)) => {
            repo.git_env(
                &["read-tree", commit],
                &[("GIT_INDEX_FILE", temp_index.path())],
            )?;
            shadow::sync(repo, &state.join("shadow-push"), Some(temp_index.path()))?
        }
        (None, None) => unreachable!("a push names its commit"),
    };
    let before = fingerprint(&shadow.entries);
    crate::timing::mark("hook: shadow synced");
    // Whether the index changed since it was read (`git add` during the hook):
    // fixes of the old content could then undo the new.
    let index_moved = || -> Result<bool, Error> {
        if stage != HookStage::PreCommit || (stamp.is_some() && index_stamp(repo, stage) == stamp) {
            return Ok(false);
        }
        Ok(fingerprint(&shadow::index_entries(repo, None)?) != before)
    };
    let cancel = execute::interrupt::flag();
    let projects = by_project(&shadow.dir, &files);
    let several = projects.len() > 1;
    let mut exit_code = exit::PASSED;
    // Each project's report times its own part (the first's includes the sync).
    let mut project_start = start;
    let mut unknown_skips: BTreeMap<String, usize> = BTreeMap::new();
    let count = projects.len();
    for (prefix, rel) in projects {
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        let run = Staged {
            repo,
            // Not `join("")`, which adds a trailing slash: the cache names a
            // project by its path, shared with `rungs check`'s.
            real_root: if prefix.is_empty() {
                top.clone()
            } else {
                top.join(&prefix)
            },
            prefix,
            files: rel,
            stage,
            start: project_start,
            cancel: &cancel,
            several,
        };
        let code = check_project(&run, &mut shadow, &index_moved, &mut unknown_skips)?;
        exit_code = exit_code.max(code);
        project_start = Instant::now();
    }
    // A typo must not block every commit: say so and go on (as pre-commit's SKIP).
    for (id, _) in unknown_skips.iter().filter(|(_, n)| **n == count) {
        eprintln!("rungs: RUNGS_SKIP names `{id}`, which is not a check; ignored");
    }
    if index_moved()? {
        eprintln!(
            "rungs: the staged content changed while rungs was checking it (`git add` during the hook?); commit again to check what is staged now."
        );
        exit_code = exit::FAILED;
    }
    Ok(exit_code)
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Staged files by the project they belong to in the staged tree (see
/// `project_within`): one project at the top when the top is one, each part
/// of a repository of projects (`backend/` Django, `frontend/` node) on its
/// own otherwise, and any folder with rungs config on its own. Keys are
/// top-relative prefixes ("" for the top); files are relative to their project.
fn by_project(shadow: &Path, files: &[String]) -> BTreeMap<String, Vec<String>> {
    let mut roots: std::collections::HashMap<&str, String> = std::collections::HashMap::new();
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for file in files {
        let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
        let prefix = roots
            .entry(dir)
            .or_insert_with(|| {
                let root = crate::project::project_within(&shadow.join(dir), shadow);
                root.strip_prefix(shadow)
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .unwrap_or_default()
            })
            .clone();
        let rel = match prefix.as_str() {
            "" => file.clone(),
            p => file[p.len() + 1..].to_string(),
        };
        out.entry(prefix).or_default().push(rel);
    }
    out
}

/// Say so when staged code is in a language none of its project's stacks
/// check: a subproject under a project of another stack (a Python
/// `backend/` below a top `package.json`) would otherwise pass unseen.
fn unchecked_code(run: &Staged, project: &Project) -> Result<(), Error> {
    let known: std::collections::HashSet<String> = builtin_presets()?
        .into_iter()
        .flat_map(|p| p.languages)
        .collect();
    let checked: std::collections::HashSet<&str> = project
        .stacks
        .iter()
        .flat_map(|s| s.preset.languages.iter().map(String::as_str))
        .collect();
    let unchecked: Vec<String> = run
        .files
        .iter()
        .filter(|f| {
            let ext = f.rsplit_once('.').map_or("", |(_, e)| e);
            known.contains(ext) && !checked.contains(ext)
        })
        .map(|f| match run.prefix.as_str() {
            "" => f.clone(),
            p => format!("{p}/{f}"),
        })
        .collect();
    if !unchecked.is_empty() {
        let shown: Vec<&str> = unchecked.iter().take(5).map(String::as_str).collect();
        eprintln!(
            "rungs: the project at {} checks none of {}: {}{} (a project of its own? give its folder a rungs.toml)",
            if run.prefix.is_empty() {
                "the top"
            } else {
                run.prefix.as_str()
            },
            plural(unchecked.len(), "staged file"),
            shown.join(", "),
            if unchecked.len() > shown.len() {
                ", …"
            } else {
                ""
            }
        );
    }
    Ok(())
}

/// One project's part of a hook run.
struct Staged<'a> {
    repo: &'a Repo,
    /// The project's folder in the working tree (where its tools are found).
    real_root: PathBuf,
    /// The project's folder relative to the repository's top ("" for the top).
    prefix: String,
    /// Its staged files, relative to it.
    files: Vec<String>,
    stage: HookStage,
    start: Instant,
    cancel: &'a std::sync::atomic::AtomicBool,
    /// Other projects have staged files too: say which one this report is of.
    several: bool,
}

/// Check one project's staged files in the shadow copy, and carry the
/// fixers' changes to the working tree.
/// `unknown_skips` counts, per id in RUNGS_SKIP, the projects that have no
/// such check.
fn check_project(
    run: &Staged,
    shadow: &mut shadow::Shadow,
    index_moved: &dyn Fn() -> Result<bool, Error>,
    unknown_skips: &mut BTreeMap<String, usize>,
) -> Result<i32, Error> {
    let prefix = run.prefix.as_str();
    let project_root = if prefix.is_empty() {
        shadow.dir.clone()
    } else {
        shadow.dir.join(prefix)
    };
    let under = |path: &str| -> Option<String> {
        if prefix.is_empty() {
            Some(path.to_string())
        } else {
            path.strip_prefix(&format!("{prefix}/")).map(str::to_string)
        }
    };
    let blobs: std::collections::HashMap<String, String> = shadow
        .entries
        .iter()
        .filter_map(|e| under(&e.path).map(|p| (p, e.blob.clone())))
        .collect();
    let project = Project::open_index(&project_root, &builtin_presets()?, &blobs)?;
    let skip: Vec<String> = std::env::var("RUNGS_SKIP")
        .unwrap_or_default()
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|id| {
            let known = crate::check::is_builtin(id) || project.config.raw.checks.contains_key(id);
            if !known {
                *unknown_skips.entry(id.clone()).or_default() += 1;
            }
            known
        })
        .collect();
    let selection = Selection {
        tier: None,
        only: Vec::new(),
        skip,
        files: Vec::new(),
        changed: None,
        jobs: None,
        format: Format::Text,
    };
    let fix_enabled =
        project.config.raw.hook.fix.unwrap_or(true) && run.stage == HookStage::PreCommit;
    crate::timing::mark("hook: project opened");
    let mut prepared = plan_for(
        project,
        run.real_root.clone(),
        &selection,
        Stage::Commit,
        Some(run.files.clone()),
    )?;
    unchecked_code(run, &prepared.project)?;
    if prepared.plan.checks.is_empty() && run.several {
        // A README at the top of a repository of projects: nothing to say.
        return Ok(exit::PASSED);
    }
    if run.several {
        let name = if prefix.is_empty() { "." } else { prefix };
        println!("rungs: {name} ({} staged)", plural(run.files.len(), "file"));
    }
    let cancel = run.cancel;
    let mut cache = Cache::open_shared(&project_root, &run.real_root)?;
    let mut scheduled = schedule(
        &mut prepared,
        Some(&mut cache),
        Shard { index: 1, total: 1 },
        true,
    )?;
    crate::timing::mark("hook: planned, cache looked up");
    let mut terminal = TerminalReporter::new();
    terminal.event(&Event::Started {
        plan: &prepared.plan,
    });
    let reports = run_checks(
        &mut prepared,
        &mut scheduled,
        Some(&cache),
        cancel,
        &mut |plan, report| terminal.event(&Event::JobFinished { plan, report }),
    );
    crate::timing::mark("hook: checks run");
    let plan = &prepared.plan;
    let interrupted = cancel.load(Ordering::SeqCst);
    let checks: Vec<CheckResult> = (0..plan.checks.len())
        .map(|i| {
            plan.result_of(
                i,
                &reports.iter().filter(|r| r.check == i).collect::<Vec<_>>(),
            )
        })
        .collect();
    let failed = checks.iter().any(|c| !c.outcome.is_success());
    let exit_code = if interrupted {
        exit::INTERRUPTED
    } else if failed {
        exit::FAILED
    } else {
        exit::PASSED
    };
    let summary = Summary {
        tier: plan.tier.name.clone(),
        checks: checks.clone(),
        wall: run.start.elapsed(),
        budget: plan.budget,
        exit_code,
        gates: Vec::new(),
        baseline: None,
        shard: None,
        changed_base: None,
    };
    terminal.event(&Event::Finished {
        plan,
        summary: &summary,
    });
    if interrupted {
        return Err(Error::Interrupted);
    }
    if failed && fix_enabled && !index_moved()? {
        let fixed = fix_staged(
            run.repo,
            shadow,
            prefix,
            &mut prepared,
            &scheduled.tools,
            &checks,
            cancel,
        )?;
        if cancel.load(Ordering::SeqCst) {
            return Err(Error::Interrupted);
        }
        if !fixed.is_empty() {
            eprintln!(
                "\nrungs: fixed {} in your working tree: {}\n  review the changes, `git add` them, and commit again.",
                plural(fixed.len(), "file"),
                fixed.join(", ")
            );
        }
    }
    Ok(exit_code)
}

/// The index file's identity, to notice cheaply that nobody replaced it
/// during the hook: git writes an index by renaming a new file over it, so
/// an unchanged inode, size, mtime and ctime mean unchanged entries.
fn index_stamp(repo: &Repo, stage: HookStage) -> Option<(u64, u64, i64, i64, i64, i64)> {
    use std::os::unix::fs::MetadataExt;
    if stage != HookStage::PreCommit {
        return None;
    }
    // `git commit -a` or `git commit PATH` points the hook at a temporary index.
    let path = match std::env::var_os("GIT_INDEX_FILE") {
        Some(p) => repo.top.join(p),
        None => repo.git_dir.join("index"),
    };
    let m = std::fs::metadata(path).ok()?;
    Some((
        m.ino(),
        m.size(),
        m.mtime(),
        m.mtime_nsec(),
        m.ctime(),
        m.ctime_nsec(),
    ))
}

/// A digest of the index, to notice `git add` during the hook.
fn fingerprint(entries: &[shadow::Entry]) -> blake3::Hash {
    let mut h = blake3::Hasher::new();
    for e in entries {
        h.update(e.mode.as_bytes())
            .update(b" ")
            .update(e.blob.as_bytes())
            .update(e.path.as_bytes())
            .update(b"\0");
    }
    h.finalize()
}

/// Run the failing fixable checks' fixers on the shadow copy, then carry each
/// change over to the working tree: as is where the file has no unstaged
/// changes, merged three-way where it has, and not at all on a conflict.
fn fix_staged(
    repo: &Repo,
    shadow: &mut shadow::Shadow,
    prefix: &str,
    prepared: &mut Prepared,
    tools: &[crate::tool::Tool],
    checks: &[CheckResult],
    cancel: &std::sync::atomic::AtomicBool,
) -> Result<Vec<String>, Error> {
    let plan = &mut prepared.plan;
    let mut jobs = Vec::new();
    for kind in [Kind::Imports, Kind::Format] {
        for (i, planned) in plan.checks.iter().enumerate() {
            if planned.check.kind != kind
                || planned.check.fix.is_none()
                || checks[i].outcome != Outcome::Failed
            {
                continue;
            }
            let mut files: Vec<String> = checks[i]
                .findings
                .iter()
                .filter_map(|f| f.path.clone())
                .collect();
            files.sort();
            files.dedup();
            if !files.is_empty() {
                jobs.push(Job {
                    check: i,
                    files,
                    predicted: Duration::ZERO,
                    cached: None,
                });
            }
        }
    }
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let touched: Vec<String> = {
        let mut t: Vec<String> = jobs.iter().flat_map(|j| j.files.clone()).collect();
        t.sort();
        t.dedup();
        t
    };
    let top_relative = |file: &String| {
        if prefix.is_empty() {
            file.clone()
        } else {
            format!("{prefix}/{file}")
        }
    };
    shadow.mark_dirty(&touched.iter().map(top_relative).collect::<Vec<_>>())?;
    plan.jobs = jobs;
    let project_root = prepared.project.root.clone();
    let ctx = execute::Context {
        root: &project_root,
        plan,
        tools,
        workers: prepared.workers,
        cancel,
    };
    // One fixer at a time, imports before formatting.
    for j in 0..ctx.plan.jobs.len() {
        let _: Vec<JobReport> = execute::run_jobs(&ctx, &[j], Mode::Fix, &mut |_| {});
    }
    // The base of each fix is the staged content that was checked.
    let blobs: BTreeMap<String, String> = shadow
        .entries
        .iter()
        .map(|e| (e.path.clone(), e.blob.clone()))
        .collect();
    let mut changes = Vec::new();
    let mut conflicts = Vec::new();
    for file in touched {
        let top_rel = if prefix.is_empty() {
            file.clone()
        } else {
            format!("{prefix}/{file}")
        };
        let Some(blob) = blobs.get(&top_rel) else {
            continue;
        };
        let staged = repo.blob(blob)?;
        let Ok(fixed) = std::fs::read(project_root.join(&file)) else {
            continue;
        };
        if fixed == staged {
            continue;
        }
        let Ok(worktree) = std::fs::read(repo.top.join(&top_rel)) else {
            continue;
        };
        let new = if worktree == staged {
            Some(fixed)
        } else {
            merge::three_way(repo, &staged, &worktree, &fixed)?
        };
        match new {
            Some(bytes) if bytes != worktree => changes.push(journal::Change {
                path: top_rel,
                expected: worktree,
                new: bytes,
            }),
            Some(_) => {}
            None => conflicts.push(top_rel),
        }
    }
    // A file saved again since it was read is left alone too.
    conflicts.extend(journal::apply(repo, &changes)?);
    for path in &conflicts {
        eprintln!(
            "rungs: the fix for {path} conflicts with its unstaged changes; the file was left as it is. Fix it by hand, or stage all of it and commit again."
        );
    }
    Ok(changes
        .into_iter()
        .map(|c| c.path)
        .filter(|p| !conflicts.contains(p))
        .collect())
}
