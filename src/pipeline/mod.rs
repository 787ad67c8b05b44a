//! The run every command shares: open the project -> plan -> schedule
//! (tools, cache look-up) -> execute -> gates -> reports. `rungs check`,
//! `baseline`, `plan`, the hook, `bump` and `merge` call these steps rather
//! than assembling them again. `init` lives here too: it opens the project
//! the same way and writes the config a run would read.

mod adopt;
mod check;
mod explain;
mod fix;
mod gates;
mod gitlab;
mod init;
mod merge;
mod prepare;
mod reports;
mod request;
mod run;
mod schedule;

pub use adopt::adopt;
pub use check::check;
pub use explain::explain;
pub use fix::fix;
pub use gates::{Gates, Verdicts};
pub use gitlab::init_gitlab;
pub use init::init;
pub use merge::merge;
pub use prepare::{Prepared, plan_for, prepare};
pub use reports::{ReportFiles, file_reporters};
pub use request::{CheckRequest, Format, Selection};
pub use run::{remember, run_checks};
pub use schedule::{Scheduled, schedule};
