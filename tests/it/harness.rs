//! The mock as a test harness: seeded runs that repeat byte for byte, a
//! manual clock that fires retries exactly on schedule, faults beyond
//! statuses, expectations checked on drop, duplicated and resent
//! deliveries, a journal that answers questions, and fixtures.

use std::time::{Duration, SystemTime};

use reqwest::Method;
use serde_json::{Value, json};
use webhooks_mock::deliveries::{DeliveryFilter, Trigger};
use webhooks_mock::{Clock, Fault, MockServer, Provider, RequestFilter};
use webhooks_sdk::ApiError;
use webhooks_sdk::billing_io::{self, EventType};
use wiremock::matchers::any;
use wiremock::{Mock, ResponseTemplate};

use crate::mock::{CASES, http, send};

/// A receiver on 127.0.0.1 answering every delivery with `status`.
async fn receiver(status: u16) -> wiremock::MockServer {
    let server = wiremock::MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(status))
        .mount(&server)
        .await;
    server
}

/// One scripted run: a create at each provider, a list, and a trigger's
/// delivery; every answer and every delivered body and signature, as text.
async fn scripted_run(seed: u64, hooks: &wiremock::MockServer) -> Vec<String> {
    hooks.reset().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(hooks)
        .await;
    let mock = MockServer::builder()
        .seed(seed)
        .clock(Clock::manual())
        .start()
        .await
        .unwrap();
    let mut transcript = Vec::new();
    for case in CASES {
        let (status, body) = send(
            &mock,
            case.provider,
            Some(case.keys[0]),
            Method::POST,
            case.create.0,
            Some(&(case.create.1)()),
        )
        .await;
        transcript.push(format!("{:?} create {status} {body}", case.provider));
    }
    let (status, body) = send(
        &mock,
        Provider::BillingIo,
        Some("sk_test_tenant_a"),
        Method::GET,
        "/webhooks?limit=1",
        None,
    )
    .await;
    transcript.push(format!("list {status} {body}"));
    let hook = format!("{}/billing", hooks.uri());
    let (_, created) = send(
        &mock,
        Provider::BillingIo,
        Some("sk_test_seeded"),
        Method::POST,
        "/webhooks",
        Some(&json!({"url": hook, "events": ["checkout.completed"]})),
    )
    .await;
    transcript.push(format!("hook {created}"));
    let sent = mock
        .trigger(
            Provider::BillingIo,
            "sk_test_seeded",
            Trigger::new("checkout.completed"),
        )
        .unwrap();
    let filter = DeliveryFilter {
        event_id: Some(sent.event_id().to_string()),
        ..DeliveryFilter::default()
    };
    let attempts = mock
        .wait_for_deliveries(&filter, 1, Duration::from_secs(10))
        .await
        .unwrap();
    transcript.push(format!("attempt {} {}", attempts[0].id, attempts[0].at));
    for request in crate::support::received(hooks, 1).await {
        transcript.push(format!(
            "delivered {} {}",
            request.headers[billing_io::webhook::SIGNATURE_HEADER]
                .to_str()
                .unwrap(),
            String::from_utf8_lossy(&request.body)
        ));
    }
    transcript
}

#[tokio::test]
async fn the_same_seed_and_a_manual_clock_repeat_every_byte_and_another_seed_does_not() {
    let hooks = wiremock::MockServer::start().await;
    let first = scripted_run(42, &hooks).await;
    let second = scripted_run(42, &hooks).await;
    assert_eq!(first, second, "the same seed, the same bytes");
    let other = scripted_run(43, &hooks).await;
    assert_ne!(first, other, "another seed, other IDs");
    // Times come from the manual clock: its documented start.
    assert!(
        first
            .iter()
            .any(|line| line.contains("2026-01-01T00:00:00Z")),
        "{first:?}"
    );
}

