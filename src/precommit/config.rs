//! `.pre-commit-config.yaml` and `.pre-commit-hooks.yaml` as written: every
//! key pre-commit knows, with the line it stands on. An unknown key is a
//! warning, as in pre-commit (configs carry keys of newer versions); a value of
//! the wrong shape is an error naming file, line and column.

use super::yaml::{Doc, Pos, load, pos};
use crate::error::Error;
use saphyr::MarkedYaml;
use std::collections::BTreeMap;
use std::path::Path;

pub const CONFIG_FILE: &str = ".pre-commit-config.yaml";
pub const MANIFEST_FILE: &str = ".pre-commit-hooks.yaml";

/// A string value and where it was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

/// What a manifest or a config says of one hook; every field optional, so a
/// config's entry can override its repo's definition field by field.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct HookOptions {
    pub alias: Option<String>,
    pub name: Option<String>,
    pub entry: Option<String>,
    pub language: Option<At<String>>,
    pub files: Option<At<String>>,
    pub exclude: Option<At<String>>,
    pub types: Option<At<Vec<String>>>,
    pub types_or: Option<At<Vec<String>>>,
    pub exclude_types: Option<At<Vec<String>>>,
    pub args: Option<Vec<String>>,
    pub additional_dependencies: Option<Vec<String>>,
    pub pass_filenames: Option<bool>,
    pub always_run: Option<bool>,
    pub require_serial: Option<bool>,
    pub verbose: Option<bool>,
    pub fail_fast: Option<bool>,
    pub stages: Option<At<Vec<String>>>,
    pub language_version: Option<String>,
    pub description: Option<String>,
    pub log_file: Option<String>,
    pub minimum_pre_commit_version: Option<String>,
}

