//! `RUNGS_TIMING=1`: how long each phase of a run took, on stderr. For
//! finding where rungs's own overhead goes; silent otherwise.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

fn start() -> Option<Instant> {
    *START.get_or_init(|| {
        std::env::var_os("RUNGS_TIMING")
            .filter(|v| !v.is_empty())
            .map(|_| Instant::now())
    })
}

/// Note that `phase` just ended.
pub fn mark(phase: &str) {
    if let Some(t0) = start() {
        eprintln!(
            "rungs timing: {:>8.2} ms  {phase}",
            t0.elapsed().as_secs_f64() * 1000.0
        );
    }
}
