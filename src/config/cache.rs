//! `[cache]`: the shared remote cache. The server's address may be written
//! here; credentials never are (they go in the URL of `RUNGS_REMOTE_CACHE`
//! or in `RUNGS_REMOTE_CACHE_TOKEN`), and writing is asked for per machine,
//! so a committed config can't turn a developer's laptop into a writer.

use serde::Deserialize;
use toml::Spanned;

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct CacheConfig {
    /// Base URL of an HTTP cache server (`{remote}/ac/{key}`);
    /// `RUNGS_REMOTE_CACHE` wins.
    pub remote: Option<Spanned<String>>,
    /// Store results on the remote (default false; `RUNGS_REMOTE_CACHE_WRITE=1`).
    pub remote_write: Option<bool>,
    /// Base64 ed25519 public key: when set, only entries signed with its
    /// private key (held by CI) are hits.
    pub remote_public_key: Option<Spanned<String>>,
}