#[tokio::test]
async fn a_manual_clock_fires_billing_ios_retries_at_exactly_5_and_30_minutes() {
    let mock = MockServer::builder()
        .clock(Clock::manual())
        .start()
        .await
        .unwrap();
    let failing = receiver(500).await;
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_test_clock")
            .unwrap();
    client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(format!("{}/h", failing.uri()))
                .events(vec![EventType::CheckoutCompleted])
        })
        .send()
        .await
        .unwrap();
    let start = mock.now();
    mock.trigger(
        Provider::BillingIo,
        "sk_test_clock",
        Trigger::new("checkout.completed"),
    )
    .unwrap();
    let attempts_at = |mock: &MockServer| -> Vec<u64> {
        mock.deliveries()
            .iter()
            .map(|a| {
                let at = std::time::SystemTime::from(
                    chrono::DateTime::parse_from_rfc3339(&a.at).unwrap(),
                );
                at.duration_since(start).unwrap().as_secs()
            })
            .collect()
    };
    mock.wait_for_deliveries(&DeliveryFilter::default(), 1, Duration::from_secs(10))
        .await
        .unwrap();
    // Minute by minute, with nothing slept: the attempts come exactly on schedule.
    for minute in 1..=40u64 {
        mock.advance(Duration::from_secs(60)).await.unwrap();
        let expected: &[u64] = match minute {
            0..5 => &[0],
            5..30 => &[0, 300],
            _ => &[0, 300, 1800],
        };
        assert_eq!(attempts_at(&mock), expected, "after {minute} minutes");
    }
    assert_eq!(failing.received_requests().await.unwrap().len(), 3);
    let clock: Value = http()
        .get(format!("http://{}/__mock/clock", mock.addr()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["mode"], "manual");
    assert_eq!(clock["now"], "2026-01-01T00:40:00.000Z");
}

fn billing_io_client(
    mock: &MockServer,
    key: &str,
    retries: u32,
    timeout: Duration,
) -> billing_io::Client {
    billing_io::Client::builder(key)
        .base_url(mock.base_url(Provider::BillingIo))
        .max_retries(retries)
        .timeout(timeout)
        .build()
        .unwrap()
}

async fn create_one(
    client: &billing_io::Client,
) -> Result<billing_io::types::WebhookEndpoint, billing_io::Error<billing_io::types::ErrorResponse>>
{
    client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/h")
                .events(vec![EventType::CheckoutCompleted])
        })
        .send()
        .await
        .map(|r| r.into_inner())
}

async fn endpoints_of(client: &billing_io::Client) -> usize {
    client
        .list_webhook_endpoints()
        .send()
        .await
        .unwrap()
        .into_inner()
        .data
        .len()
}

/// `reset`, `delay` and `malformed` give the SDK a connection error, a
/// timeout and a parse error; its retries then succeed where a retry is
/// right (a reset or a timeout), never after a parse error (an answer came).
#[tokio::test]
async fn reset_delay_and_malformed_faults_meet_the_sdk_as_they_should() {
    let mock = MockServer::start().await.unwrap();
    let create = "createWebhookEndpoint";
    let quick = Duration::from_millis(300);

    mock.add_fault(Fault::reset("billing-io", 1).operation(create))
        .unwrap();
    let once = billing_io_client(&mock, "sk_test_faults", 0, quick);
    let error = create_one(&once).await.unwrap_err();
    assert!(
        matches!(error, billing_io::Error::CommunicationError(_)),
        "{error:?}"
    );
    assert!(error.should_retry());
    mock.add_fault(Fault::reset("billing-io", 1).operation(create))
        .unwrap();
    let retrying = billing_io_client(&mock, "sk_test_faults", 2, quick);
    create_one(&retrying)
        .await
        .expect("the retry after a reset succeeds");

    mock.add_fault(Fault::delay("billing-io", 2_000, 1).operation(create))
        .unwrap();
    let error = create_one(&once).await.unwrap_err();
    let billing_io::Error::CommunicationError(e) = &error else {
        panic!("a timeout, not {error:?}")
    };
    assert!(e.is_timeout(), "{e}");
    mock.add_fault(Fault::delay("billing-io", 2_000, 1).operation(create))
        .unwrap();
    create_one(&retrying)
        .await
        .expect("the retry after a timeout succeeds");

    mock.add_fault(Fault::malformed("billing-io", 1).operation(create))
        .unwrap();
    let before = mock.requests().len();
    let error = create_one(&retrying).await.unwrap_err();
    assert!(
        matches!(error, billing_io::Error::InvalidResponsePayload(..)),
        "{error:?}"
    );
    assert_eq!(
        mock.requests().len(),
        before + 1,
        "an answer came: no retry"
    );
    let malformed = mock.requests().pop().unwrap();
    assert_eq!(
        (malformed.status, malformed.fault),
        (201, Some("malformed"))
    );

    // A reset and a timeout left nothing behind (before the handler; the
    // delayed request was dropped with its connection, journaled with status 0);
    // the malformed answer's create did happen.
    assert_eq!(endpoints_of(&retrying).await, 3);
    let journal = mock.requests_matching(&RequestFilter {
        operation: Some(create.into()),
        ..RequestFilter::default()
    });
    let faults: Vec<_> = journal.iter().map(|e| (e.status, e.fault)).collect();
    assert_eq!(
        faults,
        [
            (0, Some("reset")),
            (0, Some("reset")),
            (201, None),
            (0, Some("delay")),
            (0, Some("delay")),
            (201, None),
            (201, Some("malformed"))
        ],
    );
}

