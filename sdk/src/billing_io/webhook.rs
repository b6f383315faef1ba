//! Verifying billing.io's webhook deliveries, and signing test payloads.
//!
//! billing.io sends `X-Billing-Signature: t=<unix seconds>,v1=<hex>`, the
//! hex HMAC-SHA256 of `{t}.{raw body}` keyed with the endpoint secret
//! (`whsec_…`), and asks receivers to reject timestamps more than five
//! minutes away.
//!
//! ```
//! use webhooks_sdk::billing_io::webhook;
//!
//! let secret = "whsec_a1b2c3d4e5f6a7b8c9d0e1f2";
//! let body = br#"{"event_id":"evt_1","type":"checkout.completed","checkout_id":"co_1","data":{},"created_at":"2025-06-15T10:42:00Z"}"#;
//! let headers = webhook::sign(body, secret, webhook::now());
//! let event = webhook::verify_headers(body, &headers, secret, Some(webhook::DEFAULT_TOLERANCE))?;
//! assert_eq!(event.event_id, "evt_1");
//! # Ok::<(), webhooks_sdk::VerifyError>(())
//! ```

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::signature::{VerifyError, check_timestamp, header, hmac_hex, signature_matches};

pub use crate::signature::unix_now as now;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-billing-signature";

/// billing.io's documented tolerance: five minutes either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// An event as billing.io delivers it. Unknown event types and fields parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event's ID (`evt_…`), the same on every retry.
    pub event_id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub type_: super::EventType,
    /// The checkout it is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_id: Option<String>,
    /// The checkout, as documented for the event type.
    #[serde(default)]
    pub data: serde_json::Value,
    /// When the event happened (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
}

/// Verifies `payload` (the raw body, byte for byte) against the
/// `X-Billing-Signature` value, the endpoint `secret` and a tolerance
/// (`None` skips the timestamp check), and parses the event. Several `v1=`
/// entries are accepted (secret rotation): one match suffices.
pub fn verify(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Option<Duration>,
) -> Result<Event, VerifyError> {
    verify_at(payload, signature_header, secret, tolerance, now())
}

/// [`verify`] with the signature taken from the request's headers.
pub fn verify_headers(
    payload: &[u8],
    headers: &HeaderMap,
    secret: &str,
    tolerance: Option<Duration>,
) -> Result<Event, VerifyError> {
    verify(
        payload,
        header(headers, SIGNATURE_HEADER)?,
        secret,
        tolerance,
    )
}

/// [`verify`] as if the time were `now` (Unix seconds).
pub fn verify_at(
    payload: &[u8],
    signature_header: &str,
    secret: &str,
    tolerance: Option<Duration>,
    now: i64,
) -> Result<Event, VerifyError> {
    let malformed = VerifyError::MalformedHeader(SIGNATURE_HEADER);
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in signature_header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => {
                timestamp = Some(
                    t.parse::<i64>()
                        .map_err(|_| VerifyError::MalformedHeader(SIGNATURE_HEADER))?,
                )
            }
            Some(("v1", sig)) => signatures.push(sig),
            Some(_) => {} // other schemes, ignored
            None => return Err(malformed),
        }
    }
    let (Some(timestamp), false) = (timestamp, signatures.is_empty()) else {
        return Err(malformed);
    };
    let t = timestamp.to_string();
    let parts: [&[u8]; 3] = [t.as_bytes(), b".", payload];
    if !signatures
        .iter()
        .any(|s| signature_matches(secret.as_bytes(), &parts, s))
    {
        return Err(VerifyError::NoMatchingSignature);
    }
    check_timestamp(timestamp, now, tolerance)?;
    serde_json::from_slice(payload).map_err(VerifyError::InvalidPayload)
}

/// The `X-Billing-Signature` value billing.io would send for `payload` at `timestamp`.
pub fn signature(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let t = timestamp.to_string();
    format!(
        "t={t},v1={}",
        hmac_hex(secret.as_bytes(), &[t.as_bytes(), b".", payload])
    )
}

