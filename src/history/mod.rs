//! The team's commit rules as a check: the commits between the `--changed`
//! base and `HEAD` — how many, no merges, their subjects, no mixed kinds of
//! change. Teams that keep one commit per merge request on a linear history
//! otherwise enforce this by hand in review.
//!
//! The base and `HEAD` are resolved when the run is planned and go into the
//! check's command line, so the result cache keys on the commits judged. The
//! judging itself is a hidden subcommand of the rungs binary
//! (`rungs __history`), so it runs as a job like any other check.

mod check;
mod judge;

pub use check::check;

/// The hidden subcommand: the exit code when `args` names it.
pub fn run_internal(args: &[String]) -> Option<i32> {
    let (name, rest) = args.split_first()?;
    (name == judge::SUBCOMMAND).then(|| judge::run(rest))
}
