//! Uploads run beside the checks on threads of their own, [`PARALLEL`] at
//! once; the end of the run waits for them a bounded time, then leaves what
//! is left (a result not uploaded is only a miss for someone else).

use super::client::{Client, PARALLEL, Stored};
use super::health::Health;
use super::tally::Tally;
use crate::cache::CacheKey;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest the end of a run waits for uploads still going.
pub const FLUSH: Duration = Duration::from_secs(10);
/// Entries waiting at most (per-file results of a large tree are many
/// small ones); more are dropped rather than held in memory.
const QUEUE: usize = 1 << 16;

/// An entry to store: its key, its bytes, and whether this run already
/// found the key missing there.
type Upload = (CacheKey, Vec<u8>, bool);

pub struct Uploads {
    queue: Option<SyncSender<Upload>>,
    done: Receiver<()>,
    workers: usize,
}

impl Uploads {
    pub fn start(client: Arc<Client>, health: Arc<Health>, tally: Arc<Tally>) -> Uploads {
        let (queue, jobs) = sync_channel::<Upload>(QUEUE);
        let jobs = Arc::new(Mutex::new(jobs));
        let (finished, done) = sync_channel(PARALLEL);
        for _ in 0..PARALLEL {
            let (client, health, tally) = (client.clone(), health.clone(), tally.clone());
            let (jobs, finished) = (jobs.clone(), finished.clone());
            std::thread::spawn(move || {
                loop {
                    let job = match jobs.lock() {
                        Ok(jobs) => jobs.recv(),
                        Err(_) => break,
                    };
                    let Ok((key, bytes, missing)) = job else {
                        break;
                    };
                    if health.on() {
                        upload(&client, &health, &tally, key, &bytes, missing);
                    }
                }
                let _ = finished.send(());
            });
        }
        Uploads {
            queue: Some(queue),
            done,
            workers: PARALLEL,
        }
    }

    pub fn push(&self, key: CacheKey, bytes: Vec<u8>, missing: bool) {
        if let Some(q) = &self.queue {
            let _ = q.try_send((key, bytes, missing));
        }
    }

    /// Wait for the uploads queued so far, at most [`FLUSH`].
    pub fn flush(&mut self) {
        if self.queue.take().is_none() {
            return;
        }
        let deadline = Instant::now() + FLUSH;
        for _ in 0..self.workers {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.done.recv_timeout(left).is_err() {
                break;
            }
        }
    }
}

fn upload(
    client: &Client,
    health: &Health,
    tally: &Tally,
    key: CacheKey,
    bytes: &[u8],
    missing: bool,
) {
    // An entry already there (another runner stored it) is left alone; a
    // key this run asked for and did not find needs no asking again.
    if !missing {
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
