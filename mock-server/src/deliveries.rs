//! Signed deliveries: what a trigger asks for, what it sent, each attempt
//! as recorded, how they are filtered, and where the mock may deliver.
//!
//! ```no_run
//! # async fn run(mock: webhooks_mock::MockServer) -> Result<(), String> {
//! use std::time::Duration;
//! use webhooks_mock::Provider;
//! use webhooks_mock::deliveries::{DeliveryFilter, Trigger};
//!
//! let sent = mock.trigger(Provider::BillingIo, "sk_test_key", Trigger::new("checkout.completed"))?;
//! let filter = DeliveryFilter { event_id: Some(sent.event_id().into()), ..Default::default() };
//! let attempts = mock.wait_for_deliveries(&filter, sent.deliveries.len(), Duration::from_secs(5)).await?;
//! # let _ = attempts; Ok(()) }
//! ```

pub use crate::kernel::deliveries::{Attempt, DeliveryConfig, DeliveryFilter, Trigger};
pub use crate::kernel::provider::SignedEvent;
pub use crate::kernel::urls::is_loopback_url;

use serde_json::Value;

/// What a trigger sent: the event, and the endpoints it goes to.
#[derive(Debug, Clone)]
pub struct Triggered {
    /// The event, in the provider's envelope.
    pub event: Value,
    /// `(endpoint ID, URL)` of every endpoint it goes to.
    pub deliveries: Vec<(String, String)>,
}

impl Triggered {
    /// The event's ID (billing.io's `event_id`, the others' `id`).
    pub fn event_id(&self) -> &str {
        self.event["event_id"]
            .as_str()
            .or(self.event["id"].as_str())
            .unwrap_or_default()
    }
}

pub mod check;
