//! The mock a request belongs to: set around each request (and each
//! in-process call into the mock), read by the handlers for stored data,
//! the mock's time and its IDs. Outside of any mock (the `send` command
//! signing one event) the wall clock and random IDs stand in.

use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use super::clock::Clock;
use super::ids::Ids;
use super::state::MockState;

tokio::task_local! {
    static CURRENT: Arc<MockState>;
}

/// Runs `future` as part of `state`'s mock.
pub async fn scope<F: Future>(state: Arc<MockState>, future: F) -> F::Output {
    CURRENT.scope(state, future).await
}

/// Runs `f` as part of `state`'s mock.
pub fn sync_scope<R>(state: Arc<MockState>, f: impl FnOnce() -> R) -> R {
    CURRENT.sync_scope(state, f)
}

/// The mock of the running request, if any.
pub fn state() -> Option<Arc<MockState>> {
    CURRENT.try_with(Arc::clone).ok()
}

/// The clock and IDs of no mock.
fn standalone() -> &'static (Arc<Clock>, Arc<Ids>) {
    static STANDALONE: OnceLock<(Arc<Clock>, Arc<Ids>)> = OnceLock::new();
    STANDALONE.get_or_init(|| (Arc::new(Clock::wall(1)), Arc::new(Ids::Random)))
}

/// The current mock's clock.
pub fn clock() -> Arc<Clock> {
    CURRENT
        .try_with(|s| s.clock.clone())
        .unwrap_or_else(|_| standalone().0.clone())
}

/// `prefix` + `len` lowercase hex digits, from the current mock's IDs.
pub fn hex(prefix: &str, len: usize) -> String {
    with_ids(|ids| ids.hex(prefix, len))
}

/// `prefix` + `len` of `[0-9a-z]`, from the current mock's IDs.
pub fn lower_alnum(prefix: &str, len: usize) -> String {
    with_ids(|ids| ids.lower_alnum(prefix, len))
}

/// `prefix` + `len` of `[0-9A-Za-z]`, from the current mock's IDs.
pub fn alnum(prefix: &str, len: usize) -> String {
    with_ids(|ids| ids.alnum(prefix, len))
}

fn with_ids<R>(f: impl FnOnce(&Ids) -> R) -> R {
    match CURRENT.try_with(|s| s.ids.clone()) {
        Ok(ids) => f(&ids),
        Err(_) => f(&standalone().1),
    }
}

/// Now, in the current mock's time.
pub fn now() -> SystemTime {
    clock().now()
}

/// Now as Unix seconds, in the current mock's time.
pub fn unix_now() -> i64 {
    clock().unix_now()
}

/// Now as RFC 3339 with seconds, in the current mock's time.
pub fn now_rfc3339() -> String {
    clock().now_rfc3339()
}

/// Now as RFC 3339 with milliseconds, in the current mock's time.
pub fn now_rfc3339_millis() -> String {
    clock().now_rfc3339_millis()
}
