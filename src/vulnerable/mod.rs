//! The `vulnerable-dependencies` check: the exact versions a project
//! installs (its lock files, else its exact pins) against the advisory
//! sources the bump job reads (PyPI's JSON API per release, npm's bulk
//! advisory endpoint), one finding per vulnerable dependency at the line
//! that pins it.
//!
//! It is a network check. Its result is cached for the day: the date is on
//! its command line, so the cache key changes at midnight (UTC) and new
//! advisories surface the next day at the latest, while a second run the
//! same day replays. A registry that cannot answer is the check's error,
//! never a pass, and an error is not cached. The look-up itself is a hidden
//! subcommand of the rungs binary, so it runs as a job like any other check.

mod scan;

use crate::check::{Check, Kind, ParserKind, Scope, Stage};
use crate::error::Error;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub const ID: &str = crate::check::VULNERABLE_DEPENDENCIES;
/// The tier it enters at.
pub const TIER: &str = "strict";
const SUBCOMMAND: &str = "__vulnerable-dependencies";

/// The hidden subcommand: the exit code when `args` names it.
pub fn run_internal(args: &[String]) -> Option<i32> {
    let (name, rest) = args.split_first()?;
    (name == SUBCOMMAND).then(|| scan::run(rest))
}

/// The check for the project at `root`, when it has versions in use to ask
/// about (a lock file or an exact pin of a Python or npm package).
pub fn check(
    root: &Path,
    registries: &crate::config::BumpRegistries,
) -> Result<Option<Check>, Error> {
    let (in_use, errors) = crate::manifest::in_use(root);
    let mut inputs: Vec<String> = in_use
        .iter()
        .map(|u| u.file.to_string_lossy().replace('\\', "/"))
        .chain(errors.iter().map(|e| e.path.to_string_lossy().into_owned()))
        .collect();
    inputs.sort();
    inputs.dedup();
    if inputs.is_empty() {
        return Ok(None);
    }
    let lookup = crate::registry::Lookup::from_config(root, registries);
    let asked = scan::Asked {
        date: crate::clock::today(),
        pypi: lookup.registries.pypi.clone(),
        pypi_json: lookup.pypi_json.clone(),
        npm: lookup.registries.npm.clone(),
        npm_scopes: lookup.npm_scopes.keys().cloned().collect(),
    };
    let exe = std::env::current_exe().map_err(|e| Error::io("rungs", e))?;
    let asked = serde_json::to_string(&asked).expect("the look-up serializes");
    let mut check = Check::made(
        ID,
        Kind::Lint,
        "known vulnerabilities of the versions in use (PyPI, npm advisories)".into(),
        vec![
            exe.to_string_lossy().into_owned(),
            SUBCOMMAND.to_string(),
            asked,
        ],
    );
    check.scope = Scope::Project;
    check.parser = ParserKind::Regex;
    check.pattern = Some(
        regex::Regex::new(
            r"^(?P<path>[^:\s][^:]*):(?P<line>\d+): (?P<severity>error): (?P<rule>[a-z-]+): (?P<message>.*)$",
        )
        .expect("a valid pattern"),
    );
    check.inputs = Some(Arc::new(inputs));
    check.timeout = Duration::from_secs(180);
    check.expected_seconds = Some(1.0);
    check.serial = true;
    check.network = true;
    check.stages = vec![Stage::Ci];
    check.tier = Some(TIER.to_string());
    Ok(Some(check))
}
