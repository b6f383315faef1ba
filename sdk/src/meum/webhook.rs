//! Verifying meum.io's webhook deliveries, and signing test payloads.
//!
//! meum.io sends `X-Stablecoin-Timestamp: <unix seconds>` and
//! `X-Stablecoin-Signature: v1=<hex>`, the hex HMAC-SHA256 of
//! `{timestamp}.{raw body}` keyed with the endpoint secret, and asks
//! receivers to reject timestamps more than 300 seconds away. The event's
//! type and ID also come as `X-Stablecoin-Event` and `X-Stablecoin-Event-Id`.
//!
//! ```
//! use webhooks_sdk::meum::webhook;
//!
//! let secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
//! let body = br#"{"id":"evt_0123456789abcdefghij","type":"invoice.paid"}"#;
//! let headers = webhook::sign(body, secret, "invoice.paid", webhook::now());
//! let event = webhook::verify_headers(body, &headers, secret, Some(webhook::DEFAULT_TOLERANCE))?;
//! assert_eq!(event.id, "evt_0123456789abcdefghij");
//! # Ok::<(), webhooks_sdk::VerifyError>(())
//! ```

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::signature::{VerifyError, check_timestamp, header, hmac_hex, signature_matches};

pub use crate::signature::unix_now as now;

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-stablecoin-signature";
/// The header that carries the signed timestamp.
pub const TIMESTAMP_HEADER: &str = "x-stablecoin-timestamp";
/// The header that carries the event type.
pub const EVENT_HEADER: &str = "x-stablecoin-event";
/// The header that carries the event ID (the payload's `id`).
pub const EVENT_ID_HEADER: &str = "x-stablecoin-event-id";

/// meum.io's documented tolerance: 300 seconds either way.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// An event as meum.io delivers it. Only `id` is documented; every other
/// field is kept as sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The event's ID (also sent as `X-Stablecoin-Event-Id`).
    pub id: String,
    /// Every other field of the payload.
    #[serde(flatten)]
    pub fields: serde_json::Map<String, serde_json::Value>,
}

/// Verifies `payload` (the raw body) against the signature and timestamp
/// header values, the endpoint `secret` and a tolerance (`None` skips the
/// timestamp check), and parses the event. Several space- or
/// comma-separated `v1=` signatures are accepted (secret rotation).
pub fn verify(
    payload: &[u8],
    signature: &str,
    timestamp: &str,
    secret: &str,
    tolerance: Option<Duration>,
) -> Result<Event, VerifyError> {
    verify_at(payload, signature, timestamp, secret, tolerance, now())
}

/// [`verify`] with the values taken from the request's headers.
pub fn verify_headers(
    payload: &[u8],
    headers: &HeaderMap,
    secret: &str,
    tolerance: Option<Duration>,
) -> Result<Event, VerifyError> {
    verify(
        payload,
        header(headers, SIGNATURE_HEADER)?,
        header(headers, TIMESTAMP_HEADER)?,
        secret,
        tolerance,
    )
}

/// [`verify`] as if the time were `now` (Unix seconds).
pub fn verify_at(
    payload: &[u8],
    signature: &str,
    timestamp: &str,
    secret: &str,
    tolerance: Option<Duration>,
    now: i64,
) -> Result<Event, VerifyError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| VerifyError::MalformedHeader(TIMESTAMP_HEADER))?;
    let candidates: Vec<&str> = signature
        .split([',', ' '])
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.strip_prefix("v1=")
                .ok_or(VerifyError::MalformedHeader(SIGNATURE_HEADER))
        })
        .collect::<Result<_, _>>()?;
    if candidates.is_empty() {
        return Err(VerifyError::MalformedHeader(SIGNATURE_HEADER));
    }
    let t = ts.to_string();
    let parts: [&[u8]; 3] = [t.as_bytes(), b".", payload];
    if !candidates
        .iter()
        .any(|c| signature_matches(secret.as_bytes(), &parts, c))
    {
        return Err(VerifyError::NoMatchingSignature);
    }
    check_timestamp(ts, now, tolerance)?;
    serde_json::from_slice(payload).map_err(VerifyError::InvalidPayload)
}

