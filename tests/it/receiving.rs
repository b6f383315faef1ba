//! Receiving webhooks with the SDK: the verifiers of billing.io, meum.io and
//! Commet (rotation, tampering, bad headers, tolerance, unknown and
//! unrecognised events), the axum extractor with replay protection against
//! the mock's real deliveries, and the reference receiver as a process.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::{Value, json};
use webhooks_mock::deliveries::DeliveryConfig;
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::billing_io::webhook::BillingIo;
use webhooks_sdk::commet::webhook::Commet;
use webhooks_sdk::meum::webhook::Meum;
use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};
use webhooks_sdk::receive::{
    Event, MemoryReplayGuard, ReadEvent, Scheme, Tolerance, VerifyError, Webhook,
};
use webhooks_sdk::{billing_io, commet, meum};

/// One provider's envelope: a documented event, the same with an
/// undocumented type, and with data of another shape.
struct Case {
    documented: Value,
    undocumented_type: Value,
    unexpected_shape: Value,
    signature_header: &'static str,
    timestamp_header: Option<&'static str>,
}

fn billing_io_case() -> Case {
    // The webhooks guide's example, verbatim.
    let documented = json!({
        "event_id": "evt_7f8a9b0c1d2e3f4a",
        "type": "checkout.completed",
        "checkout_id": "co_9a8b7c6d5e4f",
        "data": {
            "checkout_id": "co_9a8b7c6d5e4f",
            "deposit_address": "TXrkA1b2C3d4E5f6G7h8I9j0K1l2M3n4",
            "chain": "tron",
            "token": "USDT",
            "amount_usd": 49.99,
            "amount_atomic": "49990000",
            "status": "confirmed",
            "tx_hash": "abc123def456...",
            "confirmations": 19,
            "required_confirmations": 19,
            "expires_at": "2025-06-15T11:00:00Z",
            "detected_at": "2025-06-15T10:35:00Z",
            "confirmed_at": "2025-06-15T10:42:00Z",
            "created_at": "2025-06-15T10:30:00Z",
            "metadata": {"order_id": "ord_12345"}
        },
        "created_at": "2025-06-15T10:42:00Z"
    });
    let mut undocumented_type = documented.clone();
    undocumented_type["type"] = json!("checkout.teleported");
    let mut unexpected_shape = documented.clone();
    unexpected_shape["data"] = json!("a checkout as a string");
    Case {
        documented,
        undocumented_type,
        unexpected_shape,
        signature_header: billing_io::webhook::SIGNATURE_HEADER,
        timestamp_header: None,
    }
}

fn meum_case() -> Case {
    // meum.io documents only the payload's `id`; the type is read from the body.
    let documented = json!({"id": "evt_0123456789abcdefghij", "type": "invoice.paid", "created_at": "2026-01-01T00:00:00Z", "data": {"invoice_id": "inv_0123456789abcdefghij"}});
    let mut undocumented_type = documented.clone();
    undocumented_type["type"] = json!("invoice.teleported");
    let mut unexpected_shape = documented.clone();
    unexpected_shape["created_at"] = json!(7);
    Case {
        documented,
        undocumented_type,
        unexpected_shape,
        signature_header: meum::webhook::SIGNATURE_HEADER,
        timestamp_header: Some(meum::webhook::TIMESTAMP_HEADER),
    }
}

fn commet_case() -> Case {
    // Commet's webhooks introduction, verbatim (its data elided to `{}`).
    let documented = json!({
        "id": "whev_8AzNvGSAZJw0YBOUMTn9vM1V",
        "event": "subscription.activated",
        "timestamp": "2026-03-25T14:30:00.000Z",
        "organizationId": "8f14e45f-ceea-4e7a-9c3d-1c2b3a4d5e6f",
        "mode": "live",
        "apiVersion": "2026-05-25",
        "data": {}
    });
    let mut undocumented_type = documented.clone();
    undocumented_type["event"] = json!("subscription.teleported");
    let mut unexpected_shape = documented.clone();
    unexpected_shape["timestamp"] = json!(1234);
    Case {
        documented,
        undocumented_type,
        unexpected_shape,
        signature_header: commet::webhook::SIGNATURE_HEADER,
        timestamp_header: None,
    }
}

