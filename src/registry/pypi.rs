//! PyPI and its mirrors through the JSON Simple API (PEP 691): one page per
//! project, listing every file with `yanked`, `requires-python` and
//! `upload-time`, and (PEP 700) the project's `versions`.

use super::{Package, Release};
use serde::Deserialize;
use std::collections::BTreeMap;

pub const ACCEPT: &str = "application/vnd.pypi.simple.v1+json";

/// PEP 503 name normalization: lowercase, runs of `-`, `_`, `.` become `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c.to_ascii_lowercase());
            in_run = false;
        }
    }
    out
}

/// `{index}/{normalized-name}/`.
pub fn project_url(index: &str, name: &str) -> String {
    format!("{}/{}/", index.trim_end_matches('/'), normalize(name))
}

/// PyPI's JSON API for the project, where `project_urls` (and so the
/// changelog link) lives; the Simple API has no project metadata.
pub fn project_json_url(json_api: &str, name: &str) -> String {
    format!(
        "{}/{}/json",
        json_api.trim_end_matches('/'),
        normalize(name)
    )
}

#[derive(Deserialize)]
struct Page {
    #[serde(default)]
    files: Vec<File>,
    versions: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct File {
    filename: String,
    #[serde(default)]
    yanked: Yanked,
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
    #[serde(rename = "upload-time")]
    upload_time: Option<String>,
}

/// `false`, `true`, or the reason it was yanked (PEP 592).
#[derive(Deserialize, Default)]
#[serde(untagged)]
enum Yanked {
    #[default]
    No,
    Flag(bool),
    /// The reason is shown by pip, not needed here.
    Reason(#[allow(dead_code)] String),
}

impl Yanked {
    fn is_yanked(&self) -> bool {
        match self {
            Yanked::No => false,
            Yanked::Flag(flag) => *flag,
            Yanked::Reason(_) => true,
        }
    }
}

/// Releases from a project page. A release is yanked only when every one of
/// its files is (or it has no file left to install); it was published when
/// its first file was uploaded.
pub fn parse(body: &[u8], name: &str) -> Result<Package, String> {
    let page: Page = serde_json::from_slice(body)
        .map_err(|e| format!("not a PEP 691 JSON project page ({e})"))?;
    let mut files: BTreeMap<String, Vec<&File>> = BTreeMap::new();
    for file in &page.files {
        if let Some(version) = file_version(&file.filename, name) {
            files.entry(key(&version)).or_default().push(file);
        }
    }
    let versions: Vec<String> = match page.versions {
        Some(versions) => versions,
        // PEP 691 without PEP 700: the files are all there is.
        None => {
            let mut seen: Vec<String> = Vec::new();
            for file in &page.files {
                if let Some(v) = file_version(&file.filename, name)
                    && !seen.iter().any(|s| key(s) == key(&v))
                {
                    seen.push(v);
                }
            }
            seen
        }
    };
    let releases = versions
        .into_iter()
        .map(|version| {
            let files = files.get(&key(&version)).map(Vec::as_slice).unwrap_or(&[]);
            let yanked = files.iter().all(|f| f.yanked.is_yanked());
            let published = files
                .iter()
                .filter_map(|f| f.upload_time.as_deref().and_then(super::unix_seconds))
                .min();
            let requires_python = files
                .iter()
                .filter(|f| !f.yanked.is_yanked())
                .find_map(|f| f.requires_python.clone())
                .filter(|s| !s.trim().is_empty());
            Release {
                version,
                yanked,
                published,
                requires_python,
                rust_version: None,
            }
        })
        .collect();
    Ok(Package {
        releases,
        changelog: None,
    })
}

/// The changelog or release-notes link of a PyPI JSON API release document.
pub fn parse_changelog(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Doc {
        info: Info,
    }
    #[derive(Deserialize)]
    struct Info {
        project_urls: Option<BTreeMap<String, Option<String>>>,
    }
    let doc: Doc = serde_json::from_slice(body).ok()?;
    let urls = doc.info.project_urls?;
    const LABELS: [&str; 6] = [
        "changelog",
        "releasenotes",
        "changes",
        "whatsnew",
        "history",
        "news",
    ];
    for wanted in LABELS {
        for (label, url) in &urls {
            // PEP 753: compare labels without case, punctuation or spaces.
            let label: String = label
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect();
            if label == wanted
                && let Some(url) = url
            {
                return Some(url.clone());
            }
        }
    }
    None
}

/// A version compared as PEP 440 does (`1.0` and `1.0.0` are one release).
fn key(version: &str) -> String {
    match version.parse::<pep440_rs::Version>() {
        Ok(v) => v.to_string(),
        Err(_) => version.to_string(),
    }
}

/// The version in a distribution's file name: wheels and eggs say it after
/// the first `-`; sdists after the project name.
fn file_version(filename: &str, name: &str) -> Option<String> {
    if let Some(stem) = filename
        .strip_suffix(".whl")
        .or_else(|| filename.strip_suffix(".egg"))
    {
        return stem.split('-').nth(1).map(str::to_string);
    }
    let stem = [".tar.gz", ".zip", ".tar.bz2", ".tgz", ".tar"]
        .iter()
        .find_map(|ext| filename.strip_suffix(ext))?;
    let wanted = normalize(name);
    // The name part of an sdist may itself contain `-`: find the split where
    // the part before normalizes to the project name.
    for (i, _) in stem.match_indices('-') {
        if normalize(&stem[..i]) == wanted {
            return Some(stem[i + 1..].to_string());
        }
    }
    stem.rsplit_once('-').map(|(_, v)| v.to_string())
}
