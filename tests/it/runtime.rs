//! The SDK's runtime layer, the same for every provider: safe retries with
//! idempotency keys, pagination streams, one error interface, lenient
//! parsing of responses.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use webhooks_mock::Fault;
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::{ApiError, Error, billing_io, chargeapi, commet, donutwork, meum};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::support::answering;

/// Schedules a fault through the admin API, as a test in another language would.
async fn schedule(mock: &MockServer, fault: Value) {
    let response = crate::mock::http()
        .post(format!("http://{}/__mock/faults", mock.addr()))
        .json(&fault)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204, "{}", response.text().await.unwrap());
}

/// The `Idempotency-Key` of every journaled request to `path`, in order.
fn keys_sent(mock: &MockServer, method: &str, path: &str) -> Vec<Option<String>> {
    mock.requests()
        .into_iter()
        .filter(|e| e.method == method && e.path == path)
        .map(|e| {
            e.headers
                .get("idempotency-key")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .collect()
}

fn assert_one_key_on_three_attempts(keys: &[Option<String>]) {
    assert_eq!(
        keys.len(),
        3,
        "two faulted attempts and the one that succeeded"
    );
    assert!(keys[0].is_some(), "the client adds a key");
    assert!(
        keys.iter().all(|k| k == &keys[0]),
        "one key for every attempt: {keys:?}"
    );
}

#[tokio::test]
async fn a_billing_io_create_is_retried_through_two_503s_with_one_key() {
    let mock = MockServer::start().await.unwrap();
    schedule(
        &mock,
        json!({"provider": "billing-io", "status": 503, "count": 2, "retry_after": 1, "operation": "createWebhookEndpoint"}),
    )
    .await;
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_test_retry")
            .unwrap();
    let started = Instant::now();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/retried")
                .events(vec![billing_io::EventType::CheckoutCompleted])
        })
        .send()
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1, twice"
    );
    assert_eq!(created.status(), 201);
    assert_one_key_on_three_attempts(&keys_sent(&mock, "POST", "/billing-io/v1/webhooks"));
    let all = client.list_webhook_endpoints().send().await.unwrap();
    assert_eq!(all.data.len(), 1, "exactly one endpoint exists");
}

#[tokio::test]
async fn a_commet_create_is_retried_through_two_429s_with_one_key() {
    let mock = MockServer::start().await.unwrap();
    schedule(
        &mock,
        json!({"provider": "commet", "status": 429, "count": 2, "retry_after": 1, "operation": "createWebhookEndpoint"}),
    )
    .await;
    let client =
        commet::Client::with_api_key(&mock.base_url(Provider::Commet), "ck_sandbox_retry").unwrap();
    let started = Instant::now();
    client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/retried")
                .events(vec![commet::EventType::SubscriptionCreated])
        })
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert_one_key_on_three_attempts(&keys_sent(&mock, "POST", "/commet/api/v1/webhooks"));
    let all = client.list_webhook_endpoints().send().await.unwrap();
    assert_eq!(all.data.len(), 1, "exactly one endpoint exists");
}

#[tokio::test]
async fn without_retries_the_first_503_is_the_typed_error_with_its_retry_after() {
    let mock = MockServer::start().await.unwrap();
    mock.add_fault(Fault::new(Provider::BillingIo, 503, 2).retry_after(1))
        .unwrap();
    let client = billing_io::Client::builder("sk_test_once")
        .base_url(mock.base_url(Provider::BillingIo))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/once")
                .events(vec![billing_io::EventType::CheckoutCompleted])
        })
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ErrorResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(1)));
    assert!(error.should_retry());
    assert_eq!(mock.requests().len(), 1, "no retry");
}