fn pairs(headers: &reqwest::header::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap().to_string()))
        .collect()
}

/// Every verifier behaves the same way: rotation, a third secret, a tampered
/// body, missing and malformed headers, and (where signed) the timestamp.
fn check_verifier<S: Scheme>(case: &Case)
where
    S::Event: ReadEvent + std::fmt::Debug,
{
    let (new, old, third) = ("whsec_new_secret", "whsec_old_secret", "whsec_third_secret");
    let receiver = Webhook::<S>::new([new, old]).unwrap();
    let provider = receiver.provider();
    let body = serde_json::to_vec(&case.documented).unwrap();
    let now = SystemTime::now();
    let signed_with =
        |secret: &str, at: SystemTime| Webhook::<S>::new([secret]).unwrap().sign(&body, at);

    for secret in [new, old] {
        let delivery = receiver
            .verify(&body, &signed_with(secret, now))
            .unwrap_or_else(|e| panic!("{provider}: signed with {secret}: {e}"));
        assert_eq!(delivery.body(), &body[..]);
        assert!(delivery.event_id().is_some(), "{provider}: the signed ID");
    }
    // A plain list of pairs works as well as a HeaderMap.
    assert!(
        receiver
            .verify(&body, &pairs(&signed_with(old, now)))
            .is_ok()
    );
    assert_eq!(
        receiver
            .verify(&body, &signed_with(third, now))
            .unwrap_err(),
        VerifyError::NoMatchingSignature,
        "{provider}: a third secret"
    );
    let mut tampered = body.clone();
    let last = tampered.len() - 2;
    tampered[last] ^= 1;
    assert_eq!(
        receiver
            .verify(&tampered, &signed_with(new, now))
            .unwrap_err(),
        VerifyError::NoMatchingSignature,
        "{provider}: a tampered body"
    );
    let mut missing = signed_with(new, now);
    missing.remove(case.signature_header);
    assert_eq!(
        receiver.verify(&body, &missing).unwrap_err(),
        VerifyError::MissingHeader(case.signature_header)
    );
    let mut malformed = signed_with(new, now);
    malformed.insert(case.signature_header, "nonsense".parse().unwrap());
    assert!(matches!(
        receiver.verify(&body, &malformed).unwrap_err(),
        VerifyError::MalformedHeader(_) | VerifyError::NoMatchingSignature
    ));
    if let Some(timestamp) = case.timestamp_header {
        let mut missing = signed_with(new, now);
        missing.remove(timestamp);
        assert_eq!(
            receiver.verify(&body, &missing).unwrap_err(),
            VerifyError::MissingHeader(timestamp)
        );
    }
    let debug = format!("{receiver:?}");
    for secret in [new, old] {
        assert!(
            !debug.contains(secret),
            "{provider}: Debug redacts: {debug}"
        );
    }
}

