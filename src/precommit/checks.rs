//! From the project's `.pre-commit-config.yaml` to checks: each hook that
//! runs at the `pre-commit` stage becomes a [`Check`] that runs on a scratch
//! copy of its files (so check mode never writes), keyed in the cache by its
//! repo, rev, resolved definition and dependencies.

use super::config::{CONFIG_FILE, Config, HookOptions, RepoSource};
use super::hook::{Hook, HookError};
use super::identify;
use super::languages;
use super::repos::{self, Code};
use crate::check::{Check, CheckId, Kind, Origin, Scope};
use crate::error::Error;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, OnceLock};

/// What the config gave: a check per hook (a hook that can't run is a
/// broken check saying why), and notes for `rungs plan`.
#[derive(Default)]
pub struct Loaded {
    pub checks: Vec<Check>,
    pub notes: Vec<String>,
}

#[derive(Deserialize)]
struct Roles {
    hook: Vec<StandsFor>,
}

#[derive(Deserialize)]
struct StandsFor {
    command: Vec<String>,
    checks: Vec<String>,
}

fn roles() -> &'static Roles {
    static ROLES: OnceLock<Roles> = OnceLock::new();
    ROLES.get_or_init(|| {
        toml::from_str(include_str!("../../precommit/roles.toml"))
            .expect("precommit/roles.toml is checked by a test")
    })
}

/// The built-in checks a command stands for (`ruff check …` → ruff).
fn stands_for(words: &[String]) -> Vec<CheckId> {
    let program = words
        .first()
        .map(|p| p.rsplit('/').next().unwrap_or(p))
        .unwrap_or_default();
    let next = words.get(1).map(String::as_str);
    roles()
        .hook
        .iter()
        .filter(|r| {
            r.command[0] == program && r.command.get(1).is_none_or(|s| Some(s.as_str()) == next)
        })
        .max_by_key(|r| r.command.len())
        .map(|r| r.checks.iter().map(|c| CheckId(c.clone())).collect())
        .unwrap_or_default()
}

