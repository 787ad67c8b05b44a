//! The remote cache as one run uses it: look a shared key up (the entry
//! checked before it is believed), store new results in the background,
//! and at the end wait a bounded time for the uploads and count it all.

use super::Settings;
use super::client::{Client, PARALLEL};
use super::envelope;
use super::health::Health;
use super::tally::Tally;
use super::uploads::Uploads;
use crate::cache::{CacheKey, Entry, cacheable};
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

pub struct Remote {
    settings: Settings,
    client: Arc<Client>,
    health: Arc<Health>,
    tally: Arc<Tally>,
    uploads: Mutex<Option<Uploads>>,
    /// Keys this run found missing there: storing them needs no `HEAD` first.
    missing: Mutex<HashSet<CacheKey>>,
    /// Entries to store once the run's other ones are on their way.
    later: Mutex<Vec<(CacheKey, Entry)>>,
    stats_file: PathBuf,
}

impl Remote {
    pub fn new(settings: Settings, stats_file: PathBuf) -> Remote {
        Remote {
            client: Arc::new(Client::new(&settings)),
            health: Arc::new(Health::new(&settings.base)),
            tally: Arc::default(),
            uploads: Mutex::new(None),
            missing: Mutex::default(),
            later: Mutex::default(),
            settings,
            stats_file,
        }
    }

    /// The entries stored under `keys`, asked [`PARALLEL`] at a time.
    pub fn get_many(&self, keys: &[CacheKey]) -> Vec<Option<Entry>> {
        let next = AtomicUsize::new(0);
        let found: Mutex<Vec<Option<Entry>>> = Mutex::new(vec![None; keys.len()]);
        std::thread::scope(|scope| {
            for _ in 0..PARALLEL.min(keys.len()) {
                scope.spawn(|| {
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&key) = keys.get(i) else { break };
                        let entry = self.get(key);
                        if let (Some(e), Ok(mut found)) = (entry, found.lock()) {
                            found[i] = Some(e);
                        }
                    }
                });
            }
        });
        found.into_inner().unwrap_or_default()
    }

    /// The entry stored under `key`, if the server has one that passes
    /// every check: the envelope's key, hash and signature, then the
    /// payload's own key and a result worth replaying.
    fn get(&self, key: CacheKey) -> Option<Entry> {
        let bytes = self.fetch(key)?;
        let entry = envelope::open(&bytes, key, self.settings.public_key.as_ref())
            .ok()
            .and_then(|payload| serde_json::from_slice::<Entry>(payload).ok())
            .filter(|e| e.key == key.to_string() && cacheable(e.outcome, e.exit_code));
        self.count(entry)
    }

    /// What the server holds under `key`, unopened; `None` on a miss or a
    /// failure (counted, and the remote turned off if it keeps failing).
    fn fetch(&self, key: CacheKey) -> Option<Vec<u8>> {
        if !self.health.on() {
            return None;
        }
        let bytes = match self.client.get(key) {
            Ok(found) => {
                self.health.answered();
                found
            }
            Err(f) => {
                Tally::add(&self.tally.errors);
                self.health.failed("looking up a result", &f);
                return None;
            }
        };
        if bytes.is_none() {
            Tally::add(&self.tally.misses);
            self.presume_missing(std::iter::once(key));
        }
        bytes
    }

    /// A payload that is not a result (a test run's record), checked as an
    /// entry is (key, hash, signature); what it means is the caller's.
    pub fn get_payload(&self, key: CacheKey) -> Option<Vec<u8>> {
        let bytes = self.fetch(key)?;
        let payload = envelope::open(&bytes, key, self.settings.public_key.as_ref())
            .ok()
            .map(<[u8]>::to_vec);
        self.count(payload)
    }

    /// Store `payload` under `key` in the background, replacing what is
    /// there (a record is rewritten by every run), when this run may write.
    pub fn replace_payload(&self, key: CacheKey, payload: &[u8]) {
        if !self.settings.write || !self.health.on() {
            return;
        }
        let sealed = envelope::seal(key, payload, self.settings.signing_key.as_ref());
        self.enqueue(key, sealed, true);
    }

    /// Hand sealed bytes to the uploads, started on the first.
    fn enqueue(&self, key: CacheKey, sealed: Vec<u8>, missing: bool) {
        if let Ok(mut uploads) = self.uploads.lock() {
            uploads
                .get_or_insert_with(|| {
                    Uploads::start(self.client.clone(), self.health.clone(), self.tally.clone())
                })
                .push(key, sealed, missing);
        }
    }

    /// Count what a fetched entry turned out to be: a hit, or rejected.
    fn count<T>(&self, taken: Option<T>) -> Option<T> {
        match taken {
            Some(e) => {
                Tally::add(&self.tally.hits);
                Some(e)
            }
            None => {
                Tally::add(&self.tally.rejected);
                Tally::add(&self.tally.misses);
                None
            }
        }
    }

    /// Remember keys the server does not hold, when this run may write:
    /// storing them needs no `HEAD` first.
    pub fn presume_missing(&self, keys: impl Iterator<Item = CacheKey>) {
        if self.settings.write
            && let Ok(mut missing) = self.missing.lock()
        {
            missing.extend(keys);
        }
    }

    /// Store `entry` under `key` in the background, when this run may write.
    pub fn put(&self, key: CacheKey, entry: &Entry) {
        if !self.settings.write || !self.health.on() {
            return;
        }
        let mut entry = entry.clone();
        entry.key = key.to_string();
        let Ok(payload) = serde_json::to_vec(&entry) else {
            return;
        };
        let sealed = envelope::seal(key, &payload, self.settings.signing_key.as_ref());
        let missing = self.missing.lock().is_ok_and(|m| m.contains(&key));
        self.enqueue(key, sealed, missing);
    }

    /// Store `entry` under `key` like [`Remote::put`], after the others.
    pub fn put_later(&self, key: CacheKey, entry: &Entry) {
        if self.settings.write
            && let Ok(mut later) = self.later.lock()
        {
            later.push((key, entry.clone()));
        }
    }

    /// Wait (bounded) for the uploads, then add this run to the stats.
    pub fn finish(&self) {
        let later = self.later.lock().map(|mut l| std::mem::take(&mut *l));
        for (key, entry) in later.unwrap_or_default() {
            self.put(key, &entry);
        }
        if let Ok(mut uploads) = self.uploads.lock()
            && let Some(u) = uploads.as_mut()
        {
            u.flush();
        }
        self.tally
            .save(&self.stats_file, &self.settings.base, self.health.why_off());
    }
}
