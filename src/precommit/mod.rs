//! The project's own `.pre-commit-config.yaml` as a source of checks: each
//! hook becomes a [`Check`](crate::check::Check) like any built-in, so the
//! cache, the runner and the reports never know where a check came from.
//! pre-commit's documented behaviour is the spec for what a hook selects and
//! runs.

pub mod checks;
pub mod config;
pub mod hook;
pub mod identify;
pub mod internal;
mod languages;
mod meta;
pub mod pattern;
pub mod repos;
pub mod rev;
mod yaml;

pub use checks::{Loaded, load};

/// The ids and aliases of the hooks the project's `.pre-commit-config.yaml` names (none
/// when it has none, or it can't be read: the run that reads it says why).
pub fn hook_ids(root: &std::path::Path) -> Vec<String> {
    config::Config::load(&root.join(config::CONFIG_FILE))
        .map(|c| {
            c.repos
                .iter()
                .flat_map(|r| &r.hooks)
                .flat_map(|h| std::iter::once(h.id.clone()).chain(h.options.alias.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The git hooks the config asks `install` to write
/// (`default_install_hook_types`; `pre-commit` when it says none or has none).
pub fn install_hook_types(root: &std::path::Path) -> Vec<String> {
    config::Config::load(&root.join(config::CONFIG_FILE))
        .map(|c| c.default_install_hook_types)
        .unwrap_or_else(|_| vec!["pre-commit".into()])
}

/// The hooks rungs runs itself, as hidden subcommands (`rungs __pygrep ...`):
/// the exit code when `args` names one.
pub fn run_internal(args: &[String]) -> Option<i32> {
    let (name, rest) = args.split_first()?;
    Some(match name.as_str() {
        "__pygrep" => internal::pygrep(rest),
        "__fail" => internal::fail(rest),
        "__identity" => internal::identity(rest),
        _ => return None,
    })
}