/// The hooks of the project's config, if it has one. `tracked`: the files
/// pre-commit would consider (`git ls-files`), project-relative.
pub fn load(
    root: &Path,
    cache_root: &Path,
    tracked: &[String],
    builtin: &BTreeMap<CheckId, Check>,
    stage: &str,
) -> Result<Option<Loaded>, Error> {
    let path = root.join(CONFIG_FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let config = Config::load(&path)?;
    let mut loaded = Loaded {
        notes: config.notes.clone(),
        ..Loaded::default()
    };
    if config.fail_fast {
        loaded.notes.push(format!(
            "{CONFIG_FILE}: `fail_fast`: rungs runs every hook side by side and reports them all"
        ));
    }
    let exe = std::env::current_exe().map_err(|e| Error::io("rungs", e))?;
    let tags = Tags::new(root);
    let tag_of = |f: &str| tags.of(f);
    // Every hook resolved first: the meta hooks judge all of them.
    let resolved = resolve_all(&config, cache_root, &mut loaded.checks);
    let all: Vec<&Hook> = resolved.iter().map(|(h, _, _)| h).collect();
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (hook, code, order) in &resolved {
        if !hook.runs_at(stage) {
            loaded.notes.push(format!(
                "{CONFIG_FILE}: hook `{}` runs at {} only, not at {stage}: left out",
                hook.id,
                hook.stages.join(", ")
            ));
            continue;
        }
        let verdict = (hook.repo == "meta")
            .then(|| super::meta::judge(&hook.id, &config, &all, tracked, &tag_of));

        let input = HookInput {
            root,
            exe: &exe,
            hook,
            fetched: code.as_ref(),
            order: *order,
            tracked,
            tags: &tag_of,
            builtin,
            meta_verdict: verdict,
        };
        let made = to_check(input, &mut ids);
        match made {
            Ok(check) => loaded.checks.push(check),
            Err(message) => loaded.checks.push(broken_check(
                &hook.id,
                *order,
                format!("{CONFIG_FILE}:{}: {message}", hook.line),
            )),
        }
    }
    Ok(Some(loaded))
}

/// A hook, where its code comes from and how it was found, its config position.
type Resolved = (Hook, Option<repos::Fetched>, usize);

/// Every hook of the config resolved, with its code and its position; a
/// hook that can't be (its repo not fetched, its definition missing or
/// wrong) goes in `checks` as a broken check saying why.
fn resolve_all(config: &Config, cache_root: &Path, checks: &mut Vec<Check>) -> Vec<Resolved> {
    let mut resolved: Vec<Resolved> = Vec::new();
    let mut order = 0;
    for repo in &config.repos {
        let (label, fetched) = fetch_repo(cache_root, &repo.source);
        for entry in &repo.hooks {
            order += 1;
            let found = match &fetched {
                Ok(f) => definition(&repo.source, f.as_ref(), &label, &entry.id).map(|d| (f, d)),
                Err(e) => Err(e.clone()),
            };
            let (fetched, definition) = match found {
                Ok(found) => found,
                Err(message) => {
                    checks.push(broken_check(
                        &entry.id,
                        order,
                        format!("{CONFIG_FILE}:{}: {message}", entry.pos.line),
                    ));
                    continue;
                }
            };
            match Hook::resolve(config, &repo.source, &label, definition.as_ref(), entry) {
                Ok(hook) => {
                    resolved.push((hook, fetched.clone(), order));
                }
                Err(HookError { line, message, .. }) => checks.push(broken_check(
                    &entry.id,
                    order,
                    format!("{CONFIG_FILE}:{line}: {message}"),
                )),
            }
        }
    }
    resolved
}

/// A repo's label for messages (`local`, `meta`, `URL@REV`) and, for a
/// remote repo, its fetched definitions and code, or why they could not
/// be fetched.
fn fetch_repo(
    cache_root: &Path,
    source: &RepoSource,
) -> (String, Result<Option<repos::Fetched>, String>) {
    match source {
        RepoSource::Local => ("local".to_string(), Ok(None)),
        RepoSource::Meta => ("meta".to_string(), Ok(None)),
        RepoSource::Remote { url, rev, frozen } => (
            match frozen {
                Some(version) => format!("{url}@{rev} (frozen: {version})"),
                None => format!("{url}@{rev}"),
            },
            repos::fetch(cache_root, url, rev, frozen.as_deref()).map(Some),
        ),
    }
}

/// The repo's own definition of hook `id` (none for a local hook, whose
/// config entry is its whole definition); an error when a meta or remote
/// repo has no such hook.
fn definition(
    source: &RepoSource,
    fetched: Option<&repos::Fetched>,
    label: &str,
    id: &str,
) -> Result<Option<HookOptions>, String> {
    match (source, fetched) {
        (RepoSource::Meta, _) => match super::meta::definition(id) {
            Some(d) => Ok(Some(d)),
            None => Err(format!(
                "`{id}` is no meta hook (expected check-hooks-apply, check-useless-excludes or identity)"
            )),
        },
        (_, Some(f)) => match f.definitions.iter().find(|d| d.id == id) {
            Some(d) => Ok(Some(d.options.clone())),
            None => {
                let known: Vec<&str> = f.definitions.iter().map(|d| d.id.as_str()).collect();
                Err(format!(
                    "{label} defines no hook `{id}` (it has: {})",
                    known.join(", ")
                ))
            }
        },
        _ => Ok(None),
    }
}

/// File tags, read once per file however many hooks ask.
struct Tags<'r> {
    root: &'r Path,
    seen: std::cell::RefCell<HashMap<String, Option<identify::Tags>>>,
}

impl<'r> Tags<'r> {
    fn new(root: &'r Path) -> Tags<'r> {
        Tags {
            root,
            seen: Default::default(),
        }
    }

    fn of(&self, rel: &str) -> Option<identify::Tags> {
        self.seen
            .borrow_mut()
            .entry(rel.to_string())
            .or_insert_with(|| identify::from_path(&self.root.join(rel)))
            .clone()
    }
}

/// What turning one hook into a check reads: a struct in place of a long
/// parameter list, so each call names what it passes.
struct HookInput<'a> {
    /// The project's root, where a local script hook's entry is found.
    root: &'a Path,
    /// rungs itself, which runs the pygrep, fail and meta hooks.
    exe: &'a Path,
    hook: &'a Hook,
    /// Where the hook's code comes from (none for local and meta hooks).
    fetched: Option<&'a repos::Fetched>,
    /// The hook's position in the config.
    order: usize,
    /// The files pre-commit would consider, project-relative.
    tracked: &'a [String],
    tags: &'a dyn Fn(&str) -> Option<identify::Tags>,
    builtin: &'a BTreeMap<CheckId, Check>,
    /// A meta hook's verdict on the other hooks (`None` for other hooks).
    meta_verdict: Option<Option<String>>,
}

