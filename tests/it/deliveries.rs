//! Signed deliveries end to end: endpoints registered through the SDK, events
//! triggered through the mock's admin API, received by a local receiver and
//! verified with the SDK; a tampered copy is rejected.

use std::time::Duration;

use serde_json::{Value, json};
use webhooks_mock::deliveries::DeliveryConfig;
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::receive::{Event, VerifyError};
use webhooks_sdk::{billing_io, commet, meum};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::support::received;

/// A receiver on 127.0.0.1 answering `status` (after `delay`).
async fn receiver(status: u16, delay: Duration) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status).set_delay(delay))
        .mount(&server)
        .await;
    server
}

/// Triggers an event through the admin API as `key` (its auth header).
async fn trigger(mock: &MockServer, provider: Provider, auth: (&str, &str), event: Value) -> Value {
    let response = crate::mock::http()
        .post(format!(
            "http://{}/__mock/{}/events",
            mock.addr(),
            provider.name()
        ))
        .header(auth.0, auth.1)
        .json(&event)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 202);
    response.json().await.unwrap()
}

fn tampered(body: &[u8]) -> Vec<u8> {
    let mut copy = body.to_vec();
    let last = copy.len() - 2;
    copy[last] ^= 1;
    copy
}

#[tokio::test]
async fn billing_io_deliveries_verify_and_a_tampered_copy_does_not() {
    let mock = MockServer::start().await.unwrap();
    let hooks = receiver(200, Duration::ZERO).await;
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_live_deliveries")
            .unwrap();
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(format!("{}/billing", hooks.uri()))
                .events(vec![billing_io::EventType::CheckoutCompleted])
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let secret = endpoint.secret.unwrap();
    let outcome = trigger(
        &mock,
        Provider::BillingIo,
        ("authorization", "Bearer sk_live_deliveries"),
        json!({"type": "checkout.completed"}),
    )
    .await;
    assert_eq!(outcome["deliveries"].as_array().unwrap().len(), 1);
    // Not subscribed: no delivery.
    let other = trigger(
        &mock,
        Provider::BillingIo,
        ("authorization", "Bearer sk_live_deliveries"),
        json!({"type": "checkout.expired"}),
    )
    .await;
    assert!(other["deliveries"].as_array().unwrap().is_empty());

    let delivery = &received(&hooks, 1).await[0];
    let webhook = billing_io::webhook::Webhook::new([secret]).unwrap();
    let verified = webhook.verify(&delivery.body, &delivery.headers).unwrap();
    let Event::Known(event) = verified.event() else {
        panic!("the mock's checkout.completed reads as a typed event")
    };
    assert_eq!(event.event_type, billing_io::EventType::CheckoutCompleted);
    assert_eq!(event.event_id, outcome["event"]["event_id"]);
    assert_eq!(event.data.checkout_id, event.checkout_id);
    let forged = webhook.verify(&tampered(&delivery.body), &delivery.headers);
    assert_eq!(forged.unwrap_err(), VerifyError::NoMatchingSignature);
}

