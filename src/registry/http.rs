//! One patient, bounded HTTP GET: a timeout per attempt, a few retries with
//! backoff when the server is busy or slow, and a size limit, so a registry
//! that misbehaves costs one dependency a clear error and never the whole run.

use std::time::Duration;

/// How patient to be with a registry.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// Whole-request time limit of one attempt (connect, headers and body).
    pub timeout: Duration,
    /// Attempts after the first, on 5xx, 429, timeouts and dropped connections.
    pub retries: u32,
    /// Pause before the first retry; doubled before each further one.
    pub backoff: Duration,
    /// Largest body read; a longer one is an error, not a truncated answer.
    pub max_bytes: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            timeout: Duration::from_secs(20),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_bytes: 20 * 1024 * 1024,
        }
    }
}

/// Why a GET gave no body. `Display` says what happened, never the URL: the
/// caller names the package and the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchError {
    NotFound,
    Status(u16),
    Timeout(Duration),
    TooLarge(u64),
    Transport(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::NotFound => write!(f, "not found (HTTP 404)"),
            FetchError::Status(code) => write!(f, "HTTP {code}"),
            FetchError::Timeout(limit) => {
                write!(f, "no complete answer within {}s", limit.as_secs_f32())
            }
            FetchError::TooLarge(limit) => {
                write!(
                    f,
                    "answer larger than the {} MiB limit",
                    limit / (1024 * 1024)
                )
            }
            FetchError::Transport(message) => write!(f, "{message}"),
        }
    }
}

impl FetchError {
    fn retryable(&self) -> bool {
        match self {
            FetchError::Status(code) => *code >= 500 || *code == 429,
            FetchError::Timeout(_) | FetchError::Transport(_) => true,
            FetchError::NotFound | FetchError::TooLarge(_) => false,
        }
    }
}

/// A body and the content type it came with.
#[derive(Debug)]
pub struct Response {
    pub content_type: String,
    pub body: Vec<u8>,
}

/// A shared agent (connection pool) with the limits of an [`HttpConfig`].
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
    config: HttpConfig,
}

impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("config", &self.config)
            .finish()
    }
}

impl Http {
    pub fn new(config: HttpConfig) -> Http {
        // The system's trust store (SSL_CERT_FILE honoured), so registries
        // behind a company proxy with its own CA work as they do for pip and npm.
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        // Connections are kept for every look-up at once to reuse (ureq
        // keeps 3 per host by default: the others paid a new TLS handshake).
        let agent_config = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_global(Some(config.timeout))
            .http_status_as_error(false)
            .max_idle_connections_per_host(32)
            .max_idle_connections(64)
            .user_agent(concat!("rungs/", env!("CARGO_PKG_VERSION")))
            .build();
        let agent = ureq::Agent::with_parts(
            agent_config,
            ureq::unversioned::transport::DefaultConnector::default(),
            super::resolve::QuickResolver::default(),
        );
        Http { agent, config }
    }

    pub fn config(&self) -> &HttpConfig {
        &self.config
    }

    /// GET `url` with `Accept: accept`, retrying what may pass on a second try.
    pub fn get(&self, url: &str, accept: &str) -> Result<Response, FetchError> {
        self.retrying(|| {
            let answer = self.agent.get(url).header("Accept", accept).call();
            self.read(answer)
        })
    }

    /// POST a JSON `body` to `url` (a query, like npm's bulk advisories:
    /// safe to retry).
    pub fn post_json(&self, url: &str, body: &[u8]) -> Result<Response, FetchError> {
        self.retrying(|| {
            let answer = self
                .agent
                .post(url)
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .send(body);
            self.read(answer)
        })
    }

    fn retrying(
        &self,
        once: impl Fn() -> Result<Response, FetchError>,
    ) -> Result<Response, FetchError> {
        let mut pause = self.config.backoff;
        let mut attempt = 0;
        loop {
            match once() {
                Err(err) if err.retryable() && attempt < self.config.retries => {
                    attempt += 1;
                    std::thread::sleep(pause);
                    pause *= 2;
                }
                other => return other,
            }
        }
    }

    fn read(
        &self,
        answer: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Result<Response, FetchError> {
        let mut response = answer.map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        if status == 404 || status == 410 {
            return Err(FetchError::NotFound);
        }
        if !(200..300).contains(&status) {
            return Err(FetchError::Status(status));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response
            .body_mut()
            .with_config()
            .limit(self.config.max_bytes)
            .read_to_vec()
            .map_err(|e| self.classify(e))?;
        Ok(Response { content_type, body })
    }

    fn classify(&self, err: ureq::Error) -> FetchError {
        match err {
            ureq::Error::Timeout(_) => FetchError::Timeout(self.config.timeout),
            ureq::Error::BodyExceedsLimit(_) => FetchError::TooLarge(self.config.max_bytes),
            ureq::Error::StatusCode(404) => FetchError::NotFound,
            ureq::Error::StatusCode(code) => FetchError::Status(code),
            ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
                FetchError::Timeout(self.config.timeout)
            }
            other => FetchError::Transport(other.to_string()),
        }
    }
}
