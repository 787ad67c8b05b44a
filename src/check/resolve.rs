//! From a [`CheckSpec`] (what was written) to a [`Check`] (what runs).

use super::{CheckId, CheckSpec, Kind, Stage};
use crate::error::Error;
use crate::source::Source;
use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;
use toml::Spanned;

/// Whether a check takes a list of files or runs once for the whole project.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    Files,
    Project,
}

/// How a tool's output becomes findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParserKind {
    /// `ruff check --output-format json`.
    RuffJson,
    /// `pylint --output-format json2`.
    PylintJson,
    /// One finding per line, matched by the check's `pattern`.
    Regex,
    /// A unified diff (black, ruff format, isort `--diff`): one finding per file.
    UnifiedDiff,
    /// `cargo fmt --check`'s "Diff in FILE:LINE:" blocks.
    Rustfmt,
    /// cargo's `--message-format json` compiler messages (clippy).
    CargoJson,
    /// libtest's "test NAME ... FAILED" lines (`cargo test`).
    CargoTest,
    /// `eslint --format json`.
    EslintJson,
    /// One file name per line (`prettier --list-different`).
    FileList,
    /// pytest's JUnit XML written to `{out}/junit.xml`.
    PytestJunit,
    /// pytest's JUnit plus coverage.py JSON written to `{out}/coverage.json`.
    Coverage,
    /// `manage.py makemigrations --check --dry-run`: the apps missing a migration.
    DjangoMigrations,
    /// The exit code alone.
    ExitCode,
}

/// Pinned packages rungs may install when the tool is missing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Install {
    #[serde(default)]
    pub pypi: Vec<String>,
    #[serde(default)]
    pub npm: Vec<String>,
    /// Crates for `cargo install`: a folder (a hook repo's clone) or `NAME@VERSION`.
    #[serde(default)]
    pub cargo: Vec<String>,
    /// Packages the project declares beside the tool that belong with it
    /// (`flake8-*`, `types-*`): installed with the tool at the project's pins.
    #[serde(default)]
    pub plugins: Vec<String>,
    /// The project's own runtime requirements go in the tool's environment
    /// too (mypy follows imports into them: without `markupsafe`, jinja2's
    /// imports of it are errors; without `attrs`, its classes are opaque).
    #[serde(default, rename = "project-dependencies")]
    pub project_dependencies: bool,
    /// The project's config files for the tool (`eslint.config.mjs`): the
    /// packages they import that the project declares (`neostandard`, a
    /// shareable config) are installed with the tool at the project's pins.
    #[serde(default, rename = "config-imports")]
    pub config_imports: Vec<String>,
    /// Packages the tool needs importable beside it (pytest-cov for the
    /// coverage check): when the tool is the project's own and its
    /// environment lacks one, rungs installs it with the project's
    /// interpreter into a folder of its cache put on `PYTHONPATH`, never
    /// into the project's environment.
    #[serde(default)]
    pub beside: Vec<String>,
}

impl Install {
    /// Every requirement, whatever its ecosystem.
    pub fn all(&self) -> impl Iterator<Item = &String> {
        self.pypi.iter().chain(&self.npm).chain(&self.cargo)
    }

    pub fn is_empty(&self) -> bool {
        self.all().next().is_none()
    }
}

/// A resolved check definition.
#[derive(Clone, Debug)]
pub struct Check {
    pub id: CheckId,
    pub kind: Kind,
    pub description: String,
    pub file_set: GlobSet,
    pub exclude_set: GlobSet,
    pub scope: Scope,
    pub command: Vec<String>,
    pub fix: Option<Vec<String>>,
    /// Fixes lines `{start}` to `{end}` of one file.
    pub fix_range: Option<Vec<String>>,
    pub diff_command: Option<Vec<String>>,
    pub version: Option<Vec<String>>,
    pub config: Vec<String>,
    pub detect: Vec<String>,
    pub env: Vec<String>,
    pub parser: ParserKind,
    pub pattern: Option<regex::Regex>,
    pub timeout: Duration,
    pub expected_seconds: Option<f64>,
    pub install: Install,
    pub ok_codes: Vec<i32>,
    pub fail_codes: Vec<i32>,
    pub replaces: Vec<CheckId>,
    pub slots: u32,
    pub serial: bool,
    pub cache_version: bool,
    pub stages: Vec<Stage>,
    pub tier_args: BTreeMap<String, Vec<String>>,
    pub tier: Option<String>,
    pub enabled: bool,
    /// Not adopted, it fails only on what the change touched (see
    /// [`Kind::may_hold_line`]); else it fails whatever the project adopted.
    pub holds_line: bool,
    /// Where a check from outside rungs's own definitions came from (a hook of
    /// the project's `.pre-commit-config.yaml`).
    pub origin: Option<Arc<Origin>>,
    /// Runs on a scratch copy of its files; what it changes there is a
    /// finding, and the project's files are never written in check mode.
    pub scratch: bool,
    /// The files the check reads, chosen by its source, instead of `files` globs.
    pub inputs: Option<Arc<Vec<String>>>,
    /// Its verdict comes from a remote service (an advisory database): an
    /// error is that service's trouble of the moment and is never cached.
    pub network: bool,
    /// Its program comes only from the environment rungs installs for it.
    pub isolated: bool,
    /// Why the check can't run (a hook whose repo can't be fetched ...): it
    /// is reported as an error, and the run ends with the config error code.
    pub broken: Option<String>,
    /// The project's own version of the tool, used when the project's
    /// environment does not have it.
    pub pin: Option<Pin>,
    /// The folders and files the project's own command lines run the tool
    /// on (tox.ini's `flake8 app tests`), when they name some: the check
    /// leaves out the rest.
    pub invoked_paths: Vec<String>,
}