impl HookOptions {
    /// These options with every field `over` sets replaced.
    pub fn patched(&self, over: &HookOptions) -> HookOptions {
        macro_rules! take {
            ($($f:ident),*) => {
                HookOptions { $( $f: over.$f.clone().or_else(|| self.$f.clone()), )* }
            };
        }
        take!(
            alias,
            name,
            entry,
            language,
            files,
            exclude,
            types,
            types_or,
            exclude_types,
            args,
            additional_dependencies,
            pass_filenames,
            always_run,
            require_serial,
            verbose,
            fail_fast,
            stages,
            language_version,
            description,
            log_file,
            minimum_pre_commit_version
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookEntry {
    pub id: String,
    pub pos: Pos,
    pub options: HookOptions,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RepoSource {
    Local,
    Meta,
    /// A git URL at a rev; `frozen` is the version a `# frozen: vX.Y`
    /// comment says a SHA stands for.
    Remote {
        url: String,
        rev: String,
        frozen: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepoEntry {
    pub source: RepoSource,
    pub pos: Pos,
    /// Where the `rev:` value starts (remote repos).
    pub rev_pos: Option<Pos>,
    pub hooks: Vec<HookEntry>,
}

/// The whole config file.
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub repos: Vec<RepoEntry>,
    pub files: Option<At<String>>,
    pub exclude: Option<At<String>>,
    pub fail_fast: bool,
    pub default_language_version: BTreeMap<String, String>,
    pub default_stages: Option<At<Vec<String>>>,
    pub default_install_hook_types: Vec<String>,
    pub minimum_pre_commit_version: Option<String>,
    /// Said by `rungs plan`: keys rungs reads but does not act on, and unknown keys.
    pub notes: Vec<String>,
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Config::parse(path, &text)
    }

    pub fn parse(path: &Path, text: &str) -> Result<Config, Error> {
        let doc = Doc { path };
        let root = load(path, text)?;
        let lines: Vec<&str> = text.lines().collect();
        let mut config = Config {
            default_install_hook_types: vec!["pre-commit".into()],
            ..Config::default()
        };
        let mut repos = None;
        for (key, key_pos, value) in doc.mapping(&root, "the config's top level")? {
            match key.as_str() {
                "repos" => repos = Some(value),
                "files" => config.files = Some(at_string(&doc, value, "`files`")?),
                "exclude" => config.exclude = Some(at_string(&doc, value, "`exclude`")?),
                "fail_fast" => config.fail_fast = doc.bool(value, "`fail_fast`")?,
                "default_language_version" => {
                    config.default_language_version = doc
                        .string_map(value, "`default_language_version`")?
                        .into_iter()
                        .collect()
                }
                "default_stages" => {
                    config.default_stages = Some(at_strings(&doc, value, "`default_stages`")?)
                }
                "default_install_hook_types" => {
                    config.default_install_hook_types =
                        doc.strings(value, "`default_install_hook_types`")?
                }
                "minimum_pre_commit_version" => {
                    config.minimum_pre_commit_version =
                        Some(doc.string(value, "`minimum_pre_commit_version`")?)
                }
                "ci" => config.notes.push(format!(
                    "{CONFIG_FILE}:{}: `ci` is for pre-commit.ci; rungs ignores it",
                    key_pos.line
                )),
                other => config.notes.push(format!(
                    "{CONFIG_FILE}:{}: unknown key `{other}` at the top level, ignored",
                    key_pos.line
                )),
            }
        }
        let repos = repos.ok_or_else(|| doc.error(pos(&root), "expected a `repos:` list"))?;
        for item in doc.sequence(repos, "`repos`")? {
            config
                .repos
                .push(repo_entry(&doc, item, &lines, &mut config.notes)?);
        }
        Ok(config)
    }
}

/// A repository's `.pre-commit-hooks.yaml`: its hook definitions.
pub fn parse_manifest(path: &Path, text: &str) -> Result<Vec<HookEntry>, Error> {
    let doc = Doc { path };
    let root = load(path, text)?;
    let mut notes = Vec::new();
    doc.sequence(&root, "a list of hook definitions")?
        .iter()
        .map(|item| hook_entry(&doc, item, &mut notes))
        .collect()
}

fn at_string(doc: &Doc, node: &MarkedYaml, what: &str) -> Result<At<String>, Error> {
    Ok(At {
        value: doc.string(node, what)?,
        pos: pos(node),
    })
}

fn at_strings(doc: &Doc, node: &MarkedYaml, what: &str) -> Result<At<Vec<String>>, Error> {
    Ok(At {
        value: doc.strings(node, what)?,
        pos: pos(node),
    })
}

fn repo_entry(
    doc: &Doc,
    node: &MarkedYaml,
    lines: &[&str],
    notes: &mut Vec<String>,
) -> Result<RepoEntry, Error> {
    let at = pos(node);
    let (mut url, mut rev, mut hooks) = (None, None, None);
    for (key, key_pos, value) in doc.mapping(node, "a repo (`- repo: ...`)")? {
        match key.as_str() {
            "repo" => url = Some(doc.string(value, "`repo`")?),
            "rev" => rev = Some((doc.string(value, "`rev`")?, pos(value))),
            "hooks" => hooks = Some(value),
            other => notes.push(format!(
                "{CONFIG_FILE}:{}: unknown key `{other}` in a repo, ignored",
                key_pos.line
            )),
        }
    }
    let url = url.ok_or_else(|| doc.error(at, "expected `repo:` in this repo entry"))?;
    let hooks = hooks.ok_or_else(|| doc.error(at, format!("repo `{url}` has no `hooks:` list")))?;
    let rev_pos = rev.as_ref().map(|(_, p)| *p);
    let source = match url.as_str() {
        "local" => RepoSource::Local,
        "meta" => RepoSource::Meta,
        _ => {
            let (rev, rev_pos) = rev.ok_or_else(|| {
                doc.error(
                    at,
                    format!("repo `{url}` has no `rev:` (expected a tag or commit)"),
                )
            })?;
            let frozen = lines
                .get(rev_pos.line.saturating_sub(1))
                .and_then(|line| frozen_comment(line));
            RepoSource::Remote { url, rev, frozen }
        }
    };
    let hooks = doc
        .sequence(hooks, "`hooks`")?
        .iter()
        .map(|h| hook_entry(doc, h, notes))
        .collect::<Result<_, _>>()?;
    Ok(RepoEntry {
        source,
        pos: at,
        rev_pos,
        hooks,
    })
}

/// `rev: 0123abcd  # frozen: v1.2.3` (pre-commit's `autoupdate --freeze`).
fn frozen_comment(line: &str) -> Option<String> {
    let (_, comment) = line.split_once('#')?;
    let version = comment.trim().strip_prefix("frozen:")?.trim();
    (!version.is_empty()).then(|| version.to_string())
}

fn hook_entry(doc: &Doc, node: &MarkedYaml, notes: &mut Vec<String>) -> Result<HookEntry, Error> {
    let at = pos(node);
    let mut id = None;
    let mut o = HookOptions::default();
    for (key, key_pos, v) in doc.mapping(node, "a hook (`- id: ...`)")? {
        let what = format!("`{key}`");
        let s = || doc.string(v, &what);
        let b = || doc.bool(v, &what);
        let list = || doc.strings(v, &what);
        match key.as_str() {
            "id" => id = Some(s()?),
            "alias" => o.alias = Some(s()?),
            "name" => o.name = Some(s()?),
            "entry" => o.entry = Some(s()?),
            "language" => o.language = Some(at_string(doc, v, &what)?),
            "files" => o.files = Some(at_string(doc, v, &what)?),
            "exclude" => o.exclude = Some(at_string(doc, v, &what)?),
            "types" => o.types = Some(at_strings(doc, v, &what)?),
            "types_or" => o.types_or = Some(at_strings(doc, v, &what)?),
            "exclude_types" => o.exclude_types = Some(at_strings(doc, v, &what)?),
            "args" => o.args = Some(list()?),
            "additional_dependencies" => o.additional_dependencies = Some(list()?),
            "pass_filenames" => o.pass_filenames = Some(b()?),
            "always_run" => o.always_run = Some(b()?),
            "require_serial" => o.require_serial = Some(b()?),
            "verbose" => o.verbose = Some(b()?),
            "fail_fast" => o.fail_fast = Some(b()?),
            "stages" => o.stages = Some(at_strings(doc, v, &what)?),
            "language_version" => o.language_version = Some(s()?),
            "description" => o.description = Some(s()?),
            "log_file" => o.log_file = Some(s()?),
            "minimum_pre_commit_version" => o.minimum_pre_commit_version = Some(s()?),
            other => notes.push(format!(
                "{CONFIG_FILE}:{}: unknown key `{other}` in a hook, ignored",
                key_pos.line
            )),
        }
    }
    let id = id.ok_or_else(|| doc.error(at, "expected `id:` in this hook"))?;
    Ok(HookEntry {
        id,
        pos: at,
        options: o,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONFIG: &str = r#"# a comment
default_language_version:
  python: python3
exclude: ^vendor/
repos:
- repo: https://github.com/pycqa/isort
  rev: 7.0.0
  hooks:
  - id: isort
    args: [--profile, black]
- repo: https://github.com/astral-sh/ruff-pre-commit
  rev: 0123456789abcdef0123456789abcdef01234567  # frozen: v0.15.9
  hooks:
  - id: ruff
    files: ^src/
    future_key: 1
- repo: local
  hooks:
  - id: no-print
    name: no print
    entry: 'print\('
    language: pygrep
    types: [python]
    pass_filenames: true
ci:
  autofix_prs: false
"#;

    #[test]
    fn every_part_with_its_line() {
        let c = Config::parse(Path::new(".pre-commit-config.yaml"), CONFIG).unwrap();
        assert_eq!(c.exclude.as_ref().unwrap().value, "^vendor/");
        assert_eq!(c.default_language_version["python"], "python3");
        assert_eq!(c.repos.len(), 3);
        assert_eq!(
            c.repos[1].source,
            RepoSource::Remote {
                url: "https://github.com/astral-sh/ruff-pre-commit".into(),
                rev: "0123456789abcdef0123456789abcdef01234567".into(),
                frozen: Some("v0.15.9".into()),
            }
        );
        let ruff = &c.repos[1].hooks[0];
        assert_eq!((ruff.id.as_str(), ruff.pos.line), ("ruff", 14));
        assert_eq!(ruff.options.files.as_ref().unwrap().pos.line, 15);
        assert_eq!(
            c.repos[0].hooks[0].options.args.as_deref().unwrap(),
            ["--profile", "black"]
        );
        assert_eq!(c.repos[2].source, RepoSource::Local);
        assert_eq!(
            c.repos[2].hooks[0].options.entry.as_deref(),
            Some("print\\(")
        );
        assert!(
            c.notes
                .iter()
                .any(|n| n.contains(":16:") && n.contains("future_key")),
            "{:?}",
            c.notes
        );
        assert!(c.notes.iter().any(|n| n.contains("`ci`")), "{:?}", c.notes);
    }

    #[test]
    fn a_bad_value_names_its_line_and_what_was_expected() {
        let bad = "repos:\n- repo: x\n  rev: 6.0\n  hooks: []\n";
        let e = Config::parse(Path::new("c.yaml"), bad)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.yaml:3:8: expected `rev` (a string)"),
            "{e}"
        );
        let e = Config::parse(Path::new("c.yaml"), "repos: [\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml:2:"), "{e}");
        let e = Config::parse(Path::new("c.yaml"), "repos:\n- repo: x\n  hooks: []\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("c.yaml:2:3: repo `x` has no `rev:`"), "{e}");
        let e = Config::parse(
            Path::new("c.yaml"),
            "repos:\n- repo: local\n  hooks:\n  - name: x\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("c.yaml:4:5: expected `id:`"), "{e}");
    }
}