#[tokio::test]
async fn a_fault_with_an_undocumented_status_is_refused_with_the_documented_ones() {
    let mock = MockServer::start().await.unwrap();
    let why = mock
        .add_fault(Fault::new(Provider::Chargeapi, 503, 1).operation("listWebhookEndpoints"))
        .unwrap_err();
    assert!(why.contains("[400, 401, 429]"), "{why}");
    let response = crate::mock::http()
        .post(format!("http://{}/__mock/faults", mock.addr()))
        .json(&json!({"provider": "meum", "status": 429, "count": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Faults match only their API key, and DELETE forgets them.
    mock.add_fault(Fault::new(Provider::Donutwork, 401, 5).api_key("donut-other"))
        .unwrap();
    let client =
        donutwork::Client::with_api_key(&mock.base_url(Provider::Donutwork), "donut-me").unwrap();
    client.list_webhooks().send().await.unwrap();
    let cleared = crate::mock::http()
        .delete(format!("http://{}/__mock/faults", mock.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 204);
    let other = donutwork::Client::with_api_key(&mock.base_url(Provider::Donutwork), "donut-other")
        .unwrap();
    other.list_webhooks().send().await.unwrap();
}

#[tokio::test]
async fn every_429_of_the_mock_carries_the_documented_rate_limit_headers() {
    let mock = MockServer::start().await.unwrap();
    mock.add_fault(Fault::new(Provider::BillingIo, 429, 1))
        .unwrap();
    mock.add_fault(Fault::new(Provider::Commet, 429, 1).retry_after(7))
        .unwrap();
    let billing = crate::mock::http()
        .get(format!("{}/webhooks", mock.base_url(Provider::BillingIo)))
        .bearer_auth("sk_test_limits")
        .send()
        .await
        .unwrap();
    let commet = crate::mock::http()
        .get(format!("{}/webhooks", mock.base_url(Provider::Commet)))
        .header("x-api-key", "ck_sandbox_limits")
        .send()
        .await
        .unwrap();
    for (response, names, retry_after) in [
        (
            &billing,
            [
                "x-ratelimit-limit",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
            ],
            webhooks_mock::app::DEFAULT_RETRY_AFTER,
        ),
        (
            &commet,
            ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
            7,
        ),
    ] {
        assert_eq!(response.status(), 429);
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .map(|v| v.to_str().unwrap().parse::<u64>().unwrap())
        };
        assert_eq!(header("retry-after"), Some(retry_after));
        for name in names {
            assert!(header(name).is_some(), "{name}");
        }
    }
}

#[tokio::test]
async fn commet_429s_without_retry_after_are_final_and_billing_ios_are_retried() {
    let server = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).set_body_json(json!({"success": false, "error": {"type": "rate_limit_error", "code": "rate_limited", "message": "slow down"}})))
        .mount(&server)
        .await;
    let client = commet::Client::with_api_key(&server.uri(), "ck_sandbox_x").unwrap();
    let error = client
        .get_webhook_endpoint()
        .id("wh_1")
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("rate_limited"));
    assert!(
        !error.should_retry(),
        "Commet's docs: do not retry a 429 without Retry-After"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let server = answering(429, json!({"error": {"type": "rate_limited", "code": "too_many_requests", "message": "m", "param": null}})).await;
    let client = billing_io::Client::builder("sk_test_x")
        .base_url(server.uri())
        .max_retries(1)
        .build()
        .unwrap();
    let error = client
        .get_webhook_endpoint()
        .webhook_id("we_1")
        .send()
        .await
        .unwrap_err();
    assert!(error.should_retry());
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        2,
        "one retry after a backoff"
    );
}

