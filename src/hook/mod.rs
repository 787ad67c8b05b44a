//! The git hook: checks exactly what will be committed, from a copy of the
//! index (the shadow tree), so the working tree is never stashed, checked out
//! or restored. The only writes to the working tree are a fixer's changes,
//! made as one journaled transaction (see `journal`).
//!
//! `run` is a hook run; `projects` groups its files, `check` checks one
//! project, `fix` carries fixes back; `recover` finishes an interrupted one.

mod check;
mod fix;
pub mod install;
pub mod journal;
pub mod merge;
mod projects;
mod recover;
mod run;
pub mod shadow;

pub use recover::{recover_pending, report_recovery};
pub use run::{HookStage, run};
