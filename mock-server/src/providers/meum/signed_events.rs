//! meum.io's signed events: `X-Stablecoin-Signature: v1=<hex>`, an
//! HMAC-SHA256 of `{timestamp}.{raw body}`, with the event's type, ID and
//! timestamp in their own headers. Every attempt is kept for the deliveries
//! operations.

use std::time::Duration;

use serde_json::{Value, json};

use super::wire::{EndpointStatus, PublicId, WebhookDelivery, WebhookDeliveryDetail};
use super::{DEFAULT_EVENTS, Meum, TenantData};
use crate::kernel::deliveries::Attempt;
use crate::kernel::env::Env;
use crate::kernel::provider::{ProviderState, Tenant};
use crate::kernel::signed_events::{Event, SignedEvents, Subscriber};
use crate::kernel::signing;

/// meum.io documents no retry schedule: three attempts like billing.io's (our inference).
const SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(300),
    Duration::from_secs(1500),
];

impl SignedEvents for Meum {
    const RETRY_SCHEDULE: &'static [Duration] = SCHEDULE;
    /// `whd_…`, as its deliveries API documents.
    const ATTEMPT_ID_PREFIX: &'static str = "whd_";

    /// Its defaults, and `invoice.refunded`.
    fn accepts(event_type: &str) -> bool {
        DEFAULT_EVENTS.contains(&event_type) || event_type == "invoice.refunded"
    }

    fn envelope(env: &Env, _tenant: &Tenant, event_type: &str, data: Option<Value>) -> Event {
        let id = env.lower_alnum("evt_", 24);
        let envelope = json!({
            "id": id,
            "type": event_type,
            "created_at": env.now_rfc3339(),
            "data": data.unwrap_or_else(|| json!({})),
        });
        Event {
            id,
            event_type: event_type.to_string(),
            envelope,
        }
    }

    fn subscribers(data: &TenantData, event_type: &str) -> Vec<Subscriber> {
        data.endpoints
            .values()
            .filter(|e| {
                e.status == EndpointStatus::Active && e.view.events.iter().any(|t| t == event_type)
            })
            .map(|e| Subscriber {
                endpoint_id: e.view.id.0.clone(),
                url: e.view.url.clone(),
                secret: e.secret.clone(),
                api_version: None,
            })
            .collect()
    }

    fn signed_headers(
        event: &Event,
        body: &[u8],
        secret: &str,
        now: i64,
    ) -> Vec<(&'static str, String)> {
        let t = now.to_string();
        let signature =
            signing::hmac_sha256_hex(secret.as_bytes(), &[t.as_bytes(), b".", body].concat());
        vec![
            ("content-type", "application/json".into()),
            ("x-stablecoin-event", event.event_type.clone()),
            ("x-stablecoin-event-id", event.id.clone()),
            ("x-stablecoin-timestamp", t),
            ("x-stablecoin-signature", format!("v1={signature}")),
        ]
    }

    fn on_attempt(state: &ProviderState<Self>, tenant: &str, endpoint_id: &str, attempt: &Attempt) {
        record_attempt(state, tenant, endpoint_id, attempt);
    }
}

/// Keeps an attempt for the deliveries operations and updates the endpoint's
/// last-delivery fields.
fn record_attempt(state: &ProviderState<Meum>, tenant: &str, endpoint_id: &str, attempt: &Attempt) {
    let mut tenants = state.tenants.lock();
    let seq = tenants.next_seq();
    let data = tenants.of(tenant);
    let detail = WebhookDeliveryDetail {
        delivery: WebhookDelivery {
            id: attempt.id.clone(),
            event_id: attempt.event_id.clone(),
            attempt_number: i64::from(attempt.attempt),
            status_code: attempt.status_code.map(i64::from),
            attempted_at: attempt.at.clone(),
        },
        webhook_endpoint_id: PublicId(endpoint_id.to_string()),
    };
    data.deliveries.insert(seq, attempt.id.clone(), detail);
    if let Some(endpoint) = data.endpoints.get_mut(endpoint_id) {
        endpoint.view.last_delivery_at = Some(attempt.at.clone());
        endpoint.view.last_delivery_status = Some(
            if attempt.succeeded() {
                "SUCCEEDED"
            } else {
                "FAILED"
            }
            .into(),
        );
        endpoint.view.failure_count = if attempt.succeeded() {
            0
        } else {
            endpoint.view.failure_count + 1
        };
    }
}