#[tokio::test]
async fn meum_deliveries_verify_and_are_listed_by_its_api() {
    let mock = MockServer::start().await.unwrap();
    let hooks = receiver(200, Duration::ZERO).await;
    let client =
        meum::Client::with_api_key(&mock.base_url(Provider::Meum), "sk_live_deliveries").unwrap();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| b.url(format!("{}/meum", hooks.uri())))
        .send()
        .await
        .unwrap()
        .into_inner();
    trigger(
        &mock,
        Provider::Meum,
        ("authorization", "Bearer sk_live_deliveries"),
        json!({"type": "invoice.paid", "data": {"invoice_id": "inv_0123456789abcdefghij"}}),
    )
    .await;
    let delivery = &received(&hooks, 1).await[0];
    let secret = created.secret;
    let webhook = meum::webhook::Webhook::new([secret.clone()]).unwrap();
    let verified = webhook.verify(&delivery.body, &delivery.headers).unwrap();
    let Event::Known(event) = verified.event() else {
        panic!("the mock's invoice.paid reads as a typed event")
    };
    assert_eq!(
        delivery.headers[meum::webhook::EVENT_ID_HEADER],
        event.id.as_str()
    );
    assert_eq!(
        delivery.headers[meum::webhook::EVENT_HEADER],
        "invoice.paid"
    );
    assert!(
        webhook
            .verify(&tampered(&delivery.body), &delivery.headers)
            .is_err()
    );

    let id = created.id;
    let mut listed = Vec::new();
    for _ in 0..100 {
        listed = client
            .list_webhook_deliveries()
            .id(id.clone())
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        if !listed.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].status_code, listed[0].attempt_number),
        (Some(200), 1)
    );
    assert_eq!(listed[0].event_id, event.id);
    let detail = client
        .get_webhook_delivery()
        .id(&listed[0].id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        detail.webhook_endpoint_id.map(|p| p.to_string()),
        Some(id.to_string())
    );
}