#[tokio::test]
async fn writes_without_a_documented_idempotency_key_are_not_retried() {
    let server = answering(
        503,
        json!({"error": {"code": "UNAVAILABLE", "message": "m"}}),
    )
    .await;
    let client = meum::Client::with_api_key(&server.uri(), "sk_live_x").unwrap();
    let error = client
        .create_webhook_endpoint()
        .body_map(|b| b.url("https://example.com/h"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests.len(),
        1,
        "a POST with no Idempotency-Key is never sent twice"
    );
    assert!(
        requests[0].headers.get("idempotency-key").is_none(),
        "meum documents none"
    );
}

#[tokio::test]
async fn a_callers_idempotency_key_is_kept() {
    let server = answering(201, endpoint_json()).await;
    let client = billing_io::Client::with_api_key(&server.uri(), "sk_test_x").unwrap();
    let key = "0b7f3c1e-2d4a-4f6b-8c9d-0e1f2a3b4c5d";
    client
        .create_webhook_endpoint()
        .idempotency_key(key)
        .body_map(|b| {
            b.url("https://example.com/h")
                .events(vec![billing_io::EventType::CheckoutCreated])
        })
        .send()
        .await
        .unwrap();
    let request = crate::support::only_request(&server).await;
    assert_eq!(request.headers.get("idempotency-key").unwrap(), key);
}

#[tokio::test]
async fn a_create_answered_200_parses_and_a_long_meum_id_parses() {
    let server = answering(200, endpoint_json()).await;
    let client = billing_io::Client::with_api_key(&server.uri(), "sk_test_x").unwrap();
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/h")
                .events(vec![billing_io::EventType::CheckoutCreated])
        })
        .send()
        .await
        .unwrap();
    assert_eq!(endpoint.status(), 200);
    assert!(endpoint.secret.is_some(), "the replayed secret is not lost");

    let long_id = format!("wh_{}", "a1".repeat(20));
    let server = answering(
        201,
        json!({"id": long_id, "url": "https://example.com/h", "secret": "0123456789abcdef", "events": ["invoice.paid"]}),
    )
    .await;
    let client = meum::Client::with_api_key(&server.uri(), "sk_live_x").unwrap();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| b.url("https://example.com/h"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        created.id, long_id,
        "a new ID shape must not lose the once-only secret"
    );
    assert_eq!(created.secret.expose(), "0123456789abcdef");
}

/// How an application tells the failures apart, whatever the provider.
fn kind(error: &impl ApiError) -> &'static str {
    match error.http_status().map(|s| s.as_u16()) {
        Some(404) => "not found",
        Some(429) => "rate limited",
        _ => "other",
    }
}

#[tokio::test]
async fn a_404_and_a_429_read_the_same_way_at_every_provider() {
    let mock = MockServer::start().await.unwrap();
    let base = |p| mock.base_url(p);
    let billing =
        billing_io::Client::with_api_key(&base(Provider::BillingIo), "sk_test_e").unwrap();
    let charge =
        chargeapi::Client::with_api_key(&base(Provider::Chargeapi), "ch_sk_test_e").unwrap();
    let donut = donutwork::Client::with_api_key(&base(Provider::Donutwork), "donut-e").unwrap();
    let meum = meum::Client::with_api_key(&base(Provider::Meum), "sk_live_e").unwrap();
    let commet = commet::Client::with_api_key(&base(Provider::Commet), "ck_sandbox_e").unwrap();
    let missing = "wh_000000000000000000000000";
    let e = billing
        .get_webhook_endpoint()
        .webhook_id(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!((kind(&e), e.code().is_some()), ("not found", true));
    let e = charge
        .retrieve_webhook_endpoint()
        .id(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (kind(&e), e.code().is_some(), e.request_id().is_some()),
        ("not found", true, true)
    );
    let e = donut
        .get_webhook()
        .webhook_id(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!((kind(&e), e.message().is_some()), ("not found", true));
    let e = meum
        .list_webhook_deliveries()
        .id(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!((kind(&e), e.code().is_some()), ("not found", true));
    let e = commet
        .get_webhook_endpoint()
        .id(missing)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        (kind(&e), e.code()),
        ("not found", Some("webhook_not_found"))
    );

    // A 429, documented or not, with Retry-After: the same reading everywhere.
    let limited = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "3")
                // Parses as billing.io's and Commet's documented 429 body; the others document no 429.
                .set_body_json(json!({"success": false, "error": {"type": "rate_limited", "code": "rate_limited", "message": "slow down", "param": null}})),
        )
        .mount(&limited)
        .await;
    fn quick<C>(
        builder: webhooks_sdk::ClientBuilder<C>,
        uri: &str,
    ) -> webhooks_sdk::ClientBuilder<C> {
        builder.base_url(uri).max_retries(0)
    }
    let uri = limited.uri();
    let billing = quick(billing_io::Client::builder("sk_test_e"), &uri)
        .build()
        .unwrap();
    let charge = quick(chargeapi::Client::builder("ch_sk_test_e"), &uri)
        .build()
        .unwrap();
    let donut = quick(donutwork::Client::builder("donut-e"), &uri)
        .build()
        .unwrap();
    let meum = quick(meum::Client::builder("sk_live_e"), &uri)
        .build()
        .unwrap();
    let commet = quick(commet::Client::builder("ck_sandbox_e"), &uri)
        .build()
        .unwrap();
    let errors: Vec<(&str, Option<Duration>, bool)> = vec![
        {
            let e = billing.list_webhook_endpoints().send().await.unwrap_err();
            (kind(&e), e.retry_after(), e.should_retry())
        },
        {
            let e = charge.list_webhook_endpoints().send().await.unwrap_err();
            (kind(&e), e.retry_after(), e.should_retry())
        },
        {
            let e = donut.list_webhooks().send().await.unwrap_err();
            (kind(&e), e.retry_after(), e.should_retry())
        },
        {
            let e = meum
                .list_webhook_deliveries()
                .id(missing)
                .send()
                .await
                .unwrap_err();
            (kind(&e), e.retry_after(), e.should_retry())
        },
        {
            let e = commet.list_webhook_endpoints().send().await.unwrap_err();
            (kind(&e), e.retry_after(), e.should_retry())
        },
    ];
    for error in errors {
        assert_eq!(error, ("rate limited", Some(Duration::from_secs(3)), true));
    }
}

