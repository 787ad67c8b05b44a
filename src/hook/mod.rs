//! The git hook: checks exactly what will be committed, from a copy of the
//! index (the shadow tree), so the working tree is never stashed, checked out
//! or restored. The only writes to the working tree are a fixer's changes,
//! made as one journaled transaction (see `journal`).

pub mod install;
pub mod journal;
pub mod merge;
pub mod shadow;