/// The headers billing.io sends with `payload`, for your own tests.
pub fn sign(payload: &[u8], secret: &str, timestamp: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert(
        SIGNATURE_HEADER,
        HeaderValue::from_str(&signature(payload, secret, timestamp)).expect("ASCII"),
    );
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_a1b2c3d4e5f6a7b8c9d0e1f2";
    const BODY: &str = r#"{"event_id":"evt_7f8a9b0c1d2e3f4a","type":"checkout.completed","checkout_id":"co_9a8b7c6d5e4f","data":{"checkout_id":"co_9a8b7c6d5e4f","status":"confirmed"},"created_at":"2025-06-15T10:42:00Z"}"#;
    const T: i64 = 1718451600;
    /// Made once, outside this code:
    /// printf '%s' "1718451600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "ee7e54fc693dbd0be271c8cd6bc5ed239c7ff68587aa882195c9925a997307c1";

    fn header_with(sigs: &[&str]) -> String {
        let mut h = format!("t={T}");
        for s in sigs {
            h.push_str(&format!(",v1={s}"));
        }
        h
    }

    #[test]
    fn the_known_answer_verifies_and_parses() {
        let event = verify_at(
            BODY.as_bytes(),
            &header_with(&[KNOWN]),
            SECRET,
            Some(DEFAULT_TOLERANCE),
            T + 10,
        )
        .unwrap();
        assert_eq!(event.type_, crate::billing_io::EventType::CheckoutCompleted);
        assert_eq!(event.checkout_id.as_deref(), Some("co_9a8b7c6d5e4f"));
        assert_eq!(signature(BODY.as_bytes(), SECRET, T), header_with(&[KNOWN]));
    }

    #[test]
    fn tampering_and_bad_headers_fail() {
        let ok = Some(DEFAULT_TOLERANCE);
        let tampered = BODY.replace("confirmed", "refunded");
        assert!(matches!(
            verify_at(tampered.as_bytes(), &header_with(&[KNOWN]), SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(
                BODY.as_bytes(),
                &header_with(&[KNOWN]),
                "whsec_other",
                ok,
                T
            ),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &header_with(&[""]), SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(
                BODY.as_bytes(),
                &header_with(&[&KNOWN[..40]]),
                SECRET,
                ok,
                T
            ),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &format!("v1={KNOWN}"), SECRET, ok, T),
            Err(VerifyError::MalformedHeader(_))
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &format!("t=x,v1={KNOWN}"), SECRET, ok, T),
            Err(VerifyError::MalformedHeader(_))
        ));
        assert!(matches!(
            verify_headers(BODY.as_bytes(), &HeaderMap::new(), SECRET, ok),
            Err(VerifyError::MissingHeader(_))
        ));
    }

    #[test]
    fn the_timestamp_must_be_recent_unless_the_check_is_off() {
        let h = header_with(&[KNOWN]);
        let ok = Some(DEFAULT_TOLERANCE);
        assert!(matches!(
            verify_at(BODY.as_bytes(), &h, SECRET, ok, T + 301),
            Err(VerifyError::TimestampTooOld { .. })
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &h, SECRET, ok, T - 301),
            Err(VerifyError::TimestampInFuture { .. })
        ));
        assert!(verify_at(BODY.as_bytes(), &h, SECRET, None, T + 86_400).is_ok());
    }

    #[test]
    fn any_one_of_several_signatures_may_match() {
        let rotated = header_with(&["00".repeat(32).as_str(), KNOWN]);
        assert!(
            verify_at(
                BODY.as_bytes(),
                &rotated,
                SECRET,
                Some(DEFAULT_TOLERANCE),
                T
            )
            .is_ok()
        );
    }

    #[test]
    fn unknown_event_types_and_fields_parse() {
        let body = br#"{"event_id":"evt_1","type":"payout.reversed","data":{},"new":1}"#;
        let event = verify_at(body, &signature(body, SECRET, T), SECRET, None, T).unwrap();
        assert_eq!(
            event.type_,
            crate::billing_io::EventType::Unknown("payout.reversed".into())
        );
    }
}
