//! What one TOML table said about a check, before defaults and validation.

use super::{Kind, Stage};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// Defines the spec and its `patched` from one list of fields, so a field
/// added to the spec can't be left out of patching.
macro_rules! spec_with_patch {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident: $ty:ty, )*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl $name {
            /// This spec with every field `over` sets replaced.
            pub fn patched(&self, over: &$name) -> $name {
                let mut base = self.clone();
                $( if over.$field.is_some() { base.$field = over.$field.clone(); } )*
                base
            }
        }
    };
}

spec_with_patch! {
/// A check as written: a built-in file, or a `[checks.ID]` table of a project's
/// config. Every field is optional so a project can patch one field of a built-in.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CheckSpec {
    /// Another check this one starts from (a project's variant of a built-in).
    pub extends: Option<Spanned<String>>,
    pub kind: Option<Kind>,
    pub description: Option<String>,
    /// Globs of the files the check reads, relative to the project root.
    pub files: Option<Vec<Spanned<String>>>,
    pub exclude: Option<Vec<Spanned<String>>>,
    /// The tool's own exclude settings, for tools that check a file named on
    /// their command line even when their config excludes it: rungs leaves
    /// out what they match.
    pub exclude_from: Option<Vec<super::ToolExclude>>,
    /// The tool's own setting of what it checks (mypy's `files`): files it
    /// names none of are left out, as the tool run alone would leave them.
    pub only_from: Option<Vec<super::ToolExclude>>,
    /// A `.py` file with a `.pyi` stub beside it is left out: the tool reads
    /// the stub in its place, and both named is an error (mypy's "Duplicate
    /// module").
    pub stubs_shadow: Option<bool>,
    /// The tool's command words (`ruff check`): when every command line of the
    /// project's tox.ini, noxfile or Makefile that runs it names paths, files
    /// outside them are left out, as the project's own gate leaves them.
    pub invoked_as: Option<Vec<String>>,
    pub scope: Option<super::Scope>,
    /// argv of the check; `{args}`, `{files}` and `{out}` are expanded.
    pub command: Option<Vec<String>>,
    pub fix: Option<Vec<String>>,
    /// argv that fixes only lines `{start}` to `{end}` of one file (`{next}`:
    /// the line after `{end}`, for tools whose range ends before it; black's
    /// `--line-ranges`, ruff format's `--range`): how a formatter the project
    /// has not adopted fixes a change without rewriting the file whole.
    pub fix_range: Option<Vec<String>>,
    /// argv that prints the formatted content of one file on stdout, so the
    /// report can show a diff for formatters that cannot print one.
    pub diff_command: Option<Vec<String>>,
    pub version: Option<Vec<String>>,
    /// Files whose content changes the tool's verdict (its config files).
    pub config: Option<Vec<String>>,
    /// Config markers (`file` or `file:section`) that show the project uses this tool.
    pub detect: Option<Vec<String>>,
    /// Environment variables that change the tool's verdict.
    pub env: Option<Vec<String>>,
    pub parser: Option<super::ParserKind>,
    /// For the `regex` parser: named groups path, line, col, rule, severity, message.
    pub pattern: Option<Spanned<String>>,
    /// Seconds before the job is killed.
    pub timeout: Option<u64>,
    /// Expected seconds per file (per run for project-level checks), to
    /// schedule the longest jobs first before any duration was recorded.
    pub expected_seconds: Option<Spanned<f64>>,
    pub install: Option<super::Install>,
    /// Exit codes that mean "ran and found nothing" / "ran and found problems".
    pub ok_codes: Option<Vec<i32>>,
    pub fail_codes: Option<Vec<i32>>,
    /// Checks that are dropped from a plan that includes this one.
    pub replaces: Option<Vec<Spanned<String>>>,
    /// CPU slots one job takes (0 = all), so test runners with workers don't oversubscribe.
    pub slots: Option<u32>,
    /// Run all files in one process (tools that share a cache or follow imports).
    pub serial: Option<bool>,
    /// Whether the tool's version may be remembered while its program file is
    /// unchanged (false for rustup's proxies, which stay put across toolchains).
    pub cache_version: Option<bool>,
    pub stages: Option<Vec<Stage>>,
    /// Per-tier extra arguments, used when the project has no config of its own for the tool.
    pub tier_args: Option<BTreeMap<String, Vec<String>>>,
    /// Tier the check enters at, when a project adds it through its config.
    pub tier: Option<Spanned<String>>,
    pub enabled: Option<bool>,
    /// Whether a tier that adds the check unadopted may hold the line with
    /// it (fail only what the change touched). Default: style and type
    /// checks may; tests, coverage and a project's health checks (a broken
    /// system check, a missing migration) never do: they fail, adopted or not.
    pub holds_line: Option<bool>,
}
}

impl CheckSpec {
    /// Whether a field besides `tier` and `enabled` is set.
    pub fn sets_more_than_tier_and_enabled(&self) -> bool {
        let rest = CheckSpec {
            tier: None,
            enabled: None,
            ..self.clone()
        };
        let empty = format!("{:?}", CheckSpec::default());
        format!("{rest:?}") != empty
    }
}