/// A version the project chose for a check's tool, and where it said so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    /// What to install instead of the check's own `install`.
    pub install: Install,
    /// `requirements-dev.txt: black==23.1.0`, for `rungs plan`.
    pub from: String,
    /// The project's runtime requirements, for a tool whose `install` asks
    /// for them: installed with `install`, and left out again if they can't
    /// be (a package that needs a compiler the machine lacks).
    pub project: Vec<String>,
}

/// A check's source outside rungs: a pre-commit hook.
#[derive(Clone, Debug)]
pub struct Origin {
    /// For `rungs plan`: hook, repo, rev, config line, where it was installed from.
    pub label: String,
    /// Position in its config: fixes run in this order.
    pub order: usize,
    /// The built-in checks it does the job of (an isort hook: `isort`).
    pub stands_for: Vec<CheckId>,
    /// Everything of its definition that changes its verdict, for the cache key.
    pub definition: String,
    /// Runs even when none of its files are selected.
    pub always_run: bool,
    /// The interpreter its environment is made with (`python3.12`).
    pub language_version: Option<String>,
    /// The package and version its repo's rev stands for (`ruff==0.15.9`):
    /// rungs's own checks of the same tool run at it too.
    pub package: Option<String>,
    /// Another name `--only`, `--skip` and `SKIP` know it by (pre-commit's `alias`).
    pub alias: Option<String>,
    /// Its output is shown also when it passes (pre-commit's `verbose`).
    pub verbose: bool,
}

const DEFAULT_TIMEOUT_SECS: u64 = 600;

impl Check {
    /// Validate a spec (already merged with whatever it extends) into a check.
    /// `source` is the file the spec's spans point into.
    pub fn resolve(id: &str, spec: &CheckSpec, source: &Source) -> Result<Check, Error> {
        let missing = |field: &str| Error::ConfigFile {
            path: source.path.clone(),
            message: format!("check `{id}` has no `{field}` (expected e.g. {field} = ...)"),
        };
        let kind = spec.kind.ok_or_else(|| missing("kind"))?;
        let command = spec.command.clone().ok_or_else(|| missing("command"))?;
        if command.is_empty() {
            return Err(Error::ConfigFile {
                path: source.path.clone(),
                message: format!(
                    "check `{id}`: `command` is empty (expected a program and its arguments)"
                ),
            });
        }
        for (field, argv) in [
            ("fix", &spec.fix),
            ("fix-range", &spec.fix_range),
            ("version", &spec.version),
            ("diff-command", &spec.diff_command),
        ] {
            if argv.as_ref().is_some_and(|a| a.is_empty()) {
                return Err(Error::ConfigFile {
                    path: source.path.clone(),
                    message: format!(
                        "check `{id}`: `{field}` is empty (expected a program and its arguments)"
                    ),
                });
            }
        }
        let expected_seconds = match &spec.expected_seconds {
            Some(s) if !(s.get_ref().is_finite() && *s.get_ref() >= 0.0) => {
                return Err(source.error(
                    s.span(),
                    format!(
                        "`expected-seconds` is {} (expected a number of seconds, 0 or more)",
                        s.get_ref()
                    ),
                ));
            }
            s => s.as_ref().map(|s| *s.get_ref()),
        };
        let scope = spec.scope.unwrap_or(Scope::Files);
        let file_set = glob_set(spec.files.as_deref().unwrap_or_default(), source)?;
        let exclude_set = glob_set(spec.exclude.as_deref().unwrap_or_default(), source)?;
        let parser = spec.parser.unwrap_or(ParserKind::ExitCode);
        let pattern =
            match (&spec.pattern, parser) {
                (Some(p), _) => Some(regex::Regex::new(p.get_ref()).map_err(|e| {
                    source.error(p.span(), format!("invalid regular expression: {e}"))
                })?),
                (None, ParserKind::Regex) => return Err(missing("pattern")),
                (None, _) => None,
            };
        let default_stages = match (kind, scope) {
            (Kind::Imports | Kind::Format | Kind::Lint, Scope::Files) => {
                vec![Stage::Commit, Stage::Ci, Stage::Bump]
            }
            _ => vec![Stage::Ci, Stage::Bump],
        };
        Ok(Check {
            id: CheckId(id.to_string()),
            kind,
            description: spec.description.clone().unwrap_or_default(),
            file_set,
            exclude_set,
            scope,
            command,
            fix: spec.fix.clone(),
            fix_range: spec.fix_range.clone(),
            diff_command: spec.diff_command.clone(),
            version: spec.version.clone(),
            config: spec.config.clone().unwrap_or_default(),
            detect: spec.detect.clone().unwrap_or_default(),
            env: spec.env.clone().unwrap_or_default(),
            parser,
            pattern,
            timeout: Duration::from_secs(spec.timeout.unwrap_or(DEFAULT_TIMEOUT_SECS)),
            expected_seconds,
            install: spec.install.clone().unwrap_or_default(),
            ok_codes: spec.ok_codes.clone().unwrap_or_else(|| vec![0]),
            fail_codes: spec.fail_codes.clone().unwrap_or_else(|| vec![1]),
            replaces: spec
                .replaces
                .iter()
                .flatten()
                .map(|r| CheckId(r.get_ref().clone()))
                .collect(),
            slots: spec.slots.unwrap_or(1),
            serial: spec.serial.unwrap_or(false),
            cache_version: spec.cache_version.unwrap_or(true),
            stages: spec.stages.clone().unwrap_or(default_stages),
            tier_args: spec.tier_args.clone().unwrap_or_default(),
            tier: spec.tier.as_ref().map(|t| t.get_ref().clone()),
            enabled: spec.enabled.unwrap_or(true),
            holds_line: spec.holds_line.unwrap_or(kind.may_hold_line()),
            origin: None,
            scratch: false,
            inputs: None,
            isolated: false,
            network: false,
            broken: None,
            pin: None,
            invoked_paths: Vec::new(),
        })
    }

