//! The run every command shares: open the project -> plan -> schedule
//! (tools, cache look-up) -> execute -> gates -> reports. `rungs check`,
//! `baseline`, the hooks and `bump` hand their plan to the one [`run`],
//! which decides outcomes and the exit code; `plan` and `merge` share its
//! steps rather than assembling them again. `init` lives here too: it opens the project
//! the same way and writes the config a run would read.

mod adopt;
mod change;
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
mod workspace;

pub use adopt::adopt;
pub use change::Change;
pub use explain::explain;
pub use fix::fix;
pub use gates::{Gates, Verdicts};
pub use gitlab::init_gitlab;
pub use init::init;
pub use merge::merge;
pub use prepare::{Prepared, plan_for, prepare};
pub use reports::{ReportFiles, file_reporters};
pub use request::{CheckRequest, Format, Selection};
pub use run::{Finished, Install, Judging, RunOptions, run};
pub use schedule::schedule;
pub use workspace::check;