/// A signed timestamp outside the tolerance is refused both ways, a
/// `Tolerance::Unchecked` verifier accepts it, and a zero tolerance is zero.
fn check_tolerance<S: webhooks_sdk::receive::SignsTimestamp>(case: &Case) {
    let receiver = Webhook::<S>::new(["whsec_tolerance"]).unwrap();
    let body = serde_json::to_vec(&case.documented).unwrap();
    let now = SystemTime::now();
    let stale = receiver.sign(&body, now - Duration::from_secs(301));
    let ahead = receiver.sign(&body, now + Duration::from_secs(301));
    assert!(matches!(
        receiver.verify_at(&body, &stale, now).unwrap_err(),
        VerifyError::TimestampTooOld { .. }
    ));
    assert!(matches!(
        receiver.verify_at(&body, &ahead, now).unwrap_err(),
        VerifyError::TimestampInFuture { .. }
    ));
    let edge = receiver.sign(&body, now - Duration::from_secs(299));
    assert!(receiver.verify_at(&body, &edge, now).is_ok());
    let unchecked = receiver.clone().tolerance(Tolerance::Unchecked);
    assert!(unchecked.verify_at(&body, &stale, now).is_ok());
    let zero = receiver.tolerance(Tolerance::Within(Duration::ZERO));
    assert!(
        zero.verify_at(&body, &edge, now).is_err(),
        "zero is not off"
    );
}

/// A valid signature over an undocumented type, or over data of another
/// shape, verifies and reads as unknown or unrecognised; the documented
/// example reads as its typed variant.
fn check_reading<S: Scheme<Event = Event<K>>, K>(case: &Case) -> K
where
    K: webhooks_sdk::receive::KnownEvent + std::fmt::Debug,
{
    let receiver = Webhook::<S>::new(["whsec_reading"]).unwrap();
    let read = |event: &Value| {
        let body = serde_json::to_vec(event).unwrap();
        let delivery = receiver
            .verify(&body, &receiver.sign(&body, SystemTime::now()))
            .expect("a valid signature verifies, whatever the data");
        (delivery.event(), delivery.neutral())
    };
    let (event, neutral) = read(&case.undocumented_type);
    match &event {
        Event::Unknown(raw) => {
            assert!(raw.event_type.as_deref().unwrap().ends_with(".teleported"));
            assert_eq!(raw.json, case.undocumented_type);
        }
        other => panic!(
            "{:?}: an undocumented type reads as unknown: {other:?}",
            S::PROVIDER
        ),
    }
    assert!(!neutral.known);
    let (event, neutral) = read(&case.unexpected_shape);
    match &event {
        Event::Unrecognised(raw) => {
            assert!(raw.reason.is_some(), "says why");
            assert_eq!(raw.json, case.unexpected_shape);
        }
        other => panic!(
            "{:?}: another shape reads as unrecognised: {other:?}",
            S::PROVIDER
        ),
    }
    assert!(!neutral.known);
    let (event, neutral) = read(&case.documented);
    assert!(neutral.known);
    match event {
        Event::Known(typed) => typed,
        other => panic!(
            "{:?}: the documented example reads typed: {other:?}",
            S::PROVIDER
        ),
    }
}

#[test]
fn billing_io_verifies_with_rotation_and_reads_its_typed_checkout() {
    let case = billing_io_case();
    check_verifier::<BillingIo>(&case);
    check_tolerance::<BillingIo>(&case);
    let event = check_reading::<BillingIo, _>(&case);
    assert_eq!(event.event_type, billing_io::EventType::CheckoutCompleted);
    assert_eq!(event.data.amount_usd, Some(49.99));
    assert_eq!(event.data.metadata["order_id"], "ord_12345");
}

#[test]
fn meum_verifies_with_rotation_and_reads_its_body_not_its_headers() {
    let case = meum_case();
    check_verifier::<Meum>(&case);
    check_tolerance::<Meum>(&case);
    let event = check_reading::<Meum, _>(&case);
    assert_eq!(event.event_type, meum::webhook::EventType::InvoicePaid);
    // The unsigned headers cannot change what the signed body says.
    let receiver = meum::webhook::Webhook::new(["whsec_reading"]).unwrap();
    let body = serde_json::to_vec(&case.documented).unwrap();
    let mut headers = receiver.sign(&body, SystemTime::now());
    headers.insert(
        meum::webhook::EVENT_HEADER,
        "invoice.refunded".parse().unwrap(),
    );
    headers.insert(
        meum::webhook::EVENT_ID_HEADER,
        "evt_forged".parse().unwrap(),
    );
    let delivery = receiver.verify(&body, &headers).unwrap();
    assert_eq!(delivery.event_id(), Some("evt_0123456789abcdefghij"));
    assert_eq!(delivery.event().event_type(), Some("invoice.paid"));
}

