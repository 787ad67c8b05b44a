//! Picking checks: roles of the stacks' presets up to the tier, the project's
//! own checks, then the flags.

use super::{Ladder, Request, TierChoice};
use crate::check::{Check, CheckId, CheckSpec, Kind, Scope, Stage};
use crate::error::Error;
use crate::preset::Role;
use crate::project::{Markers, Pins, Project, describe_marker};
use crate::source::Source;
use std::collections::BTreeMap;
use toml::Spanned;

/// A check chosen for the run.
#[derive(Clone, Debug)]
pub struct PlannedCheck {
    pub check: Check,
    pub role: Option<String>,
    /// Why this check: the config marker found, or that it is the default.
    pub reason: String,
    /// Extra arguments from the tier (only when the project has no config of its own).
    pub args: Vec<String>,
    /// The files it checks (for project-level checks: its inputs).
    pub files: Vec<String>,
    /// Coverage floor in percent, for coverage checks.
    pub coverage_floor: Option<f64>,
    /// Runs one shard's part of a test suite split across CI jobs: its
    /// coverage is partial, joined and judged by `rungs merge`.
    pub partial: bool,
    /// The check's config inputs that exist, its globs expanded.
    pub config_files: Vec<String>,
    /// Every project file the check reads, also when only some are checked
    /// (a type checker's verdict on one file depends on the files it imports).
    pub all_inputs: Vec<String>,
    /// The project shows it uses the tool (its config, a hook, rungs's config,
    /// the baseline). A check the tier adds that is not adopted holds the
    /// line: only findings on changed code fail.
    pub adopted: bool,
}

pub struct Selection {
    pub checks: Vec<PlannedCheck>,
    pub left_out: Vec<(String, String)>,
    /// Stacks detected whose tools the project has not configured, with how
    /// to turn them on.
    pub unchecked: Vec<String>,
}

/// `hooks`: the checks of the project's `.pre-commit-config.yaml`, in its
/// order; each is in the plan, and one that does a role's job takes the role.
pub fn select_checks(
    project: &Project,
    registry: &BTreeMap<CheckId, Check>,
    hooks: &[Check],
    ladder: &Ladder,
    tier: &TierChoice,
    request: &Request,
) -> Result<Selection, Error> {
    let inputs = Inputs {
        project,
        registry,
        hooks,
        ladder,
        tier,
        request,
        markers: Markers::new(&project.root),
        source: project.config.source(),
    };
    checks_the_flags_name(&inputs)?;
    let mut picked = Picked::default();
    let roles = roles_of_the_stacks(&inputs, &mut picked)?;
    checks_the_project_adds(&inputs, &mut picked)?;
    the_projects_own_hooks(&inputs, &roles.taken, &mut picked)?;
    versions_the_project_chose(&inputs, &mut picked.chosen);
    replacements(&mut picked);
    stage_and_flags(&inputs, &mut picked)?;
    files_and_floors(&inputs, &mut picked);
    hooks_keep_their_order(&mut picked.chosen);
    Ok(Selection {
        checks: picked.chosen,
        left_out: picked.left_out,
        unchecked: roles.unchecked,
    })
}

/// What every step of `select_checks` reads, gathered so that no step takes
/// a long list of parameters.
struct Inputs<'a> {
    project: &'a Project,
    registry: &'a BTreeMap<CheckId, Check>,
    hooks: &'a [Check],
    ladder: &'a Ladder,
    tier: &'a TierChoice,
    request: &'a Request,
    markers: Markers,
    source: Source,
}

