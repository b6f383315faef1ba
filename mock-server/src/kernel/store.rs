//! Per-tenant collections kept in creation order, with the lookups and page
//! cuts the providers' pagination styles need. A page costs its own size, not
//! the collection's.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, SystemTime};

use axum::body::Bytes;
use serde_json::Value;

/// Locks a mutex, recovering from a panic in another request (the state is
/// only ever changed in whole steps, so it stays consistent).
pub fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One tenant's records of one kind, in creation order.
#[derive(Debug)]
pub struct Collection<R> {
    items: BTreeMap<u64, R>,
    index: HashMap<String, u64>,
}

impl<R> Default for Collection<R> {
    fn default() -> Self {
        Self {
            items: BTreeMap::new(),
            index: HashMap::new(),
        }
    }
}

impl<R> Collection<R> {
    /// Adds a record under `id` at position `seq` (which must grow).
    pub fn insert(&mut self, seq: u64, id: String, record: R) {
        self.index.insert(id, seq);
        self.items.insert(seq, record);
    }

    /// The record with this ID.
    pub fn get(&self, id: &str) -> Option<&R> {
        self.items.get(self.index.get(id)?)
    }

    /// The record with this ID, to change.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut R> {
        self.items.get_mut(self.index.get(id)?)
    }

    /// Position of the record with this ID.
    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.index.get(id).copied()
    }

    /// Removes and returns the record with this ID.
    pub fn remove(&mut self, id: &str) -> Option<R> {
        let seq = self.index.remove(id)?;
        self.items.remove(&seq)
    }

    /// Every record, in creation order.
    pub fn values(&self) -> impl Iterator<Item = &R> {
        self.items.values()
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Up to `limit` records older than `before` (all when `None`), newest
    /// first, and whether more follow.
    pub fn newest_first(&self, before: Option<u64>, limit: usize) -> (Vec<(u64, &R)>, bool) {
        self.newest_first_where(before, limit, |_| true)
    }

    /// [`newest_first`](Self::newest_first) over the records `keep` accepts.
    pub fn newest_first_where(
        &self,
        before: Option<u64>,
        limit: usize,
        keep: impl Fn(&R) -> bool,
    ) -> (Vec<(u64, &R)>, bool) {
        let end = before.unwrap_or(u64::MAX);
        let mut iter = self
            .items
            .range(..end)
            .rev()
            .filter(|(_, r)| keep(r))
            .map(|(s, r)| (*s, r));
        let page: Vec<_> = iter.by_ref().take(limit).collect();
        let more = iter.next().is_some();
        (page, more)
    }

    /// Up to `limit` records newer than `after`, returned newest first, and
    /// whether even newer ones exist (for "previous page" links).
    pub fn newer_than(&self, after: u64, limit: usize) -> (Vec<(u64, &R)>, bool) {
        let mut iter = self
            .items
            .range(after.saturating_add(1)..)
            .map(|(s, r)| (*s, r));
        let mut page: Vec<_> = iter.by_ref().take(limit).collect();
        let more = iter.next().is_some();
        page.reverse();
        (page, more)
    }

    /// The `page`-th (1-based) run of `size` records in creation order.
    pub fn page(&self, page: usize, size: usize) -> Vec<&R> {
        let skip = page.saturating_sub(1).saturating_mul(size);
        self.items.values().skip(skip).take(size).collect()
    }
}

/// The outcome of a create, kept to answer a retry with the same key.
#[derive(Debug, Clone)]
pub struct SavedResponse {
    /// What the request was (method, path and body), to spot a reuse with another body.
    pub fingerprint: Value,
    /// The first response's status.
    pub status: u16,
    /// The first response's body, as sent.
    pub body: Bytes,
    /// When, in mock time.
    saved_at: SystemTime,
}

/// How long an idempotency key is remembered (24 hours for every provider that has them).
pub const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// Idempotency keys of one tenant.
#[derive(Debug, Default)]
pub struct IdempotencyKeys {
    saved: HashMap<String, SavedResponse>,
}

/// What to do with a request that carries an idempotency key.
pub enum Replay {
    /// The key is new: run the request, then [`IdempotencyKeys::save`].
    Fresh,
    /// Same key, same request: answer with the saved response.
    Same(u16, Bytes),
    /// Same key, another request: the provider's conflict error.
    Conflict,
}

impl IdempotencyKeys {
    /// Looks the key up for a request with this fingerprint at mock time `now`.
    pub fn check(&mut self, key: &str, fingerprint: &Value, now: SystemTime) -> Replay {
        let fresh = |saved: &SavedResponse| {
            now.duration_since(saved.saved_at)
                .is_ok_and(|age| age < IDEMPOTENCY_WINDOW)
                || now < saved.saved_at
        };
        match self.saved.get(key) {
            Some(saved) if fresh(saved) => {
                if &saved.fingerprint == fingerprint {
                    Replay::Same(saved.status, saved.body.clone())
                } else {
                    Replay::Conflict
                }
            }
            Some(_) => {
                self.saved.remove(key);
                Replay::Fresh
            }
            None => Replay::Fresh,
        }
    }

    /// Remembers the response to a request with this key, made at mock time `now`.
    pub fn save(&mut self, key: String, fingerprint: Value, saved: &Saved, now: SystemTime) {
        self.saved.insert(
            key,
            SavedResponse {
                fingerprint,
                status: saved.status,
                body: saved.body.clone(),
                saved_at: now,
            },
        );
    }
}

