//! The providers' states of one mock, kept without naming a provider: each
//! under its provider's name, found again by type.

use std::any::Any;
use std::sync::Arc;

use super::deliveries::Deliverer;
use super::env::Env;

/// What can be forgotten per tenant, whatever the provider.
pub trait Reset: Send + Sync {
    /// Forgets one tenant (API key), or everyone.
    fn reset(&self, key: Option<&str>);
}

struct Entry {
    name: &'static str,
    state: Arc<dyn Any + Send + Sync>,
    reset: Arc<dyn Reset>,
}

/// Every served provider's (and contract's) state, and what each is made
/// with: the mock's time, IDs and deliverer.
pub struct ProviderStates {
    entries: Vec<Entry>,
    /// The mock's time and IDs.
    pub env: Env,
    /// The mock's deliverer.
    pub deliverer: Arc<Deliverer>,
}

impl ProviderStates {
    /// No state yet, for a mock with `env` and `deliverer`.
    pub fn new(env: Env, deliverer: Arc<Deliverer>) -> Self {
        Self {
            entries: Vec::new(),
            env,
            deliverer,
        }
    }

    /// Adds `state` under `name`.
    pub fn insert<T: Any + Reset>(&mut self, name: &'static str, state: Arc<T>) {
        self.entries.push(Entry {
            name,
            state: state.clone(),
            reset: state,
        });
    }

    /// The state added under `name`, if it has type `T`.
    pub fn get<T: Any + Send + Sync>(&self, name: &'static str) -> Option<Arc<T>> {
        self.entries
            .iter()
            .find(|entry| std::ptr::eq(entry.name, name) || entry.name == name)
            .and_then(|entry| entry.state.clone().downcast::<T>().ok())
    }

    /// Forgets one tenant (API key) in every state, or everything.
    pub fn reset(&self, key: Option<&str>) {
        for entry in &self.entries {
            entry.reset.reset(key);
        }
    }
}
