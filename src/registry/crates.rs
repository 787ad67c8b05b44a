//! The crates.io sparse index (and registries that copy its layout): one file
//! per crate, one JSON object per published version and line.

use super::{Package, Release};
use serde::Deserialize;

pub const ACCEPT: &str = "text/plain, application/json, */*";

/// Cargo's index layout: `1/{name}`, `2/{name}`, `3/{c}/{name}`,
/// `{ab}/{cd}/{name}`, all lowercase.
pub fn path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        0 => String::new(),
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

pub fn url(index: &str, name: &str) -> String {
    format!("{}/{}", index.trim_end_matches('/'), path(name))
}

#[derive(Deserialize)]
struct Line {
    vers: String,
    #[serde(default)]
    yanked: bool,
    rust_version: Option<String>,
    pubtime: Option<String>,
}

/// Releases from an index file. The index carries no project metadata, so
/// there is no changelog link.
pub fn parse(body: &[u8]) -> Result<Package, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not UTF-8 text".to_string())?;
    let mut releases = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(line).map_err(|e| {
            format!(
                "line {} is not a sparse index entry with `vers` ({e})",
                n + 1
            )
        })?;
        releases.push(Release {
            version: line.vers,
            yanked: line.yanked,
            published: line.pubtime.as_deref().and_then(super::unix_seconds),
            requires_python: None,
            rust_version: line.rust_version,
        });
    }
    if releases.is_empty() {
        return Err("no version lines in the index file".into());
    }
    Ok(Package {
        releases,
        changelog: None,
    })
}
