//! Receiving Commet's webhook deliveries.
//!
//! Commet sends `X-Commet-Signature: <hex>`, the hex HMAC-SHA256 of the raw
//! body alone, keyed with the endpoint secret, one signature per delivery.
//! **No timestamp is signed** and Commet documents no replay window, so a
//! verifier alone cannot refuse a replayed copy: deduplicate on the signed
//! body's `id` ([`VerifiedDelivery::event_id`](crate::receive::VerifiedDelivery::event_id),
//! and a [`ReplayGuard`](crate::receive::ReplayGuard)), never on the
//! unsigned `X-Commet-Event-Id` header. `X-Commet-Timestamp` is not signed either.
//!
//! ```
//! use webhooks_sdk::commet::webhook::{Event, Webhook};
//!
//! let webhook = Webhook::new(["whsec_abc123"])?;
//! let body = br#"{"id":"whev_1","event":"subscription.activated","timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f","mode":"live","apiVersion":"2026-05-25","data":{}}"#;
//! let delivery = webhook.verify(body, &webhook.sign(body, std::time::SystemTime::now()))?;
//! let Event::Known(event) = delivery.event() else { panic!("a documented event") };
//! assert_eq!(event.event.as_str(), "subscription.activated");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EventType;
use crate::provider::Provider;
use crate::receive::{self, Envelope, Headers, Signed, Tolerance, VerifyError, required};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-commet-signature";
/// The header that carries the event type (not signed).
pub const EVENT_HEADER: &str = "x-commet-event";
/// The header that carries the event ID (not signed; the body's `id` is).
pub const EVENT_ID_HEADER: &str = "x-commet-event-id";
/// The header that carries the emit time (ISO 8601; not signed).
pub const TIMESTAMP_HEADER: &str = "x-commet-timestamp";

/// Commet's signing scheme.
#[derive(Debug, Clone, Copy)]
pub struct Commet;

/// Verifies Commet deliveries (see [`receive::Webhook`]).
pub type Webhook = receive::Webhook<Commet>;

/// A Commet delivery's event, read.
pub type Event = receive::Event<CommetEvent>;

/// The axum extractor of verified Commet deliveries.
#[cfg(feature = "axum")]
pub type Verified = receive::axum::Verified<Commet>;

impl receive::private::Sealed for Commet {}

impl receive::Scheme for Commet {
    const PROVIDER: Provider = Provider::Commet;
    const TOLERANCE: Tolerance = Tolerance::Unchecked;
    type Event = Event;
    const ENVELOPE: Envelope = Envelope {
        id: "id",
        event_type: "event",
        created_at: "timestamp",
    };
    const SIGNS_TIMESTAMP: bool = false;

    fn signed(headers: &dyn Headers) -> Result<Signed<'_>, VerifyError> {
        let signature = required(headers, SIGNATURE_HEADER)?.trim();
        if signature.is_empty() {
            return Err(VerifyError::MalformedHeader(SIGNATURE_HEADER));
        }
        Ok(Signed {
            timestamp: None,
            signatures: vec![signature],
        })
    }

    fn headers(
        _body: &[u8],
        signature: String,
        _timestamp: i64,
        event: Option<&Value>,
    ) -> Vec<(&'static str, String)> {
        let field = |key| receive::text_field(event, key);
        vec![
            ("content-type", "application/json".into()),
            (SIGNATURE_HEADER, signature),
            (EVENT_HEADER, field("event")),
            (EVENT_ID_HEADER, field("id")),
            (TIMESTAMP_HEADER, field("timestamp")),
        ]
    }
}

crate::open_enum::open_enum! {
    /// Whether an event happened in live mode or in the sandbox.
    pub enum Mode {
        Live = "live",
        Sandbox = "sandbox",
    }
}

/// A Commet event of a documented type, in Commet's envelope. The data of
/// each type is not documented ("event-specific fields"): it is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommetEvent {
    /// The event's ID (`whev_…`), the same on every retry: deduplicate on it.
    pub id: String,
    /// What happened.
    pub event: EventType,
    /// When it was emitted (ISO 8601).
    pub timestamp: String,
    /// The organization's ID (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// Live or sandbox.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    /// The API version the payload is shaped with (the endpoint's pin, else the organization's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The event's own fields.
    #[serde(default)]
    pub data: Value,
}

impl receive::KnownEvent for CommetEvent {
    const TYPE_FIELD: &'static str = "event";

    fn is_documented(event_type: &str) -> bool {
        !matches!(EventType::from(event_type), EventType::Unknown(_))
    }

    fn event_type(&self) -> &str {
        self.event.as_str()
    }
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use super::*;

    const SECRET: &str = "whsec_abc123";
    const BODY: &str = r#"{"id":"whev_8AzNvGSAZJw0YBOUMTn9vM1V","event":"subscription.activated","timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f","mode":"live","apiVersion":"2026-05-25","data":{}}"#;
    /// Made once, outside this code: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "18c058852f57fe8a37f428279081a612923005a9a0843e322a2d704fbc3d2457";

    #[test]
    fn the_known_answer_verifies_and_signing_reproduces_it() {
        let webhook = Webhook::new([SECRET]).unwrap();
        let delivery = webhook
            .verify(BODY.as_bytes(), &[(SIGNATURE_HEADER, KNOWN)])
            .unwrap();
        assert_eq!(delivery.event_id(), Some("whev_8AzNvGSAZJw0YBOUMTn9vM1V"));
        assert_eq!(delivery.signed_at(), None, "Commet signs no timestamp");
        let signed = webhook.sign(BODY.as_bytes(), SystemTime::now());
        assert_eq!(signed[SIGNATURE_HEADER], KNOWN);
        assert_eq!(signed[EVENT_HEADER], "subscription.activated");
    }

    #[test]
    fn an_empty_signature_is_malformed_and_a_truncated_one_does_not_match() {
        let webhook = Webhook::new([SECRET]).unwrap();
        assert_eq!(
            webhook
                .verify(BODY.as_bytes(), &[(SIGNATURE_HEADER, " ")])
                .unwrap_err(),
            VerifyError::MalformedHeader(SIGNATURE_HEADER)
        );
        assert_eq!(
            webhook
                .verify(BODY.as_bytes(), &[(SIGNATURE_HEADER, &KNOWN[..63])])
                .unwrap_err(),
            VerifyError::NoMatchingSignature
        );
    }
}
