//! The npm registry: the full package document (`dist-tags`, `versions`,
//! `time`). The abbreviated "install" document would be smaller but has no
//! publication times, which the cooldown needs.

use super::{Package, Release};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const ACCEPT: &str = "application/json";

/// `{registry}/{name}`, a scope's `/` written `%2F` as the registry expects.
pub fn url(registry: &str, name: &str) -> String {
    format!(
        "{}/{}",
        registry.trim_end_matches('/'),
        name.replace('/', "%2F")
    )
}

#[derive(Deserialize)]
struct Doc {
    #[serde(rename = "dist-tags", default)]
    dist_tags: BTreeMap<String, String>,
    #[serde(default)]
    versions: BTreeMap<String, Manifest>,
    #[serde(default)]
    time: BTreeMap<String, serde_json::Value>,
    repository: Option<Repository>,
    homepage: Option<String>,
}

#[derive(Deserialize)]
struct Manifest {
    deprecated: Option<serde_json::Value>,
    repository: Option<Repository>,
    homepage: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Repository {
    Url(String),
    Object { url: Option<String> },
    Other(#[allow(dead_code)] serde_json::Value),
}

/// Releases from a package document. A deprecated version counts as yanked:
/// its authors asked people off it, and npm warns whoever installs it.
pub fn parse(body: &[u8]) -> Result<Package, String> {
    let doc: Doc =
        serde_json::from_slice(body).map_err(|e| format!("not an npm package document ({e})"))?;
    let releases = doc
        .versions
        .iter()
        .map(|(version, manifest)| Release {
            version: version.clone(),
            yanked: match &manifest.deprecated {
                None | Some(serde_json::Value::Null) | Some(serde_json::Value::Bool(false)) => {
                    false
                }
                Some(serde_json::Value::String(s)) => !s.is_empty(),
                Some(_) => true,
            },
            published: doc
                .time
                .get(version)
                .and_then(|t| t.as_str())
                .and_then(super::unix_seconds),
            requires_python: None,
            rust_version: None,
        })
        .collect();
    let latest = doc
        .dist_tags
        .get("latest")
        .and_then(|v| doc.versions.get(v));
    let repository = latest
        .and_then(|m| m.repository.as_ref())
        .or(doc.repository.as_ref());
    let homepage = latest
        .and_then(|m| m.homepage.as_ref())
        .and_then(|h| h.as_str().map(str::to_string))
        .or(doc.homepage.clone());
    Ok(Package {
        releases,
        changelog: repository
            .and_then(releases_page)
            .or(homepage.filter(|h| h.starts_with("https://"))),
    })
}

/// A GitHub or GitLab repository's releases page.
fn releases_page(repository: &Repository) -> Option<String> {
    let url = match repository {
        Repository::Url(url) => url.as_str(),
        Repository::Object { url } => url.as_deref()?,
        Repository::Other(_) => return None,
    };
    let url = url.trim();
    let (host, path) = if let Some(path) = url.strip_prefix("github:") {
        ("github.com", path)
    } else if let Some(path) = url.strip_prefix("gitlab:") {
        ("gitlab.com", path)
    } else if !url.contains(':') && url.matches('/').count() == 1 {
        // npm's shorthand `user/repo` means GitHub.
        ("github.com", url)
    } else {
        let rest = url
            .trim_start_matches("git+")
            .trim_start_matches("https://")
            .trim_start_matches("http://")
            .trim_start_matches("ssh://")
            .trim_start_matches("git://")
            .trim_start_matches("git@");
        let (host, path) = rest.split_once(['/', ':'])?;
        (host, path)
    };
    let path = path.trim_end_matches('/').trim_end_matches(".git");
    let path = path.split('#').next()?;
    match host {
        "github.com" => Some(format!("https://github.com/{path}/releases")),
        "gitlab.com" => Some(format!("https://gitlab.com/{path}/-/releases")),
        _ => None,
    }
}
