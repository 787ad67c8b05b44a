//! Uploads run beside the checks on a thread of their own; the end of the
//! run waits for them a bounded time, then leaves what is left (a result not
//! uploaded is only a miss for someone else).

use super::client::{Client, Stored};
use super::health::Health;
use super::tally::Tally;
use crate::cache::CacheKey;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::Duration;

/// The longest the end of a run waits for uploads still going.
pub const FLUSH: Duration = Duration::from_secs(10);
/// Entries waiting at most; more are dropped rather than held in memory.
const QUEUE: usize = 1024;

pub struct Uploads {
    queue: Option<SyncSender<(CacheKey, Vec<u8>)>>,
    done: Receiver<()>,
}

impl Uploads {
    pub fn start(client: Arc<Client>, health: Arc<Health>, tally: Arc<Tally>) -> Uploads {
        let (queue, jobs) = sync_channel::<(CacheKey, Vec<u8>)>(QUEUE);
        let (finished, done) = sync_channel(1);
        std::thread::spawn(move || {
            for (key, bytes) in jobs {
                if !health.on() {
                    continue;
                }
                upload(&client, &health, &tally, key, &bytes);
            }
            let _ = finished.send(());
        });
        Uploads {
            queue: Some(queue),
            done,
        }
    }

    pub fn push(&self, key: CacheKey, bytes: Vec<u8>) {
        if let Some(q) = &self.queue {
            let _ = q.try_send((key, bytes));
        }
    }

    /// Wait for the uploads queued so far, at most [`FLUSH`].
    pub fn flush(&mut self) {
        if self.queue.take().is_some() {
            let _ = self.done.recv_timeout(FLUSH);
        }
    }
}

fn upload(client: &Client, health: &Health, tally: &Tally, key: CacheKey, bytes: &[u8]) {
    // An entry already there (another runner stored it) is left alone.
    match client.head(key) {
        Ok(true) => {
            health.answered();
            Tally::add(&tally.skipped);
            return;
        }
        Ok(false) => health.answered(),
        Err(f) => {
            Tally::add(&tally.errors);
            return health.failed("storing a result", &f);
        }
    }
    match client.put(key, bytes) {
        Ok(Stored::Yes) => {
            health.answered();
            Tally::add(&tally.uploads);
        }
        Ok(Stored::TooLarge) => {
            health.answered();
            Tally::add(&tally.skipped);
        }
        Err(f) => {
            Tally::add(&tally.errors);
            health.failed("storing a result", &f);
        }
    }
}
