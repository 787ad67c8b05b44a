//! `language: system` (and its new name, `unsupported`): pre-commit installs
//! nothing and runs the entry as it is, with whatever is on the `PATH`.
//! rungs does the same, so every method is the trait's default.

use super::LanguageImpl;

pub struct System;

impl LanguageImpl for System {}
