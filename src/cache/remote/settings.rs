//! Where the remote cache is and what this machine may do with it: the
//! project's `[cache]` table, then the environment (`RUNGS_REMOTE_CACHE`,
//! `RUNGS_REMOTE_CACHE_TOKEN`, `RUNGS_REMOTE_CACHE_WRITE`,
//! `RUNGS_REMOTE_CACHE_SIGNING_KEY`), checked once here.

use crate::config::Config;
use crate::error::Error;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use ed25519_dalek::{SigningKey, VerifyingKey};

/// The remote cache as this run may use it.
pub struct Settings {
    /// `scheme://host[:port][/path]`, no credentials, no trailing `/`.
    pub base: String,
    /// The `Authorization` header, from the URL's user info or the token.
    pub auth: Option<String>,
    /// Store results there (off unless asked).
    pub write: bool,
    /// Only entries signed by its private key are hits.
    pub public_key: Option<VerifyingKey>,
    /// Signs what this run stores.
    pub signing_key: Option<SigningKey>,
}

impl Settings {
    /// The remote cache the config and environment name, if any.
    pub fn resolve(config: &Config) -> Result<Option<Settings>, Error> {
        let table = &config.raw.cache;
        let url = match std::env::var("RUNGS_REMOTE_CACHE") {
            // Set but empty: no remote for this run, whatever the config says.
            Ok(url) if url.trim().is_empty() => return Ok(None),
            Ok(url) => Url::parse(url.trim()).map_err(|why| {
                Error::usage(format!("RUNGS_REMOTE_CACHE `{}`: {why}", redact(&url)))
            })?,
            Err(_) => match &table.remote {
                None => return Ok(None),
                Some(url) => Url::parse(url.get_ref().trim())
                    .map_err(|why| config.source().error(url.span(), why))?,
            },
        };
        let public_key = match &table.remote_public_key {
            None => None,
            Some(text) => Some(public_key(text.get_ref()).ok_or_else(|| {
                config.source().error(
                    text.span(),
                    "expected the base64 of a 32-byte ed25519 public key (`rungs cache keygen` makes a pair)",
                )
            })?),
        };
        let write = match std::env::var("RUNGS_REMOTE_CACHE_WRITE").as_deref() {
            Ok("1" | "true" | "yes") => true,
            Ok("0" | "false" | "no" | "") => false,
            Ok(other) => {
                return Err(Error::usage(format!(
                    "RUNGS_REMOTE_CACHE_WRITE is `{other}` (expected 1 or 0)"
                )));
            }
            Err(_) => table.remote_write.unwrap_or(false),
        };
        let signing_key = match std::env::var("RUNGS_REMOTE_CACHE_SIGNING_KEY") {
            Ok(text) if !text.trim().is_empty() => Some(signing_key(text.trim()).ok_or_else(
                || {
                    Error::usage(
                        "RUNGS_REMOTE_CACHE_SIGNING_KEY is not the base64 of a 32-byte ed25519 private key",
                    )
                },
            )?),
            _ => None,
        };
        if let (true, Some(public)) = (write, &public_key) {
            match &signing_key {
                None => {
                    return Err(Error::Usage {
                        message: "writing to the remote cache, whose entries must be signed (`remote-public-key`), needs RUNGS_REMOTE_CACHE_SIGNING_KEY".into(),
                        hint: Some("set it where writes are meant to happen (protected CI), or leave writing off".into()),
                    });
                }
                Some(key) if key.verifying_key() != *public => {
                    return Err(Error::usage(
                        "RUNGS_REMOTE_CACHE_SIGNING_KEY does not match the project's `remote-public-key`: what it signs no one would read",
                    ));
                }
                Some(_) => {}
            }
        }
        let token = std::env::var("RUNGS_REMOTE_CACHE_TOKEN")
            .ok()
            .filter(|t| !t.trim().is_empty());
        let auth = match (token, url.user) {
            (Some(token), _) => Some(format!("Bearer {}", token.trim())),
            (None, Some(user)) => Some(format!("Basic {}", BASE64.encode(user))),
            (None, None) => None,
        };
        Ok(Some(Settings {
            base: url.base,
            auth,
            write,
            public_key,
            signing_key,
        }))
    }
}

/// A URL split into what may be shown and its credentials.
struct Url {
    base: String,
    /// `user:password`, percent-decoded.
    user: Option<String>,
}

impl Url {
    fn parse(text: &str) -> Result<Url, String> {
        let (scheme, rest) = text
            .split_once("://")
            .filter(|(s, _)| matches!(*s, "http" | "https"))
            .ok_or("expected an http:// or https:// URL")?;
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let (user, host) = match authority.rsplit_once('@') {
            Some((user, host)) => (Some(percent_decode(user)), host),
            None => (None, authority),
        };
        if host.is_empty() {
            return Err("the URL names no host".into());
        }
        Ok(Url {
            base: format!("{scheme}://{host}{}", path.trim_end_matches('/')),
            user,
        })
    }
}

/// A URL as it may be printed: without its user info.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').unwrap_or(rest.len());
            match rest[..end].rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://{host}{}", &rest[end..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn key_bytes(text: &str) -> Option<[u8; 32]> {
    BASE64.decode(text.trim()).ok()?.try_into().ok()
}

pub fn public_key(text: &str) -> Option<VerifyingKey> {
    VerifyingKey::from_bytes(&key_bytes(text)?).ok()
}

pub fn signing_key(text: &str) -> Option<SigningKey> {
    Some(SigningKey::from_bytes(&key_bytes(text)?))
}

/// A new key pair, base64: (private, public).
pub fn keygen() -> Result<(String, String), Error> {
    let mut seed = [0u8; 32];
    let urandom = std::path::Path::new("/dev/urandom");
    std::fs::File::open(urandom)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut seed))
        .map_err(|e| Error::io(urandom, e))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((
        BASE64.encode(key.to_bytes()),
        BASE64.encode(key.verifying_key().to_bytes()),
    ))
}

#[cfg(test)]
mod tests {
    use super::{Url, keygen, public_key, redact, signing_key};

    #[test]
    fn a_generated_pair_reads_back_as_a_matching_pair() {
        let (private, public) = keygen().unwrap();
        let private = signing_key(&private).unwrap();
        assert_eq!(Some(private.verifying_key()), public_key(&public));
        assert!(public_key("not base64!").is_none());
    }

    #[test]
    fn credentials_come_out_of_the_url_and_never_show() {
        let url = Url::parse("https://ci:p%40ss@cache.example:8080/rungs/").unwrap();
        assert_eq!(url.base, "https://cache.example:8080/rungs");
        assert_eq!(url.user.as_deref(), Some("ci:p@ss"));
        assert_eq!(
            redact("https://ci:secret@cache.example/x"),
            "https://cache.example/x"
        );
        assert!(Url::parse("ftp://cache.example").is_err());
        assert!(Url::parse("http://").is_err());
    }
}
