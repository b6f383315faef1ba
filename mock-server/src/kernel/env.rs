//! What a provider's code uses of the mock it runs in: its time and its
//! IDs. Handed over explicitly (each provider's stored data carries its
//! mock's), never found: code that runs outside any mock makes its own on
//! purpose ([`Env::wall`]).

use std::sync::Arc;
use std::time::SystemTime;

use super::clock::Clock;
use super::ids::Ids;

/// One mock's clock and ID generator.
#[derive(Clone)]
pub struct Env {
    /// Its time.
    pub clock: Arc<Clock>,
    /// Its IDs and secrets.
    pub ids: Arc<Ids>,
}

impl Env {
    /// The wall clock and random IDs, for work done outside any mock (the
    /// `send` command signing one event).
    pub fn wall() -> Self {
        Self {
            clock: Arc::new(Clock::wall(1)),
            ids: Arc::new(Ids::Random),
        }
    }

    /// Now, in the mock's time.
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// Now as Unix seconds.
    pub fn unix_now(&self) -> i64 {
        self.clock.unix_now()
    }

    /// Now as RFC 3339 with seconds.
    pub fn now_rfc3339(&self) -> String {
        self.clock.now_rfc3339()
    }

    /// Now as RFC 3339 with milliseconds.
    pub fn now_rfc3339_millis(&self) -> String {
        self.clock.now_rfc3339_millis()
    }

    /// `prefix` + `len` lowercase hex digits.
    pub fn hex(&self, prefix: &str, len: usize) -> String {
        self.ids.hex(prefix, len)
    }

    /// `prefix` + `len` of `[0-9a-z]`.
    pub fn lower_alnum(&self, prefix: &str, len: usize) -> String {
        self.ids.lower_alnum(prefix, len)
    }

    /// `prefix` + `len` of `[0-9A-Za-z]`.
    pub fn alnum(&self, prefix: &str, len: usize) -> String {
        self.ids.alnum(prefix, len)
    }
}
