//! Whether the remote is still worth asking this run. A server that does not
//! answer or refuses the credentials is off at once; other errors after a
//! few in a row. Either way the run says so once and goes on locally.

use super::client::Failure;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

/// Errors in a row (not final ones) that turn the remote off.
const LIMIT: u32 = 3;

pub struct Health {
    base: String,
    in_a_row: AtomicU32,
    off: AtomicBool,
    /// What turned it off, for the stats.
    why: Mutex<Option<String>>,
}

impl Health {
    pub fn new(base: &str) -> Health {
        Health {
            base: base.to_string(),
            in_a_row: AtomicU32::new(0),
            off: AtomicBool::new(false),
            why: Mutex::new(None),
        }
    }

    pub fn on(&self) -> bool {
        !self.off.load(Ordering::SeqCst)
    }

    pub fn answered(&self) {
        self.in_a_row.store(0, Ordering::SeqCst);
    }

    /// Count a failure of `doing`; the one that turns the remote off warns.
    pub fn failed(&self, doing: &str, failure: &Failure) {
        let n = self.in_a_row.fetch_add(1, Ordering::SeqCst) + 1;
        if (failure.is_final() || n >= LIMIT) && !self.off.swap(true, Ordering::SeqCst) {
            let why = format!("{doing}: {failure}");
            eprintln!(
                "rungs: warning: remote cache {} not used for the rest of this run ({why}); results are still checked and kept locally",
                self.base
            );
            if let Ok(mut w) = self.why.lock() {
                *w = Some(why);
            }
        }
    }

    pub fn why_off(&self) -> Option<String> {
        self.why.lock().ok().and_then(|w| w.clone())
    }
}
