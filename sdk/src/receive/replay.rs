//! Replay protection: "have I processed this event already", keyed on the
//! signed event ID only.
//!
//! Providers retry a delivery with the same event ID until one attempt is
//! answered 2xx, and a replayed copy of a genuine delivery verifies too. The
//! order that handles both is: verify, [`claim`](ReplayGuard::claim) the ID,
//! run the handler, then [`finish`](ReplayGuard::finish) it: kept as
//! processed only if the handler succeeded, released otherwise, so the
//! provider's next retry is processed. The axum extractor does exactly that
//! ([`crate::receive::axum`]).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::provider::Provider;

/// Why a guard could not answer (its storage failed); the delivery is then
/// answered 503, so the provider retries it.
pub type ReplayError = Box<dyn std::error::Error + Send + Sync>;

/// What a delivery is to the guard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Not seen before (or released after a failed handler): process it.
    Fresh,
    /// Processed already: answer 2xx without running the handler again.
    Processed,
    /// Another copy is being processed right now: answer so the provider
    /// retries later (409), without running the handler.
    InFlight,
}

/// A provider and a signed event ID: what a guard deduplicates on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventKey(String);

impl EventKey {
    /// The key of event `id` from `provider`.
    pub fn new(provider: Provider, id: &str) -> Self {
        Self(format!("{}:{id}", provider.name()))
    }

    /// The key as text (`billing-io:evt_…`), for a database column.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Remembers which events were processed.
///
/// A database implements it with one row per key: `claim` inserts the key
/// as in flight if absent (`INSERT … ON CONFLICT DO NOTHING`) and reports
/// what the row says; `finish(key, true)` marks it processed, `finish(key,
/// false)` deletes it. Give in-flight rows a timeout, so a receiver that
/// crashed mid-handler does not block the provider's retries forever.
pub trait ReplayGuard: Send + Sync + 'static {
    /// Claims `key` before the handler runs.
    fn claim(&self, key: &EventKey) -> impl Future<Output = Result<Claim, ReplayError>> + Send;

    /// After the handler: `processed` keeps `key` as processed; otherwise
    /// the claim is released so that a retry is processed.
    fn finish(
        &self,
        key: &EventKey,
        processed: bool,
    ) -> impl Future<Output = Result<(), ReplayError>> + Send;
}

/// An in-memory [`ReplayGuard`] for one process: bounded in size (the
/// oldest keys are forgotten first) and in time (a key is forgotten after
/// its time to live), safe to share between tasks.
///
/// ```
/// use std::time::Duration;
/// use webhooks_sdk::receive::MemoryReplayGuard;
///
/// // Commet retries for about eight hours: remember a day's worth of events.
/// let guard = MemoryReplayGuard::new(100_000, Duration::from_secs(24 * 3600));
/// # let _ = guard;
/// ```
pub struct MemoryReplayGuard {
    state: Mutex<State>,
    capacity: usize,
    ttl: Duration,
    in_flight_timeout: Duration,
}

#[derive(Default)]
struct State {
    entries: HashMap<EventKey, Entry>,
    /// Keys in the order they were claimed, for forgetting the oldest.
    order: VecDeque<(Instant, EventKey)>,
}

#[derive(Clone, Copy)]
struct Entry {
    at: Instant,
    processed: bool,
}

impl fmt::Debug for MemoryReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryReplayGuard")
            .field("keys", &self.len())
            .field("capacity", &self.capacity)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl Default for MemoryReplayGuard {
    /// 100,000 keys for 24 hours (every provider's retries end sooner).
    fn default() -> Self {
        Self::new(100_000, Duration::from_secs(24 * 60 * 60))
    }
}

impl MemoryReplayGuard {
    /// A guard keeping at most `capacity` keys, each for `ttl`.
    pub fn new(capacity: usize, ttl: Duration) -> Self {
        Self {
            state: Mutex::default(),
            capacity: capacity.max(1),
            ttl,
            in_flight_timeout: Duration::from_secs(5 * 60),
        }
    }

    /// How long a claim may stay in flight before it counts as abandoned (a
    /// handler that panicked or hung): 5 minutes by default.
    pub fn in_flight_timeout(mut self, timeout: Duration) -> Self {
        self.in_flight_timeout = timeout;
        self
    }

    /// How many keys it holds now.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many places the eviction order holds (live and stale): bounded.
    #[cfg(test)]
    fn order_len(&self) -> usize {
        self.lock().order.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Every change is made in one step, so a poisoned lock still holds whole state.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The claim, decided under one lock.
    pub fn claim_now(&self, key: &EventKey, now: Instant) -> Claim {
        let mut state = self.lock();
        self.forget_old(&mut state, now);
        match state.entries.get(key).copied() {
            Some(Entry {
                processed: true, ..
            }) => return Claim::Processed,
            Some(Entry { at, .. }) if now.duration_since(at) < self.in_flight_timeout => {
                return Claim::InFlight;
            }
            _ => {}
        }
        while state.entries.len() >= self.capacity {
            let Some((at, oldest)) = state.order.pop_front() else {
                break;
            };
            if state.entries.get(&oldest).is_some_and(|e| e.at == at) {
                state.entries.remove(&oldest);
            }
        }
        // Released and claimed again, a key leaves a stale place in the order: drop those.
        if state.order.len() > 2 * self.capacity {
            let State { entries, order } = &mut *state;
            order.retain(|(at, key)| entries.get(key).is_some_and(|e| e.at == *at));
        }
        state.entries.insert(
            key.clone(),
            Entry {
                at: now,
                processed: false,
            },
        );
        state.order.push_back((now, key.clone()));
        Claim::Fresh
    }

    /// The handler's outcome for `key`, under one lock.
    pub fn finish_now(&self, key: &EventKey, processed: bool) {
        let mut state = self.lock();
        if processed {
            if let Some(entry) = state.entries.get_mut(key) {
                entry.processed = true;
            }
        } else {
            state.entries.remove(key);
        }
    }

    /// Drops keys older than the time to live (the order list is oldest first).
    fn forget_old(&self, state: &mut State, now: Instant) {
        while let Some((at, _)) = state.order.front() {
            if now.duration_since(*at) < self.ttl {
                break;
            }
            let (at, key) = state.order.pop_front().expect("just looked");
            // A key claimed again later has a newer entry: keep that one.
            if state.entries.get(&key).is_some_and(|e| e.at == at) {
                state.entries.remove(&key);
            }
        }
    }
}

impl ReplayGuard for MemoryReplayGuard {
    async fn claim(&self, key: &EventKey) -> Result<Claim, ReplayError> {
        Ok(self.claim_now(key, Instant::now()))
    }

    async fn finish(&self, key: &EventKey, processed: bool) -> Result<(), ReplayError> {
        self.finish_now(key, processed);
        Ok(())
    }
}

impl<G: ReplayGuard> ReplayGuard for std::sync::Arc<G> {
    fn claim(&self, key: &EventKey) -> impl Future<Output = Result<Claim, ReplayError>> + Send {
        (**self).claim(key)
    }

    fn finish(
        &self,
        key: &EventKey,
        processed: bool,
    ) -> impl Future<Output = Result<(), ReplayError>> + Send {
        (**self).finish(key, processed)
    }
}

#[cfg(test)]
mod tests;
