//! `rungs cache stats | prune --older-than 30d | clear`.

use crate::dirs;
use crate::error::Error;
use std::path::Path;
use std::time::SystemTime;

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
    /// Remove every stored result, hash and duration (installed tools stay unless --all).
    Clear {
        /// Also remove the tools rungs installed.
        #[arg(long)]
        all: bool,
    },
}

/// (files, bytes) under a folder, optionally only those older than `cutoff`, removing them.
fn walk(dir: &Path, cutoff: Option<SystemTime>, remove: bool) -> (u64, u64) {
    let mut found = (0, 0);
    for entry in walkdir(dir) {
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        if let Some(cutoff) = cutoff
            && meta.modified().is_ok_and(|m| m >= cutoff)
        {
            continue;
        }
        found.0 += 1;
        found.1 += meta.len();
        if remove {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    found
}

fn walkdir(dir: &Path) -> impl Iterator<Item = ignore::DirEntry> {
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        // The hook's copies of the index are whole or nothing: an old file in
        // one is current, and pruning it would leave the copy incomplete.
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with("shadow"))
        .build()
        .filter_map(Result::ok)
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

pub fn run(command: &CacheCommand) -> Result<i32, Error> {
    let root = dirs::root()?;
    match command {
        CacheCommand::Stats => {
            println!("cache     {}", root.display());
            for (name, what) in [
                ("results", "stored results"),
                ("projects", "per-file results, file hashes and durations"),
                ("tools", "tools rungs installed"),
            ] {
                let (files, bytes) = walk(&root.join(name), None, false);
                println!("{name:<9} {files} files, {} ({what})", human(bytes));
            }
        }
        CacheCommand::Prune { older_than } => {
            let age = crate::config::parse_duration(older_than).ok_or_else(|| Error::Usage {
                message: format!("--older-than `{older_than}` is not a duration"),
                hint: Some("e.g. 30d, 12h, 90m".into()),
            })?;
            let cutoff = SystemTime::now()
                .checked_sub(age)
                .unwrap_or(SystemTime::UNIX_EPOCH);
            let (mut files, mut bytes) = walk(&root.join("results"), Some(cutoff), true);
            // Per-file tables, hashes and durations of projects not run for as long.
            let (f, b) = walk(&root.join("projects"), Some(cutoff), true);
            files += f;
            bytes += b;
            println!(
                "removed {files} results ({}) not written in {}",
                human(bytes),
                older_than
            );
        }
        CacheCommand::Clear { all } => {
            let mut names = vec!["results", "projects"];
            if *all {
                names.push("tools");
            }
            let mut total = (0, 0);
            for name in names {
                let (files, bytes) = walk(&root.join(name), None, false);
                total = (total.0 + files, total.1 + bytes);
                let dir = root.join(name);
                if dir.exists() {
                    std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                }
            }
            let _ = std::fs::remove_file(root.join("versions.json"));
            println!(
                "removed {} files ({}) from {}",
                total.0,
                human(total.1),
                root.display()
            );
        }
    }
    Ok(0)
}