#[test]
fn commet_verifies_with_rotation_and_reads_its_typed_envelope() {
    let case = commet_case();
    check_verifier::<Commet>(&case);
    let event = check_reading::<Commet, _>(&case);
    assert_eq!(event.event, commet::EventType::SubscriptionActivated);
    assert_eq!(event.mode, Some(commet::webhook::Mode::Live));
    assert_eq!(event.api_version.as_deref(), Some("2026-05-25"));
    // The unsigned event-ID header is never the replay key.
    let receiver = commet::webhook::Webhook::new(["whsec_reading"]).unwrap();
    let body = serde_json::to_vec(&case.documented).unwrap();
    let mut headers = receiver.sign(&body, SystemTime::now());
    headers.insert(
        commet::webhook::EVENT_ID_HEADER,
        "whev_forged".parse().unwrap(),
    );
    let key = receiver
        .verify(&body, &headers)
        .unwrap()
        .replay_key()
        .unwrap();
    assert_eq!(key.as_str(), "commet:whev_8AzNvGSAZJw0YBOUMTn9vM1V");
}

#[test]
fn verifiers_need_a_secret_and_charge_and_donutwork_have_none() {
    use webhooks_sdk::receive::SetupError;
    let none: [&str; 0] = [];
    assert_eq!(
        billing_io::webhook::Webhook::new(none).unwrap_err(),
        SetupError::NoSecret
    );
    assert_eq!(
        commet::webhook::Webhook::new([""]).unwrap_err(),
        SetupError::EmptySecret
    );
    let any =
        webhooks_sdk::AnyWebhook::new(webhooks_sdk::Provider::Meum, ["whsec_hidden"]).unwrap();
    let receiver = Receiver::new(commet::webhook::Webhook::new(["whsec_hidden"]).unwrap());
    for debug in [format!("{any:?}"), format!("{receiver:?}")] {
        assert!(!debug.contains("whsec_hidden"), "{debug}");
    }
    for provider in [Provider::Chargeapi, Provider::Donutwork] {
        let provider = provider.name().parse().unwrap();
        assert_eq!(
            webhooks_sdk::AnyWebhook::new(provider, ["whsec_x"]).unwrap_err(),
            SetupError::SigningNotDocumented(provider)
        );
    }
}

/// What an e2e receiver did: how often each handler ran, and how often its
/// side effect happened.
#[derive(Default)]
struct Effects {
    calls: AtomicUsize,
    done: AtomicUsize,
}

