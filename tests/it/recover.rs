//! Recovering missed billing.io events: the mock's event history in the
//! documented shape, and `catch_up` through the same replay guard as the
//! live receiver, so each event is processed once.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use futures_util::TryStreamExt;
use serde_json::Value;
use webhooks_mock::deliveries::{DeliveryFilter, Trigger};
use webhooks_mock::{Clock, MockServer, Provider};
use webhooks_sdk::billing_io::recover::{CatchUpError, catch_up};
use webhooks_sdk::billing_io::webhook::{BillingIo, Webhook};
use webhooks_sdk::billing_io::{Client, EventType};
use webhooks_sdk::endpoints::{Endpoints, NewEndpoint};
use webhooks_sdk::receive::MemoryReplayGuard;
use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};

const KEY: &str = "sk_test_recover";

/// A billing.io endpoint at `url`; its secret.
async fn endpoint(mock: &MockServer, url: &str) -> String {
    let client = webhooks_sdk::AnyClient::with_api_key(
        webhooks_sdk::Provider::BillingIo,
        &mock.base_url(Provider::BillingIo),
        KEY,
    )
    .unwrap();
    let new = NewEndpoint::new(url, ["checkout.completed", "checkout.expired"]);
    let created = client.create(new).await.unwrap();
    created.secret.unwrap().expose().to_string()
}

#[tokio::test]
async fn the_history_lists_every_event_newest_first_as_delivered_with_filters_and_pages() {
    let mock = MockServer::builder()
        .clock(Clock::manual())
        .start()
        .await
        .unwrap();
    // Nothing listens there: every attempt fails.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    endpoint(&mock, &format!("http://{closed}/hook")).await;
    let mut sent = Vec::new();
    for event_type in [
        "checkout.completed",
        "checkout.expired",
        "checkout.completed",
    ] {
        sent.push(
            mock.trigger(Provider::BillingIo, KEY, Trigger::new(event_type))
                .unwrap()
                .event,
        );
    }
    mock.advance(Duration::from_secs(3600)).await.unwrap();
    for event in &sent {
        let filter = DeliveryFilter {
            event_id: event["event_id"].as_str().map(Into::into),
            ..Default::default()
        };
        let attempts = mock
            .wait_for_deliveries(&filter, 3, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(
            attempts.iter().all(|a| !a.succeeded()),
            "all three attempts failed"
        );
    }

    let client = Client::with_api_key(&mock.base_url(Provider::BillingIo), KEY).unwrap();
    let listed: Vec<_> = client.list_events().stream().try_collect().await.unwrap();
    let as_json: Vec<Value> = listed
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    let newest_first: Vec<Value> = sent.iter().rev().cloned().collect();
    assert_eq!(
        as_json, newest_first,
        "the same events, bodies as delivered, newest first"
    );
    let expired = client
        .list_events()
        .type_(EventType::CheckoutExpired)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(expired.data.len(), 1);
    assert_eq!(
        expired.data[0].event_id,
        sent[1]["event_id"].as_str().unwrap()
    );
    let page = client
        .list_events()
        .limit(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((page.data.len(), page.has_more), (2, true));
    let rest = client
        .list_events()
        .limit(2)
        .cursor(page.next_cursor.unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(rest.data[0].event_id, sent[0]["event_id"].as_str().unwrap());
    for event in &sent {
        let id = event["event_id"].as_str().unwrap();
        let got = client
            .get_event()
            .event_id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(&serde_json::to_value(got).unwrap(), event);
    }
    let missing = client
        .get_event()
        .event_id("evt_0000000000000000")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        webhooks_sdk::ApiError::code(&missing),
        Some("event_not_found")
    );
    // Another tenant sees none of them.
    let other = Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_test_other").unwrap();
    assert!(
        other
            .list_events()
            .send()
            .await
            .unwrap()
            .into_inner()
            .data
            .is_empty()
    );
}

#[tokio::test]
async fn catch_up_and_a_live_delivery_process_each_event_once_through_the_same_guard() {
    let mock = MockServer::start().await.unwrap();
    let guard = Arc::new(MemoryReplayGuard::default());
    let processed: Arc<Mutex<BTreeMap<String, u32>>> = Arc::default();
    // The live receiver fails every attempt of `checkout.expired` (billing.io makes three).
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let secret = endpoint(&mock, &url).await;
    let receiver =
        Receiver::new(Webhook::new([secret.as_str()]).unwrap()).replay_guard(guard.clone());
    let counts = processed.clone();
    let app = Router::new()
        .route(
            "/hook",
            post(move |delivery: Verified<BillingIo>| async move {
                let body: Value = serde_json::from_slice(delivery.body()).unwrap();
                if body["type"] == "checkout.expired" {
                    return StatusCode::INTERNAL_SERVER_ERROR;
                }
                *counts
                    .lock()
                    .unwrap()
                    .entry(body["event_id"].as_str().unwrap().to_string())
                    .or_default() += 1;
                StatusCode::OK
            }),
        )
        .layer(ReplayLayer)
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });

    let live = mock
        .trigger(Provider::BillingIo, KEY, Trigger::new("checkout.completed"))
        .unwrap();
    let missed = mock
        .trigger(Provider::BillingIo, KEY, Trigger::new("checkout.expired"))
        .unwrap();
    // Every attempt is over before catching up (the retries come within a second, compressed).
    for (sent, attempts) in [(&live, 1), (&missed, 3)] {
        let filter = DeliveryFilter {
            event_id: Some(sent.event_id().into()),
            ..Default::default()
        };
        mock.wait_for_deliveries(&filter, attempts, Duration::from_secs(10))
            .await
            .unwrap();
    }
    let client = Client::with_api_key(&mock.base_url(Provider::BillingIo), KEY).unwrap();
    let mut checkpoint: Option<String> = None;
    let counts = processed.clone();
    let report = catch_up(&client, &mut checkpoint, &guard, |event| {
        let counts = counts.clone();
        async move {
            *counts.lock().unwrap().entry(event.event_id).or_default() += 1;
            Ok::<(), String>(())
        }
    })
    .await
    .unwrap();
    assert_eq!(
        report.already_processed,
        [live.event_id()],
        "delivered live: skipped"
    );
    assert_eq!(report.handled, [missed.event_id()], "missed: handled now");
    assert_eq!(checkpoint.as_deref(), Some(missed.event_id()));
    let counts = processed.lock().unwrap().clone();
    assert!(
        counts.values().all(|n| *n == 1),
        "each event processed once: {counts:?}"
    );
    assert_eq!(counts.len(), 2);

    // Nothing newer: a second run hands nothing over.
    let again = catch_up(&client, &mut checkpoint, &guard, |_| async {
        Err::<(), _>("called")
    })
    .await
    .unwrap();
    assert!(again.handled.is_empty() && again.checkpoint_found);
}

