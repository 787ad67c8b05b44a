//! `[bump]`: the policy and commands of `rungs bump`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct BumpConfig {
    /// The largest update taken: "patch", "minor" (default) or "major".
    pub allow: Option<Spanned<String>>,
    /// Minimum release age before a release is taken (default "3d").
    pub cooldown: Option<Spanned<String>>,
    /// Dependencies never bumped.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Command that refreshes the environment before each verification
    /// (default per ecosystem: pip for Python, `cargo fetch`, `npm ci`).
    pub install: Option<Vec<String>>,
    /// Tier the verification runs at (default: the project's tier).
    pub tier: Option<String>,
    /// Branch name; `{date}` becomes YYYY-MM-DD (default "rungs/bump-{date}").
    pub branch: Option<String>,
    /// Registry URLs, over what pip, Cargo and npm are configured with.
    #[serde(default)]
    pub registries: Registries,
    /// Per dependency: `allow` or `ignore`.
    #[serde(default)]
    pub dependencies: BTreeMap<String, DependencyRule>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename_all = "kebab-case")]
pub struct Registries {
    pub pypi: Option<String>,
    pub crates: Option<String>,
    pub npm: Option<String>,
    /// PyPI's JSON API (`https://pypi.org/pypi`): known vulnerabilities and
    /// changelog links. Asked by default only when the index is pypi.org.
    pub pypi_json: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DependencyRule {
    pub allow: Option<Spanned<String>>,
    #[serde(default)]
    pub ignore: bool,
}