impl<'a> Inputs<'a> {
    /// The checks of rungs's own config, by id: read by most steps.
    fn user(&self) -> &'a BTreeMap<String, Spanned<CheckSpec>> {
        &self.project.config.raw.checks
    }

    /// Whether a flag or the config may name `id`: a check of the registry
    /// or one of the project's hooks.
    fn known(&self, id: &str) -> bool {
        self.registry.contains_key(&CheckId(id.to_string()))
            || self.hooks.iter().any(|h| h.named(id))
    }

    /// The rank of the tier a check enters at: the one rungs's config gives
    /// it, else its own, else `default`. An unknown tier is an error that
    /// points at where it is named.
    fn tier_of(&self, check: &Check, default: &str) -> Result<usize, Error> {
        let (name, span) = match self
            .user()
            .get(check.id.as_str())
            .and_then(|s| s.get_ref().tier.as_ref())
        {
            Some(t) => (t.get_ref().as_str(), Some(t.span())),
            None => (check.tier.as_deref().unwrap_or(default), None),
        };
        self.ladder.rank(name).ok_or_else(|| match span {
            Some(span) => self.source.error(
                span,
                format!(
                    "unknown tier `{name}` (expected one of: {})",
                    self.ladder.0.join(", ")
                ),
            ),
            None => Error::usage(format!("check `{}` names unknown tier `{name}`", check.id)),
        })
    }
}

/// The checks chosen so far and those left out with why: what each step
/// adds to or takes from.
#[derive(Default)]
struct Picked {
    chosen: Vec<PlannedCheck>,
    left_out: Vec<(String, String)>,
}

/// Where a chosen tool's settings come from; the tier's arguments apply only
/// where it has none of its own.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Settings {
    /// The tool's own config is there: no tier arguments.
    OwnConfig,
    /// The tier's arguments.
    Tier,
}

/// A check a step offers for the plan, with what the plan says about it;
/// one struct rather than a long list of parameters to `Picked::consider`.
struct Candidate<'a> {
    check: &'a Check,
    role: Option<String>,
    reason: String,
    settings: Settings,
    adopted: bool,
}

impl Picked {
    /// Takes a candidate into the plan unless it is there already, is
    /// disabled (left out, with why) or enters above the run's tier.
    fn consider(&mut self, inputs: &Inputs, candidate: Candidate, rank: usize) {
        let check = candidate.check;
        if self.chosen.iter().any(|c| c.check.id == check.id) {
            return;
        }
        if !check.enabled {
            self.left_out
                .push((check.id.0.clone(), "disabled in config".into()));
            return;
        }
        if rank > inputs.tier.rank {
            return;
        }
        let args = match candidate.settings {
            Settings::OwnConfig => Vec::new(),
            Settings::Tier => tier_args(check, inputs.ladder, inputs.tier.rank),
        };
        self.chosen.push(PlannedCheck {
            check: check.clone(),
            role: candidate.role,
            reason: candidate.reason,
            args,
            files: Vec::new(),
            coverage_floor: None,
            partial: false,
            config_files: Vec::new(),
            all_inputs: Vec::new(),
            adopted: candidate.adopted,
        });
    }
}

