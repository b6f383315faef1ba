//! Receiving billing.io's webhook deliveries.
//!
//! billing.io sends `X-Billing-Signature: t=<unix seconds>,v1=<hex>`, the
//! hex HMAC-SHA256 of `{t}.{raw body}` keyed with the endpoint secret
//! (`whsec_…`), and asks receivers to refuse timestamps more than five
//! minutes away. Every event carries the checkout it is about (its guide's
//! example, and its Python SDK's `Event`).
//!
//! ```
//! use std::time::SystemTime;
//! use webhooks_sdk::billing_io::webhook::{Event, Webhook};
//!
//! let webhook = Webhook::new(["whsec_a1b2c3d4e5f6a7b8c9d0e1f2"])?;
//! let body = br#"{"event_id":"evt_1","type":"checkout.completed","checkout_id":"co_1","data":{"checkout_id":"co_1","status":"confirmed"},"created_at":"2025-06-15T10:42:00Z"}"#;
//! let headers = webhook.sign(body, SystemTime::now()); // what billing.io would send
//! let delivery = webhook.verify(body, &headers)?;
//! assert_eq!(delivery.event_id(), Some("evt_1"));
//! let Event::Known(event) = delivery.event() else { panic!("a documented event") };
//! assert_eq!(event.data.status, "confirmed");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::EventType;
use crate::provider::Provider;
use crate::receive::{self, Envelope, Headers, Signed, Tolerance, VerifyError, required};

/// The header that carries the signature (and the signed timestamp).
pub const SIGNATURE_HEADER: &str = "x-billing-signature";

/// billing.io's documented tolerance: five minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// billing.io's signing scheme.
#[derive(Debug, Clone, Copy)]
pub struct BillingIo;

/// Verifies billing.io deliveries (see [`receive::Webhook`]).
pub type Webhook = receive::Webhook<BillingIo>;

/// A billing.io delivery's event, read.
pub type Event = receive::Event<CheckoutEvent>;

/// The axum extractor of verified billing.io deliveries.
#[cfg(feature = "axum")]
pub type Verified = receive::axum::Verified<BillingIo>;

impl receive::private::Sealed for BillingIo {}

impl receive::SignsTimestamp for BillingIo {}

impl receive::Scheme for BillingIo {
    const PROVIDER: Provider = Provider::BillingIo;
    const TOLERANCE: Tolerance = Tolerance::Within(DEFAULT_TOLERANCE);
    type Event = Event;
    const ENVELOPE: Envelope = Envelope {
        id: "event_id",
        event_type: "type",
        created_at: "created_at",
    };
    const SIGNS_TIMESTAMP: bool = true;

    fn signed(headers: &dyn Headers) -> Result<Signed<'_>, VerifyError> {
        let malformed = VerifyError::MalformedHeader(SIGNATURE_HEADER);
        let mut timestamp = None;
        let mut signatures = Vec::new();
        for part in required(headers, SIGNATURE_HEADER)?.split(',') {
            match part.trim().split_once('=') {
                Some(("t", t)) => {
                    let seconds = t.parse::<i64>().map_err(|_| malformed.clone())?;
                    timestamp = Some((t, seconds));
                }
                // Every `v1` counts: the header's format allows several (billing.io documents none but one).
                Some(("v1", signature)) => signatures.push(signature),
                Some(_) => {} // another scheme's entry
                None => return Err(malformed),
            }
        }
        if timestamp.is_none() || signatures.is_empty() {
            return Err(malformed);
        }
        Ok(Signed {
            timestamp,
            signatures,
        })
    }

    fn headers(
        _body: &[u8],
        signature: String,
        timestamp: i64,
        _event: Option<&Value>,
    ) -> Vec<(&'static str, String)> {
        vec![
            ("content-type", "application/json".into()),
            (SIGNATURE_HEADER, format!("t={timestamp},v1={signature}")),
        ]
    }
}

