//! The shared remote cache: results stored on an HTTP cache server the team
//! already runs (nginx WebDAV, Apache mod_dav, bazel-remote), so a result
//! computed once on one machine is a hit on the others. Reading is the
//! default and writing must be asked for; every entry is checked (format,
//! key, hash, optionally a signature) so anything else is a miss; a slow or
//! dead server costs at most one timeout, then the run goes on locally.
//! What goes there is what the local cache keeps (whole-check results and,
//! of file-level checks, each file's), when its key has a machine-independent
//! form; many keys are asked and stored at once, a few at a time.

mod client;
mod envelope;
mod health;
mod run;
mod settings;
mod tally;
mod uploads;

pub use run::Remote;
pub use settings::{Settings, keygen};
pub use tally::{RemoteStats, load as load_stats};
