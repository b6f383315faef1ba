//! One mock's state: its clock and IDs, the journal, faults and
//! expectations, the deliverer, every provider's stored data, and the admin
//! token. Each mock started has its own; nothing is shared between two.

use std::sync::{Arc, OnceLock};

use super::dispatch::Dispatch;
use super::request_log::RequestLog;

use super::clock::Clock;
use super::deliveries::{Deliverer, DeliveryConfig};
use super::env::Env;
use super::expect::Expectations;
use super::faults::Faults;
use super::ids::Ids;
use super::journal::Journal;
use super::registry::ProviderStates;

/// The header that carries the admin token, when the admin API needs one.
pub const ADMIN_TOKEN_HEADER: &str = "x-mock-admin-token";

/// How a mock keeps time and makes IDs.
#[derive(Debug, Clone, Default)]
pub struct Determinism {
    /// Seeds the ID generator: the same requests in the same order give the
    /// same IDs, secrets and event IDs. Random without.
    pub seed: Option<u64>,
    /// Starts a manual clock at this instant (it moves only when advanced);
    /// the wall clock without.
    pub manual_clock: Option<std::time::SystemTime>,
}

/// A provider as one mock serves it: where its create operation is and how
/// its API key is presented (what fixtures need to make requests).
#[derive(Debug, Clone)]
pub struct Served {
    /// The provider's name.
    pub name: &'static str,
    /// The full path of its create operation on this mock.
    pub create_path: String,
    /// The header and value that present an API key.
    pub present: fn(&str) -> (&'static str, String),
}

/// What a new mock is made with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Signed deliveries.
    pub deliveries: DeliveryConfig,
    /// Seed and clock.
    pub determinism: Determinism,
    /// The token `/__mock/*` requires, if any.
    pub admin_token: Option<Arc<str>>,
    /// Where request lines go instead of `tracing`, if anywhere.
    pub request_log: Option<RequestLog>,
}

/// One mock's state.
pub struct MockState {
    /// Its time.
    pub clock: Arc<Clock>,
    /// Its IDs and secrets.
    pub ids: Arc<Ids>,
    /// Every exchange, newest last.
    pub journal: Journal,
    /// Faults waiting for their requests.
    pub faults: Faults,
    /// What tests expect to arrive.
    pub expectations: Expectations,
    /// Sends signed events and records the attempts.
    pub deliverer: Arc<Deliverer>,
    /// Every provider's stored data.
    pub providers: ProviderStates,
    /// The token `/__mock/*` requires, if any.
    pub admin_token: Option<Arc<str>>,
    /// Where request lines go instead of `tracing`, if anywhere.
    pub request_log: Option<RequestLog>,
    /// The providers it serves.
    pub served: Vec<Served>,
    /// The app serving this state (for fixtures, which go through it).
    app: OnceLock<Dispatch>,
}

impl MockState {
    /// Fresh state for `served` providers; `add_states` adds each one's stored data.
    pub fn new(
        settings: &Settings,
        served: Vec<Served>,
        add_states: impl FnOnce(&mut ProviderStates),
    ) -> Self {
        let clock = Arc::new(match settings.determinism.manual_clock {
            Some(start) => Clock::manual(start),
            None => Clock::wall(settings.deliveries.time_compression),
        });
        let ids = Arc::new(match settings.determinism.seed {
            Some(seed) => Ids::seeded(seed),
            None => Ids::Random,
        });
        let deliverer = Arc::new(Deliverer::new(
            settings.deliveries.clone(),
            clock.clone(),
            ids.clone(),
        ));
        let env = Env {
            clock: clock.clone(),
            ids: ids.clone(),
        };
        let mut providers = ProviderStates::new(env, deliverer.clone());
        add_states(&mut providers);
        Self {
            deliverer,
            clock,
            ids,
            journal: Journal::default(),
            faults: Faults::default(),
            expectations: Expectations::default(),
            providers,
            admin_token: settings.admin_token.clone(),
            request_log: settings.request_log.clone(),
            served,
            app: OnceLock::new(),
        }
    }

    /// Its time and IDs, as its providers' code is handed them.
    pub fn env(&self) -> Env {
        Env {
            clock: self.clock.clone(),
            ids: self.ids.clone(),
        }
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, key: Option<&str>) {
        self.providers.reset(key);
        if key.is_none() {
            self.journal.clear();
            self.faults.clear();
            self.expectations.clear();
            self.deliverer.clear();
        }
    }

    /// Remembers the app serving this state.
    pub fn serve_with(&self, app: Dispatch) {
        let _ = self.app.set(app);
    }

    /// The app serving this state, once set.
    pub fn app(&self) -> Option<Dispatch> {
        self.app.get().cloned()
    }
}
