//! Registries: what releases a package has, from PyPI's JSON Simple API, the
//! crates.io sparse index and the npm registry, at the URLs the user's own
//! configuration names, and the known vulnerabilities of the versions in use.
//! The bump job and the `vulnerable-dependencies` check both ask through it.
//!
//! Each look-up is one GET (plus, for pypi.org only, one small best-effort GET
//! for the changelog link), made in parallel, with a timeout, retries and a
//! size limit. Whatever goes wrong is that dependency's error alone.

mod advisories;
mod config;
mod crates;
mod http;
mod npm;
mod pypi;
mod resolve;
#[cfg(test)]
mod tests;

pub use config::{Environment, RegistryOverrides};
pub use http::{FetchError, HttpConfig};
pub use pypi::normalize as normalize_python_name;

use crate::manifest::{Dependency, Ecosystem};
use http::Http;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// One release a registry knows of.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Release {
    pub version: String,
    pub yanked: bool,
    /// Unix seconds of publication, when the registry says.
    pub published: Option<i64>,
    /// PyPI's `requires-python` of the release's files.
    pub requires_python: Option<String>,
    /// crates.io's `rust_version`.
    pub rust_version: Option<String>,
}

/// What a registry knows of a package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Package {
    pub releases: Vec<Release>,
    /// Changelog or release notes link from the package's metadata, if any.
    pub changelog: Option<String>,
}

/// A known vulnerability of a release.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advisory {
    /// `GHSA-…`, `PYSEC-…`.
    pub id: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub link: Option<String>,
    pub summary: String,
    pub fix: Fix,
}

/// Which releases are no longer affected.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// PyPI: the first fixed version of each affected line (may be empty: no fix yet).
    FixedIn(Vec<String>),
    /// npm: the range of affected versions; a release outside it is fixed.
    Outside(String),
}

/// A problem with one dependency: reported, and nothing is written for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DependencyError {
    pub name: String,
    pub manifest: PathBuf,
    pub message: String,
}

/// Where each ecosystem's registry is. Build it with [`Registries::from_env`];
/// [`Lookup`] adds npm scopes, where each URL came from, and patience.
#[derive(Clone, Debug)]
pub struct Registries {
    /// PEP 691 index, e.g. `https://pypi.org/simple`.
    pub pypi: String,
    /// Sparse index without the `sparse+` prefix, e.g. `https://index.crates.io/`.
    pub crates: String,
    /// npm registry, e.g. `https://registry.npmjs.org/`.
    pub npm: String,
}

/// Everything a look-up needs: the registries, npm's per-scope registries,
/// where each URL came from, and how patient to be.
#[derive(Clone, Debug)]
pub struct Lookup {
    pub registries: Registries,
    /// Registries of npm scopes (`@corp:registry=` in `.npmrc`), by scope (`@corp`).
    pub npm_scopes: BTreeMap<String, String>,
    /// PyPI's JSON API, asked for changelog links. Only set when the index is
    /// pypi.org: mirrors rarely have it.
    pub pypi_json: Option<String>,
    /// Where each registry URL came from, for a dry run to show.
    pub origins: Origins,
    pub http: HttpConfig,
    /// Look-ups at once.
    pub jobs: usize,
    /// One client for every look-up of the run (its connection pool and
    /// resolved hosts shared), made from `http` at the first look-up.
    client: std::sync::OnceLock<Http>,
}

/// Which setting named each registry URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origins {
    pub pypi: String,
    pub crates: String,
    pub npm: String,
}

impl Lookup {
    /// The given registries, default patience; changelog links from PyPI's
    /// JSON API when the index is pypi.org.
    pub fn new(registries: Registries) -> Lookup {
        let pypi_json = (registries.pypi.trim_end_matches('/') == config::PYPI)
            .then(|| config::PYPI_JSON.to_string());
        Lookup {
            registries,
            npm_scopes: BTreeMap::new(),
            pypi_json,
            origins: Origins::default(),
            http: HttpConfig::default(),
            jobs: 8,
            client: std::sync::OnceLock::new(),
        }
    }

    /// The registries of the project's `[bump.registries]`, over the user's
    /// pip, uv, Cargo and npm configuration.
    pub fn from_config(root: &Path, registries: &crate::config::BumpRegistries) -> Lookup {
        Lookup::from_env(
            root,
            &RegistryOverrides {
                pypi: registries.pypi.clone(),
                crates: registries.crates.clone(),
                npm: registries.npm.clone(),
                pypi_json: registries.pypi_json.clone(),
            },
        )
    }

    /// See [`Registries::from_env`].
    pub fn from_env(root: &Path, overrides: &RegistryOverrides) -> Lookup {
        Lookup::from_environment(root, overrides, &Environment::current())
    }