/// `--only` and `--skip` name checks that exist: a typo is an error listing
/// the known checks, not a silently empty run.
fn checks_the_flags_name(inputs: &Inputs) -> Result<(), Error> {
    let request = inputs.request;
    for id in request.only.iter().chain(&request.skip) {
        if !inputs.known(id) {
            return Err(Error::Usage {
                message: format!("unknown check `{id}`"),
                hint: Some(format!(
                    "known checks: {}",
                    inputs
                        .registry
                        .keys()
                        .chain(inputs.hooks.iter().map(|h| &h.id))
                        .map(|k| k.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            });
        }
    }
    Ok(())
}

/// The roles of each stack's preset, each filled by the check the project
/// is set up for, else the default. A hook that does a role's job takes the
/// role: the same tool never runs twice, at the project's version and at
/// rungs's.
fn roles_of_the_stacks(inputs: &Inputs, picked: &mut Picked) -> Result<Roles, Error> {
    let mut roles_taken: BTreeMap<CheckId, Vec<String>> = BTreeMap::new();
    let mut unchecked = Vec::new();
    for stack in &inputs.project.stacks {
        let mut skipped = Vec::new();
        let mut filled = false;
        for role in &stack.preset.roles {
            if let Some(hook) = hook_for_role(inputs.hooks, role) {
                roles_taken
                    .entry(hook.id.clone())
                    .or_default()
                    .push(role.name.clone());
                filled = true;
                continue;
            }
            let candidate = match configured_for_role(inputs, role) {
                Some(found) => found,
                None if role.optional => {
                    skipped.extend(role.choose.iter().cloned());
                    continue;
                }
                None => match default_for_role(inputs, role) {
                    Some(found) => found,
                    None => continue,
                },
            };
            let rank = inputs.tier_of(candidate.check, &role.tier)?;
            filled = true;
            picked.consider(inputs, candidate, rank);
        }
        if !filled && !skipped.is_empty() {
            unchecked.push(format!(
                "stack {} ({}) detected, not checked: the project configures none of {}; add its config file (or [checks.{}] in rungs's config) to turn it on",
                stack.preset.name,
                stack.reason,
                skipped.join(", "),
                skipped[0],
            ));
        }
    }
    Ok(Roles {
        taken: roles_taken,
        unchecked,
    })
}

/// What filling the stacks' roles found besides the checks it chose, for
/// the steps after it and the selection.
struct Roles {
    /// The roles each hook took, by hook.
    taken: BTreeMap<CheckId, Vec<String>>,
    /// Stacks detected whose tools the project has not configured, with how
    /// to turn them on.
    unchecked: Vec<String>,
}

/// The project's hook that stands for one of the role's checks, if any: it
/// takes the role.
fn hook_for_role<'a>(hooks: &'a [Check], role: &Role) -> Option<&'a Check> {
    hooks.iter().find(|h| {
        h.origin
            .as_ref()
            .is_some_and(|o| o.stands_for.iter().any(|s| role.choose.contains(&s.0)))
    })
}

/// The first of the role's checks the project is set up for: its config
/// marker is there, or rungs's config configures it.
fn configured_for_role<'a>(inputs: &Inputs<'a>, role: &Role) -> Option<Candidate<'a>> {
    role.choose.iter().find_map(|id| {
        let check = inputs.registry.get(&CheckId(id.clone()))?;
        let candidate = |reason, settings| Candidate {
            check,
            role: Some(role.name.clone()),
            reason,
            settings,
            adopted: true,
        };
        if let Some(m) = inputs.markers.first(&check.detect) {
            return Some(candidate(describe_marker(m), Settings::OwnConfig));
        }
        // Configured in rungs's own config (and not switched off):
        // the project's choice too, though the tool has no config
        // of its own (so the tier's arguments still apply).
        let spec = inputs.user().get(id.as_str())?.get_ref();
        (spec.enabled != Some(false)).then(|| {
            let reason = format!("configured in {}", inputs.source.path.display());
            candidate(reason, Settings::Tier)
        })
    })
}

/// The role's default, its last check, for a project set up for none of
/// them: not adopted, with the tier's arguments.
fn default_for_role<'a>(inputs: &Inputs<'a>, role: &Role) -> Option<Candidate<'a>> {
    let check = role
        .choose
        .last()
        .and_then(|id| inputs.registry.get(&CheckId(id.clone())))?;
    let reason = if role.choose.len() > 1 {
        let others: Vec<&str> = role.choose[..role.choose.len() - 1]
            .iter()
            .map(String::as_str)
            .collect();
        format!("default ({} not configured)", others.join(", "))
    } else {
        "default".to_string()
    };
    Some(Candidate {
        check,
        role: Some(role.name.clone()),
        reason,
        settings: Settings::Tier,
        adopted: false,
    })
}

/// Checks a project adds, or built-ins it gives a tier to.
fn checks_the_project_adds(inputs: &Inputs, picked: &mut Picked) -> Result<(), Error> {
    for (id, spec) in inputs.user() {
        let Some(check) = inputs.registry.get(&CheckId(id.clone())) else {
            continue;
        };
        if spec.get_ref().tier.is_some() || !crate::check::is_builtin(id) {
            let rank = inputs.tier_of(check, inputs.ladder.name(0))?;
            let settings = match inputs.markers.first(&check.detect) {
                Some(_) => Settings::OwnConfig,
                None => Settings::Tier,
            };
            let candidate = Candidate {
                check,
                role: None,
                reason: format!("added in {}", inputs.source.path.display()),
                settings,
                adopted: true,
            };
            picked.consider(inputs, candidate, rank);
        }
    }
    Ok(())
}

