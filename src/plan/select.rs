//! Picking checks: roles of the stacks' presets up to the tier, the project's
//! own checks, then the flags.

use super::{Ladder, Request, TierChoice};
use crate::check::{Check, CheckId, Kind, Scope, Stage};
use crate::error::Error;
use crate::project::{Markers, Pins, Project, describe_marker};
use std::collections::BTreeMap;

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
    let markers = Markers::new(&project.root);
    let source = project.config.source();
    let known = |id: &str| {
        registry.contains_key(&CheckId(id.to_string())) || hooks.iter().any(|h| h.named(id))
    };
    for id in request.only.iter().chain(&request.skip) {
        if !known(id) {
            return Err(Error::Usage {
                message: format!("unknown check `{id}`"),
                hint: Some(format!(
                    "known checks: {}",
                    registry
                        .keys()
                        .chain(hooks.iter().map(|h| &h.id))
                        .map(|k| k.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            });
        }
    }
    let user = &project.config.raw.checks;
    let tier_of = |check: &Check, default: &str| -> Result<usize, Error> {
        let (name, span) = match user
            .get(check.id.as_str())
            .and_then(|s| s.get_ref().tier.as_ref())
        {
            Some(t) => (t.get_ref().as_str(), Some(t.span())),
            None => (check.tier.as_deref().unwrap_or(default), None),
        };
        ladder.rank(name).ok_or_else(|| match span {
            Some(span) => source.error(
                span,
                format!(
                    "unknown tier `{name}` (expected one of: {})",
                    ladder.0.join(", ")
                ),
            ),
            None => Error::usage(format!("check `{}` names unknown tier `{name}`", check.id)),
        })
    };

    let mut chosen: Vec<PlannedCheck> = Vec::new();
    let mut left_out = Vec::new();
    // `own_config`: the tool's own config is there (no tier arguments).
    let mut consider = |check: &Check,
                        role: Option<&str>,
                        reason: String,
                        own_config: bool,
                        adopted: bool,
                        rank: usize| {
        if chosen.iter().any(|c| c.check.id == check.id) {
            return;
        }
        if !check.enabled {
            left_out.push((check.id.0.clone(), "disabled in config".into()));
            return;
        }
        if rank > tier.rank {
            return;
        }
        let args = if own_config {
            Vec::new()
        } else {
            tier_args(check, ladder, tier.rank)
        };
        chosen.push(PlannedCheck {
            check: check.clone(),
            role: role.map(str::to_string),
            reason,
            args,
            files: Vec::new(),
            coverage_floor: None,
            partial: false,
            config_files: Vec::new(),
            all_inputs: Vec::new(),
            adopted,
        });
    };

    // A hook that does a role's job takes the role: the same tool never
    // runs twice, at the project's version and at rungs's.
    let mut roles_taken: BTreeMap<CheckId, Vec<String>> = BTreeMap::new();
    let mut unchecked = Vec::new();
    for stack in &project.stacks {
        let mut skipped = Vec::new();
        let mut filled = false;
        for role in &stack.preset.roles {
            if let Some(hook) = hooks.iter().find(|h| {
                h.origin
                    .as_ref()
                    .is_some_and(|o| o.stands_for.iter().any(|s| role.choose.contains(&s.0)))
            }) {
                roles_taken
                    .entry(hook.id.clone())
                    .or_default()
                    .push(role.name.clone());
                filled = true;
                continue;
            }
            let found = role.choose.iter().find_map(|id| {
                let check = registry.get(&CheckId(id.clone()))?;
                if let Some(m) = markers.first(&check.detect) {
                    return Some((check, describe_marker(m), true, true));
                }
                // Configured in rungs's own config (and not switched off):
                // the project's choice too, though the tool has no config
                // of its own (so the tier's arguments still apply).
                let spec = user.get(id.as_str())?.get_ref();
                (spec.enabled != Some(false)).then(|| {
                    let reason = format!("configured in {}", source.path.display());
                    (check, reason, false, true)
                })
            });
            let (check, reason, own_config, adopted) = match found {
                Some(found) => found,
                None if role.optional => {
                    skipped.extend(role.choose.iter().cloned());
                    continue;
                }
                None => {
                    let Some(check) = role
                        .choose
                        .last()
                        .and_then(|id| registry.get(&CheckId(id.clone())))
                    else {
                        continue;
                    };
                    let reason = if role.choose.len() > 1 {
                        let others: Vec<&str> = role.choose[..role.choose.len() - 1]
                            .iter()
                            .map(String::as_str)
                            .collect();
                        format!("default ({} not configured)", others.join(", "))
                    } else {
                        "default".to_string()
                    };
                    (check, reason, false, false)
                }
            };
            let rank = tier_of(check, &role.tier)?;
            filled = true;
            consider(check, Some(&role.name), reason, own_config, adopted, rank);
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
    // Checks a project adds, or built-ins it gives a tier to.
    for (id, spec) in user {
        let Some(check) = registry.get(&CheckId(id.clone())) else {
            continue;
        };
        if spec.get_ref().tier.is_some() || !crate::check::is_builtin(id) {
            let rank = tier_of(check, ladder.name(0))?;
            let own = markers.first(&check.detect).is_some();
            consider(
                check,
                None,
                format!("added in {}", source.path.display()),
                own,
                true,
                rank,
            );
        }
    }

    // The project's own hooks, and the commit rules its config enables: its
    // gate, whatever the tier. A check rungs adds from what it finds (known
    // vulnerabilities of the pinned versions) enters at its own tier.
    let mut above_tier: Vec<(String, String)> = Vec::new();
    for hook in hooks {
        if let Some(entry) = &hook.tier {
            let user_tier = user
                .get(hook.id.as_str())
                .is_some_and(|s| s.get_ref().tier.is_some());
            if !user_tier && ladder.rank(entry).is_none() {
                above_tier.push((
                    hook.id.0.clone(),
                    format!(
                        "enters at the `{entry}` tier, which the project's ladder does not have"
                    ),
                ));
                continue;
            }
            let rank = tier_of(hook, entry)?;
            if rank > tier.rank {
                above_tier.push((
                    hook.id.0.clone(),
                    format!(
                        "enters at the `{}` tier; this run is at `{}`",
                        ladder.name(rank),
                        tier.name
                    ),
                ));
                continue;
            }
            let adopted = user.contains_key(hook.id.as_str());
            let reason = format!("rungs's own, enters at the `{}` tier", ladder.name(rank));
            consider(hook, None, reason, adopted, adopted, rank);
            continue;
        }
        let label = hook.origin.as_ref().map_or_else(
            || format!("enabled in {}", source.path.display()),
            |o| o.label.clone(),
        );
        let (role, reason) = match roles_taken.get(&hook.id) {
            Some(roles) => (
                Some(roles.join(", ")),
                format!("{label}; takes the role of {}", roles.join(", ")),
            ),
            None => (None, label),
        };
        consider(hook, role.as_deref(), reason, true, true, 0);
    }
    left_out.extend(above_tier);

    // The versions the project chose: its hooks' revs, its locks and dev
    // requirements. Where its environment lacks the tool, that version runs.
    let hook_packages = hooks
        .iter()
        .filter_map(|h| h.origin.as_ref()?.package.clone())
        .collect();
    let pins = Pins::of(&project.root, hook_packages);
    for c in chosen.iter_mut().filter(|c| c.check.origin.is_none()) {
        if let Some(pin) = pins.pin(&c.check.install) {
            c.reason.push_str(&format!("; version from {}", pin.from));
            c.check.pin = Some(pin);
        }
    }

    // Replacements: coverage runs the tests, so pytest alone is dropped.
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

    let stage = request.stage.unwrap_or(Stage::Ci);
    let hook_checks = project.config.raw.hook.checks.as_ref();
    if let Some(list) = hook_checks {
        for id in list {
            if !known(id.get_ref()) {
                return Err(source.error(
                    id.span(),
                    format!("unknown check `{}` in [hook] checks", id.get_ref()),
                ));
            }
        }
    }
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

    // Files, floors.
    let thresholds = floors(project, ladder, tier.rank);
    chosen.retain_mut(|c| {
        let inputs: Vec<String> = match &c.check.inputs {
            Some(chosen) => chosen.to_vec(),
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
            inputs.clone()
        };
        c.files = match (&request.files, c.check.scope) {
            // A changed config input re-checks every file it governs.
            (Some(sel), Scope::Files) if !config_changed => {
                inputs.into_iter().filter(|f| sel.contains(f)).collect()
            }
            _ => inputs,
        };
        if c.check.kind == Kind::Coverage {
            // A floor on a project that never measured its coverage would
            // turn it red on day one: it applies once the project shows it
            // measures coverage, or sets a floor itself.
            let coverage_config = COVERAGE_CONFIG.map(String::from);
            let measures = markers.first(&coverage_config).is_some()
                || project.config.raw.thresholds.is_some();
            // A project that measures its coverage has adopted the check.
            c.adopted |= measures;
            match (project_fail_under(&markers), thresholds, measures) {
                // The project's own floor comes first, unless rungs's config sets one.
                (Some((floor, from)), _, _) if project.config.raw.thresholds.is_none() => {
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
        // The commit rules read commits, not files.
        let always = c.check.origin.as_ref().is_some_and(|o| o.always_run)
            || c.check.kind == Kind::History;
        let keep = (!c.files.is_empty() && touched) || always;
        if !keep {
            left_out.push((c.check.id.0.clone(), "no files to check".into()));
        }
        keep
    });
    // Hooks keep their config's order among themselves.
    let order = |c: &PlannedCheck| c.check.origin.as_ref().map_or(0, |o| o.order);
    chosen.sort_by(|a, b| {
        (a.check.kind, order(a), &a.check.id).cmp(&(b.check.kind, order(b), &b.check.id))
    });
    Ok(Selection {
        checks: chosen,
        left_out,
        unchecked,
    })
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