/// A documented billing.io event: every one carries the checkout it is
/// about (its Python SDK requires `event_id`, `type`, `checkout_id` and `data`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutEvent {
    /// The event's ID (`evt_…`), the same on every retry.
    pub event_id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub event_type: EventType,
    /// The checkout it is about.
    pub checkout_id: String,
    /// The checkout, as it stood when the event happened.
    pub data: Checkout,
    /// When the event happened (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

impl receive::KnownEvent for CheckoutEvent {
    const TYPE_FIELD: &'static str = "type";

    fn is_documented(event_type: &str) -> bool {
        !matches!(EventType::from(event_type), EventType::Unknown(_))
    }

    fn event_type(&self) -> &str {
        self.event_type.as_str()
    }
}

/// A checkout, as billing.io's webhooks guide shows one in an event. Only
/// `checkout_id` and `status` are required; the other fields are optional
/// so a checkout from a newer API version still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkout {
    /// The checkout's ID (`co_…`).
    pub checkout_id: String,
    /// Its status (`pending`, `confirmed`, …).
    pub status: String,
    /// The address the payment goes to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposit_address: Option<String>,
    /// The chain (`tron`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<String>,
    /// The token (`USDT`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The amount in US dollars.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<f64>,
    /// The amount in the token's smallest unit, as a decimal string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_atomic: Option<String>,
    /// The paying transaction's hash, once seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_hash: Option<String>,
    /// Confirmations so far.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmations: Option<i64>,
    /// Confirmations needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_confirmations: Option<i64>,
    /// When the checkout expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// When the payment was first seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_at: Option<String>,
    /// When the payment was confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_at: Option<String>,
    /// When the checkout was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Your own key-value data.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub metadata: serde_json::Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use std::time::{SystemTime, UNIX_EPOCH};

    use super::*;

    const SECRET: &str = "whsec_a1b2c3d4e5f6a7b8c9d0e1f2";
    const BODY: &str = r#"{"event_id":"evt_7f8a9b0c1d2e3f4a","type":"checkout.completed","checkout_id":"co_9a8b7c6d5e4f","data":{"checkout_id":"co_9a8b7c6d5e4f","status":"confirmed"},"created_at":"2025-06-15T10:42:00Z"}"#;
    const T: u64 = 1718451600;
    /// Made once, outside this code:
    /// printf '%s' "1718451600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "ee7e54fc693dbd0be271c8cd6bc5ed239c7ff68587aa882195c9925a997307c1";

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    fn headers(value: &str) -> [(&'static str, String); 1] {
        [(SIGNATURE_HEADER, value.to_string())]
    }

    #[test]
    fn the_known_answer_verifies_and_signing_reproduces_it() {
        let webhook = Webhook::new([SECRET]).unwrap();
        let delivery = webhook
            .verify_at(
                BODY.as_bytes(),
                &headers(&format!("t={T},v1={KNOWN}")),
                at(T + 10),
            )
            .unwrap();
        assert_eq!(delivery.event_id(), Some("evt_7f8a9b0c1d2e3f4a"));
        assert_eq!(delivery.signed_at(), Some(at(T)));
        let signed = webhook.sign(BODY.as_bytes(), at(T));
        assert_eq!(signed[SIGNATURE_HEADER], format!("t={T},v1={KNOWN}"));
    }

    #[test]
    fn a_header_without_a_timestamp_or_a_signature_is_malformed() {
        let webhook = Webhook::new([SECRET]).unwrap();
        for bad in [
            format!("v1={KNOWN}"),
            format!("t=x,v1={KNOWN}"),
            format!("t={T}"),
            "garbage".into(),
        ] {
            assert_eq!(
                webhook
                    .verify_at(BODY.as_bytes(), &headers(&bad), at(T))
                    .unwrap_err(),
                VerifyError::MalformedHeader(SIGNATURE_HEADER),
                "{bad}"
            );
        }
    }
}
