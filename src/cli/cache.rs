//! `rungs cache stats | prune --older-than 30d | clear`.

use crate::cache;
use crate::error::{Error, exit};

#[derive(clap::Subcommand, Debug)]
pub enum CacheCommand {
    /// Where the cache is and what it holds.
    Stats,
    /// Remove results not written for a while.
    Prune {
        /// Age past which a result goes, e.g. 30d, 12h.
        #[arg(long, value_name = "AGE", default_value = "30d")]
        older_than: String,
    },
    /// A key pair for signed remote entries: the private key goes in CI's
    /// secret RUNGS_REMOTE_CACHE_SIGNING_KEY, the public one in the config.
    Keygen,
    /// Remove every stored result, hash and duration (installed tools stay unless --all).
    Clear {
        /// Also remove the tools rungs installed.
        #[arg(long)]
        all: bool,
    },
}

pub fn run(command: &CacheCommand) -> Result<i32, Error> {
    match command {
        CacheCommand::Stats => {
            let stats = cache::stats()?;
            println!("cache     {}", stats.root.display());
            for part in &stats.parts {
                println!(
                    "{:<9} {} files, {} ({})",
                    part.name,
                    part.usage.files,
                    part.usage.size(),
                    part.what
                );
            }
            if let Some(remote) = &stats.remote {
                let t = remote.total;
                println!(
                    "remote    {}: {} hits, {} misses ({} rejected), {} uploads, {} skipped, {} errors",
                    remote.remote, t.hits, t.misses, t.rejected, t.uploads, t.skipped, t.errors
                );
                if let Some(last) = &remote.last {
                    let l = last.counts;
                    println!(
                        "          last run: {} hits, {} misses, {} uploads, {} errors{}",
                        l.hits,
                        l.misses,
                        l.uploads,
                        l.errors,
                        last.off
                            .as_ref()
                            .map(|why| format!("; turned off: {why}"))
                            .unwrap_or_default()
                    );
                }
            }
        }
        CacheCommand::Prune { older_than } => {
            let age = crate::config::parse_duration(older_than).ok_or_else(|| Error::Usage {
                message: format!("--older-than `{older_than}` is not a duration"),
                hint: Some("e.g. 30d, 12h, 90m".into()),
            })?;
            let removed = cache::prune(age)?;
            println!(
                "removed {} results ({}) not written in {older_than}",
                removed.files,
                removed.size()
            );
        }
        CacheCommand::Keygen => {
            let (private, public) = cache::remote::keygen()?;
            println!("RUNGS_REMOTE_CACHE_SIGNING_KEY={private}");
            println!("  (a protected, masked CI variable of the jobs that write)");
            println!("[cache]\nremote-public-key = \"{public}\"");
            println!("  (in rungs.toml, committed: readers accept only entries it verifies)");
        }
        CacheCommand::Clear { all } => {
            let cleared = cache::clear(*all)?;
            println!(
                "removed {} files ({}) from {}",
                cleared.removed.files,
                cleared.removed.size(),
                cleared.root.display()
            );
        }
    }
    Ok(exit::PASSED)
}
