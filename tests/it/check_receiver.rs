//! The receiver check (`webhooks_mock::deliveries::check`) against
//! receivers written here, apart from the SDK and the mock: each verifies
//! the provider's documented scheme with the `hmac` crate, with one naive
//! fault or none, and the check must fail exactly the cases of its fault.
//! The SDK's own receiver (its axum extractor and replay guard, as the
//! reference receiver uses them) passes every case.

use std::collections::{BTreeSet, HashSet};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use hmac::{Hmac, Mac};
use serde_json::Value;
use sha2::Sha256;
use webhooks_mock::Provider;
use webhooks_mock::deliveries::check::{Expected, ReceiverCheck};

const SECRET: &str = "whsec_current_0123456789abcdef";
const PREVIOUS: &str = "whsec_previous_0123456789abcdef";

/// The naive mistakes receivers ship with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    /// Verifies the documented scheme as it should.
    None,
    /// Never looks at the signed timestamp.
    NoTimestampCheck,
    /// Never checks the signature (a timestamp it can read is still checked).
    AnySignature,
    /// Refuses an event type it does not know.
    RefusesUnknownTypes,
    /// Parses the body and re-encodes it before verifying.
    Reencodes,
}

/// The cases a receiver with `fault` must fail at `provider`.
fn failing(provider: Provider, fault: Fault) -> BTreeSet<&'static str> {
    let signs_timestamp = provider != Provider::Commet;
    match fault {
        Fault::None => BTreeSet::new(),
        Fault::NoTimestampCheck if signs_timestamp => {
            ["stale_timestamp", "future_timestamp"].into()
        }
        Fault::NoTimestampCheck => BTreeSet::new(),
        Fault::AnySignature => [
            "tampered_body",
            "wrong_secret",
            "missing_signature",
            "malformed_signature",
            "truncated_signature",
            "reencoded_body",
        ]
        .into(),
        Fault::RefusesUnknownTypes => ["unknown_event_type"].into(),
        Fault::Reencodes => ["reencoded_body"].into(),
    }
}

struct Receiver {
    provider: Provider,
    fault: Fault,
    seen: Mutex<HashSet<String>>,
}

fn hmac_hex(secret: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The signed timestamp and the `v1` signatures, as the provider sends them.
fn signatures(provider: Provider, headers: &HeaderMap) -> Option<(Option<i64>, Vec<String>)> {
    match provider {
        Provider::BillingIo => {
            let value = header(headers, "x-billing-signature")?;
            let mut t = None;
            let mut v1 = Vec::new();
            for part in value.split(',') {
                match part.split_once('=')? {
                    ("t", text) => t = Some(text.parse().ok()?),
                    ("v1", sig) => v1.push(sig.to_string()),
                    _ => {}
                }
            }
            Some((Some(t?), v1))
        }
        Provider::Meum => {
            let t = header(headers, "x-stablecoin-timestamp")?.parse().ok()?;
            let value = header(headers, "x-stablecoin-signature")?;
            let v1 = value
                .split(',')
                .map(|p| p.strip_prefix("v1=").map(str::to_string))
                .collect::<Option<Vec<_>>>()?;
            Some((Some(t), v1))
        }
        _ => Some((
            None,
            vec![header(headers, "x-commet-signature")?.to_string()],
        )),
    }
}

async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    if body.len() > 1024 * 1024 {
        return StatusCode::PAYLOAD_TOO_LARGE;
    }
    let Ok(json) = serde_json::from_slice::<Value>(&body) else {
        return StatusCode::BAD_REQUEST;
    };
    let signed: Vec<u8> = match receiver.fault {
        Fault::Reencodes => serde_json::to_vec(&json).unwrap(),
        _ => body.to_vec(),
    };
    let read = signatures(receiver.provider, &headers);
    let timestamp = match (&read, receiver.fault) {
        (Some((t, _)), _) => *t,
        // A timestamp in a header of its own stays readable without the signature.
        (None, Fault::AnySignature) => {
            header(&headers, "x-stablecoin-timestamp").and_then(|t| t.parse().ok())
        }
        (None, _) => return StatusCode::BAD_REQUEST,
    };
    if receiver.fault != Fault::NoTimestampCheck
        && let Some(t) = timestamp
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        if (now - t).abs() > 300 {
            return StatusCode::UNAUTHORIZED;
        }
    }
    if receiver.fault != Fault::AnySignature {
        let (_, candidates) = read.expect("read above");
        let t = timestamp.map(|t| t.to_string());
        let parts: Vec<&[u8]> = match &t {
            Some(t) => vec![t.as_bytes(), b".", &signed],
            None => vec![&signed],
        };
        let good = [SECRET, PREVIOUS]
            .iter()
            .map(|secret| hmac_hex(secret, &parts))
            .any(|expected| candidates.contains(&expected));
        if !good {
            return StatusCode::UNAUTHORIZED;
        }
    }
    let event_type = json["type"]
        .as_str()
        .or(json["event"].as_str())
        .unwrap_or_default();
    let known = ["checkout.completed", "invoice.paid", "subscription.created"];
    if receiver.fault == Fault::RefusesUnknownTypes && !known.contains(&event_type) {
        return StatusCode::UNPROCESSABLE_ENTITY;
    }
    let id = json["event_id"]
        .as_str()
        .or(json["id"].as_str())
        .unwrap_or_default();
    // A duplicate is acknowledged, not processed again.
    receiver.seen.lock().unwrap().insert(id.to_string());
    StatusCode::OK
}

