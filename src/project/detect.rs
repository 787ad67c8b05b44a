//! Which stacks a project uses, from its files or its config.

use super::Markers;
use crate::config::Config;
use crate::error::Error;
use crate::preset::Preset;

/// A detected stack: the preset that serves it and why it was chosen.
#[derive(Clone, Debug)]
pub struct Stack {
    pub preset: Preset,
    pub reason: String,
}

/// The stacks of the project. A stack that another detected one extends
/// (python under django) is folded into it.
pub fn detect_stacks(
    config: &Config,
    presets: &[Preset],
    markers: &Markers,
) -> Result<Vec<Stack>, Error> {
    if let Some(names) = &config.raw.stacks {
        let source = config.source();
        return names
            .iter()
            .map(|name| {
                let preset = presets
                    .iter()
                    .find(|p| &p.name == name.get_ref())
                    .ok_or_else(|| {
                        let known: Vec<&str> = presets.iter().map(|p| p.name.as_str()).collect();
                        source.error(
                            name.span(),
                            format!(
                                "unknown stack `{}` (expected one of: {})",
                                name.get_ref(),
                                known.join(", ")
                            ),
                        )
                    })?;
                Ok(Stack {
                    preset: preset.clone(),
                    reason: format!("set in {}", source.path.display()),
                })
            })
            .collect();
    }
    let detected: Vec<Stack> = presets
        .iter()
        .filter_map(|p| {
            markers.first(&p.detect).map(|m| Stack {
                preset: p.clone(),
                reason: describe_marker(m),
            })
        })
        .collect();
    let mut stacks: Vec<Stack> = detected
        .iter()
        .filter(|s| {
            !detected
                .iter()
                .any(|o| o.preset.extends.as_deref() == Some(s.preset.name.as_str()))
        })
        .cloned()
        .collect();
    // The most specific stack (one that extends another) leads: it decides the size classes.
    stacks.sort_by_key(|s| s.preset.extends.is_none());
    Ok(stacks)
}

pub fn describe_marker(marker: &str) -> String {
    if let Some(dep) = marker.strip_prefix("dependency:") {
        return format!("depends on {dep}");
    }
    match marker.split_once(':') {
        Some((file, section)) if file.ends_with(".toml") => format!("{file} [{section}]"),
        Some((file, section)) => format!("{file} [{section}]"),
        None => format!("{marker} found"),
    }
}