const ITEMS: usize = 237;
const PAGE: u64 = 10;

/// Pulls a stream to its end: the IDs it yielded and the status of the error
/// that ended it. With `fault`, schedules that fault once `n` items were
/// pulled (pages are fetched lazily, so it hits the next page).
async fn pull<T, E>(
    mut stream: webhooks_sdk::ItemStream<'_, T, E>,
    id: impl Fn(&T) -> String,
    fault: Option<(usize, &MockServer, Fault)>,
) -> (Vec<String>, Option<u16>)
where
    webhooks_sdk::Error<E>: ApiError,
{
    let mut fault = fault;
    let mut ids = Vec::new();
    loop {
        if let Some((n, mock, f)) = fault.take_if(|(n, ..)| *n == ids.len()) {
            let _ = n;
            mock.add_fault(f).unwrap();
        }
        match stream.next().await {
            None => return (ids, None),
            Some(Ok(item)) => ids.push(id(&item)),
            Some(Err(e)) => {
                assert!(stream.next().await.is_none(), "an error ends the stream");
                return (ids, e.status().map(|s| s.as_u16()));
            }
        }
    }
}

/// A client's builder for the mock that does not retry.
fn once<C>(
    builder: webhooks_sdk::ClientBuilder<C>,
    mock: &MockServer,
    provider: Provider,
) -> webhooks_sdk::ClientBuilder<C> {
    builder.base_url(mock.base_url(provider)).max_retries(0)
}

/// What every stream test checks: all items once in the mock's order with
/// pages of 10, then a fault on page 3 ending the stream after 20 items.
fn assert_streamed(
    expected: &[String],
    all: (Vec<String>, Option<u16>),
    cut: (Vec<String>, Option<u16>),
    status: u16,
) {
    assert_eq!(all.1, None);
    assert_eq!(all.0.len(), ITEMS);
    assert_eq!(all.0, expected, "every item once, in the mock's order");
    assert_eq!(cut.0, expected[..20], "two whole pages before the fault");
    assert_eq!(cut.1, Some(status), "the fault ends the stream");
}

#[tokio::test]
async fn billing_io_lists_stream_every_endpoint() {
    let mock = MockServer::start().await.unwrap();
    let key = "sk_test_stream";
    let client = once(billing_io::Client::builder(key), &mock, Provider::BillingIo)
        .build()
        .unwrap();
    let mut created = Vec::new();
    for i in 0..ITEMS {
        let endpoint = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(format!("https://example.com/{i}"))
                    .events(vec![billing_io::EventType::CheckoutCreated])
            })
            .send()
            .await
            .unwrap();
        created.push(endpoint.into_inner().webhook_id);
    }
    created.reverse(); // the mock lists newest first
    let id = |e: &billing_io::types::WebhookEndpoint| e.webhook_id.clone();
    let all = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        None,
    )
    .await;
    let fault = Fault::new(Provider::BillingIo, 503, 1).operation("listWebhookEndpoints");
    let cut = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        Some((20, &mock, fault)),
    )
    .await;
    assert_streamed(&created, all, cut, 503);
}

