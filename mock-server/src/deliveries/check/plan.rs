//! The deliveries of a receiver check, made before any is sent: one per
//! case, each signed (or mis-signed) as the provider documents.

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use crate::Provider;

/// What a receiver must do with a case's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// Answer 2xx.
    Accept,
    /// Answer 4xx.
    Reject,
    /// Answer 2xx or 4xx (never a 5xx, a timeout or a dropped connection).
    AcceptOrReject,
    /// The case does not apply to this provider (`why` says why).
    Skip,
}

/// How far beyond the documented tolerance (300 s) a stale or future timestamp is.
const OFF_BY: Duration = Duration::from_secs(3600);

/// The oversized case's body size: over the 1 MiB receivers are told to allow.
const OVERSIZED: usize = 1024 * 1024 + 64 * 1024;

/// A body and the headers it is sent with.
pub(super) type Delivery = (Vec<u8>, Vec<(&'static str, String)>);

pub(super) struct Case {
    pub(super) name: &'static str,
    pub(super) expected: Expected,
    /// `None`: skipped.
    pub(super) delivery: Option<Delivery>,
    /// What a failure means, or why the case is skipped.
    pub(super) why: &'static str,
}

/// Every case's delivery, made before any is sent.
pub(super) struct Plan {
    pub(super) cases: Vec<Case>,
}

/// What differs between the signing providers, for the cases.
struct Shape {
    event_type: &'static str,
    signature_header: &'static str,
    signs_timestamp: bool,
    /// The header can carry several signatures.
    several: bool,
}

fn shape(provider: Provider) -> Option<Shape> {
    Some(match provider {
        Provider::BillingIo => Shape {
            event_type: "checkout.completed",
            signature_header: "x-billing-signature",
            signs_timestamp: true,
            several: true,
        },
        Provider::Meum => Shape {
            event_type: "invoice.paid",
            signature_header: "x-stablecoin-signature",
            signs_timestamp: true,
            several: true,
        },
        Provider::Commet => Shape {
            event_type: "subscription.created",
            signature_header: "x-commet-signature",
            signs_timestamp: false,
            several: false,
        },
        _ => return None,
    })
}

impl Plan {
    /// Every case for `provider`'s deliveries signed with `secret` (and,
    /// for the rotation case, `previous`).
    pub(super) fn new(
        provider: Provider,
        secret: &str,
        previous: Option<&str>,
    ) -> Result<Self, String> {
        let shape = shape(provider).ok_or_else(|| {
            format!(
                "{} does not document how its deliveries are signed: there is nothing to check",
                provider.title()
            )
        })?;
        let now = SystemTime::now();
        // A fresh event in the provider's envelope, its own ID.
        let event = |data: Option<Value>| -> Result<Value, String> {
            let signed = provider.sign_event(shape.event_type, data, secret)?;
            serde_json::from_slice(&signed.body).map_err(|e| e.to_string())
        };
        let bytes = |value: &Value| serde_json::to_vec(value).expect("JSON serialises");
        let sign = |body: &[u8], secret: &str, at: SystemTime| provider.sign_body(body, secret, at);
        let signature = |headers: &[(&'static str, String)]| {
            headers
                .iter()
                .find(|(name, _)| *name == shape.signature_header)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let with_signature = |headers: &[(&'static str, String)], value: Option<String>| {
            let mut headers: Vec<_> = headers
                .iter()
                .filter(|(name, _)| *name != shape.signature_header)
                .cloned()
                .collect();
            headers.extend(value.map(|v| (shape.signature_header, v)));
            headers
        };
        let case = |name, expected, delivery: Delivery, why| Case {
            name,
            expected,
            delivery: Some(delivery),
            why,
        };
        let skip = |name, why| Case {
            name,
            expected: Expected::Skip,
            delivery: None,
            why,
        };
        let fresh = |at: SystemTime, secret: &str| -> Result<Delivery, String> {
            let body = bytes(&event(None)?);
            let headers = sign(&body, secret, at)?;
            Ok((body, headers))
        };

        let mut cases = Vec::new();
        let valid = fresh(now, secret)?;
        cases.push(case(
            "valid",
            Expected::Accept,
            valid.clone(),
            "refuses a genuine delivery",
        ));
        cases.push(case(
            "replayed_delivery",
            Expected::Accept,
            valid.clone(),
            "refuses a duplicate instead of acknowledging it (the provider retries it)",
        ));
        cases.push(match previous {
            Some(previous) => case(
                "valid_previous_secret",
                Expected::Accept,
                fresh(now, previous)?,
                "refuses a delivery signed with the previous secret during a rotation",
            ),
            None => skip("valid_previous_secret", "no previous secret was given"),
        });
        cases.push(if shape.several {
            let (body, headers) = fresh(now, secret)?;
            let good = signature(&headers);
            let (_, wrong) = fresh(now, "whsec_not_the_secret_0123456789")?;
            let bad = signature(&wrong);
            // The wrong signature first, the good one last.
            let twice = match good.split_once("v1=") {
                Some((prefix, hex)) => format!(
                    "{prefix}v1={},v1={hex}",
                    bad.rsplit("v1=").next().unwrap_or_default()
                ),
                None => good,
            };
            case(
                "signed_twice",
                Expected::Accept,
                (body, with_signature(&headers, Some(twice))),
                "refuses a delivery whose header carries several signatures, one good",
            )
        } else {
            skip(
                "signed_twice",
                "this provider's signature header carries one signature",
            )
        });
        {
            let (body, headers) = fresh(now, secret)?;
            let mut tampered = body.clone();
            // One byte of a value changed: the ID's last character.
            let id_end = find_id_end(&tampered).unwrap_or(tampered.len() / 2);
            tampered[id_end] = if tampered[id_end] == b'0' { b'1' } else { b'0' };
            cases.push(case(
                "tampered_body",
                Expected::Reject,
                (tampered, headers),
                "accepts a body changed after it was signed",
            ));
        }
        cases.push(case(
            "wrong_secret",
            Expected::Reject,
            fresh(now, "whsec_not_the_secret_0123456789")?,
            "accepts deliveries signed with any key",
        ));
        {
            let (body, headers) = fresh(now, secret)?;
            cases.push(case(
                "missing_signature",
                Expected::Reject,
                (body, with_signature(&headers, None)),
                "accepts a delivery with no signature",
            ));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            cases.push(case(
                "malformed_signature",
                Expected::Reject,
                (
                    body,
                    with_signature(&headers, Some("not-a-signature".into())),
                ),
                "accepts a signature header it cannot read",
            ));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            let full = signature(&headers);
            let cut = full[..full.len() - (full.len() - full.rfind('=').map_or(0, |i| i + 1)) / 2]
                .to_string();
            cases.push(case(
                "truncated_signature",
                Expected::Reject,
                (body, with_signature(&headers, Some(cut))),
                "accepts a signature cut short (compares only a prefix)",
            ));
        }
        if shape.signs_timestamp {
            cases.push(case(
                "stale_timestamp",
                Expected::Reject,
                fresh(now - OFF_BY, secret)?,
                "accepts a delivery signed an hour ago (no timestamp check: replays pass)",
            ));
            cases.push(case(
                "future_timestamp",
                Expected::Reject,
                fresh(now + OFF_BY, secret)?,
                "accepts a delivery signed an hour from now",
            ));
        } else {
            let why = "this provider signs no timestamp";
            cases.push(skip("stale_timestamp", why));
            cases.push(skip("future_timestamp", why));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let pretty = serde_json::to_vec_pretty(&value).expect("JSON serialises");
            cases.push(case(
                "reencoded_body",
                Expected::Reject,
                (pretty, headers),
                "verifies a re-encoded body instead of the raw bytes (parses, then re-serialises)",
            ));
        }
        // A fresh event changed before it is signed: validly signed, odd content.
        let altered = |change: &dyn Fn(&mut Value)| -> Result<Delivery, String> {
            let mut value = event(None)?;
            change(&mut value);
            let body = bytes(&value);
            let headers = sign(&body, secret, now)?;
            Ok((body, headers))
        };
        cases.push(case(
            "unknown_event_type",
            Expected::Accept,
            altered(&|value| {
                let key = if value.get("type").is_some() {
                    "type"
                } else {
                    "event"
                };
                value[key] = json!("webhooks_mock.check.unknown_type");
            })?,
            "refuses an event type it does not know (the provider retries it forever)",
        ));
        cases.push(case(
            "unexpected_data",
            Expected::Accept,
            altered(&|value| value["data"] = json!(["data", "of", "another", "shape"]))?,
            "refuses a documented event whose data has another shape",
        ));
        cases.push(case(
            "oversized_body",
            Expected::AcceptOrReject,
            altered(&|value| value["padding"] = json!("x".repeat(OVERSIZED)))?,
            "fails or hangs on a body over 1 MiB",
        ));
        Ok(Self { cases })
    }
}

/// Where the first ID's last character is (`"event_id":"…"` or `"id":"…"`).
fn find_id_end(body: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(body).ok()?;
    let key = ["\"event_id\":\"", "\"id\":\""]
        .iter()
        .find_map(|k| text.find(k).map(|at| at + k.len()))?;
    let end = key + text[key..].find('"')?;
    (end > key).then(|| end - 1)
}
