//! One hook as it will run: its repo's definition with the config's entry laid
//! over it, pre-commit's defaults filled in, its patterns compiled and its
//! type tags checked. A hook that can't be resolved is an error naming it; the
//! others still run.

use super::config::{At, Config, HookEntry, HookOptions, RepoSource};
use super::identify;
use super::pattern::Pattern;

/// How pre-commit would install and start a hook.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Language {
    System,
    Script,
    Python,
    Node,
    Rust,
    Pygrep,
    Fail,
}

impl Language {
    pub fn parse(name: &str) -> Option<Language> {
        Some(match name {
            "system" | "unsupported" => Language::System,
            "script" | "unsupported_script" => Language::Script,
            "python" | "python_venv" => Language::Python,
            "node" => Language::Node,
            "rust" => Language::Rust,
            "pygrep" => Language::Pygrep,
            "fail" => Language::Fail,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Language::System => "system",
            Language::Script => "script",
            Language::Python => "python",
            Language::Node => "node",
            Language::Rust => "rust",
            Language::Pygrep => "pygrep",
            Language::Fail => "fail",
        }
    }
}

/// Which files a hook receives: the config's `files`/`exclude`, then the
/// hook's, then its type tags.
#[derive(Clone, Debug)]
pub struct Filter {
    pub top_files: Option<Pattern>,
    pub top_exclude: Option<Pattern>,
    pub files: Option<Pattern>,
    pub exclude: Option<Pattern>,
    pub types: Vec<String>,
    pub types_or: Vec<String>,
    pub exclude_types: Vec<String>,
}

impl Filter {
    /// Whether the path passes the config's and the hook's patterns.
    pub fn by_name(&self, path: &str) -> bool {
        let included = |p: &Option<Pattern>| p.as_ref().is_none_or(|p| p.search(path));
        let excluded = |p: &Option<Pattern>| p.as_ref().is_some_and(|p| p.search(path));
        included(&self.top_files)
            && !excluded(&self.top_exclude)
            && included(&self.files)
            && !excluded(&self.exclude)
    }

    /// Whether a file with these tags passes the hook's type filters.
    pub fn by_tags(&self, tags: &identify::Tags) -> bool {
        self.types.iter().all(|t| tags.contains(t.as_str()))
            && (self.types_or.is_empty() || self.types_or.iter().any(|t| tags.contains(t.as_str())))
            && !self.exclude_types.iter().any(|t| tags.contains(t.as_str()))
    }
}

/// A resolved hook.
#[derive(Clone, Debug)]
pub struct Hook {
    pub id: String,
    pub alias: Option<String>,
    pub name: String,
    /// `url@rev`, `local` or `meta`: where the definition came from.
    pub repo: String,
    pub entry: String,
    pub args: Vec<String>,
    pub language: Language,
    pub filter: Filter,
    pub pass_filenames: bool,
    pub always_run: bool,
    pub require_serial: bool,
    pub verbose: bool,
    /// Normalised stage names (`pre-commit`, `pre-push`, `manual` ...); empty: every stage.
    pub stages: Vec<String>,
    pub additional_dependencies: Vec<String>,
    pub language_version: String,
    /// The definition as resolved, for the cache key.
    pub options: HookOptions,
    /// Line of the hook in the config.
    pub line: usize,
}

/// Why one hook can't run.
#[derive(Clone, Debug)]
pub struct HookError {
    pub line: usize,
    pub message: String,
}

/// pre-commit's old stage names and their current ones.
fn stage_name(name: &str) -> Option<&'static str> {
    const STAGES: &[&str] = &[
        "commit-msg",
        "post-checkout",
        "post-commit",
        "post-merge",
        "post-rewrite",
        "pre-commit",
        "pre-merge-commit",
        "pre-push",
        "pre-rebase",
        "prepare-commit-msg",
        "manual",
    ];
    match name {
        "commit" => Some("pre-commit"),
        "push" => Some("pre-push"),
        "merge-commit" => Some("pre-merge-commit"),
        _ => STAGES.iter().find(|s| **s == name).copied(),
    }
}