#[tokio::test]
async fn chargeapi_lists_stream_every_endpoint() {
    let mock = MockServer::start().await.unwrap();
    let client = once(
        chargeapi::Client::builder("ch_sk_test_stream"),
        &mock,
        Provider::Chargeapi,
    )
    .build()
    .unwrap();
    let mut created = Vec::new();
    for i in 0..ITEMS {
        let endpoint = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(format!("https://example.com/{i}"))
                    .enabled_events(vec!["report.succeeded".to_string()])
            })
            .send()
            .await
            .unwrap();
        created.push(endpoint.into_inner().id);
    }
    created.reverse(); // newest first
    let id = |e: &chargeapi::types::WebhookEndpoint| e.id.clone();
    let all = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        None,
    )
    .await;
    let fault = Fault::new(Provider::Chargeapi, 400, 1).operation("listWebhookEndpoints");
    let cut = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        Some((20, &mock, fault)),
    )
    .await;
    assert_streamed(&created, all, cut, 400);
}

#[tokio::test]
async fn donutwork_lists_stream_every_webhook() {
    let mock = MockServer::start().await.unwrap();
    let client = once(
        donutwork::Client::builder("donut-stream"),
        &mock,
        Provider::Donutwork,
    )
    .build()
    .unwrap();
    let mut created = Vec::new();
    for i in 0..ITEMS {
        let input = donutwork::types::WebhookInput {
            name: format!("hook {i}"),
            description: None,
            url: format!("https://example.com/{i}"),
            events: donutwork::types::EventNames::String("RecurringPayments.charge.paid".into()),
        };
        let webhook = client
            .create_webhook()
            .body_map(|b| b.webhook(input))
            .send()
            .await
            .unwrap();
        created.push(webhook.into_inner().id);
    }
    // Donutwork pages run in creation order.
    let id = |w: &donutwork::types::Webhook| w.id.clone();
    let all = pull(client.list_webhooks().size(PAGE).stream(), id, None).await;
    let fault = Fault::new(Provider::Donutwork, 401, 1).operation("listWebhooks");
    let cut = pull(
        client.list_webhooks().size(PAGE).stream(),
        id,
        Some((20, &mock, fault)),
    )
    .await;
    assert_streamed(&created, all, cut, 401);
}

#[tokio::test]
async fn commet_lists_stream_every_endpoint() {
    let mock = MockServer::start().await.unwrap();
    let client = once(
        commet::Client::builder("ck_sandbox_stream"),
        &mock,
        Provider::Commet,
    )
    .build()
    .unwrap();
    let mut created = Vec::new();
    for i in 0..ITEMS {
        let endpoint = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(format!("https://example.com/{i}"))
                    .events(vec![commet::EventType::SubscriptionCreated])
            })
            .send()
            .await
            .unwrap();
        created.push(endpoint.into_inner().data.id);
    }
    created.reverse(); // newest first
    let id = |w: &commet::types::Webhook| w.id.clone();
    let all = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        None,
    )
    .await;
    let fault = Fault::new(Provider::Commet, 429, 1).operation("listWebhookEndpoints");
    let cut = pull(
        client.list_webhook_endpoints().limit(PAGE).stream(),
        id,
        Some((20, &mock, fault)),
    )
    .await;
    assert_streamed(&created, all, cut, 429);
}

