//! Reporters: they receive the runner's events and write what a person or a
//! machine reads. A new report format is a new reporter, nothing else.

mod cobertura;
mod codequality;
mod context;
mod file;
pub mod gitlab;
mod json;
mod junit;
mod markdown;
mod notice;
mod sarif;
mod summary;
mod terminal;

pub use file::{FileFormat, FileReporter};
pub use json::JsonReporter;
pub use notice::{Notice, NoticeReporter};
pub use summary::Summary;
pub use terminal::{TerminalReporter, format_duration};

use crate::plan::Plan;
use crate::results::JobReport;

pub enum Event<'a> {
    Started {
        plan: &'a Plan,
    },
    JobFinished {
        plan: &'a Plan,
        report: &'a JobReport,
    },
    Finished {
        plan: &'a Plan,
        summary: &'a Summary,
    },
    /// Something to tell the person beyond the results (see [`Notice`]).
    Notice(Notice<'a>),
}

pub trait Reporter {
    fn event(&mut self, event: &Event);

    /// After the run: whether what the reporter had to write was written.
    fn finish(&mut self) -> Result<(), crate::error::Error> {
        Ok(())
    }
}