    /// As [`Lookup::from_env`], reading `env` instead of the process's.
    pub fn from_environment(
        root: &Path,
        overrides: &RegistryOverrides,
        env: &Environment,
    ) -> Lookup {
        let pypi = config::pypi(root, env, overrides.pypi.as_deref());
        let crates = config::crates(root, env, overrides.crates.as_deref());
        let (npm, npm_scopes) = config::npm(root, env, overrides.npm.as_deref());
        let mut lookup = Lookup::new(Registries {
            pypi: pypi.url,
            crates: crates.url,
            npm: npm.url,
        });
        lookup.npm_scopes = npm_scopes;
        if let Some(json_api) = &overrides.pypi_json {
            lookup.pypi_json = Some(json_api.trim().to_string());
        }
        lookup.origins = Origins {
            pypi: pypi.from,
            crates: crates.from,
            npm: npm.from,
        };
        lookup
    }

    fn client(&self) -> &Http {
        self.client.get_or_init(|| Http::new(self.http.clone()))
    }

    /// The URL a dependency's releases are read from.
    pub fn url(&self, ecosystem: Ecosystem, name: &str) -> String {
        match ecosystem {
            Ecosystem::Python => pypi::project_url(&self.registries.pypi, name),
            Ecosystem::Rust => crates::url(&self.registries.crates, name),
            Ecosystem::Node => {
                let scoped = name
                    .split_once('/')
                    .and_then(|(scope, _)| self.npm_scopes.get(scope));
                npm::url(scoped.unwrap_or(&self.registries.npm), name)
            }
        }
    }

    /// Look up every dependency (in parallel); a failure is that dependency's
    /// alone. The results are in the order of `deps`; a package two
    /// manifests declare is asked for once.
    pub fn fetch_all(&self, deps: &[Dependency]) -> Vec<Result<Package, DependencyError>> {
        let http = self.client();
        let mut unique: Vec<(Ecosystem, String)> = Vec::new();
        let mut slot_of: HashMap<(Ecosystem, String), usize> = HashMap::new();
        let slots: Vec<usize> = deps
            .iter()
            .map(|d| {
                let key = (d.ecosystem, self.url(d.ecosystem, &d.name));
                *slot_of.entry(key).or_insert_with(|| {
                    unique.push((d.ecosystem, d.name.clone()));
                    unique.len() - 1
                })
            })
            .collect();
        let results: Vec<Result<Package, String>> = self
            .parallel(&unique, |(ecosystem, name)| {
                self.fetch(http, *ecosystem, name)
            })
            .into_iter()
            .map(|r| r.unwrap_or_else(|| Err("the look-up did not finish".into())))
            .collect();
        deps.iter()
            .zip(slots)
            .map(|(dep, slot)| {
                results[slot].clone().map_err(|message| DependencyError {
                    name: dep.name.clone(),
                    manifest: dep.manifest.clone(),
                    message,
                })
            })
            .collect()
    }