/// A hook as a check; `ids` counts the hooks seen so far by id, so a hook
/// listed twice gets a check id of its own.
fn to_check(input: HookInput<'_>, ids: &mut HashMap<String, usize>) -> Result<Check, String> {
    let hook = input.hook;
    let language = languages::of(hook.language);
    let entry = shell_words::split(&hook.entry)
        .map_err(|e| format!("hook `{}`: `entry` is not a command line: {e}", hook.id))?;
    if entry.is_empty() && language.needs_entry() {
        return Err(format!("hook `{}` has an empty `entry`", hook.id));
    }
    let exe = input.exe.to_string_lossy().into_owned();
    let (code, how) = match input.fetched {
        Some(f) => (f.code.clone(), f.how.clone()),
        None => (Code::None, String::new()),
    };
    let language_input = languages::Input {
        hook,
        entry: &entry,
        code: &code,
        exe: &exe,
        root: input.root,
    };
    let base = language.command(&language_input)?;
    let command = language.finish_args(&language_input, base.command, input.meta_verdict);
    let mut selected: Vec<String> = hook
        .select(input.tracked, input.tags)
        .into_iter()
        .cloned()
        .collect();
    selected.sort();
    let stands_for = stands_for(&entry);
    let like = stands_for.iter().find_map(|id| input.builtin.get(id));
    let (parser, pattern) = language.parser(like);
    let kind = like.map_or(Kind::Custom, |b| b.kind);
    let id = check_id(hook, input.builtin, &stands_for, ids);
    let definition = format!(
        "{}\0{:?}\0{:?}\0{}",
        hook.repo, hook.options, hook.additional_dependencies, hook.language_version
    );
    let mut label = format!(
        "hook `{}` of {}, {CONFIG_FILE}:{}",
        hook.id, hook.repo, hook.line
    );
    if !how.is_empty() {
        label.push_str(&format!(", from {how}"));
    }
    let mut check = hook_check(id, hook.name.clone());
    check.kind = kind;
    check.holds_line = like.map_or(kind.may_hold_line(), |b| b.holds_line);
    check.scope = if hook.pass_filenames {
        Scope::Files
    } else {
        Scope::Project
    };
    check.fix = Some(command.clone());
    check.command = command;
    check.parser = parser;
    check.pattern = pattern;
    check.install = base.install;
    check.serial = hook.require_serial;
    check.origin = Some(Arc::new(Origin {
        label,
        order: input.order,
        stands_for,
        definition,
        always_run: hook.always_run,
        language_version: (hook.language_version != "default")
            .then(|| hook.language_version.clone()),
        package: input.fetched.and_then(|f| f.package.clone()),
        alias: hook.alias.clone(),
        verbose: hook.verbose,
    }));
    check.scratch = hook.repo != "meta";
    check.inputs = Some(Arc::new(selected));
    check.isolated = base.isolated;
    Ok(check)
}

/// The hook's check id: its own, numbered from its second listing, and
/// with `-hook` where it would take a built-in check's id it does not
/// stand for.
fn check_id(
    hook: &Hook,
    builtin: &BTreeMap<CheckId, Check>,
    stands_for: &[CheckId],
    ids: &mut HashMap<String, usize>,
) -> String {
    let n = ids.entry(hook.id.clone()).or_insert(0);
    *n += 1;
    let mut id = if *n == 1 {
        hook.id.clone()
    } else {
        format!("{}-{n}", hook.id)
    };
    if builtin.contains_key(&CheckId(id.clone())) && !stands_for.contains(&CheckId(id.clone())) {
        id.push_str("-hook");
    }
    id
}

/// A hook's check with pre-commit's defaults: any exit code but 0 fails it.
fn hook_check(id: String, description: String) -> Check {
    let mut check = Check::made(&id, Kind::Custom, description, vec!["true".into()]);
    check.fail_codes = (1..=255).collect();
    check
}

/// A hook that can't run: reported as an error with `why`.
fn broken_check(id: &str, order: usize, why: String) -> Check {
    let mut check = hook_check(id.to_string(), id.to_string());
    check.origin = Some(Arc::new(Origin {
        label: format!("hook `{id}` of {CONFIG_FILE}"),
        order,
        stands_for: Vec::new(),
        definition: String::new(),
        always_run: true,
        language_version: None,
        package: None,
        alias: None,
        verbose: false,
    }));
    // One job, which reports why it can't run.
    check.scope = Scope::Project;
    check.broken = Some(why);
    check
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn a_hook_stands_for_the_built_in_of_its_command() {
        let ids = |s: &str| {
            stands_for(&words(s))
                .into_iter()
                .map(|c| c.0)
                .collect::<Vec<_>>()
        };
        assert_eq!(ids("ruff check --force-exclude"), ["ruff", "ruff-imports"]);
        assert_eq!(ids("ruff format --force-exclude"), ["ruff-format"]);
        assert_eq!(ids("ruff --fix"), ["ruff", "ruff-imports"]);
        assert_eq!(ids("/usr/bin/isort"), ["isort"]);
        assert!(ids("pyupgrade --py38-plus").is_empty());
    }
}
