//! Before any command: whatever an interrupted hook left is put back, and
//! the user is told what was restored or kept.

use super::journal;
use crate::git::Repo;
use std::path::Path;

/// Before any command: finish what an interrupted hook left.
pub fn recover_pending(cwd: &Path) {
    if journal::pending(cwd).is_none() {
        return;
    }
    match Repo::discover(cwd).and_then(|repo| journal::recover(&repo)) {
        Ok(Some(done)) => report_recovery(&done),
        Ok(None) => {}
        Err(e) => eprintln!(
            "rungs: could not finish an interrupted hook's recovery: {e}\n  hint: run `rungs hook recover`"
        ),
    }
}

pub fn report_recovery(done: &journal::Recovered) {
    if !done.restored.is_empty() {
        eprintln!(
            "rungs: an interrupted hook was fixing files; put back as they were: {}",
            done.restored.join(", ")
        );
    }
    for (path, blob) in &done.kept {
        eprintln!(
            "rungs: {path} changed after an interrupted hook; left as it is. Its earlier content: git cat-file blob {blob}"
        );
    }
}