    /// A check rungs makes itself (a pre-commit hook, the history check):
    /// over the files it is given, passing on exit code 0 and failing on 1,
    /// read by its exit code, in every stage. Callers set what differs.
    pub fn made(id: &str, kind: Kind, description: String, command: Vec<String>) -> Check {
        Check {
            id: CheckId(id.to_string()),
            kind,
            description,
            file_set: GlobSet::empty(),
            exclude_set: GlobSet::empty(),
            scope: Scope::Files,
            command,
            fix: None,
            fix_range: None,
            diff_command: None,
            version: None,
            config: Vec::new(),
            detect: Vec::new(),
            env: Vec::new(),
            parser: ParserKind::ExitCode,
            pattern: None,
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            expected_seconds: None,
            install: Install::default(),
            ok_codes: vec![0],
            fail_codes: vec![1],
            replaces: Vec::new(),
            slots: 1,
            serial: false,
            cache_version: true,
            stages: vec![Stage::Commit, Stage::Ci, Stage::Bump],
            tier_args: BTreeMap::new(),
            tier: None,
            enabled: true,
            holds_line: kind.may_hold_line(),
            origin: None,
            scratch: false,
            inputs: Some(Arc::new(Vec::new())),
            isolated: false,
            network: false,
            broken: None,
            pin: None,
            invoked_paths: Vec::new(),
        }
    }

    /// The program the check runs (first word of its command).
    pub fn program(&self) -> &str {
        &self.command[0]
    }

    /// Whether `name` names this check: its id, or a hook's alias.
    pub fn named(&self, name: &str) -> bool {
        self.id.as_str() == name
            || self
                .origin
                .as_ref()
                .is_some_and(|o| o.alias.as_deref() == Some(name))
    }

    /// Whether a project-relative path is one of this check's inputs.
    pub fn matches(&self, rel_path: &str) -> bool {
        if let Some(inputs) = &self.inputs {
            return inputs
                .binary_search_by(|f| f.as_str().cmp(rel_path))
                .is_ok();
        }
        self.file_set.is_match(rel_path) && !self.exclude_set.is_match(rel_path)
    }
}

/// Compile globs; a bad one is an error at its place in the file.
pub fn glob_set(globs: &[Spanned<String>], source: &Source) -> Result<GlobSet, Error> {
    glob_set_and_paths(globs, &[], source)
}

/// Globs, and exact paths (taken literally, whatever characters they hold).
pub fn glob_set_and_paths(
    globs: &[Spanned<String>],
    paths: &[&str],
    source: &Source,
) -> Result<GlobSet, Error> {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        let compiled = globset::GlobBuilder::new(glob.get_ref())
            .literal_separator(false)
            .build()
            .map_err(|e| source.error(glob.span(), format!("invalid glob: {}", e.kind())))?;
        builder.add(compiled);
        // `dir/**` should also match the directory's files when given as `dir`.
        if !glob.get_ref().contains(['*', '?', '[', '{'])
            && let Ok(g) = Glob::new(&format!("{}/**", glob.get_ref().trim_end_matches('/')))
        {
            builder.add(g);
        }
    }
    for path in paths {
        if let Ok(g) = Glob::new(&globset::escape(path)) {
            builder.add(g);
        }
    }
    builder.build().map_err(|e| Error::ConfigFile {
        path: source.path.clone(),
        message: format!("invalid glob set: {e}"),
    })
}