    /// `work` on each item, at most `jobs` at once; the results in order
    /// (`None` where a worker died).
    fn parallel<T: Sync, R: Send>(
        &self,
        items: &[T],
        work: impl Fn(&T) -> R + Sync,
    ) -> Vec<Option<R>> {
        let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
        let next = AtomicUsize::new(0);
        let workers = self.jobs.clamp(1, 32).min(items.len().max(1));
        std::thread::scope(|scope| {
            for _ in 0..workers {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            break;
                        };
                        let result = work(item);
                        if let Ok(mut slot) = results[i].lock() {
                            *slot = Some(result);
                        }
                    }
                });
            }
        });
        results
            .into_iter()
            .map(|m| m.into_inner().ok().flatten())
            .collect()
    }

    /// Known vulnerabilities of the versions in use, by dependency (in the
    /// order of `deps`; empty when none is known or the dependency has no
    /// version in use). PyPI's JSON API is asked only at pypi.org; npm's
    /// bulk endpoint once for all packages of the main registry. A registry
    /// that can't answer is an error for the dependencies it concerns.
    pub fn advisories(&self, deps: &[Dependency]) -> Vec<Result<Vec<Advisory>, DependencyError>> {
        let http = self.client();
        let error = |dep: &Dependency, message: String| DependencyError {
            name: dep.name.clone(),
            manifest: dep.manifest.clone(),
            message,
        };
        let python: Vec<(usize, String)> = match &self.pypi_json {
            Some(json_api) => deps
                .iter()
                .enumerate()
                .filter(|(_, d)| d.ecosystem == Ecosystem::Python)
                .filter_map(|(i, d)| {
                    let current = d.current.as_deref()?;
                    Some((i, advisories::pypi_url(json_api, &d.name, current)))
                })
                .collect(),
            None => Vec::new(),
        };
        let asked = self.parallel(&python, |(_, url)| {
            http.get(url, "application/json")
                .map_err(|e| format!("GET {url}: {e}; expected a PyPI release document"))
                .and_then(|r| {
                    advisories::parse_pypi(&r.body).map_err(|e| format!("GET {url}: {e}"))
                })
        });
        let mut out: Vec<Result<Vec<Advisory>, DependencyError>> =
            deps.iter().map(|_| Ok(Vec::new())).collect();
        for ((i, url), result) in python.iter().zip(asked) {
            let dep = &deps[*i];
            out[*i] = match result {
                // A release PyPI does not know (a local build, a typo, a
                // mirror without the JSON API) is not one without advisories.
                Some(Err(message)) if message.contains("HTTP 404") => Err(error(
                    dep,
                    format!(
                        "{} {} is not known to PyPI's JSON API (GET {url}: HTTP 404), so its known vulnerabilities are unknown",
                        dep.name,
                        dep.current.as_deref().unwrap_or_default()
                    ),
                )),
                Some(r) => r.map_err(|m| error(dep, m)),
                None => Err(error(dep, "the look-up did not finish".into())),
            };
        }
        let node: Vec<(usize, &str, &str)> = deps
            .iter()
            .enumerate()
            .filter(|(_, d)| d.ecosystem == Ecosystem::Node)
            .filter(|(_, d)| {
                !d.name
                    .split_once('/')
                    .is_some_and(|(scope, _)| self.npm_scopes.contains_key(scope))
            })
            .filter_map(|(i, d)| Some((i, d.name.as_str(), d.current.as_deref()?)))
            .collect();
        if !node.is_empty() {
            let url = advisories::npm_url(&self.registries.npm);
            let pairs: Vec<(&str, &str)> = node.iter().map(|(_, n, v)| (*n, *v)).collect();
            let answer = http
                .post_json(&url, &advisories::npm_request(&pairs))
                .map_err(|e| format!("POST {url}: {e}; expected npm's bulk advisory answer"))
                .and_then(|r| {
                    advisories::parse_npm(&r.body).map_err(|e| format!("POST {url}: {e}"))
                });
            for (i, name, _) in node {
                out[i] = match &answer {
                    Ok(by_name) => Ok(by_name.get(name).cloned().unwrap_or_default()),
                    Err(message) => Err(error(&deps[i], message.clone())),
                };
            }
        }
        out
    }

    /// One package from its registry; the error names the URL and what was expected.
    fn fetch(&self, http: &Http, ecosystem: Ecosystem, name: &str) -> Result<Package, String> {
        let url = self.url(ecosystem, name);
        let (accept, expected) = match ecosystem {
            Ecosystem::Python => (pypi::ACCEPT, "a PEP 691 JSON project page"),
            Ecosystem::Rust => (crates::ACCEPT, "a sparse index file"),
            Ecosystem::Node => (npm::ACCEPT, "an npm package document"),
        };
        let response = http.get(&url, accept).map_err(|e| match e {
            FetchError::NotFound => format!("{name} is not on the registry (GET {url}: HTTP 404)"),
            FetchError::Status(_) | FetchError::Timeout(_) | FetchError::Transport(_) => format!(
                "GET {url}: {e} (after {} attempts); expected {expected}",
                http.config().retries + 1
            ),
            FetchError::TooLarge(_) => format!("GET {url}: {e}; expected {expected}"),
        })?;
        let parsed = match ecosystem {
            Ecosystem::Python => {
                if response.content_type.starts_with("text/html") {
                    Err("the index answered HTML (PEP 503); rungs reads the JSON Simple API (PEP 691)".to_string())
                } else {
                    pypi::parse(&response.body, name)
                }
            }
            Ecosystem::Rust => crates::parse(&response.body),
            Ecosystem::Node => npm::parse(&response.body),
        };
        let mut package = parsed.map_err(|e| format!("GET {url}: {e}; expected {expected}"))?;
        if ecosystem == Ecosystem::Python
            && let Some(json_api) = &self.pypi_json
        {
            package.changelog = self.pypi_changelog(http, json_api, name);
        }
        Ok(package)
    }

    /// Best effort: the `project_urls` changelog entry of the project's JSON document.
    fn pypi_changelog(&self, http: &Http, json_api: &str, name: &str) -> Option<String> {
        let url = pypi::project_json_url(json_api, name);
        let response = http.get(&url, "application/json").ok()?;
        pypi::parse_changelog(&response.body)
    }
}

/// The name a registry knows a dependency by: PEP 503 for Python, `-` and
/// `_` alike for crates, as written for npm.
pub fn normalize_name(ecosystem: Ecosystem, name: &str) -> String {
    match ecosystem {
        Ecosystem::Python => pypi::normalize(name),
        Ecosystem::Rust => name.replace('_', "-").to_ascii_lowercase(),
        Ecosystem::Node => name.to_string(),
    }
}

/// A package from a registry answer already in hand (a recorded one, say).
#[cfg(test)]
pub fn parse_recorded(ecosystem: Ecosystem, name: &str, body: &[u8]) -> Result<Package, String> {
    match ecosystem {
        Ecosystem::Python => pypi::parse(body, name),
        Ecosystem::Rust => crates::parse(body),
        Ecosystem::Node => npm::parse(body),
    }
}

/// Unix seconds of an RFC 3339 time (`2024-01-31T12:00:00.123Z`).
fn unix_seconds(text: &str) -> Option<i64> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.as_second())
}