#[tokio::test]
async fn a_failed_handler_stops_the_catch_up_where_the_next_resumes() {
    let mock = MockServer::start().await.unwrap();
    endpoint(&mock, "https://example.com/nowhere").await;
    let ids: Vec<String> = (0..3)
        .map(|_| {
            mock.trigger(Provider::BillingIo, KEY, Trigger::new("checkout.completed"))
                .unwrap()
                .event_id()
                .to_string()
        })
        .collect();
    let client = Client::with_api_key(&mock.base_url(Provider::BillingIo), KEY).unwrap();
    let guard = MemoryReplayGuard::default();
    let mut checkpoint: Option<String> = None;
    let second = ids[1].clone();
    let stopped = catch_up(&client, &mut checkpoint, &guard, |event| {
        let fail = event.event_id == second;
        async move { if fail { Err("down") } else { Ok(()) } }
    })
    .await;
    assert!(
        matches!(stopped, Err(CatchUpError::Handler { ref event_id, .. }) if *event_id == ids[1])
    );
    assert_eq!(
        checkpoint.as_deref(),
        Some(ids[0].as_str()),
        "advanced past the first only"
    );
    let resumed = catch_up(&client, &mut checkpoint, &guard, |_| async {
        Ok::<(), String>(())
    })
    .await
    .unwrap();
    assert_eq!(resumed.handled, ids[1..]);
}