/// The project's own hooks, and the commit rules its config enables: its
/// gate, whatever the tier. A check rungs adds from what it finds (known
/// vulnerabilities of the pinned versions) enters at its own tier.
fn the_projects_own_hooks(
    inputs: &Inputs,
    roles_taken: &BTreeMap<CheckId, Vec<String>>,
    picked: &mut Picked,
) -> Result<(), Error> {
    let mut above_tier: Vec<(String, String)> = Vec::new();
    for hook in inputs.hooks {
        if let Some(entry) = &hook.tier {
            if let Some(why) = rungs_own_check(inputs, hook, entry, picked)? {
                above_tier.push((hook.id.0.clone(), why));
            }
            continue;
        }
        let label = hook.origin.as_ref().map_or_else(
            || format!("enabled in {}", inputs.source.path.display()),
            |o| o.label.clone(),
        );
        let (role, reason) = match roles_taken.get(&hook.id) {
            Some(roles) => (
                Some(roles.join(", ")),
                format!("{label}; takes the role of {}", roles.join(", ")),
            ),
            None => (None, label),
        };
        let candidate = Candidate {
            check: hook,
            role,
            reason,
            settings: Settings::OwnConfig,
            adopted: true,
        };
        picked.consider(inputs, candidate, 0);
    }
    picked.left_out.extend(above_tier);
    Ok(())
}

/// A check rungs adds from what it finds, entering at the `entry` tier (or
/// the one rungs's config gives it): considered when the run reaches that
/// tier; otherwise why it is left out.
fn rungs_own_check(
    inputs: &Inputs,
    hook: &Check,
    entry: &str,
    picked: &mut Picked,
) -> Result<Option<String>, Error> {
    let user_tier = inputs
        .user()
        .get(hook.id.as_str())
        .is_some_and(|s| s.get_ref().tier.is_some());
    if !user_tier && inputs.ladder.rank(entry).is_none() {
        return Ok(Some(format!(
            "enters at the `{entry}` tier, which the project's ladder does not have"
        )));
    }
    let rank = inputs.tier_of(hook, entry)?;
    if rank > inputs.tier.rank {
        return Ok(Some(format!(
            "enters at the `{}` tier; this run is at `{}`",
            inputs.ladder.name(rank),
            inputs.tier.name
        )));
    }
    let adopted = inputs.user().contains_key(hook.id.as_str());
    let candidate = Candidate {
        check: hook,
        role: None,
        reason: format!(
            "rungs's own, enters at the `{}` tier",
            inputs.ladder.name(rank)
        ),
        settings: if adopted {
            Settings::OwnConfig
        } else {
            Settings::Tier
        },
        adopted,
    };
    picked.consider(inputs, candidate, rank);
    Ok(None)
}

/// The versions the project chose: its hooks' revs, its locks and dev
/// requirements. Where its environment lacks the tool, that version runs.
fn versions_the_project_chose(inputs: &Inputs, chosen: &mut [PlannedCheck]) {
    let hook_packages = inputs
        .hooks
        .iter()
        .filter_map(|h| h.origin.as_ref()?.package.clone())
        .collect();
    let pins = Pins::of(&inputs.project.root, hook_packages);
    for c in chosen.iter_mut().filter(|c| c.check.origin.is_none()) {
        if let Some(pin) = pins.pin(&c.check.install) {
            c.reason.push_str(&format!("; version from {}", pin.from));
            c.check.pin = Some(pin);
        }
    }
}

/// Replacements: coverage runs the tests, so pytest alone is dropped.
fn replacements(picked: &mut Picked) {
    let Picked { chosen, left_out } = picked;
    let replaced: Vec<CheckId> = chosen
        .iter()
        .flat_map(|c| c.check.replaces.clone())
        .collect();
    chosen.retain(|c| {
        let gone = replaced.contains(&c.check.id);
        if gone {
            left_out.push((
                c.check.id.0.clone(),
                "replaced by a check that also does its job".into(),
            ));
        }
        !gone
    });
}

