//! Known vulnerabilities of the versions in use: PyPI's JSON API lists them
//! per release (`/pypi/NAME/VERSION/json`, `vulnerabilities`, from the
//! PyPA advisory database and OSV), npm's registry answers for many packages
//! at once (`POST /-/npm/v1/security/advisories/bulk`). Whether a release
//! fixes them is each ecosystem's question: PyPI names the fixed versions,
//! npm the vulnerable range.

use super::{Advisory, Fix};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `{json_api}/{name}/{version}/json`.
pub fn pypi_url(json_api: &str, name: &str, version: &str) -> String {
    format!(
        "{}/{}/{}/json",
        json_api.trim_end_matches('/'),
        super::pypi::normalize(name),
        version
    )
}

/// `{registry}/-/npm/v1/security/advisories/bulk`.
pub fn npm_url(registry: &str) -> String {
    format!(
        "{}/-/npm/v1/security/advisories/bulk",
        registry.trim_end_matches('/')
    )
}

#[derive(Deserialize)]
struct PypiRelease {
    #[serde(default)]
    vulnerabilities: Vec<PypiVulnerability>,
}

#[derive(Deserialize)]
struct PypiVulnerability {
    id: String,
    #[serde(default)]
    aliases: Vec<String>,
    link: Option<String>,
    summary: Option<String>,
    details: Option<String>,
    #[serde(default)]
    fixed_in: Vec<String>,
    withdrawn: Option<String>,
}

/// The advisories of one PyPI release document; withdrawn ones left out.
pub fn parse_pypi(body: &[u8]) -> Result<Vec<Advisory>, String> {
    let release: PypiRelease =
        serde_json::from_slice(body).map_err(|e| format!("not a PyPI release document: {e}"))?;
    Ok(release
        .vulnerabilities
        .into_iter()
        .filter(|v| v.withdrawn.is_none())
        .map(|v| {
            let summary = v
                .summary
                .or(v.details)
                .map(|s| s.lines().next().unwrap_or("").to_string())
                .unwrap_or_default();
            Advisory {
                id: v.id,
                aliases: v.aliases,
                link: v.link,
                summary,
                fix: Fix::FixedIn(v.fixed_in),
            }
        })
        .collect())
}

#[derive(Deserialize)]
struct NpmAdvisory {
    id: serde_json::Value,
    url: Option<String>,
    title: Option<String>,
    vulnerable_versions: Option<String>,
}

/// The bulk endpoint's body: `{"name": ["version"], ...}`.
pub fn npm_request(versions: &[(&str, &str)]) -> Vec<u8> {
    let mut map: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, version) in versions {
        map.entry(name).or_default().push(version);
    }
    serde_json::to_vec(&map).unwrap_or_default()
}

/// The bulk endpoint's answer, by package name.
pub fn parse_npm(body: &[u8]) -> Result<BTreeMap<String, Vec<Advisory>>, String> {
    let answer: BTreeMap<String, Vec<NpmAdvisory>> = serde_json::from_slice(body)
        .map_err(|e| format!("not an npm bulk advisory answer: {e}"))?;
    Ok(answer
        .into_iter()
        .map(|(name, advisories)| {
            let advisories = advisories
                .into_iter()
                .map(|a| {
                    let id = match &a.id {
                        serde_json::Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    // The GHSA id is the link's last segment.
                    let ghsa = a
                        .url
                        .as_deref()
                        .and_then(|u| u.rsplit('/').next())
                        .filter(|s| s.starts_with("GHSA-"))
                        .map(str::to_string);
                    Advisory {
                        id: ghsa.unwrap_or(id),
                        aliases: Vec::new(),
                        link: a.url,
                        summary: a.title.unwrap_or_default(),
                        fix: Fix::Outside(a.vulnerable_versions.unwrap_or_else(|| "*".into())),
                    }
                })
                .collect();
            (name, advisories)
        })
        .collect())
}