/// A 503 after the create ran: the SDK retries under its idempotency key,
/// billing.io replays the first answer, and exactly one endpoint exists.
#[tokio::test]
async fn an_after_handler_503_on_a_create_leaves_one_endpoint_after_the_retry() {
    let mock = MockServer::start().await.unwrap();
    let fault = Fault::new("billing-io", 503, 1)
        .operation("createWebhookEndpoint")
        .retry_after(0)
        .after_handler();
    mock.add_fault(fault).unwrap();
    let client = billing_io_client(&mock, "sk_test_after", 2, Duration::from_secs(5));
    let created = create_one(&client).await.unwrap();
    assert_eq!(endpoints_of(&client).await, 1);
    let creates = mock.requests_matching(&RequestFilter {
        operation: Some("createWebhookEndpoint".into()),
        ..RequestFilter::default()
    });
    assert_eq!(
        creates.iter().map(|e| e.status).collect::<Vec<_>>(),
        [503, 201]
    );
    assert_eq!(
        creates[1].response["webhook_id"],
        created.webhook_id.as_str(),
        "the first answer, replayed"
    );
    // A reset after the handler: the same, one endpoint.
    mock.add_fault(
        Fault::reset("billing-io", 1)
            .operation("createWebhookEndpoint")
            .after_handler(),
    )
    .unwrap();
    let other = billing_io_client(&mock, "sk_test_after_reset", 2, Duration::from_secs(5));
    create_one(&other).await.unwrap();
    assert_eq!(endpoints_of(&other).await, 1);
}

#[tokio::test]
async fn an_unmet_expectation_panics_on_drop_naming_the_closest_request() {
    let outcome = tokio::spawn(async {
        let mock = MockServer::start().await.unwrap();
        mock.expect(Provider::BillingIo, "deleteWebhookEndpoint")
            .times(1..=1);
        mock.expect(Provider::BillingIo, "createWebhookEndpoint")
            .times(1..=1)
            .status(201);
        let client = billing_io_client(&mock, "sk_test_expect", 0, Duration::from_secs(5));
        create_one(&client).await.unwrap();
        drop(mock);
    })
    .await;
    let panic = outcome.unwrap_err().into_panic();
    let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        message.contains("billing-io deleteWebhookEndpoint: expected exactly 1 time(s), got 0"),
        "{message}"
    );
    assert!(
        message.contains(
            "closest: #1 billing-io POST /billing-io/v1/webhooks -> 201 (createWebhookEndpoint)"
        ),
        "{message}"
    );
    assert!(
        !message.contains("billing-io createWebhookEndpoint answered 201"),
        "the met one is not reported: {message}"
    );
    // Met expectations stay quiet.
    let mock = MockServer::start().await.unwrap();
    let seen = mock
        .expect(Provider::BillingIo, "createWebhookEndpoint")
        .times(1..);
    create_one(&billing_io_client(
        &mock,
        "sk_test_expect",
        0,
        Duration::from_secs(5),
    ))
    .await
    .unwrap();
    assert_eq!(seen.seen(), 1);
    assert!(mock.verify().is_ok());
}