/// The `X-Stablecoin-Signature` value for `payload` at `timestamp`.
pub fn signature(payload: &[u8], secret: &str, timestamp: i64) -> String {
    let t = timestamp.to_string();
    format!(
        "v1={}",
        hmac_hex(secret.as_bytes(), &[t.as_bytes(), b".", payload])
    )
}

/// The headers meum.io sends with `payload` (an event of `event_type`), for your own tests.
pub fn sign(payload: &[u8], secret: &str, event_type: &str, timestamp: i64) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let id = serde_json::from_slice::<serde_json::Value>(payload)
        .ok()
        .and_then(|v| v["id"].as_str().map(str::to_string))
        .unwrap_or_default();
    for (name, value) in [
        (EVENT_HEADER, event_type.to_string()),
        (EVENT_ID_HEADER, id),
        (TIMESTAMP_HEADER, timestamp.to_string()),
        (SIGNATURE_HEADER, signature(payload, secret, timestamp)),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const BODY: &str = r#"{"id":"evt_0123456789abcdefghij","type":"invoice.paid"}"#;
    const T: i64 = 1718451600;
    /// Made once, outside this code:
    /// printf '%s' "1718451600.$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "7b87dd45b432f08bb4ea2836d207ca8994b4093c4101dfe07c24764f43df8c64";

    #[test]
    fn the_known_answer_verifies_and_parses() {
        let event = verify_at(
            BODY.as_bytes(),
            &format!("v1={KNOWN}"),
            "1718451600",
            SECRET,
            Some(DEFAULT_TOLERANCE),
            T,
        )
        .unwrap();
        assert_eq!(event.id, "evt_0123456789abcdefghij");
        assert_eq!(event.fields["type"], "invoice.paid");
        assert_eq!(signature(BODY.as_bytes(), SECRET, T), format!("v1={KNOWN}"));
    }

    #[test]
    fn tampering_truncation_and_bad_headers_fail() {
        let ok = Some(DEFAULT_TOLERANCE);
        let sig = format!("v1={KNOWN}");
        let tampered = BODY.replace("paid", "expired");
        assert!(matches!(
            verify_at(tampered.as_bytes(), &sig, "1718451600", SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig, "1718451600", "other", ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig, "1718451601", SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), "v1=", "1718451600", SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig[..20], "1718451600", SECRET, ok, T),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), KNOWN, "1718451600", SECRET, ok, T),
            Err(VerifyError::MalformedHeader(_))
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig, "soon", SECRET, ok, T),
            Err(VerifyError::MalformedHeader(_))
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), "", "1718451600", SECRET, ok, T),
            Err(VerifyError::MalformedHeader(_))
        ));
    }

    #[test]
    fn expired_future_and_rotated() {
        let sig = format!("v1={KNOWN}");
        let ok = Some(DEFAULT_TOLERANCE);
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig, "1718451600", SECRET, ok, T + 301),
            Err(VerifyError::TimestampTooOld { .. })
        ));
        assert!(matches!(
            verify_at(BODY.as_bytes(), &sig, "1718451600", SECRET, ok, T - 301),
            Err(VerifyError::TimestampInFuture { .. })
        ));
        let rotated = format!("v1={},{sig}", "ab".repeat(32));
        assert!(verify_at(BODY.as_bytes(), &rotated, "1718451600", SECRET, ok, T).is_ok());
    }

    #[test]
    fn signed_headers_verify() {
        let headers = sign(BODY.as_bytes(), SECRET, "invoice.paid", now());
        assert_eq!(headers[EVENT_ID_HEADER], "evt_0123456789abcdefghij");
        assert!(verify_headers(BODY.as_bytes(), &headers, SECRET, Some(DEFAULT_TOLERANCE)).is_ok());
    }
}