/// A provider's state: its tenants behind one lock, which handlers take
/// and release without awaiting in between.
#[derive(Debug)]
pub struct Shared<T>(std::sync::Mutex<Tenants<T>>);

impl<T> Default for Shared<T> {
    fn default() -> Self {
        Self(std::sync::Mutex::new(Tenants::default()))
    }
}

impl<T: Default> Shared<T> {
    /// The tenants, locked.
    pub fn lock(&self) -> std::sync::MutexGuard<'_, Tenants<T>> {
        lock(&self.0)
    }

    /// Forgets one tenant, or everyone.
    pub fn reset(&self, key: Option<&str>) {
        self.lock().reset(key);
    }
}

/// Everything a provider stores, per tenant (API key).
#[derive(Debug)]
pub struct Tenants<T> {
    tenants: HashMap<String, T>,
    next_seq: u64,
}

impl<T> Default for Tenants<T> {
    fn default() -> Self {
        Self {
            tenants: HashMap::new(),
            next_seq: 1,
        }
    }
}

impl<T: Default> Tenants<T> {
    /// The tenant's data, created empty on first use.
    pub fn of(&mut self, key: &str) -> &mut T {
        tenant_data(&mut self.tenants, key)
    }

    /// The tenant's data, if it has any.
    pub fn get(&self, key: &str) -> Option<&T> {
        self.tenants.get(key)
    }

    /// The record `id` in the tenant's collection `of`, if there is one.
    pub fn find<R>(&self, key: &str, of: impl Fn(&T) -> &Collection<R>, id: &str) -> Option<&R> {
        self.tenants.get(key).and_then(|data| of(data).get(id))
    }

    /// Removes the record `id` from the tenant's collection `of`.
    pub fn remove<R>(
        &mut self,
        key: &str,
        of: impl Fn(&mut T) -> &mut Collection<R>,
        id: &str,
    ) -> Option<R> {
        self.tenants
            .get_mut(key)
            .and_then(|data| of(data).remove(id))
    }

    /// A fresh position, increasing across all tenants.
    pub fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Forgets one tenant, or everyone.
    pub fn reset(&mut self, key: Option<&str>) {
        match key {
            Some(key) => {
                self.tenants.remove(key);
            }
            None => self.tenants.clear(),
        }
    }
}

/// A tenant's data, created empty on first use (the key is copied only then).
fn tenant_data<'a, T: Default>(tenants: &'a mut HashMap<String, T>, key: &str) -> &'a mut T {
    if !tenants.contains_key(key) {
        tenants.insert(key.to_string(), T::default());
    }
    tenants.get_mut(key).expect("just inserted")
}

/// Hands out fresh positions, increasing across all tenants.
pub struct Positions<'a>(&'a mut u64);

impl Positions<'_> {
    /// A fresh position.
    pub fn next(&mut self) -> u64 {
        let seq = *self.0;
        *self.0 += 1;
        seq
    }
}

/// A write's answer: its status and JSON body, as sent (and replayed).
#[derive(Debug, Clone)]
pub struct Saved {
    /// The status.
    pub status: u16,
    /// The JSON body.
    pub body: Bytes,
}

impl Saved {
    /// An answer of `status` with the encoded `body`.
    pub fn new(status: u16, body: Bytes) -> Self {
        Self { status, body }
    }
}

/// One write under an idempotency key: which key, what the request was
/// (computed only under a key), what a reuse with another request gets, and
/// when (mock time).
pub struct Idempotent<E, F> {
    /// The key the caller sent, if any.
    pub key: Option<String>,
    /// The request's fingerprint (method, path, body), compared on reuse.
    pub fingerprint: F,
    /// The error a reuse with another request gets.
    pub conflict: fn() -> E,
    /// Mock time now.
    pub now: SystemTime,
}

/// Runs a write once per idempotency key, in the tenant's data under one
/// lock: a retry with the same key and request gets the first answer again,
/// one with another request gets the conflict error. Without a key, just
/// runs it. `run` gets the tenant's data and fresh positions for new
/// records, and gives the answer.
pub fn write_once<T: Default, E>(
    shared: &Shared<T>,
    tenant: &str,
    keys: fn(&mut T) -> &mut IdempotencyKeys,
    idempotent: Idempotent<E, impl FnOnce() -> Value>,
    run: impl FnOnce(&mut T, &mut Positions) -> Result<Saved, E>,
) -> Result<Saved, E> {
    let mut guard = shared.lock();
    let Tenants { tenants, next_seq } = &mut *guard;
    let data = tenant_data(tenants, tenant);
    let positions = &mut Positions(next_seq);
    let Some(key) = idempotent.key else {
        return run(data, positions);
    };
    let fingerprint = (idempotent.fingerprint)();
    match keys(data).check(&key, &fingerprint, idempotent.now) {
        Replay::Same(status, body) => Ok(Saved::new(status, body)),
        Replay::Conflict => Err((idempotent.conflict)()),
        Replay::Fresh => {
            let saved = run(data, positions)?;
            keys(data).save(key, fingerprint, &saved, idempotent.now);
            Ok(saved)
        }
    }
}