#[tokio::test]
async fn duplicated_aged_and_resent_deliveries_carry_the_same_event_id() {
    let mock = MockServer::start().await.unwrap();
    let hooks = receiver(200).await;
    let key = "ck_sandbox_copies";
    let (status, created) = send(
        &mock,
        Provider::Commet,
        Some(key),
        Method::POST,
        "/webhooks",
        Some(&json!({"url": format!("{}/commet", hooks.uri()), "events": ["invoice.created"]})),
    )
    .await;
    assert_eq!(status, 201);
    let secret = created["data"]["secretKey"].as_str().unwrap().to_string();
    let sent = mock
        .trigger(
            Provider::Commet,
            key,
            Trigger::new("invoice.created").duplicate(2),
        )
        .unwrap();
    let copies = crate::support::received(&hooks, 3).await;
    let ids: Vec<_> = copies
        .iter()
        .map(|r| r.headers["x-commet-event-id"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(ids, [sent.event_id(); 3]);
    assert!(
        copies.windows(2).all(|w| w[0].body == w[1].body),
        "the same body"
    );
    // Resent over HTTP, signed afresh, to the same endpoint.
    let resent: Value = http()
        .post(format!(
            "http://{}/__mock/deliveries/{}/resend",
            mock.addr(),
            sent.event_id()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        resent["deliveries"][0]["endpoint_id"],
        created["data"]["id"]
    );
    let all = crate::support::received(&hooks, 4).await;
    let webhook = webhooks_sdk::commet::webhook::Webhook::new([secret]).unwrap();
    let again = webhook.verify(&all[3].body, &all[3].headers).unwrap();
    assert_eq!(again.event_id(), Some(sent.event_id()));
    // Every attempt records what was sent and what came back (recorded once the answer is in).
    let attempts = mock
        .wait_for_deliveries(&DeliveryFilter::default(), 4, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(attempts.len(), 4);
    assert!(
        attempts
            .iter()
            .all(|a| a.sent_headers.contains_key("x-commet-signature") && a.answer.is_some())
    );
    let unknown = http()
        .post(format!(
            "http://{}/__mock/deliveries/whev_unknown/resend",
            mock.addr()
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status().as_u16(), 404);

    // Signed as if sent ten minutes ago: outside billing.io's tolerance.
    let key = "sk_test_aged";
    let (_, created) = send(
        &mock,
        Provider::BillingIo,
        Some(key),
        Method::POST,
        "/webhooks",
        Some(&json!({"url": format!("{}/billing", hooks.uri()), "events": ["checkout.completed"]})),
    )
    .await;
    let webhook = billing_io::webhook::Webhook::new([created["secret"].as_str().unwrap()]).unwrap();
    mock.trigger(
        Provider::BillingIo,
        key,
        Trigger::new("checkout.completed").signature_age(600),
    )
    .unwrap();
    let aged = crate::support::received(&hooks, 5).await.pop().unwrap();
    assert!(matches!(
        webhook.verify(&aged.body, &aged.headers).unwrap_err(),
        webhooks_sdk::receive::VerifyError::TimestampTooOld { .. }
    ));
    let signed_at = webhook
        .clone()
        .tolerance(webhooks_sdk::receive::Tolerance::Unchecked)
        .verify(&aged.body, &aged.headers)
        .unwrap()
        .signed_at()
        .unwrap();
    let age = SystemTime::now().duration_since(signed_at).unwrap();
    assert!((599..700).contains(&age.as_secs()), "{age:?}");
}

#[tokio::test]
async fn the_journal_answers_filtered_questions_over_http() {
    let mock = MockServer::start().await.unwrap();
    for case in CASES {
        send(
            &mock,
            case.provider,
            Some(case.keys[0]),
            Method::POST,
            case.create.0,
            Some(&(case.create.1)()),
        )
        .await;
    }
    send(
        &mock,
        Provider::BillingIo,
        Some("sk_test_tenant_a"),
        Method::GET,
        "/webhooks/we_missing",
        None,
    )
    .await;
    send(
        &mock,
        Provider::BillingIo,
        None,
        Method::GET,
        "/nowhere",
        None,
    )
    .await;
    let ask = |query: &str| {
        let url = format!("http://{}/__mock/requests?{query}", mock.addr());
        async move {
            http()
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Vec<Value>>()
                .await
                .unwrap()
        }
    };
    let all = ask("").await;
    assert_eq!(all.len(), 7);
    assert_eq!(
        all.iter()
            .map(|e| e["seq"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        (1..=7).collect::<Vec<_>>()
    );
    assert!(all.iter().all(|e| e["at"].as_str().is_some()));
    let gets = ask("provider=billing-io&operation=getWebhookEndpoint").await;
    assert_eq!(gets.len(), 1);
    assert_eq!(gets[0]["status"], 404);
    assert_eq!(ask("status=404").await.len(), 2);
    let unmatched = ask("provider=billing-io&status=404").await;
    assert!(
        unmatched.iter().any(|e| e["operation"].is_null()),
        "an unknown route has no operation"
    );
    assert_eq!(ask("api_key=sk_test_tenant_a").await.len(), 2);
    let bad = http()
        .get(format!("http://{}/__mock/requests?colour=red", mock.addr()))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 400);
}

/// The fixtures guide's example, loaded as it stands there.
fn readme_fixtures() -> Value {
    let guide = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../mock-server/guide/fixtures.md"
    ))
    .unwrap();
    let start = guide
        .find("```json\n")
        .expect("the guide has a JSON example")
        + "```json\n".len();
    let end = start + guide[start..].find("```").unwrap();
    serde_json::from_str(&guide[start..end]).expect("the guide's example is JSON")
}

#[tokio::test]
async fn fixtures_set_up_endpoints_at_two_providers_and_a_trigger_names_one() {
    let mock = MockServer::start().await.unwrap();
    let answers = mock.load_fixtures(readme_fixtures()).await.unwrap();
    let hook = &answers["billing_hook"];
    assert!(hook["webhook_id"].as_str().unwrap().starts_with("we_"));
    assert!(hook["secret"].as_str().unwrap().starts_with("whsec_"));
    assert!(
        answers["commet_hook"]["data"]["secretKey"]
            .as_str()
            .is_some()
    );
    let delivered = &answers["paid"]["deliveries"];
    assert_eq!(
        delivered[0]["endpoint_id"], hook["webhook_id"],
        "the trigger went to the named endpoint"
    );
    assert_eq!(
        answers["paid"]["event"]["data"]["metadata"]["endpoint"], hook["webhook_id"],
        "a reference inside the data"
    );
    // Over HTTP, and a step that refers to nothing is refused with its name.
    let refused = http()
        .post(format!("http://{}/__mock/fixtures", mock.addr()))
        .json(&json!([{"name": "x", "provider": "billing-io", "api_key": "sk_test_x", "trigger": {"type": "checkout.completed", "data": {"checkout_id": "${nothing.id}"}}}]))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["step"], "x");
    assert!(
        body["error"].as_str().unwrap().contains("no earlier step"),
        "{body}"
    );
}

/// Two mocks in one process (as parallel tests have) share the routes but
/// nothing a test can observe: an endpoint, a fault, a journal entry, a
/// delivery, an expectation or the clock of one is absent from the other.
#[tokio::test]
async fn two_mocks_in_one_process_share_nothing_observable() {
    let start = |seed| {
        MockServer::builder()
            .seed(seed)
            .clock(Clock::manual())
            .start()
    };
    // The same seed and the same key: only separate state tells them apart.
    let (one, other) = (start(7).await.unwrap(), start(7).await.unwrap());
    let hooks = receiver(200).await;
    let key = "sk_test_shared";
    let body = json!({"url": format!("{}/hook", hooks.uri()), "events": ["checkout.completed"]});
    async fn post(mock: &MockServer, key: &str, body: &Value) -> (u16, Value) {
        let path = "/webhooks";
        send(
            mock,
            Provider::BillingIo,
            Some(key),
            Method::POST,
            path,
            Some(body),
        )
        .await
    }
    async fn list(mock: &MockServer, key: &str) -> (u16, Value) {
        send(
            mock,
            Provider::BillingIo,
            Some(key),
            Method::GET,
            "/webhooks",
            None,
        )
        .await
    }
    let (status, created) = post(&one, key, &body).await;
    assert_eq!(status, 201);
    one.add_fault(Fault::new("billing-io", 503, 5).operation("listWebhookEndpoints"))
        .unwrap();
    let expectation = one
        .expect(Provider::BillingIo, "listWebhookEndpoints")
        .times(1..);
    one.trigger(Provider::BillingIo, key, Trigger::new("checkout.completed"))
        .unwrap();
    one.wait_for_deliveries(&DeliveryFilter::default(), 1, Duration::from_secs(5))
        .await
        .unwrap();
    let other_then = other.now();
    one.advance(Duration::from_secs(3600)).await.unwrap();

    // The other mock: no endpoint, no fault, no journal entry, no delivery, the clock where it was.
    let (status, listed) = list(&other, key).await;
    assert_eq!(status, 200, "the other mock's fault did not fire: {listed}");
    assert_eq!(listed["data"], json!([]), "no endpoint leaked");
    let journal = other.requests();
    assert_eq!(journal.len(), 1, "only its own list: {journal:?}");
    assert_eq!(
        journal[0].operation.as_deref(),
        Some("listWebhookEndpoints")
    );
    assert!(other.deliveries().is_empty());
    assert_eq!(other.now(), other_then);
    assert_ne!(one.now(), other_then);
    // Its list did not meet the first mock's expectation.
    assert_eq!(expectation.seen(), 0);
    assert!(one.verify().is_err());

    // The same seed made the same endpoint ID in both; each holds only its own.
    let (status, again) = post(&other, key, &body).await;
    assert_eq!(status, 201);
    assert_eq!(again["webhook_id"], created["webhook_id"]);
    let (status, _) = list(&one, key).await;
    assert_eq!(status, 503, "the first mock keeps its fault");
    one.clear_faults();
    let (_, listed) = list(&one, key).await;
    assert_eq!(listed["data"].as_array().map(Vec::len), Some(1));
    assert_eq!(one.deliveries().len(), 1);
    assert_eq!(
        one.requests().len(),
        3,
        "its create and two lists, nothing of the other's"
    );
    one.verify().unwrap();
}
