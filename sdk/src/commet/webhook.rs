//! Verifying Commet's webhook deliveries, and signing test payloads.
//!
//! Commet sends `X-Commet-Signature: <hex>`, the hex HMAC-SHA256 of the raw
//! body alone, keyed with the endpoint secret. **No timestamp is signed**
//! and Commet documents no replay window, so this verifier cannot reject a
//! replayed delivery: deduplicate on the event `id`, which stays the same
//! across retries. `X-Commet-Timestamp` (ISO 8601) is informational only.
//!
//! ```
//! use webhooks_sdk::commet::webhook;
//!
//! let secret = "whsec_abc123";
//! let body = br#"{"id":"whev_1","event":"subscription.activated","timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f","mode":"live","apiVersion":"2026-05-25","data":{}}"#;
//! let headers = webhook::sign(body, secret);
//! let event = webhook::verify_headers(body, &headers, secret)?;
//! assert_eq!(event.event, "subscription.activated");
//! # Ok::<(), webhooks_sdk::VerifyError>(())
//! ```

use reqwest::header::{HeaderMap, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::signature::{VerifyError, header, hmac_hex, signature_matches};

/// The header that carries the signature.
pub const SIGNATURE_HEADER: &str = "x-commet-signature";
/// The header that carries the event type.
pub const EVENT_HEADER: &str = "x-commet-event";
/// The header that carries the event ID.
pub const EVENT_ID_HEADER: &str = "x-commet-event-id";
/// The header that carries the emit time (ISO 8601; not signed).
pub const TIMESTAMP_HEADER: &str = "x-commet-timestamp";

/// An event as Commet delivers it. Unknown event types and fields parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The event's ID (`whev_…`), the same on every retry: deduplicate on it.
    pub id: String,
    /// The event type, such as `subscription.activated`.
    pub event: String,
    /// When it was emitted (ISO 8601).
    pub timestamp: String,
    /// The organization's ID (a UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// `live` or `sandbox`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The API version the payload is shaped with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The event's own fields.
    #[serde(default)]
    pub data: serde_json::Value,
}

/// Verifies `payload` (the raw body) against the `X-Commet-Signature` value
/// and the endpoint `secret`, and parses the event.
pub fn verify(payload: &[u8], signature: &str, secret: &str) -> Result<Event, VerifyError> {
    let signature = signature.trim();
    if signature.is_empty() {
        return Err(VerifyError::MalformedHeader(SIGNATURE_HEADER));
    }
    if !signature_matches(secret.as_bytes(), &[payload], signature) {
        return Err(VerifyError::NoMatchingSignature);
    }
    serde_json::from_slice(payload).map_err(VerifyError::InvalidPayload)
}

/// [`verify`] with the signature taken from the request's headers.
pub fn verify_headers(
    payload: &[u8],
    headers: &HeaderMap,
    secret: &str,
) -> Result<Event, VerifyError> {
    verify(payload, header(headers, SIGNATURE_HEADER)?, secret)
}

/// The `X-Commet-Signature` value for `payload`.
pub fn signature(payload: &[u8], secret: &str) -> String {
    hmac_hex(secret.as_bytes(), &[payload])
}

/// The headers Commet sends with `payload`, for your own tests (event type,
/// ID and time are read from the payload).
pub fn sign(payload: &[u8], secret: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert(
        reqwest::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    let event: serde_json::Value = serde_json::from_slice(payload).unwrap_or_default();
    for (name, value) in [
        (SIGNATURE_HEADER, signature(payload, secret)),
        (
            EVENT_HEADER,
            event["event"].as_str().unwrap_or_default().to_string(),
        ),
        (
            EVENT_ID_HEADER,
            event["id"].as_str().unwrap_or_default().to_string(),
        ),
        (
            TIMESTAMP_HEADER,
            event["timestamp"].as_str().unwrap_or_default().to_string(),
        ),
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

    const SECRET: &str = "whsec_abc123";
    const BODY: &str = r#"{"id":"whev_8AzNvGSAZJw0YBOUMTn9vM1V","event":"subscription.activated","timestamp":"2026-03-25T14:30:00.000Z","organizationId":"8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f","mode":"live","apiVersion":"2026-05-25","data":{}}"#;
    /// Made once, outside this code: printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
    const KNOWN: &str = "18c058852f57fe8a37f428279081a612923005a9a0843e322a2d704fbc3d2457";

    #[test]
    fn the_known_answer_verifies_and_parses() {
        let event = verify(BODY.as_bytes(), KNOWN, SECRET).unwrap();
        assert_eq!(event.id, "whev_8AzNvGSAZJw0YBOUMTn9vM1V");
        assert_eq!(event.mode.as_deref(), Some("live"));
        assert_eq!(signature(BODY.as_bytes(), SECRET), KNOWN);
    }

    #[test]
    fn tampered_wrong_secret_empty_and_truncated_fail() {
        let tampered = BODY.replace("live", "sandbox");
        assert!(matches!(
            verify(tampered.as_bytes(), KNOWN, SECRET),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify(BODY.as_bytes(), KNOWN, "whsec_other"),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify(BODY.as_bytes(), "", SECRET),
            Err(VerifyError::MalformedHeader(_))
        ));
        assert!(matches!(
            verify(BODY.as_bytes(), &KNOWN[..63], SECRET),
            Err(VerifyError::NoMatchingSignature)
        ));
        assert!(matches!(
            verify_headers(BODY.as_bytes(), &HeaderMap::new(), SECRET),
            Err(VerifyError::MissingHeader(_))
        ));
    }

    #[test]
    fn signed_headers_verify_and_unknown_events_parse() {
        let body = BODY.replace("subscription.activated", "subscription.teleported");
        let headers = sign(body.as_bytes(), SECRET);
        assert_eq!(headers[EVENT_HEADER], "subscription.teleported");
        assert_eq!(
            verify_headers(body.as_bytes(), &headers, SECRET)
                .unwrap()
                .event,
            "subscription.teleported"
        );
    }
}