/// A receiver for one provider whose handler fails its first call: the
/// provider must retry, and the side effect happens exactly once.
fn failing_once<S: Scheme>(secret: String, effects: Arc<Effects>) -> Router {
    let receiver = Receiver::new(Webhook::<S>::new([secret]).unwrap())
        .replay_guard(MemoryReplayGuard::default());
    Router::new()
        .route(
            "/hook",
            post(move |delivery: Verified<S>| async move {
                assert!(delivery.event_id().is_some());
                if effects.calls.fetch_add(1, Ordering::SeqCst) == 0 {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                effects.done.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }),
        )
        .layer(ReplayLayer)
        .with_state(receiver)
}

async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// Registers `url` at `provider` on the mock and returns the endpoint's secret.
async fn register(mock: &MockServer, provider: Provider, key: &str, url: &str) -> String {
    let (path, body, secret) = match provider {
        Provider::BillingIo => (
            "/webhooks",
            json!({"url": url, "events": ["checkout.completed"]}),
            "/secret",
        ),
        Provider::Meum => (
            "/v1/webhook-endpoints",
            json!({"url": url, "events": ["invoice.paid"]}),
            "/secret",
        ),
        Provider::Commet => (
            "/webhooks",
            json!({"url": url, "events": ["subscription.activated"]}),
            "/data/secretKey",
        ),
        other => panic!("{other:?} documents no signing"),
    };
    let (header, value) = crate::mock::auth(provider, key);
    let created: Value = crate::mock::http()
        .post(format!("{}{path}", mock.base_url(provider)))
        .header(header, value)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    created
        .pointer(secret)
        .unwrap()
        .as_str()
        .unwrap()
        .to_string()
}

async fn trigger(mock: &MockServer, provider: Provider, key: &str, event_type: &str) {
    let (header, value) = crate::mock::auth(provider, key);
    let response = crate::mock::http()
        .post(format!(
            "http://{}/__mock/{}/events",
            mock.addr(),
            provider.name()
        ))
        .header(header, value)
        .json(&json!({"type": event_type}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
}

/// The mock delivers real signed events to axum receivers built with the
/// extractor; each handler fails once, the mock retries, and the side
/// effect happens exactly once, also when the same signed body comes again.
#[tokio::test]
async fn the_extractor_with_a_replay_guard_processes_each_event_once() {
    let mock = MockServer::start_with(DeliveryConfig {
        time_compression: 1_000_000,
        allow_remote: false,
    })
    .await
    .unwrap();
    let cases: [(Provider, &str, &str); 3] = [
        (
            Provider::BillingIo,
            "sk_test_receiving",
            "checkout.completed",
        ),
        (Provider::Meum, "sk_live_receiving", "invoice.paid"),
        (
            Provider::Commet,
            "ck_sandbox_receiving",
            "subscription.activated",
        ),
    ];
    for (provider, key, event_type) in cases {
        let effects = Arc::new(Effects::default());
        // The secret is known once the endpoint exists: the receiver reads it from a cell.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let secret = register(&mock, provider, key, &url).await;
        let app = match provider {
            Provider::BillingIo => failing_once::<BillingIo>(secret.clone(), effects.clone()),
            Provider::Meum => failing_once::<Meum>(secret.clone(), effects.clone()),
            _ => failing_once::<Commet>(secret.clone(), effects.clone()),
        };
        tokio::spawn(async move { axum::serve(listener, app).await });
        trigger(&mock, provider, key, event_type).await;
        let mut attempts = Vec::new();
        for _ in 0..200 {
            attempts = mock
                .deliveries()
                .into_iter()
                .filter(|a| a.provider == provider.name())
                .collect();
            if attempts.iter().any(|a| a.succeeded()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let statuses: Vec<_> = attempts.iter().map(|a| a.status_code).collect();
        assert_eq!(
            statuses,
            [Some(500), Some(200)],
            "{provider:?}: retried once after the failure"
        );
        assert_eq!(effects.done.load(Ordering::SeqCst), 1, "{provider:?}");

        // The same signed body again (a replay, or a provider's duplicate): 200, handler not run.
        let original = attempts[1].event_id.clone();
        let replay = replay_of(provider, &secret, &original, event_type);
        let response = crate::mock::http()
            .post(&url)
            .headers(replay.1)
            .body(replay.0)
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.status().as_u16(),
            200,
            "{provider:?}: a duplicate is answered 2xx"
        );
        assert_eq!(
            effects.calls.load(Ordering::SeqCst),
            2,
            "{provider:?}: the handler did not run again"
        );
        assert_eq!(
            effects.done.load(Ordering::SeqCst),
            1,
            "{provider:?}: exactly once"
        );
    }
}

/// A delivery of event `id` as `provider` would sign it.
fn replay_of(
    provider: Provider,
    secret: &str,
    id: &str,
    event_type: &str,
) -> (Vec<u8>, reqwest::header::HeaderMap) {
    let now = SystemTime::now();
    match provider {
        Provider::BillingIo => {
            let body = serde_json::to_vec(&json!({"event_id": id, "type": event_type, "checkout_id": "co_1", "data": {"checkout_id": "co_1", "status": "confirmed"}})).unwrap();
            let headers = billing_io::webhook::Webhook::new([secret])
                .unwrap()
                .sign(&body, now);
            (body, headers)
        }
        Provider::Meum => {
            let body = serde_json::to_vec(&json!({"id": id, "type": event_type})).unwrap();
            let headers = meum::webhook::Webhook::new([secret])
                .unwrap()
                .sign(&body, now);
            (body, headers)
        }
        _ => {
            let body = serde_json::to_vec(&json!({"id": id, "event": event_type, "timestamp": "2026-01-01T00:00:00.000Z", "data": {}})).unwrap();
            let headers = commet::webhook::Webhook::new([secret])
                .unwrap()
                .sign(&body, now);
            (body, headers)
        }
    }
}

/// By default a receiver takes a signed body of exactly 1 MiB (what the
/// receiver check asks every receiver to allow) and refuses one byte more.
#[tokio::test]
async fn the_default_body_limit_is_one_mebibyte() {
    let webhook = Webhook::<BillingIo>::new(["whsec_limit"]).unwrap();
    let app = Router::new()
        .route(
            "/hook",
            post(|_: Verified<BillingIo>| async { StatusCode::OK }),
        )
        .with_state(Receiver::new(webhook.clone()));
    let url = serve(app).await;
    let http = crate::mock::http();
    for (size, status) in [(1024 * 1024, 200), (1024 * 1024 + 1, 413)] {
        let body = vec![b' '; size];
        let headers = webhook.sign(&body, std::time::SystemTime::now());
        let answer = http
            .post(&url)
            .headers(headers)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status().as_u16(), status, "{size} bytes");
    }
}

/// Refused deliveries get a 4xx and an empty body; an oversized one is
/// refused from its `Content-Length`, before its body is sent.
#[tokio::test]
async fn the_extractor_refuses_with_4xx_and_never_reads_an_oversized_body() {
    let receiver =
        Receiver::new(Webhook::<BillingIo>::new(["whsec_limits"]).unwrap()).body_limit(1024);
    let ran = Arc::new(AtomicUsize::new(0));
    let counter = ran.clone();
    let app = Router::new()
        .route(
            "/hook",
            post(move |_: Verified<BillingIo>| async move {
                counter.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }),
        )
        .with_state(receiver);
    let url = serve(app).await;
    let http = crate::mock::http();
    let unsigned = http.post(&url).body("{}").send().await.unwrap();
    assert_eq!(unsigned.status().as_u16(), 400);
    assert!(unsigned.bytes().await.unwrap().is_empty());
    let forged = http
        .post(&url)
        .header(
            billing_io::webhook::SIGNATURE_HEADER,
            format!("t=1,v1={}", "00".repeat(32)),
        )
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    let large = vec![b'x'; 2048];
    let too_large = http.post(&url).body(large).send().await.unwrap();
    assert_eq!(too_large.status().as_u16(), 413);
    assert_eq!(ran.load(Ordering::SeqCst), 0, "no handler ran");

    // Announce 100 MiB and send none of it: the 413 comes anyway.
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/hook")
        .to_string();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        write!(
            stream,
            "POST /hook HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n\r\n"
        )
        .unwrap();
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).unwrap();
        line
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
}

/// The reference receiver (`sdk/examples/receiver.rs`) as other languages
/// run it: deliveries of all three providers from the mock, a duplicate, a
/// forgery and an unknown event type; exactly one JSON line per processed event.
#[tokio::test]
async fn the_reference_receiver_prints_one_line_per_processed_event() {
    let binary = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap()
        .join("examples/receiver");
    assert!(
        binary.is_file(),
        "{} is missing: cargo build -p webhooks-sdk --example receiver --features axum",
        binary.display()
    );
    let mock = MockServer::start().await.unwrap();
    // Register three endpoints first (their secrets go into the receiver's environment),
    // at a port picked now and handed to the receiver.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}/webhooks");
    let billing = register(
        &mock,
        Provider::BillingIo,
        "sk_test_reference",
        &format!("{base}/billing-io"),
    )
    .await;
    let meum_secret = register(
        &mock,
        Provider::Meum,
        "sk_live_reference",
        &format!("{base}/meum"),
    )
    .await;
    let commet_secret = register(
        &mock,
        Provider::Commet,
        "ck_sandbox_reference",
        &format!("{base}/commet"),
    )
    .await;
    let mut child = std::process::Command::new(&binary)
        .args(["--addr", &format!("127.0.0.1:{port}")])
        .env(
            "BILLING_IO_WEBHOOK_SECRETS",
            format!("{billing},whsec_older"),
        )
        .env("MEUM_WEBHOOK_SECRETS", &meum_secret)
        .env("COMMET_WEBHOOK_SECRETS", &commet_secret)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _stop = crate::support::KillOnDrop(child.id());
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("listening on") {
        line.clear();
        assert!(
            stderr.read_line(&mut line).unwrap() > 0,
            "the receiver stopped: {line}"
        );
    }
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));

    trigger(
        &mock,
        Provider::BillingIo,
        "sk_test_reference",
        "checkout.completed",
    )
    .await;
    trigger(&mock, Provider::Meum, "sk_live_reference", "invoice.paid").await;
    trigger(
        &mock,
        Provider::Commet,
        "ck_sandbox_reference",
        "subscription.activated",
    )
    .await;
    let mut attempts = Vec::new();
    for _ in 0..200 {
        attempts = mock.deliveries();
        if attempts.len() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        attempts.iter().all(|a| a.status_code == Some(200)),
        "{attempts:?}"
    );
    let http = crate::mock::http();
    // A duplicate of billing.io's event, signed with the older secret (rotation): 200, not printed.
    let old = &attempts
        .iter()
        .find(|a| a.provider == "billing-io")
        .unwrap()
        .event_id;
    let (body, headers) = replay_of(
        Provider::BillingIo,
        "whsec_older",
        old,
        "checkout.completed",
    );
    let duplicate = http
        .post(format!("{base}/billing-io"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(duplicate.status().as_u16(), 200);
    // A forgery: 401, not printed.
    let (body, headers) = replay_of(
        Provider::Commet,
        "whsec_forger",
        "whev_forged",
        "subscription.activated",
    );
    let forged = http
        .post(format!("{base}/commet"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status().as_u16(), 401);
    // An event type the SDK does not know: processed, printed with known: false.
    let (body, headers) = replay_of(
        Provider::Commet,
        &commet_secret,
        "whev_unknown",
        "subscription.teleported",
    );
    let unknown = http
        .post(format!("{base}/commet"))
        .headers(headers)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 200);

    let _ = child.kill();
    let _ = child.wait();
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    let mut lines: Vec<String> = stdout.lines().map(str::to_string).collect();
    let id = |provider: &str| {
        attempts
            .iter()
            .find(|a| a.provider == provider)
            .unwrap()
            .event_id
            .clone()
    };
    let mut expected: Vec<String> = [
        json!({"provider": "billing-io", "id": id("billing-io"), "type": "checkout.completed", "known": true}),
        json!({"provider": "meum", "id": id("meum"), "type": "invoice.paid", "known": true}),
        json!({"provider": "commet", "id": id("commet"), "type": "subscription.activated", "known": true}),
        json!({"provider": "commet", "id": "whev_unknown", "type": "subscription.teleported", "known": false}),
    ]
    .iter()
    .map(Value::to_string)
    .collect();
    // The three providers' deliveries run concurrently: compare in one order.
    lines.sort();
    expected.sort();
    assert_eq!(
        lines, expected,
        "one JSON line per processed event and nothing else on stdout"
    );
}

/// The mock signs and the SDK verifies, each written on its own on purpose:
/// one checks the other. Both are pinned to the same known answers, worked
/// out apart from either with openssl, e.g. for billing.io:
/// `printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac whsec_known`.
#[test]
fn the_mock_and_the_sdk_sign_to_the_same_known_answers() {
    use std::time::{Duration, UNIX_EPOCH};

    let at = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let billing = br#"{"event_id":"evt_known","type":"checkout.completed","checkout_id":"co_1","data":{"checkout_id":"co_1","status":"confirmed"}}"#;
    let meum = br#"{"id":"evt_known","type":"invoice.paid","created_at":"2023-11-14T22:13:20Z"}"#;
    let commet = br#"{"id":"whev_known","type":"subscription.created","timestamp":"2023-11-14T22:13:20.000Z"}"#;
    let meum_secret = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    let cases: [(Provider, &[u8], &str, &str, &str); 3] = [
        (
            Provider::BillingIo,
            billing,
            "whsec_known",
            "x-billing-signature",
            "t=1700000000,v1=67fff09da6f2bc5ec8e3a371203191d046640977acddf69acf97cbdb9692d762",
        ),
        (
            Provider::Meum,
            meum,
            meum_secret,
            "x-stablecoin-signature",
            "v1=2d1e28d7475dcaf687f085f7618b8c300dcef74b6e14383aa8f5b2caae431a3f",
        ),
        (
            Provider::Commet,
            commet,
            "whsec_known",
            "x-commet-signature",
            "c173791757197a358f44ccbcfdf2caa46fcbcce001c362628268a363d34ad144",
        ),
    ];
    for (provider, body, secret, header, expected) in cases {
        let mocked = provider.sign_body(body, secret, at).unwrap();
        let signed = |headers: &[(&str, String)]| {
            headers
                .iter()
                .find(|(name, _)| *name == header)
                .map(|(_, value)| value.clone())
        };
        assert_eq!(
            signed(&mocked).as_deref(),
            Some(expected),
            "the mock, {provider:?}"
        );
        let sdk_headers = match provider {
            Provider::BillingIo => timestamped::<BillingIo>(secret, body, at, &mocked, header),
            Provider::Meum => {
                timestamped::<webhooks_sdk::meum::webhook::Meum>(secret, body, at, &mocked, header)
            }
            _ => {
                let webhook = webhooks_sdk::commet::webhook::Webhook::new([secret]).unwrap();
                webhook
                    .verify(body, &mocked)
                    .expect("the SDK verifies the mock's signature");
                header_pairs(&webhook.sign(body, at), header)
            }
        };
        assert_eq!(
            signed(&sdk_headers).as_deref(),
            Some(expected),
            "the SDK, {provider:?}"
        );
    }
}

/// What the SDK signs for a scheme with a timestamp, after checking it
/// verifies the mock's headers (long since signed: no tolerance).
fn timestamped<S: webhooks_sdk::receive::SignsTimestamp>(
    secret: &str,
    body: &[u8],
    at: std::time::SystemTime,
    mocked: &[(&'static str, String)],
    header: &'static str,
) -> Vec<(&'static str, String)> {
    let webhook = webhooks_sdk::receive::Webhook::<S>::new([secret]).unwrap();
    webhook
        .clone()
        .tolerance(webhooks_sdk::receive::Tolerance::Unchecked)
        .verify(body, &mocked)
        .expect("the SDK verifies the mock's signature");
    header_pairs(&webhook.sign(body, at), header)
}

fn header_pairs(
    map: &reqwest::header::HeaderMap,
    name: &'static str,
) -> Vec<(&'static str, String)> {
    map.get(name)
        .map(|v| vec![(name, v.to_str().unwrap().to_string())])
        .unwrap_or_default()
}
