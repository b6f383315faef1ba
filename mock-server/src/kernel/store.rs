//! Per-tenant collections kept in creation order, with the lookups and page
//! cuts the providers' pagination styles need. A page costs its own size, not
//! the collection's.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use serde_json::Value;

use super::error::ApiError;

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
        let end = before.unwrap_or(u64::MAX);
        let mut iter = self.items.range(..end).rev().map(|(s, r)| (*s, r));
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
    saved_at: Instant,
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
    /// Looks the key up for a request with this fingerprint.
    pub fn check(&mut self, key: &str, fingerprint: &Value) -> Replay {
        match self.saved.get(key) {
            Some(saved) if saved.saved_at.elapsed() < IDEMPOTENCY_WINDOW => {
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

    /// Remembers the response to a request with this key.
    pub fn save(&mut self, key: String, fingerprint: Value, status: u16, body: Bytes) {
        self.saved.insert(
            key,
            SavedResponse {
                fingerprint,
                status,
                body,
                saved_at: Instant::now(),
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

/// Runs a write once per idempotency key, in the tenant's data under one
/// lock: a retry with the same key and request gets the first answer again,
/// one with another request gets `conflict()`. Without a key, just runs it.
/// `run` gets the tenant's data and fresh positions for new records, and
/// gives the status and the JSON body to answer. The request's fingerprint
/// (what a reuse of the key is compared with) is computed only under a key.
pub fn write_once<T: Default, P>(
    shared: &Shared<T>,
    tenant: &str,
    keys: fn(&mut T) -> &mut IdempotencyKeys,
    key: Option<String>,
    fingerprint: impl FnOnce() -> Value,
    conflict: fn() -> ApiError<P>,
    run: impl FnOnce(&mut T, &mut Positions) -> Result<(u16, Bytes), ApiError<P>>,
) -> Result<axum::response::Response, ApiError<P>> {
    let mut guard = shared.lock();
    let Tenants { tenants, next_seq } = &mut *guard;
    let data = tenant_data(tenants, tenant);
    let positions = &mut Positions(next_seq);
    let (status, body) = match key {
        None => run(data, positions)?,
        Some(key) => {
            let fingerprint = fingerprint();
            match keys(data).check(&key, &fingerprint) {
                Replay::Same(status, body) => (status, body),
                Replay::Conflict => return Err(conflict()),
                Replay::Fresh => {
                    let (status, body) = run(data, positions)?;
                    keys(data).save(key, fingerprint, status, body.clone());
                    (status, body)
                }
            }
        }
    };
    Ok(super::error::json_bytes_response(status, body))
}
