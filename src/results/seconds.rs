//! Durations as seconds (to the millisecond) in what rungs writes and reads.

use std::time::Duration;

/// Durations as seconds in reports.
pub fn secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

pub fn from_secs<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    let secs = <f64 as serde::Deserialize>::deserialize(d)?;
    Ok(Duration::from_secs_f64(secs.max(0.0)))
}
