//! The checks a project can use: built-ins, patched and extended by its config.

use super::Config;
use crate::check::{Check, CheckId, CheckSpec, builtin_specs};
use crate::error::Error;
use crate::source::Source;
use std::collections::BTreeMap;

/// Resolve every check: each built-in with the project's patch over it, and
/// each of the project's own, following `extends` (cycles are errors).
pub fn build_checks(config: &Config) -> Result<BTreeMap<CheckId, Check>, Error> {
    let user_source = config.source();
    let builtins: BTreeMap<String, (CheckSpec, Source)> = builtin_specs()?
        .into_iter()
        .map(|(id, spec, source)| (id, (spec, source)))
        .collect();
    let mut ids: Vec<&String> = builtins.keys().collect();
    ids.extend(
        config
            .raw
            .checks
            .keys()
            .filter(|k| !builtins.contains_key(*k) && !made_by_rungs(k)),
    );

    for (id, spec) in &config.raw.checks {
        let s = spec.get_ref();
        if made_by_rungs(id) {
            if s.sets_more_than_tier_and_enabled() {
                return Err(user_source.error(
                    spec.span(),
                    format!("`{id}` is made by rungs: only its `tier` and `enabled` can be set"),
                ));
            }
            continue;
        }
        if !builtins.contains_key(id)
            && s.extends.is_none()
            && (s.kind.is_none() || s.command.is_none())
        {
            let known: Vec<&str> = builtins.keys().map(String::as_str).collect();
            return Err(user_source.error(
                spec.span(),
                format!(
                    "`{id}` is not a built-in check; a new check needs `kind` and `command` (or `extends`). Built-in checks: {}",
                    known.join(", ")
                ),
            ));
        }
    }
    let mut out = BTreeMap::new();
    for id in ids {
        let spec = merged(id, config, &builtins, &user_source, &mut Vec::new())?;
        let source = if config.raw.checks.contains_key(id) {
            &user_source
        } else {
            &builtins[id].1
        };
        let mut check = Check::resolve(id, &spec, source)?;
        super::left_out::add_left_out(&mut check, &spec, &config.files, source)?;
        out.insert(check.id.clone(), check);
    }
    for (id, spec) in &config.raw.checks {
        for replaced in spec.get_ref().replaces.iter().flatten() {
            if !out.contains_key(&CheckId(replaced.get_ref().clone())) {
                return Err(user_source.error(
                    replaced.span(),
                    format!(
                        "check `{id}` replaces unknown check `{}`",
                        replaced.get_ref()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// A check rungs makes from what it finds (not a tool definition): its
/// config table may set its tier and switch it off, nothing else.
fn made_by_rungs(id: &str) -> bool {
    crate::check::MADE_BY_RUNGS.contains(&id)
}

/// The spec of `id` with whatever it extends folded in.
fn merged(
    id: &str,
    config: &Config,
    builtins: &BTreeMap<String, (CheckSpec, Source)>,
    source: &Source,
    chain: &mut Vec<String>,
) -> Result<CheckSpec, Error> {
    if chain.iter().any(|c| c == id) {
        chain.push(id.to_string());
        let user = &config.raw.checks[chain[0].as_str()];
        return Err(source.error(
            user.span(),
            format!("`extends` forms a cycle: {}", chain.join(" -> ")),
        ));
    }
    chain.push(id.to_string());
    let user = config.raw.checks.get(id);
    let base = match (
        user.and_then(|u| u.get_ref().extends.as_ref()),
        builtins.get(id),
    ) {
        (Some(parent), _) => {
            let known = builtins.contains_key(parent.get_ref())
                || config.raw.checks.contains_key(parent.get_ref());
            if !known {
                return Err(source.error(
                    parent.span(),
                    format!("`{}` is not a known check (expected a built-in or a check defined in this file)", parent.get_ref()),
                ));
            }
            merged(parent.get_ref(), config, builtins, source, chain)?
        }
        (None, Some((builtin, _))) => builtin.clone(),
        (None, None) => CheckSpec::default(),
    };
    Ok(match user {
        Some(u) => {
            let mut spec = base.patched(u.get_ref());
            spec.extends = None;
            spec
        }
        None => base,
    })
}
