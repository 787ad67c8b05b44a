//! One module per pre-commit hook language, behind [`LanguageImpl`], as prek
//! does (`crates/prek/src/languages/mod.rs`): what a language changes about a
//! hook's check (its command, what it installs, how its args and entry finish
//! the command line, how its output is read) lives in that language's file,
//! and [`of`] picks the file for a hook's [`Language`]. The default methods
//! are what most languages do; each module overrides only what differs.

mod fail;
mod node;
mod pygrep;
mod python;
mod rust;
mod script;
mod system;

use super::hook::{Hook, Language};
use super::repos::Code;
use crate::check::{Check, Install, ParserKind};
use std::path::Path;

/// What a language reads to build a hook's command.
pub struct Input<'a> {
    pub hook: &'a Hook,
    /// The hook's `entry`, split into words.
    pub entry: &'a [String],
    /// Where the hook's code is (`Code::None` for local and meta hooks).
    pub code: &'a Code,
    /// rungs itself, which runs the pygrep, fail and meta hooks.
    pub exe: &'a str,
    /// The project's root, where a local script hook's entry is found.
    pub root: &'a Path,
}

/// A hook's command before its args, and what its language installs.
pub struct Base {
    pub command: Vec<String>,
    pub install: Install,
    /// Whether the hook runs in an environment of its own (it installs something).
    pub isolated: bool,
}

impl Base {
    /// A command that installs nothing.
    fn plain(command: Vec<String>) -> Base {
        Base {
            command,
            install: Install::default(),
            isolated: false,
        }
    }

    /// The entry, run in an environment of its own when `install` names
    /// something to put there.
    fn installing(command: Vec<String>, install: Install) -> Base {
        let isolated = install != Install::default();
        Base {
            command,
            install,
            isolated,
        }
    }
}

/// How a pre-commit hook language becomes a check.
pub trait LanguageImpl: Sync {
    /// Whether a hook of this language must have a non-empty `entry`
    /// (pygrep's is a pattern and fail's a message: either may be empty).
    fn needs_entry(&self) -> bool {
        true
    }

    /// The command before the hook's args, and what it installs: by
    /// default the entry as it is, installing nothing.
    fn command(&self, input: &Input<'_>) -> Result<Base, String> {
        Ok(Base::plain(input.entry.to_vec()))
    }

    /// `command` completed with the hook's args: after the entry; a meta
    /// hook runs rungs with its verdict (`meta_verdict`) instead.
    fn finish_args(
        &self,
        input: &Input<'_>,
        mut command: Vec<String>,
        meta_verdict: Option<Option<String>>,
    ) -> Vec<String> {
        let (hook, exe) = (input.hook, input.exe);
        if hook.repo != "meta" {
            command.extend(hook.args.iter().cloned());
            return command;
        }
        match meta_verdict.flatten() {
            _ if hook.id == "identity" => vec![exe.to_string(), "__identity".into()],
            Some(report) => vec![exe.to_string(), "__fail".into(), report],
            None => vec![exe.to_string(), "__identity".into()],
        }
    }

    /// How the hook's output is read: the pattern of the built-in check it
    /// stands for (`like`), else its exit code alone.
    fn parser(&self, like: Option<&Check>) -> (ParserKind, Option<regex::Regex>) {
        match like {
            Some(b) if b.parser == ParserKind::Regex => (ParserKind::Regex, b.pattern.clone()),
            _ => (ParserKind::ExitCode, None),
        }
    }
}

/// The implementation of a hook language.
pub fn of(language: Language) -> &'static dyn LanguageImpl {
    match language {
        Language::System => &system::System,
        Language::Script => &script::Script,
        Language::Python => &python::Python,
        Language::Node => &node::Node,
        Language::Rust => &rust::Rust,
        Language::Pygrep => &pygrep::Pygrep,
        Language::Fail => &fail::Fail,
    }
}
