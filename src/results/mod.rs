//! Results: what a job did and what a check came to over a run. Below both
//! the result cache (which stores and replays them) and the runner (which
//! makes them), so gates and reports read them without knowing either.

mod check;
mod job;
mod seconds;

pub use check::CheckResult;
pub use job::JobReport;
pub use seconds::{from_secs, secs};
