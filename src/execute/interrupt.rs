//! Ctrl-C (and SIGTERM): a flag the runner polls; it then kills every job's
//! process group and the run exits 130.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub fn flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // Registration only fails for forbidden signals, which these are not.
        let _ = signal_hook::flag::register(signal, Arc::clone(&flag));
    }
    flag
}
