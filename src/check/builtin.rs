//! The built-in check definitions from `checks/`, embedded at build time.

use super::CheckSpec;
use crate::error::Error;
use crate::source::Source;

const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/checks.rs"));

/// Checks rungs makes from what it finds in the project, not from a
/// definition (`vulnerable-dependencies`): a project's config may set only
/// their `tier` and `enabled`.
pub const MADE_BY_RUNGS: &[&str] = &[VULNERABLE_DEPENDENCIES];

/// The id of the check of known vulnerabilities (`src/vulnerable`).
pub const VULNERABLE_DEPENDENCIES: &str = "vulnerable-dependencies";

/// Every built-in check as (id, spec, source), in id order.
pub fn builtin_specs() -> Result<Vec<(String, CheckSpec, Source)>, Error> {
    FILES
        .iter()
        .map(|(id, text)| {
            let source = Source::new(format!("<built-in>/checks/{id}.toml"), *text);
            let spec: CheckSpec = toml::from_str(text).map_err(|e| source.toml_error(&e))?;
            Ok((id.to_string(), spec, source))
        })
        .collect()
}

/// Whether `id` names a built-in check.
pub fn is_builtin(id: &str) -> bool {
    FILES.iter().any(|(name, _)| *name == id)
}