/// The stage's checks (for commits, `[hook] checks` where the config lists
/// them) and those `--only` and `--skip` want; the others are left out, with why.
fn stage_and_flags(inputs: &Inputs, picked: &mut Picked) -> Result<(), Error> {
    let request = inputs.request;
    let stage = request.stage.unwrap_or(Stage::Ci);
    let hook_checks = inputs.project.config.raw.hook.checks.as_ref();
    if let Some(list) = hook_checks {
        for id in list {
            if !inputs.known(id.get_ref()) {
                return Err(inputs.source.error(
                    id.span(),
                    format!("unknown check `{}` in [hook] checks", id.get_ref()),
                ));
            }
        }
    }
    let Picked { chosen, left_out } = picked;
    chosen.retain(|c| {
        let in_stage = match (stage, hook_checks) {
            (Stage::Commit, Some(list)) => list.iter().any(|i| i.get_ref() == c.check.id.as_str()),
            _ => c.check.stages.contains(&stage),
        };
        let wanted = (request.only.is_empty() || request.only.iter().any(|n| c.check.named(n)))
            && !request.skip.iter().any(|n| c.check.named(n));
        if !wanted {
            left_out.push((c.check.id.0.clone(), "not selected".into()));
        } else if !in_stage {
            left_out.push((
                c.check.id.0.clone(),
                format!("not in the {stage:?} stage").to_lowercase(),
            ));
        }
        in_stage && wanted
    });
    Ok(())
}

/// Files, floors: each check's files and inputs, its coverage floor; a
/// check with nothing to check is left out.
fn files_and_floors(inputs: &Inputs, picked: &mut Picked) {
    let (project, request) = (inputs.project, inputs.request);
    let thresholds = floors(project, inputs.ladder, inputs.tier.rank);
    let Picked { chosen, left_out } = picked;
    chosen.retain_mut(|c| {
        let files: Vec<String> = match &c.check.inputs {
            Some(listed) => listed.to_vec(),
            None => project
                .files
                .iter()
                .filter(|f| c.check.matches(f))
                .cloned()
                .collect(),
        };
        c.config_files = config_inputs(&c.check.config, &project.files);
        let config_changed = request
            .files
            .as_ref()
            .is_some_and(|sel| sel.iter().any(|f| c.config_files.contains(f)));
        let touched = match &request.files {
            None => true,
            Some(sel) => config_changed || sel.iter().any(|f| c.check.matches(f)),
        };
        // A test suite reads more than its code (templates, fixtures, data):
        // its results are keyed on every project file.
        c.all_inputs = if c.check.scope == Scope::Project
            && matches!(c.check.kind, Kind::Test | Kind::Coverage)
        {
            project.files.clone()
        } else {
            files.clone()
        };
        c.files = match (&request.files, c.check.scope) {
            // A changed config input re-checks every file it governs.
            (Some(sel), Scope::Files) if !config_changed => {
                files.into_iter().filter(|f| sel.contains(f)).collect()
            }
            _ => files,
        };
        if c.check.kind == Kind::Coverage {
            coverage_floor(inputs, c, thresholds);
        }
        // The commit rules read commits, not files.
        let always =
            c.check.origin.as_ref().is_some_and(|o| o.always_run) || c.check.kind == Kind::History;
        let keep = (!c.files.is_empty() && touched) || always;
        if !keep {
            left_out.push((c.check.id.0.clone(), "no files to check".into()));
        }
        keep
    });
}

