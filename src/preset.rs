//! Presets: a stack (python, django, rust, node) as data from `presets/`: how to
//! detect it, which checks fill which role at which tier, its size classes and
//! per-tier thresholds.

use crate::error::Error;
use crate::source::Source;
use serde::Deserialize;
use std::collections::BTreeMap;

const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// The default tier ladder, lowest first.
pub const DEFAULT_TIERS: [&str; 3] = ["basic", "standard", "strict"];

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Preset {
    #[serde(skip)]
    pub name: String,
    pub description: String,
    pub extends: Option<String>,
    /// Markers that show the stack: root file globs, `file:section`, `dependency:NAME`.
    pub detect: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    /// How a comment line starts in those languages (not counted as code).
    #[serde(default)]
    pub comment: Option<String>,
    #[serde(default)]
    pub size_classes: Vec<SizeClass>,
    #[serde(default)]
    pub size_exclude: Vec<String>,
    #[serde(default)]
    pub thresholds: BTreeMap<String, Thresholds>,
    #[serde(default, rename = "role")]
    pub roles: Vec<Role>,
}

/// A size class: projects with fewer code lines than `below` get `tier`.
#[derive(Clone, Debug, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SizeClass {
    pub name: String,
    pub below: Option<u64>,
    pub tier: String,
}

#[derive(Clone, Debug, Default, Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Minimum total line coverage, in percent.
    pub coverage: Option<f64>,
}

/// One job a stack needs done (format, lint, tests ...), and the checks that can do it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub name: String,
    pub tier: String,
    /// Candidates in order: the first the project is set up for wins, else the last.
    pub choose: Vec<String>,
    /// Only when the project is set up for one of the candidates.
    #[serde(default)]
    pub optional: bool,
}

/// Every built-in preset, with `extends` already folded in (roles of the parent first).
pub fn builtin_presets() -> Result<Vec<Preset>, Error> {
    let mut raw = BTreeMap::new();
    for (name, text) in FILES {
        let source = Source::new(format!("<built-in>/presets/{name}.toml"), *text);
        let mut preset: Preset = toml::from_str(text).map_err(|e| source.toml_error(&e))?;
        preset.name = name.to_string();
        raw.insert(name.to_string(), preset);
    }
    let resolved = raw
        .values()
        .map(|p| {
            let mut preset = p.clone();
            if let Some(parent) = p.extends.as_ref().and_then(|n| raw.get(n)) {
                preset.languages = merge_vec(&parent.languages, &p.languages);
                preset.comment = p.comment.clone().or_else(|| parent.comment.clone());
                if p.size_classes.is_empty() {
                    preset.size_classes = parent.size_classes.clone();
                }
                preset.size_exclude = merge_vec(&parent.size_exclude, &p.size_exclude);
                let mut thresholds = parent.thresholds.clone();
                thresholds.extend(p.thresholds.clone());
                preset.thresholds = thresholds;
                let mut roles = parent.roles.clone();
                roles.extend(p.roles.iter().cloned());
                preset.roles = roles;
            }
            preset
        })
        .collect();
    Ok(resolved)
}

fn merge_vec(a: &[String], b: &[String]) -> Vec<String> {
    let mut out = a.to_vec();
    out.extend(b.iter().filter(|x| !a.contains(x)).cloned());
    out
}
