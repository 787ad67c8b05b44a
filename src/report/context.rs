//! What every report file's writer may look at: its own file, so the
//! writers and the reporter that picks one of them don't name each other.

use super::Summary;
use crate::plan::Plan;
use std::path::Path;

/// What every writer may look at.
pub struct Context<'a> {
    pub root: &'a Path,
    pub plan: &'a Plan,
    pub summary: &'a Summary,
}
