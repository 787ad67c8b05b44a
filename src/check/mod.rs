//! Check definitions: what rungs knows about one tool.
//!
//! Built-in definitions are TOML files in `checks/`, embedded in the binary. A
//! project's config patches them field by field or adds its own. Definitions go
//! through two stages, like ripgrep's flags: a [`CheckSpec`] is what a TOML table
//! said (every field optional, spans kept for error messages), a [`Check`] is the
//! resolved, validated definition the planner and runner use.

mod builtin;
mod resolve;
mod spec;
mod tool_exclude;

pub use builtin::{MADE_BY_RUNGS, VULNERABLE_DEPENDENCIES, builtin_specs, is_builtin};
pub use resolve::{Check, Install, Origin, ParserKind, Pin, Scope, glob_set, glob_set_and_paths};
pub use spec::CheckSpec;
pub use tool_exclude::{ExcludeMatch, Pattern, ToolExclude};

use serde::{Deserialize, Serialize};
use std::fmt;

/// The name a check goes by: `ruff`, `black`, `pytest`, or a project's own.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CheckId(pub String);

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl CheckId {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a check is for. Fix order and the default hook stage follow from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Imports,
    Format,
    Lint,
    Typecheck,
    Test,
    Coverage,
    Custom,
    /// The commits of a change, not its files (`[history]`).
    History,
}

impl Kind {
    /// Whether findings of this kind are about the style or types of code
    /// that exists, so that an unadopted check may judge only what a change
    /// touched. A red test is the project broken, never a finding to adopt.
    pub fn may_hold_line(self) -> bool {
        matches!(
            self,
            Kind::Imports | Kind::Format | Kind::Lint | Kind::Typecheck | Kind::Custom
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Imports => "imports",
            Kind::Format => "format",
            Kind::Lint => "lint",
            Kind::Typecheck => "typecheck",
            Kind::Test => "test",
            Kind::Coverage => "coverage",
            Kind::Custom => "custom",
            Kind::History => "history",
        }
    }
}

/// Where a run happens (DESIGN.md): the hook, CI, or a dependency-bump verification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Commit,
    Ci,
    Bump,
}