impl Hook {
    /// `definition`: the repo's own (none for `local`, where the config's
    /// entry is the whole definition).
    pub fn resolve(
        config: &Config,
        source: &RepoSource,
        repo_label: &str,
        definition: Option<&HookOptions>,
        entry: &HookEntry,
    ) -> Result<Hook, HookError> {
        let line = entry.pos.line;
        let o = match definition {
            Some(def) => def.patched(&entry.options),
            None => entry.options.clone(),
        };
        let name = o.name.clone().unwrap_or_else(|| entry.id.clone());
        let entry_text = o.entry.clone().ok_or_else(|| {
            let whose = match source {
                RepoSource::Local => "a `local` hook must say".to_string(),
                _ => format!("hook `{}` of {repo_label} must say", entry.id),
            };
            HookError::at(line, format!("{whose} `entry:`"))
        })?;
        let language = language_of(&o, entry)?;
        known_tags(entry)?;
        let filter = file_filter(config, &o, &entry.id)?;
        let stages = stages_of(config, &o, &entry.id)?;
        let language_version = o
            .language_version
            .clone()
            .filter(|v| v != "default")
            .or_else(|| {
                config
                    .default_language_version
                    .get(language.as_str())
                    .cloned()
            })
            .unwrap_or_else(|| "default".to_string());
        Ok(Hook {
            id: entry.id.clone(),
            alias: o.alias.clone().filter(|a| !a.is_empty()),
            name,
            repo: repo_label.to_string(),
            entry: entry_text,
            args: o.args.clone().unwrap_or_default(),
            language,
            filter,
            pass_filenames: o.pass_filenames.unwrap_or(true),
            always_run: o.always_run.unwrap_or(false),
            require_serial: o.require_serial.unwrap_or(false),
            verbose: o.verbose.unwrap_or(false),
            stages,
            additional_dependencies: o.additional_dependencies.clone().unwrap_or_default(),
            language_version,
            options: o,
            line,
        })
    }

    /// Whether the hook runs at `stage` (`pre-commit` for `rungs check`, as
    /// `pre-commit run --all-files`).
    pub fn runs_at(&self, stage: &str) -> bool {
        self.stages.is_empty() || self.stages.iter().any(|s| s == stage)
    }

    /// The files this hook receives out of the tracked files, as
    /// `pre-commit run --all-files` picks them. `tags` gives a file's tags.
    pub fn select<'f>(
        &self,
        files: &'f [String],
        tags: &dyn Fn(&str) -> Option<identify::Tags>,
    ) -> Vec<&'f String> {
        files
            .iter()
            .filter(|f| self.filter.by_name(f))
            .filter(|f| tags(f).is_some_and(|t| self.filter.by_tags(&t)))
            .collect()
    }
}

impl HookError {
    /// The error for `line`: one short constructor for the many places a
    /// hook's resolution can fail.
    fn at(line: usize, message: String) -> HookError {
        HookError { line, message }
    }
}

/// The hook's language, which it must name and rungs must be able to run.
fn language_of(o: &HookOptions, entry: &HookEntry) -> Result<Language, HookError> {
    let language_at = o.language.clone().ok_or_else(|| {
        HookError::at(
            entry.pos.line,
            format!("hook `{}` has no `language:`", entry.id),
        )
    })?;
    Language::parse(&language_at.value).ok_or_else(|| {
        HookError::at(
            language_at.pos.line,
            format!(
                "hook `{}` is written in `{}`, which rungs can't run (it runs system, script, python, node, rust, pygrep and fail hooks)",
                entry.id, language_at.value
            ),
        )
    })
}

/// A tag the config names must exist (a typo would select nothing); a
/// repo's own definition may name tags newer than rungs's table, so only
/// the config's entry is checked.
fn known_tags(entry: &HookEntry) -> Result<(), HookError> {
    for (t, what) in [
        (&entry.options.types, "types"),
        (&entry.options.types_or, "types_or"),
        (&entry.options.exclude_types, "exclude_types"),
    ] {
        if let Some(at) = t
            && let Some(bad) = at.value.iter().find(|tag| !identify::known(tag))
        {
            return Err(HookError::at(
                at.pos.line,
                format!(
                    "hook `{}`: `{what}` names `{bad}`, which is no type tag",
                    entry.id
                ),
            ));
        }
    }
    Ok(())
}