#[tokio::test]
async fn commet_retries_on_its_schedule_and_disables_after_three_failed_events() {
    // Eight hours of retries, compressed a millionfold.
    let mock = MockServer::start_with(DeliveryConfig {
        time_compression: 1_000_000,
        allow_remote: false,
    })
    .await
    .unwrap();
    let failing = receiver(500, Duration::ZERO).await;
    let client =
        commet::Client::with_api_key(&mock.base_url(Provider::Commet), "ck_sandbox_deliveries")
            .unwrap();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(format!("{}/commet", failing.uri()))
                .events(vec![commet::EventType::SubscriptionActivated])
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    for n in 1..=3 {
        trigger(
            &mock,
            Provider::Commet,
            ("x-api-key", "ck_sandbox_deliveries"),
            json!({"type": "subscription.activated"}),
        )
        .await;
        let requests = received(&failing, 8 * n).await;
        // Every attempt of one event carries the same event id and a valid signature.
        let last = requests.last().unwrap();
        let webhook = commet::webhook::Webhook::new([created.secret_key.clone()]).unwrap();
        let verified = webhook.verify(&last.body, &last.headers).unwrap();
        assert_eq!(
            verified.event().event_type(),
            Some("subscription.activated")
        );
    }
    let mut active = true;
    for _ in 0..100 {
        active = client
            .get_webhook_endpoint()
            .id(&created.id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .data
            .is_active;
        if !active {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(!active, "three failed events disable the endpoint");
    let attempts = mock.deliveries();
    assert_eq!(attempts.len(), 24);
    assert_eq!(attempts.iter().map(|a| a.attempt).max(), Some(8));
    // A disabled endpoint gets nothing.
    let none = trigger(
        &mock,
        Provider::Commet,
        ("x-api-key", "ck_sandbox_deliveries"),
        json!({"type": "subscription.activated"}),
    )
    .await;
    assert!(none["deliveries"].as_array().unwrap().is_empty());
    assert!(
        none["event"]["id"].as_str().unwrap().starts_with("whev_"),
        "the event is built even with no endpoint to receive it"
    );
}

#[tokio::test]
async fn only_loopback_receivers_are_contacted_and_undocumented_schemes_send_nothing() {
    let mock = MockServer::start().await.unwrap();
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_live_remote")
            .unwrap();
    client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/hooks")
                .events(vec![billing_io::EventType::CheckoutCreated])
        })
        .send()
        .await
        .unwrap();
    trigger(
        &mock,
        Provider::BillingIo,
        ("authorization", "Bearer sk_live_remote"),
        json!({"type": "checkout.created"}),
    )
    .await;
    for _ in 0..100 {
        if !mock.deliveries().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let attempts = mock.deliveries();
    assert_eq!(attempts.len(), 1, "refused once, not retried");
    assert!(
        attempts[0]
            .error
            .as_deref()
            .unwrap()
            .contains("only loopback")
    );
    for provider in [Provider::Chargeapi, Provider::Donutwork] {
        let response = crate::mock::http()
            .post(format!(
                "http://{}/__mock/{}/events",
                mock.addr(),
                provider.name()
            ))
            .json(&json!({"type": "charge.succeeded"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 400, "{provider:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_events_to_a_slow_receiver_are_all_recorded_while_the_api_answers() {
    let mock = MockServer::start().await.unwrap();
    let slow = receiver(200, Duration::from_millis(200)).await;
    let client =
        commet::Client::with_api_key(&mock.base_url(Provider::Commet), "ck_sandbox_load").unwrap();
    client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(format!("{}/slow", slow.uri()))
                .events(vec![commet::EventType::UsageRecorded])
        })
        .send()
        .await
        .unwrap();
    for _ in 0..1000 {
        trigger(
            &mock,
            Provider::Commet,
            ("x-api-key", "ck_sandbox_load"),
            json!({"type": "usage.recorded"}),
        )
        .await;
    }
    // The API keeps answering while a thousand deliveries are in flight.
    let page = client
        .list_webhook_endpoints()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data.len(), 1);
    for _ in 0..300 {
        if mock.deliveries().len() >= 1000 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let attempts = mock.deliveries();
    assert_eq!(attempts.len(), 1000);
    assert!(attempts.iter().all(|a| a.succeeded()));
}

/// This machine's address on its default route (a UDP "connect" sends
/// nothing), if it has one besides loopback.
fn non_loopback_local_ip() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:9").ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

#[tokio::test]
async fn tricky_urls_and_redirects_never_reach_a_non_loopback_receiver() {
    let Some(ip) = non_loopback_local_ip() else {
        println!("skipped: this machine has no non-loopback address");
        return;
    };
    // A receiver on this machine's own non-loopback address, counting connections.
    let remote = tokio::net::TcpListener::bind((ip, 0)).await.unwrap();
    let remote_addr = remote.local_addr().unwrap();
    let reached = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = reached.clone();
    tokio::spawn(async move {
        while let Ok((_stream, _)) = remote.accept().await {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });
    let redirector = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(307).insert_header(
            "location",
            format!("http://{remote_addr}/redirected").as_str(),
        ))
        .mount(&redirector)
        .await;
    let loopback_port = redirector.address().port();
    let mock = MockServer::start().await.unwrap();
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_test_tricky")
            .unwrap();
    let urls = [
        format!("http://{remote_addr}/direct"),
        format!("http://{remote_addr}\\@127.0.0.1:{loopback_port}/backslash"),
        format!("{}/redirect", redirector.uri()),
    ];
    for url in &urls {
        client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(url.as_str())
                    .events(vec![billing_io::EventType::CheckoutCreated])
            })
            .send()
            .await
            .unwrap();
    }
    trigger(
        &mock,
        Provider::BillingIo,
        ("authorization", "Bearer sk_test_tricky"),
        json!({"type": "checkout.created"}),
    )
    .await;
    let mut attempts = Vec::new();
    for _ in 0..200 {
        attempts = mock.deliveries();
        if attempts.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let first = |suffix: &str| {
        attempts
            .iter()
            .find(|a| a.url.ends_with(suffix) && a.attempt == 1)
            .unwrap_or_else(|| panic!("no attempt for {suffix}: {attempts:?}"))
            .clone()
    };
    for refused in [first("/direct"), first("/backslash")] {
        assert_eq!(refused.status_code, None, "{refused:?}");
        assert!(refused.error.as_deref().unwrap().contains("only loopback"));
    }
    let redirected = first("/redirect");
    assert_eq!(redirected.status_code, Some(307));
    assert!(
        redirected
            .error
            .as_deref()
            .unwrap()
            .contains("redirect not followed")
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        reached.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing reached {remote_addr}"
    );
}
