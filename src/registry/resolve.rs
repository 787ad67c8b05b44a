//! Host names looked up once per run, and a look-up that stalls asked again
//! beside it. The system's resolver asks for the IPv4 and IPv6 addresses at
//! once; a DNS server that drops one of the two answers (a common fault of
//! small forwarders) leaves the look-up waiting for its 5 s retry. ureq looks
//! a host up for every new connection, so 50 dependencies met that stall
//! several times a run. Here each host is resolved once, and a look-up that
//! has not answered in 250 ms gets a second (and third) one started beside
//! it: the first to answer wins.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::mpsc;
use std::time::Duration;
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

const HEDGE_AFTER: Duration = Duration::from_millis(250);
const LOOK_UPS: usize = 3;

#[derive(Debug, Default)]
pub struct QuickResolver {
    known: Mutex<HashMap<String, ResolvedSocketAddrs>>,
}

impl Resolver for QuickResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let key = format!(
            "{}://{}",
            uri.scheme_str().unwrap_or(""),
            uri.authority().map(|a| a.as_str()).unwrap_or("")
        );
        if let Some(found) = self.known.lock().ok().and_then(|k| k.get(&key).cloned()) {
            return Ok(found);
        }
        let (tx, rx) = mpsc::channel();
        let mut started = 0;
        let mut answered = 0;
        let mut last_error = None;
        let deadline = std::time::Instant::now() + *timeout.after;
        loop {
            if started < LOOK_UPS {
                let (tx, uri, config) = (tx.clone(), uri.clone(), config.clone());
                std::thread::spawn(move || {
                    let _ = tx.send(DefaultResolver::default().resolve(&uri, &config, timeout));
                });
                started += 1;
            }
            let wait = if started < LOOK_UPS {
                HEDGE_AFTER
            } else {
                deadline.saturating_duration_since(std::time::Instant::now())
            };
            match rx.recv_timeout(wait) {
                Ok(Ok(found)) => {
                    if let Ok(mut known) = self.known.lock() {
                        known.insert(key, found.clone());
                    }
                    return Ok(found);
                }
                Ok(Err(e)) => {
                    answered += 1;
                    last_error = Some(e);
                    // Every look-up answered, none with an address: that is the answer.
                    if answered == started && started == LOOK_UPS {
                        break;
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) if started < LOOK_UPS => {}
                Err(_) => break,
            }
        }
        Err(last_error.unwrap_or(ureq::Error::Timeout(timeout.reason)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(r: &QuickResolver, url: &str) -> Result<Vec<std::net::SocketAddr>, ureq::Error> {
        let uri: Uri = url.parse().unwrap();
        let timeout = NextTimeout {
            after: Duration::from_secs(10).into(),
            reason: ureq::Timeout::Resolve,
            per_read: None,
            per_write: None,
        };
        r.resolve(&uri, &Config::default(), timeout)
            .map(|a| a.iter().copied().collect())
    }

    #[test]
    fn a_host_is_looked_up_once_and_an_unknown_one_is_an_error() {
        let r = QuickResolver::default();
        let first = resolve(&r, "http://localhost:8123/simple/").unwrap();
        assert!(
            first
                .iter()
                .all(|a| a.port() == 8123 && a.ip().is_loopback())
        );
        assert_eq!(r.known.lock().unwrap().len(), 1);
        assert_eq!(resolve(&r, "http://localhost:8123/other").unwrap(), first);
        assert_eq!(r.known.lock().unwrap().len(), 1);
        assert!(resolve(&r, "http://no-such-host.invalid/").is_err());
        assert_eq!(r.known.lock().unwrap().len(), 1);
    }
}
