//! What a run has to say besides its results: why it stopped short, what
//! the hook's fixers changed. Said on stderr whatever the format, so that
//! `--format json` keeps stdout for data.

use super::{Event, Reporter};

/// A note for the person who started the run.
pub enum Notice<'a> {
    /// The run was interrupted; nothing was remembered.
    Interrupted,
    /// The run took longer than its budget, and `budget-fail` is set.
    OverBudget,
    /// The hook's fixers changed these files in the working tree.
    Fixed { files: &'a [String] },
}

/// Writes [`Notice`]s to stderr; every other event is another reporter's.
#[derive(Default)]
pub struct NoticeReporter;

impl Reporter for NoticeReporter {
    fn event(&mut self, event: &Event) {
        let Event::Notice(notice) = event else {
            return;
        };
        match notice {
            Notice::Interrupted => eprintln!("rungs: interrupted"),
            Notice::OverBudget => {
                eprintln!("rungs: the run took longer than its budget, and `budget-fail` is set")
            }
            Notice::Fixed { files } => eprintln!(
                "\nrungs: fixed {} file{} in your working tree: {}\n  review the changes, `git add` them, and commit again.",
                files.len(),
                if files.len() == 1 { "" } else { "s" },
                files.join(", ")
            ),
        }
    }
}