/// The hook's file filter: the config's patterns, then the hook's, then its
/// type tags (`file` unless it says otherwise).
fn file_filter(config: &Config, o: &HookOptions, id: &str) -> Result<Filter, HookError> {
    let pattern = |p: &Option<At<String>>, what: &str| -> Result<Option<Pattern>, HookError> {
        match p {
            None => Ok(None),
            Some(at) => Pattern::new(&at.value)
                .map(Some)
                .map_err(|e| HookError::at(at.pos.line, format!("hook `{id}`: `{what}`: {e}"))),
        }
    };
    let top = |p: &Option<At<String>>, what: &str| -> Result<Option<Pattern>, HookError> {
        match p {
            None => Ok(None),
            Some(at) => Pattern::new(&at.value)
                .map(Some)
                .map_err(|e| HookError::at(at.pos.line, format!("the config's `{what}`: {e}"))),
        }
    };
    let tags = |t: &Option<At<Vec<String>>>, default: &[&str]| -> Vec<String> {
        t.as_ref()
            .map(|at| at.value.clone())
            .unwrap_or_else(|| default.iter().map(|s| s.to_string()).collect())
    };
    Ok(Filter {
        top_files: top(&config.files, "files")?,
        top_exclude: top(&config.exclude, "exclude")?,
        files: pattern(&o.files, "files")?,
        exclude: pattern(&o.exclude, "exclude")?,
        types: tags(&o.types, &["file"]),
        types_or: tags(&o.types_or, &[]),
        exclude_types: tags(&o.exclude_types, &[]),
    })
}

/// The stages the hook runs at (its own, else the config's default), by
/// their current names; an unknown stage is an error.
fn stages_of(config: &Config, o: &HookOptions, id: &str) -> Result<Vec<String>, HookError> {
    let stages_at = o.stages.clone().or_else(|| config.default_stages.clone());
    let mut stages = Vec::new();
    if let Some(at) = &stages_at {
        for s in &at.value {
            let known = stage_name(s).ok_or_else(|| {
                HookError::at(at.pos.line, format!("hook `{id}`: `{s}` is no stage"))
            })?;
            stages.push(known.to_string());
        }
    }
    Ok(stages)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn hooks(yaml: &str) -> Vec<Result<Hook, HookError>> {
        let config = Config::parse(Path::new("c.yaml"), yaml).unwrap();
        config
            .repos
            .iter()
            .flat_map(|r| {
                r.hooks
                    .iter()
                    .map(|h| Hook::resolve(&config, &r.source, "local", None, h))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    #[test]
    fn selection_as_pre_commit_does_it() {
        let yaml = "exclude: ^vendor/\nrepos:\n- repo: local\n  hooks:\n  - {id: a, name: a, entry: a, language: system, types: [python], exclude: ^tests/}\n  - {id: b, name: b, entry: b, language: system, files: \\.(md|py)$, types_or: [markdown, python], exclude_types: [pyi]}\n";
        let hs = hooks(yaml);
        let files: Vec<String> = [
            "a.py",
            "tests/t.py",
            "vendor/v.py",
            "README.md",
            "x.pyi",
            "setup.cfg",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let tags = |f: &str| {
            let mut t = identify::from_filename(f.rsplit('/').next().unwrap());
            t.insert("file");
            Some(t)
        };
        let a = hs[0].as_ref().unwrap();
        assert_eq!(a.select(&files, &tags), vec!["a.py"]);
        let b = hs[1].as_ref().unwrap();
        assert_eq!(
            b.select(&files, &tags),
            vec!["a.py", "tests/t.py", "README.md"]
        );
    }

    #[test]
    fn what_cannot_run_is_an_error_naming_the_hook_and_line() {
        let yaml = "repos:\n- repo: local\n  hooks:\n  - id: go\n    name: go\n    entry: x\n    language: golang\n  - id: re\n    name: re\n    entry: x\n    language: system\n    files: (oops\n  - id: t\n    name: t\n    entry: x\n    language: system\n    types: [pyhton]\n  - {id: ok, name: ok, entry: x, language: system, stages: [commit, manual]}\n";
        let hs = hooks(yaml);
        let e = hs[0].as_ref().unwrap_err();
        assert_eq!(e.line, 7);
        assert!(e.message.contains("`golang`"), "{}", e.message);
        let e = hs[1].as_ref().unwrap_err();
        assert_eq!(e.line, 12);
        assert!(e.message.contains("`(oops`"), "{}", e.message);
        let e = hs[2].as_ref().unwrap_err();
        assert!(e.message.contains("`pyhton`"), "{}", e.message);
        let ok = hs[3].as_ref().unwrap();
        assert_eq!(ok.stages, ["pre-commit", "manual"]);
        assert!(ok.runs_at("pre-commit") && !ok.runs_at("pre-push"));
    }
}
