//! Files a check leaves out beyond its `exclude` globs: those that are not
//! the project's own code, and those the tool's own config excludes where the
//! tool would check them anyway when rungs names them (mypy's `exclude`), and
//! modules whose stub the tool reads in their place; and, where the project
//! runs the tool itself on named folders only, the files outside them.

use super::FileFacts;
use super::invocations::invoked_paths;
use crate::check::{Check, CheckSpec, ExcludeMatch, Pattern, glob_set_and_paths};
use crate::error::Error;
use crate::markers::Markers;
use crate::source::Source;

/// Add those files to `check`'s exclude set, as exact paths.
pub fn add_left_out(
    check: &mut Check,
    spec: &CheckSpec,
    facts: &FileFacts,
    source: &Source,
) -> Result<(), Error> {
    let excludes = tool_patterns(spec.exclude_from.as_deref(), facts);
    let only = tool_patterns(spec.only_from.as_deref(), facts);
    check.invoked_paths = spec
        .invoked_as
        .as_deref()
        .and_then(|heads| invoked_paths(&facts.root, heads, |f| check.matches(f)))
        .unwrap_or_default();
    let invoked: Vec<Pattern> = check
        .invoked_paths
        .iter()
        .filter_map(|p| Pattern::new(ExcludeMatch::RootPath, p))
        .collect();
    let stubs_shadow = spec.stubs_shadow.unwrap_or(false);
    let has_stub = |f: &str| {
        let stub = format!("{f}i");
        f.ends_with(".py") && facts.all.binary_search(&stub).is_ok() && check.matches(&stub)
    };
    let left_out: Vec<&str> = facts
        .all
        .iter()
        .filter(|f| check.matches(f))
        .filter(|f| {
            facts.unchecked.contains(*f)
                || excludes.iter().any(|p| p.excludes(f))
                || (!only.is_empty() && !only.iter().any(|p| p.excludes(f)))
                || (!invoked.is_empty() && !invoked.iter().any(|p| p.excludes(f)))
                || (stubs_shadow && has_stub(f))
        })
        .map(String::as_str)
        .collect();
    if !left_out.is_empty() {
        let globs = spec.exclude.as_deref().unwrap_or_default();
        check.exclude_set = glob_set_and_paths(globs, &left_out, source)?;
    }
    Ok(())
}

/// The tool's own patterns of `settings`: of each setting, from the first
/// of its configs the project has.
fn tool_patterns(
    settings: Option<&[crate::check::ToolExclude]>,
    facts: &FileFacts,
) -> Vec<Pattern> {
    let Some(settings) = settings else {
        return Vec::new();
    };
    if facts.all.is_empty() {
        return Vec::new();
    }
    let markers = Markers::new(&facts.root);
    let mut out = Vec::new();
    for setting in settings {
        let Some(config) = setting.config.iter().find(|c| markers.holds(c)) else {
            continue;
        };
        for key in &setting.keys {
            for value in markers
                .setting(&format!("{config}:{key}"))
                .unwrap_or_default()
            {
                let parts: Vec<&str> = match setting.comma_separated {
                    true => value.split([',', '\n']).collect(),
                    false => vec![value.as_str()],
                };
                out.extend(
                    parts
                        .iter()
                        .filter_map(|p| Pattern::new(setting.matching, p)),
                );
            }
        }
    }
    out
}