/// Serves `router` on a free loopback port; its URL.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    format!("http://{addr}/hooks")
}

async fn failed_cases(provider: Provider, url: &str) -> BTreeSet<&'static str> {
    let report = ReceiverCheck::new(provider, url, SECRET)
        .previous_secret(PREVIOUS)
        .run()
        .await
        .unwrap();
    assert_eq!(
        report.cases.len(),
        15,
        "every case is listed, skipped ones too"
    );
    for case in &report.cases {
        let skipped = case.expected == Expected::Skip;
        assert_eq!(case.passed.is_none(), skipped, "{}", case.name);
        assert_eq!(
            case.passed == Some(false),
            !case.why.is_empty() && !skipped,
            "{}",
            case.name
        );
    }
    assert_eq!(report.passed + report.failed + report.skipped, 15);
    report.failures().map(|c| c.name).collect()
}

#[tokio::test]
async fn the_verdicts_match_each_naive_receivers_fault_case_by_case() {
    for provider in [Provider::BillingIo, Provider::Meum, Provider::Commet] {
        for fault in [
            Fault::None,
            Fault::NoTimestampCheck,
            Fault::AnySignature,
            Fault::RefusesUnknownTypes,
            Fault::Reencodes,
        ] {
            let receiver = Arc::new(Receiver {
                provider,
                fault,
                seen: Mutex::default(),
            });
            let url = serve(axum::Router::new().fallback(receive).with_state(receiver)).await;
            assert_eq!(
                failed_cases(provider, &url).await,
                failing(provider, fault),
                "{provider:?} with {fault:?}"
            );
        }
    }
}

#[tokio::test]
async fn the_sdks_receiver_passes_every_case() {
    use webhooks_sdk::billing_io::webhook::BillingIo;
    use webhooks_sdk::commet::webhook::Commet;
    use webhooks_sdk::meum::webhook::Meum;
    use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};
    use webhooks_sdk::receive::{MemoryReplayGuard, Scheme, Webhook};

    async fn ok<S: Scheme>(_: Verified<S>) -> StatusCode {
        StatusCode::OK
    }
    fn app<S: Scheme>() -> axum::Router {
        let receiver = Receiver::new(Webhook::<S>::new([SECRET, PREVIOUS]).unwrap())
            .replay_guard(MemoryReplayGuard::default());
        axum::Router::new()
            .fallback(ok::<S>)
            .layer(ReplayLayer)
            .with_state(receiver)
    }
    for (provider, router) in [
        (Provider::BillingIo, app::<BillingIo>()),
        (Provider::Meum, app::<Meum>()),
        (Provider::Commet, app::<Commet>()),
    ] {
        let url = serve(router).await;
        assert_eq!(
            failed_cases(provider, &url).await,
            BTreeSet::new(),
            "{provider:?}"
        );
    }
}

#[tokio::test]
async fn a_provider_without_documented_signing_and_a_remote_url_are_refused() {
    let charge = ReceiverCheck::new(Provider::Chargeapi, "http://127.0.0.1:9/hooks", SECRET)
        .run()
        .await
        .unwrap_err();
    assert!(charge.contains("does not document"), "{charge}");
    let remote = ReceiverCheck::new(Provider::BillingIo, "https://example.com/hooks", SECRET)
        .run()
        .await
        .unwrap_err();
    assert!(remote.contains("not on this machine"), "{remote}");
}
