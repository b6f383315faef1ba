//! Receiving meum.io's webhook deliveries.
//!
//! meum.io sends `X-Stablecoin-Timestamp: <unix seconds>` and
//! `X-Stablecoin-Signature: v1=<hex>`, the hex HMAC-SHA256 of
//! `{timestamp}.{raw body}` keyed with the endpoint secret, and asks
//! receivers to refuse timestamps more than 300 seconds away. The event's
//! type and ID also travel as `X-Stablecoin-Event` and
//! `X-Stablecoin-Event-Id`, which are not signed: the SDK reads both from
//! the signed body. meum.io documents only the body's `id`; its `type`,
//! `created_at` and `data` are read where present.
//!
//! ```
//! use std::time::SystemTime;
//! use webhooks_sdk::meum::webhook::Webhook;
//!
//! let webhook = Webhook::new(["0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"])?;
//! let body = br#"{"id":"evt_0123456789abcdefghij","type":"invoice.paid","data":{}}"#;
//! let delivery = webhook.verify(body, &webhook.sign(body, SystemTime::now()))?;
//! assert_eq!(delivery.event_id(), Some("evt_0123456789abcdefghij"));
//! assert!(delivery.event().is_known());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::provider::Provider;
use crate::receive::{self, Envelope, Headers, Signed, Tolerance, VerifyError, required};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-stablecoin-signature";
/// The header that carries the signed timestamp.
pub const TIMESTAMP_HEADER: &str = "x-stablecoin-timestamp";
/// The header that carries the event type (not signed).
pub const EVENT_HEADER: &str = "x-stablecoin-event";
/// The header that carries the event ID (not signed; the body's `id` is).
pub const EVENT_ID_HEADER: &str = "x-stablecoin-event-id";

/// meum.io's documented tolerance: 300 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// meum.io's signing scheme.
#[derive(Debug, Clone, Copy)]
pub struct Meum;

/// Verifies meum.io deliveries (see [`receive::Webhook`]).
pub type Webhook = receive::Webhook<Meum>;

/// A meum.io delivery's event, read.
pub type Event = receive::Event<InvoiceEvent>;

/// The axum extractor of verified meum.io deliveries.
#[cfg(feature = "axum")]
pub type Verified = receive::axum::Verified<Meum>;

impl receive::private::Sealed for Meum {}

impl receive::SignsTimestamp for Meum {}

impl receive::Scheme for Meum {
    const PROVIDER: Provider = Provider::Meum;
    const TOLERANCE: Tolerance = Tolerance::Within(DEFAULT_TOLERANCE);
    type Event = Event;
    const ENVELOPE: Envelope = Envelope {
        id: "id",
        event_type: "type",
        created_at: "created_at",
    };
    const SIGNS_TIMESTAMP: bool = true;

    fn signed(headers: &dyn Headers) -> Result<Signed<'_>, VerifyError> {
        let text = required(headers, TIMESTAMP_HEADER)?.trim();
        let seconds = text
            .parse::<i64>()
            .map_err(|_| VerifyError::MalformedHeader(TIMESTAMP_HEADER))?;
        let signatures = required(headers, SIGNATURE_HEADER)?
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| {
                s.strip_prefix("v1=")
                    .ok_or(VerifyError::MalformedHeader(SIGNATURE_HEADER))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if signatures.is_empty() {
            return Err(VerifyError::MalformedHeader(SIGNATURE_HEADER));
        }
        Ok(Signed {
            timestamp: Some((text, seconds)),
            signatures,
        })
    }

    fn headers(
        _body: &[u8],
        signature: String,
        timestamp: i64,
        event: Option<&Value>,
    ) -> Vec<(&'static str, String)> {
        let field = |key| receive::text_field(event, key);
        vec![
            ("content-type", "application/json".into()),
            (EVENT_HEADER, field("type")),
            (EVENT_ID_HEADER, field("id")),
            (TIMESTAMP_HEADER, timestamp.to_string()),
            (SIGNATURE_HEADER, format!("v1={signature}")),
        ]
    }
}