/// A coverage check's floor. A floor on a project that never measured its
/// coverage would turn it red on day one: it applies once the project shows
/// it measures coverage, or sets a floor itself.
fn coverage_floor(inputs: &Inputs, c: &mut PlannedCheck, thresholds: Option<f64>) {
    let coverage_config = COVERAGE_CONFIG.map(String::from);
    let measures = inputs.markers.first(&coverage_config).is_some()
        || inputs.project.config.raw.thresholds.is_some();
    // A project that measures its coverage has adopted the check.
    c.adopted |= measures;
    let rungs_sets_one = inputs.project.config.raw.thresholds.is_some();
    match (project_fail_under(&inputs.markers), thresholds, measures) {
        // The project's own floor comes first, unless rungs's config sets one.
        (Some((floor, from)), _, _) if !rungs_sets_one => {
            c.coverage_floor = Some(floor);
            c.reason
                .push_str(&format!("; floor {floor}% from the project's {from}"));
        }
        (_, Some(floor), false) => c.reason.push_str(&format!(
            "; the tier's {floor}% floor applies once the project measures coverage (.coveragerc, [tool.coverage])"
        )),
        (_, floor, _) => c.coverage_floor = floor,
    }
}

/// Hooks keep their config's order among themselves; checks go by kind,
/// then id.
fn hooks_keep_their_order(chosen: &mut [PlannedCheck]) {
    let order = |c: &PlannedCheck| c.check.origin.as_ref().map_or(0, |o| o.order);
    chosen.sort_by(|a, b| {
        (a.check.kind, order(a), &a.check.id).cmp(&(b.check.kind, order(b), &b.check.id))
    });
}

/// The project's own coverage floor, coverage.py's `fail_under`, read where
/// coverage.py reads it (the first of its config files that sets it).
fn project_fail_under(markers: &Markers) -> Option<(f64, String)> {
    [
        ".coveragerc:report:fail_under",
        "setup.cfg:coverage:report:fail_under",
        "tox.ini:coverage:report:fail_under",
        "pyproject.toml:tool.coverage.report:fail_under",
    ]
    .iter()
    .find_map(|marker| {
        let value = markers.setting(marker)?.into_iter().next()?;
        let floor: f64 = value.trim().parse().ok()?;
        let (file, rest) = marker.split_once(':')?;
        let section = rest.rsplit_once(':')?.0;
        Some((floor, format!("{file} [{section}] fail_under")))
    })
}

/// Markers of a coverage.py config: the project measures its coverage.
const COVERAGE_CONFIG: [&str; 6] = [
    ".coveragerc",
    "pyproject.toml:tool.coverage",
    "setup.cfg:coverage:run",
    "tox.ini:coverage:run",
    "dependency:pytest-cov",
    "dependency:coverage",
];

/// The tier arguments of the highest tier at or below `rank` that defines some.
fn tier_args(check: &Check, ladder: &Ladder, rank: usize) -> Vec<String> {
    (0..=rank)
        .rev()
        .find_map(|r| check.tier_args.get(ladder.name(r)))
        .cloned()
        .unwrap_or_default()
}

/// The coverage floor: the config's thresholds over the presets', highest tier at or below `rank`.
fn floors(project: &Project, ladder: &Ladder, rank: usize) -> Option<f64> {
    let mut table = BTreeMap::new();
    for stack in &project.stacks {
        for (tier, t) in &stack.preset.thresholds {
            table.insert(tier.clone(), t.clone());
        }
    }
    if let Some(user) = &project.config.raw.thresholds {
        for (tier, t) in user {
            table.insert(tier.clone(), t.clone());
        }
    }
    (0..=rank)
        .rev()
        .find_map(|r| table.get(ladder.name(r)).and_then(|t| t.coverage))
}

/// Config inputs: exact names, and globs (`requirements*.txt`) matched
/// against the project's files; a name that does not exist stays listed, so
/// creating it changes the key.
fn config_inputs(patterns: &[String], files: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for pattern in patterns {
        if !pattern.contains(['*', '?', '[', '{']) {
            out.push(pattern.clone());
            continue;
        }
        if let Ok(glob) = globset::Glob::new(pattern) {
            let m = glob.compile_matcher();
            out.extend(files.iter().filter(|f| m.is_match(f.as_str())).cloned());
        }
    }
    out.sort();
    out.dedup();
    out
}