#[tokio::test]
async fn meum_delivery_lists_stream_every_attempt() {
    let mock = MockServer::start().await.unwrap();
    let receiver = answering(200, json!({"received": true})).await;
    let key = "sk_live_stream";
    let client = once(meum::Client::builder(key), &mock, Provider::Meum)
        .build()
        .unwrap();
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(format!("{}/meum", receiver.uri()))
                .events(vec!["invoice.paid".to_string()])
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    for i in 0..ITEMS {
        let response = crate::mock::http()
            .post(format!("http://{}/__mock/meum/events", mock.addr()))
            .bearer_auth(key)
            .json(&json!({"type": "invoice.paid"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        // One at a time, so the mock's order is the order of the triggers.
        while mock.deliveries().len() <= i {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }
    let mut attempts: Vec<String> = mock.deliveries().into_iter().map(|a| a.id).collect();
    attempts.reverse(); // newest first
    let list = || {
        client
            .list_webhook_deliveries()
            .id(endpoint.id.as_str())
            .limit(PAGE)
    };
    let id = |d: &meum::types::WebhookDelivery| d.id.clone();
    let all = pull(list().stream(), id, None).await;
    let fault = Fault::new(Provider::Meum, 404, 1).operation("listWebhookDeliveries");
    let cut = pull(list().stream(), id, Some((20, &mock, fault))).await;
    assert_streamed(&attempts, all, cut, 404);
}

fn endpoint_json() -> Value {
    json!({
        "webhook_id": "we_a1b2c3d4e5f6a7b8c9d0e1f2",
        "url": "https://example.com/h",
        "events": ["checkout.created"],
        "secret": "whsec_a1b2c3d4e5f6a7b8c9d0e1f2",
        "status": "active",
        "created_at": "2025-01-15T12:00:00Z"
    })
}

/// Collects what a `tracing` subscriber writes.
#[derive(Clone, Default)]
struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn each_retry_is_one_debug_event_without_the_key() {
    let server = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "0"))
        .mount(&server)
        .await;
    let log = Captured::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let client = billing_io::Client::with_api_key(&server.uri(), "sk_test_topsecretkey").unwrap();
    let _ = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/h")
                .events(vec![billing_io::EventType::CheckoutCreated])
        })
        .send()
        .await;
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3, "the first attempt and two retries");
    let key = requests[0].headers["idempotency-key"]
        .to_str()
        .unwrap()
        .to_string();
    let text = String::from_utf8(log.0.lock().unwrap().clone()).unwrap();
    let retries: Vec<&str> = text.lines().filter(|l| l.contains("retrying")).collect();
    assert_eq!(retries.len(), 2, "{text}");
    for (line, attempt) in retries.iter().zip(["attempt=2", "attempt=3"]) {
        assert!(line.contains("DEBUG"), "{line}");
        assert!(
            line.contains("operation=\"create_webhook_endpoint\""),
            "{line}"
        );
        assert!(
            line.contains(attempt) && line.contains("status=503"),
            "{line}"
        );
    }
    assert!(
        !text.contains("topsecretkey"),
        "the API key is never logged"
    );
    assert!(!text.contains(&key), "the idempotency key is never logged");
}

/// An answer of `status` with `body` as the typed `Error<E>` every `send()` gives.
fn answered<E: serde::de::DeserializeOwned>(status: u16, body: Value) -> Error<E> {
    Error::ErrorResponse(webhooks_sdk::ResponseValue::new(
        serde_json::from_value(body).unwrap(),
        reqwest::StatusCode::from_u16(status).unwrap(),
        reqwest::header::HeaderMap::new(),
    ))
}

/// Method syntax on a concrete `Error<E>` reaches the SDK's rule, not
/// progenitor's inherent one: a 500 is worth retrying; a Commet 429 without
/// `Retry-After` is not, where progenitor would say the opposite of both.
#[test]
fn should_retry_on_a_concrete_error_is_the_sdks_rule() {
    let failed: Error<billing_io::types::ErrorResponse> = answered(
        500,
        json!({"error": {"type": "internal_error", "code": "internal_error", "message": "boom"}}),
    );
    assert!(failed.should_retry());
    assert_eq!(failed.http_status().map(|s| s.as_u16()), Some(500));
    assert!(
        !failed.is_retryable(),
        "progenitor's own reading, kept apart"
    );

    let limited: Error<commet::types::ErrorResponse> = answered(
        429,
        json!({"success": false, "error": {"type": "rate_limited", "code": "rate_limited", "message": "slow down"}}),
    );
    assert!(!limited.should_retry(), "Commet: never without Retry-After");
    assert!(
        limited.is_retryable(),
        "progenitor's own reading, kept apart"
    );
    let current: Error<commet::v2026_08_27::types::ErrorResponse> = answered(
        429,
        json!({"error": {"type": "rate_limited", "code": "rate_limited", "message": "slow down"}}),
    );
    assert!(!current.should_retry());
    // The same 429 at billing.io, whose docs allow it, is worth retrying.
    let billing: Error<billing_io::types::ErrorResponse> = answered(
        429,
        json!({"error": {"type": "rate_limited", "code": "rate_limited", "message": "slow down"}}),
    );
    assert!(billing.should_retry());
}