crate::open_enum::open_enum! {
    /// A meum.io event type: its default subscriptions, and `invoice.refunded`.
    pub enum EventType {
        InvoiceCreated = "invoice.created",
        InvoicePaid = "invoice.paid",
        InvoiceUnderpaid = "invoice.underpaid",
        InvoiceFailed = "invoice.failed",
        InvoiceExpired = "invoice.expired",
        InvoiceCancelled = "invoice.cancelled",
        InvoiceRefunded = "invoice.refunded",
        WebhookTest = "webhook.test",
    }
}

/// A meum.io event of a documented type. meum.io documents the `id` only;
/// `type` is read from the signed body (never from the unsigned
/// `X-Stablecoin-Event` header), and the rest is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InvoiceEvent {
    /// The event's ID (also sent as `X-Stablecoin-Event-Id`), the same on every retry.
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// When it happened, where the body says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// The event's data (its shape is not documented).
    #[serde(default)]
    pub data: Value,
}

impl receive::KnownEvent for InvoiceEvent {
    const TYPE_FIELD: &'static str = "type";

    fn is_documented(event_type: &str) -> bool {
        !matches!(EventType::from(event_type), EventType::Unknown(_))
    }

    fn event_type(&self) -> &str {
        self.event_type.as_str()
    }
}

#[cfg(test)]
mod tests {
    use std::time::{SystemTime, UNIX_EPOCH};

    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const BODY: &str = r#"{"id":"evt_0123456789abcdefghij","type":"invoice.paid"}"#;
    const T: u64 = 1718451600;
    /// Made once, outside this code:
    /// printf '%s' "1718451600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "7b87dd45b432f08bb4ea2836d207ca8994b4093c4101dfe07c24764f43df8c64";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn the_known_answer_verifies_and_signing_reproduces_it() {
        let webhook = Webhook::new([SECRET]).unwrap();
        let headers = [
            (SIGNATURE_HEADER, format!("v1={KNOWN}")),
            (TIMESTAMP_HEADER, T.to_string()),
        ];
        let delivery = webhook.verify_at(BODY.as_bytes(), &headers, at(T)).unwrap();
        assert_eq!(delivery.event_id(), Some("evt_0123456789abcdefghij"));
        let signed = webhook.sign(BODY.as_bytes(), at(T));
        assert_eq!(signed[SIGNATURE_HEADER], format!("v1={KNOWN}"));
        assert_eq!(signed[EVENT_ID_HEADER], "evt_0123456789abcdefghij");
        assert_eq!(signed[EVENT_HEADER], "invoice.paid");
    }

    #[test]
    fn malformed_headers_are_named() {
        let webhook = Webhook::new([SECRET]).unwrap();
        let verify = |signature: &str, timestamp: &str| {
            let headers = [(SIGNATURE_HEADER, signature), (TIMESTAMP_HEADER, timestamp)];
            webhook
                .verify_at(BODY.as_bytes(), &headers, at(T))
                .unwrap_err()
        };
        assert_eq!(
            verify(KNOWN, "1718451600"),
            VerifyError::MalformedHeader(SIGNATURE_HEADER)
        );
        assert_eq!(
            verify("", "1718451600"),
            VerifyError::MalformedHeader(SIGNATURE_HEADER)
        );
        assert_eq!(
            verify(&format!("v1={KNOWN}"), "soon"),
            VerifyError::MalformedHeader(TIMESTAMP_HEADER)
        );
        let only_signature = [(SIGNATURE_HEADER, format!("v1={KNOWN}"))];
        assert_eq!(
            webhook
                .verify_at(BODY.as_bytes(), &only_signature, at(T))
                .unwrap_err(),
            VerifyError::MissingHeader(TIMESTAMP_HEADER)
        );
    }
}
