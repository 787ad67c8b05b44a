//! The HTTP side of the remote cache: `GET`, `HEAD` and `PUT` on
//! `{base}/ac/{key}`, the protocol Bazel, ccache and Gradle speak, each
//! request bounded in time, so a slow server costs at most one timeout.

use super::Settings;
use crate::cache::CacheKey;
use std::time::Duration;

/// Requests in flight at once, each on a connection of its own kept open
/// for the next: a look-up of many keys costs about their number divided
/// by this, times the server's round trip.
pub const PARALLEL: usize = 8;

/// Connecting takes at most this long (a dead host, a dropped SYN).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// One whole request (connect, send, headers, body) at most this long.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest entry read; a larger answer is not ours.
const MAX_ENTRY: u64 = 64 * 1024 * 1024;

/// Why a request gave no answer rungs can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No answer in time, or no connection at all.
    Unreachable(String),
    /// 401 or 403: the credentials are wrong or lack the right.
    Refused(u16),
    /// Any other status that is neither a hit, a miss, nor stored.
    Status(u16),
}

impl Failure {
    /// Whether trying again this run is pointless: a server that does not
    /// answer would cost a timeout each time, and credentials do not mend.
    pub fn is_final(&self) -> bool {
        !matches!(self, Failure::Status(_))
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(why) => write!(f, "{why}"),
            Failure::Refused(code) => write!(
                f,
                "the server refused the credentials (HTTP {code}); check the user and password in RUNGS_REMOTE_CACHE, or RUNGS_REMOTE_CACHE_TOKEN"
            ),
            Failure::Status(code) => write!(f, "HTTP {code}"),
        }
    }
}

/// What a `PUT` came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Stored {
    Yes,
    /// 413: the server takes no entry that large; skipped.
    TooLarge,
}

pub struct Client {
    agent: ureq::Agent,
    base: String,
    auth: Option<String>,
}

impl Client {
    pub fn new(settings: &Settings) -> Client {
        // The system's trust store, as for the registries: a company CA works.
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_global(Some(REQUEST_TIMEOUT))
            .http_status_as_error(false)
            // One kept-alive connection per request in flight.
            .max_idle_connections(PARALLEL)
            .max_idle_connections_per_host(PARALLEL)
            .user_agent(concat!("rungs/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client {
            agent,
            base: settings.base.clone(),
            auth: settings.auth.clone(),
        }
    }

    fn url(&self, key: CacheKey) -> String {
        format!("{}/ac/{key}", self.base)
    }

    /// The stored bytes, or `None` on a miss (404).
    pub fn get(&self, key: CacheKey) -> Result<Option<Vec<u8>>, Failure> {
        let mut req = self.agent.get(self.url(key));
        if let Some(auth) = &self.auth {
            req = req.header("Authorization", auth);
        }
        let mut response = req.call().map_err(unreachable)?;
        match response.status().as_u16() {
            200 => response
                .body_mut()
                .with_config()
                .limit(MAX_ENTRY)
                .read_to_vec()
                .map(Some)
                .map_err(unreachable),
            404 => Ok(None),
            code => Err(status(code)),
        }
    }

    /// Whether the server holds an entry for `key`.
    pub fn head(&self, key: CacheKey) -> Result<bool, Failure> {
        let mut req = self.agent.head(self.url(key));
        if let Some(auth) = &self.auth {
            req = req.header("Authorization", auth);
        }
        match req.call().map_err(unreachable)?.status().as_u16() {
            200 => Ok(true),
            404 => Ok(false),
            code => Err(status(code)),
        }
    }

    pub fn put(&self, key: CacheKey, bytes: &[u8]) -> Result<Stored, Failure> {
        let mut req = self
            .agent
            .put(self.url(key))
            .header("Content-Type", "application/octet-stream");
        if let Some(auth) = &self.auth {
            req = req.header("Authorization", auth);
        }
        match req.send(bytes).map_err(unreachable)?.status().as_u16() {
            200..=299 => Ok(Stored::Yes),
            413 => Ok(Stored::TooLarge),
            code => Err(status(code)),
        }
    }
}

fn status(code: u16) -> Failure {
    match code {
        401 | 403 => Failure::Refused(code),
        code => Failure::Status(code),
    }
}

fn unreachable(err: ureq::Error) -> Failure {
    Failure::Unreachable(match err {
        ureq::Error::Timeout(_) => format!("no answer within {}s", REQUEST_TIMEOUT.as_secs()),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            format!("no answer within {}s", REQUEST_TIMEOUT.as_secs())
        }
        other => other.to_string(),
    })
}
