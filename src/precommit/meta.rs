//! pre-commit's `repo: meta` hooks. `check-hooks-apply` and
//! `check-useless-excludes` judge the config against the repository's files,
//! so rungs judges them while it reads the config, and the hook's job only
//! reports the verdict; `identity` prints the files it is given.

use super::config::{At, Config, HookOptions};
use super::hook::{Filter, Hook, Language};
use super::pattern::Pattern;
use super::yaml::Pos;

const CONFIG_PATTERN: &str = r"^\.pre-commit-config\.yaml$";

pub fn definition(id: &str) -> Option<HookOptions> {
    let at = |s: &str| At {
        value: s.to_string(),
        pos: Pos::default(),
    };
    let (name, files) = match id {
        "check-hooks-apply" => ("Check hooks apply to the repository", Some(CONFIG_PATTERN)),
        "check-useless-excludes" => ("Check for useless excludes", Some(CONFIG_PATTERN)),
        "identity" => ("identity", None),
        _ => return None,
    };
    Some(HookOptions {
        name: Some(name.into()),
        entry: Some(id.into()),
        language: Some(at("system")),
        files: files.map(at),
        verbose: Some(id == "identity"),
        ..HookOptions::default()
    })
}

/// What a judging meta hook says: `None` when all is well, else its report.
/// `hooks`: every hook of the config, whatever its stage; `tracked` with
/// `tags` as for selection.
pub fn judge(
    id: &str,
    config: &Config,
    hooks: &[&Hook],
    tracked: &[String],
    tags: &dyn Fn(&str) -> Option<super::identify::Tags>,
) -> Option<String> {
    let top = |p: &Option<At<String>>| p.as_ref().and_then(|a| Pattern::new(&a.value).ok());
    let (top_files, top_exclude) = (top(&config.files), top(&config.exclude));
    let in_config: Vec<&String> = tracked
        .iter()
        .filter(|f| top_files.as_ref().is_none_or(|p| p.search(f)))
        .filter(|f| !top_exclude.as_ref().is_some_and(|p| p.search(f)))
        .collect();
    let mut said = Vec::new();
    match id {
        "check-hooks-apply" => {
            for hook in hooks {
                if hook.always_run || hook.language == Language::Fail {
                    continue;
                }
                if hook.select(tracked, tags).is_empty() {
                    said.push(format!("{} does not apply to this repository", hook.id));
                }
            }
        }
        "check-useless-excludes" => {
            if let Some(ex) = &top_exclude
                && !tracked.iter().any(|f| ex.search(f))
            {
                said.push(format!(
                    "The global exclude pattern '{}' does not match any files",
                    ex.as_str()
                ));
            }
            for hook in hooks {
                let Some(ex) = &hook.filter.exclude else {
                    continue;
                };
                // As pre-commit does: the types the config gives (none by
                // default), the hook's `files`, then its exclude.
                let typed = Filter {
                    types: hook
                        .options
                        .types
                        .as_ref()
                        .map(|t| t.value.clone())
                        .unwrap_or_default(),
                    ..hook.filter.clone()
                };
                let any = in_config.iter().any(|f| {
                    hook.filter.files.as_ref().is_none_or(|p| p.search(f))
                        && ex.search(f)
                        && tags(f).is_some_and(|t| typed.by_tags(&t))
                });
                if !any {
                    said.push(format!(
                        "The exclude pattern '{}' for {} does not match any files",
                        ex.as_str(),
                        hook.id
                    ));
                }
            }
        }
        _ => return None,
    }
    (!said.is_empty()).then(|| said.join("\n"))
}
