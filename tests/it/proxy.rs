//! The validation proxy, offline: loopback upstreams only. The mock itself
//! as the upstream gives no violation and confirms the guesses it
//! exercises; a stub with known deviations gives exactly those, each at its
//! pointer and naming the guess it refutes, while the client still gets the
//! stub's bytes (a 502 under `strict`); a recording replays with the
//! upstream gone, and neither file holds a key, a secret or an
//! authorization header.

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use webhooks_mock::proxy::{Proxy, ProxyConfig, ReplayServer, Summary};
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::endpoints::{Endpoints, NewEndpoint};
use webhooks_sdk::{AnyClient, ApiError};
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A scratch file, removed on drop.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("proxy-{}-{name}", std::process::id()));
        let _ = std::fs::remove_file(&path);
        Self(path)
    }

    fn lines(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.0)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    fn text(&self) -> String {
        std::fs::read_to_string(&self.0).unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Per provider: a key, an event type it documents, and the API version to pin.
const CASES: [(Provider, &str, &str, Option<&str>); 6] = [
    (
        Provider::BillingIo,
        "sk_test_proxy",
        "checkout.completed",
        None,
    ),
    (
        Provider::Chargeapi,
        "ch_sk_test_proxy",
        "report.succeeded",
        None,
    ),
    (
        Provider::Donutwork,
        "donut-proxy",
        "RecurringPayments.charge.paid",
        None,
    ),
    (Provider::Meum, "sk_live_proxy", "invoice.paid", None),
    (
        Provider::Commet,
        "ck_sandbox_proxy",
        "subscription.created",
        None,
    ),
    (
        Provider::Commet,
        "ck_sandbox_proxy_current",
        "subscription.created",
        Some("2026-08-27"),
    ),
];

fn sdk_provider(provider: Provider) -> webhooks_sdk::Provider {
    provider.name().parse().unwrap()
}

/// Every operation the SDK's one API has for the provider, through `base`.
async fn exercise(
    provider: Provider,
    key: &str,
    event_type: &str,
    version: Option<&str>,
    base: &str,
) {
    let mut builder = AnyClient::builder(sdk_provider(provider), key)
        .base_url(base)
        .max_retries(0);
    if let Some(version) = version {
        builder = builder.api_version(version);
    }
    let client = builder.build().unwrap();
    let created = client
        .create(
            NewEndpoint::new("https://example.com/proxied", [event_type])
                .description("through the proxy"),
        )
        .await
        .unwrap();
    assert!(
        created.secret.is_some(),
        "{provider:?}: the secret passes through"
    );
    let capabilities = client.capabilities();
    if capabilities.list {
        let all: Vec<_> = client.list().try_collect().await.unwrap();
        assert_eq!(all.len(), 1);
    }
    if capabilities.get {
        client.get(&created.id).await.unwrap();
        let missing = client.get("wh_missing0000000000000000").await.unwrap_err();
        assert_eq!(
            missing.http_status().map(|s| s.as_u16()),
            Some(404),
            "{provider:?}: {missing}"
        );
    }
    if capabilities.set_enabled {
        client.set_enabled(&created.id, false).await.unwrap();
    }
    if capabilities.delete {
        client.delete(&created.id).await.unwrap();
    }
}

#[tokio::test]
async fn the_mock_as_upstream_gives_no_violation_and_confirms_the_guesses_it_exercises() {
    for (provider, key, event_type, version) in CASES {
        let upstream = MockServer::builder().only(provider).start().await.unwrap();
        let report = Scratch::new(&format!("clean-{}-{}", provider.name(), version.is_some()));
        let config = ProxyConfig::new(provider, &upstream.base_url(provider))
            .unwrap()
            .report(&report.0);
        let proxy = Proxy::start(config).await.unwrap();
        exercise(provider, key, event_type, version, &proxy.base_url()).await;
        let summary = proxy.stop().await;
        assert_eq!(report.text(), "", "{provider:?}: no violation");
        assert_eq!(summary.violations, 0);
        assert!(
            summary.exchanges >= 2,
            "{provider:?}: {}",
            summary.exchanges
        );
        let refuted: Vec<_> = summary
            .inferences
            .iter()
            .filter(|i| i.refuted > 0)
            .collect();
        assert!(
            refuted.is_empty(),
            "{provider:?}: the mock refutes nothing: {refuted:#?}"
        );
        let confirmed = summary
            .inferences
            .iter()
            .filter(|i| i.confirmed > 0)
            .count();
        assert!(
            confirmed > 0,
            "{provider:?}: something exercised was inferred"
        );
        // The contract the version picks is the one whose guesses were exercised.
        let spec = match version {
            Some(_) => "commet-2026-08-27.yaml",
            None => &format!("{}.yaml", provider.name()),
        };
        assert!(
            summary
                .inferences
                .iter()
                .filter(|i| i.confirmed > 0)
                .all(|i| i.spec == spec),
            "{provider:?}: {spec}"
        );
    }
}

/// The text of the `x-inferred` mark at `at` of a spec.
fn inference_text(summary: &Summary, spec: &str, at: &str) -> String {
    summary
        .inference(spec, at)
        .unwrap_or_else(|| panic!("{spec} has an inference at {at}"))
        .reason
        .clone()
}

/// `(operation, part, pointer, status, the pointer of the guess named)` of every report line.
fn violations(report: &Scratch) -> Vec<(String, String, String, Value, Value)> {
    let mut lines: Vec<_> = report
        .lines()
        .into_iter()
        .map(|v| {
            (
                v["operation"].as_str().unwrap_or_default().to_string(),
                v["part"].as_str().unwrap().to_string(),
                v["pointer"].as_str().unwrap().to_string(),
                v["status"].clone(),
                v["x_inferred"]["at"].clone(),
            )
        })
        .collect();
    lines.sort_by_key(|l| format!("{l:?}"));
    lines
}

#[tokio::test]
async fn a_deviating_upstream_gives_exactly_its_deviations_and_the_client_its_bytes() {
    let stub = wiremock::MockServer::start().await;
    let endpoint = json!({"webhook_id": "we_1", "events": ["checkout.completed"], "created_at": "2026-01-01T00:00:00Z"});
    let page = json!({"data": [], "has_more": "no"});
    let unsupported = json!({"error": {"type": "invalid_request", "code": "unsupported_content_type", "message": "no"}});
    let deviations: [(&str, &str, u16, Vec<u8>, &str); 5] = [
        // A missing required field (`url`).
        (
            "GET",
            "/v1/webhooks/we_1",
            200,
            endpoint.to_string().into_bytes(),
            "application/json",
        ),
        // A wrong type.
        (
            "GET",
            "/v1/webhooks",
            200,
            page.to_string().into_bytes(),
            "application/json",
        ),
        // An undeclared status.
        (
            "DELETE",
            "/v1/webhooks/we_1",
            418,
            b"{}".to_vec(),
            "application/json",
        ),
        // A 415 for the documented content type.
        (
            "POST",
            "/v1/webhooks",
            415,
            unsupported.to_string().into_bytes(),
            "application/json",
        ),
        // Donutwork's path shape, refused by a live API that takes the ID in the query.
        (
            "GET",
            "/2026-02-01/webhooks/123.json",
            404,
            b"<h1>Not Found</h1>".to_vec(),
            "text/html",
        ),
    ];
    for (verb, at, status, body, media) in &deviations {
        Mock::given(method(*verb))
            .and(path(*at))
            .respond_with(ResponseTemplate::new(*status).set_body_raw(body.clone(), media))
            .mount(&stub)
            .await;
    }
    let report = Scratch::new("deviations");
    let billing = Proxy::start(
        ProxyConfig::new(Provider::BillingIo, &format!("{}/v1", stub.uri()))
            .unwrap()
            .report(&report.0),
    )
    .await
    .unwrap();
    let donutwork = Proxy::start(
        ProxyConfig::new(Provider::Donutwork, &format!("{}/2026-02-01", stub.uri()))
            .unwrap()
            .report(report.0.with_extension("donutwork")),
    )
    .await
    .unwrap();
    let donutwork_report = Scratch(report.0.with_extension("donutwork"));
    let http = reqwest::Client::new();
    for (verb, at, status, body, _) in &deviations {
        let (proxy, below) = match at.strip_prefix("/v1") {
            Some(below) => (&billing, below.to_string()),
            None => (&donutwork, at.trim_start_matches("/2026-02-01").to_string()),
        };
        let mut request = http
            .request(
                verb.parse().unwrap(),
                format!("{}{below}", proxy.base_url()),
            )
            .header("authorization", "Bearer sk_test_deviations");
        if *verb == "POST" {
            request = request
                .header("content-type", "application/json")
                .body(r#"{"url": "https://example.com/h", "events": ["checkout.completed"]}"#);
        }
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status().as_u16(), *status, "{verb} {at}");
        assert_eq!(
            &answer.bytes().await.unwrap()[..],
            &body[..],
            "{verb} {at}: the stub's bytes"
        );
    }
    let (billing_summary, donutwork_summary) = (billing.stop().await, donutwork.stop().await);

    let schema = "/components/schemas/WebhookEndpoint".to_string();
    let unsupported_at = "/components/responses/UnsupportedMediaType".to_string();
    let path_guess = "/paths/~1webhooks~1{webhookId}.json".to_string();
    let s = |t: &str| t.to_string();
    assert_eq!(
        violations(&report),
        vec![
            (
                s("createWebhookEndpoint"),
                s("status"),
                s(""),
                json!(415),
                json!(unsupported_at)
            ),
            (
                s("deleteWebhookEndpoint"),
                s("status"),
                s(""),
                json!(418),
                Value::Null
            ),
            (
                s("getWebhookEndpoint"),
                s("body"),
                s(""),
                json!(200),
                json!(schema)
            ),
            (
                s("listWebhookEndpoints"),
                s("body"),
                s("/has_more"),
                json!(200),
                Value::Null
            ),
        ]
    );
    assert_eq!(
        violations(&donutwork_report),
        vec![(
            s("getWebhook"),
            s("content-type"),
            s(""),
            json!(404),
            json!(path_guess)
        )]
    );
    // Each names the guess as the spec words it, and says whether the SDK still reads the answer.
    for line in report.lines().into_iter().chain(donutwork_report.lines()) {
        let spec = line["spec"].as_str().unwrap();
        let summary = if spec == "donutwork.yaml" {
            &donutwork_summary
        } else {
            &billing_summary
        };
        if let Some(at) = line["x_inferred"]["at"].as_str() {
            assert_eq!(
                line["x_inferred"]["text"],
                inference_text(summary, spec, at)
            );
            assert!(
                summary.inference(spec, at).unwrap().refuted >= 1,
                "{at} counted as refuted"
            );
        }
        let expected_reads = line["part"] == "status" && line["status"] == 415;
        assert_eq!(line["sdk_reads"], json!(expected_reads), "{line}");
    }
    let missing = report
        .lines()
        .into_iter()
        .find(|l| l["operation"] == "getWebhookEndpoint")
        .unwrap();
    assert!(
        missing["expected"].as_str().unwrap().contains("url"),
        "{missing}"
    );

    // Strict: the same deviation is a 502 that lists it.
    let strict = Proxy::start(
        ProxyConfig::new(Provider::BillingIo, &format!("{}/v1", stub.uri()))
            .unwrap()
            .strict(true),
    )
    .await
    .unwrap();
    let answer = http
        .get(format!("{}/webhooks", strict.base_url()))
        .header("authorization", "Bearer sk_test_deviations")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 502);
    let body: Value = answer.json().await.unwrap();
    assert_eq!(body["violations"][0]["pointer"], "/has_more");
}

/// A list and a get, as JSON.
async fn list_and_get(client: &webhooks_sdk::commet::Client, id: &str) -> (Value, Value) {
    let list = client.list_webhook_endpoints().send().await.unwrap();
    let one = client.get_webhook_endpoint().id(id).send().await.unwrap();
    (
        serde_json::to_value(list.into_inner()).unwrap(),
        serde_json::to_value(one.into_inner()).unwrap(),
    )
}

#[tokio::test]
async fn a_recording_replays_without_the_upstream_and_no_file_holds_a_credential() {
    let key = "ck_sandbox_recorded_key_0123";
    let report = Scratch::new("recorded-report");
    let recording = Scratch::new("recording");
    let upstream = MockServer::builder()
        .only(Provider::Commet)
        .start()
        .await
        .unwrap();
    let proxy = Proxy::start(
        ProxyConfig::new(Provider::Commet, &upstream.base_url(Provider::Commet))
            .unwrap()
            .report(&report.0)
            .record(&recording.0),
    )
    .await
    .unwrap();
    let client = webhooks_sdk::commet::Client::with_api_key(&proxy.base_url(), key).unwrap();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/recorded")
                .events(vec![webhooks_sdk::commet::EventType::InvoiceCreated])
        })
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let secret = created.secret_key.expose().to_string();
    let answered = list_and_get(&client, &created.id).await;
    drop(proxy);
    drop(upstream);

    let replay = ReplayServer::start(
        Provider::Commet,
        &recording.0,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(replay.exchanges(), 3);
    let replayed = webhooks_sdk::commet::Client::with_api_key(&replay.base_url(), key).unwrap();
    assert_eq!(list_and_get(&replayed, &created.id).await, answered);
    let never = crate::mock::http()
        .get(format!("{}/webhooks/wh_never", replay.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(never.status(), 404);
    let never: Value = never.json().await.unwrap();
    assert_eq!(
        never["closest"],
        format!("GET /api/v1/webhooks/{}", created.id)
    );

    for file in [&report, &recording] {
        let text = file.text().to_ascii_lowercase();
        for secret_text in [key, secret.as_str(), "authorization", "x-api-key"] {
            assert!(
                !text.contains(&secret_text.to_ascii_lowercase()),
                "{secret_text} in {:?}",
                file.0
            );
        }
    }
    assert!(
        recording.text().contains("[redacted]"),
        "the secret's place is marked"
    );
}

/// A recording is evidence: the answer replays byte for byte (key order,
/// spacing), with only a secret's value replaced where it stood.
#[tokio::test]
async fn a_recording_replays_the_answer_byte_for_byte() {
    let stub = wiremock::MockServer::start().await;
    let answer = "{\"webhook_id\": \"we_1\",\n  \"url\":\"https://example.com/h\", \"events\": [\"checkout.completed\"],\n  \"secret\": \"whsec_recorded0123\", \"created_at\": \"2025-01-15T12:00:00Z\"}";
    Mock::given(method("GET"))
        .and(path("/v1/webhooks/we_1"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(answer, "application/json"))
        .mount(&stub)
        .await;
    let recording = Scratch::new("bytes");
    let proxy = Proxy::start(
        ProxyConfig::new(Provider::BillingIo, &format!("{}/v1", stub.uri()))
            .unwrap()
            .record(&recording.0),
    )
    .await
    .unwrap();
    let get = |base: String| async move {
        crate::mock::http()
            .get(format!("{base}/webhooks/we_1"))
            .header("authorization", "Bearer sk_test_bytes")
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap()
    };
    assert_eq!(get(proxy.base_url()).await, answer.as_bytes());
    drop(proxy);
    let replay = ReplayServer::start(
        Provider::BillingIo,
        &recording.0,
        "127.0.0.1:0".parse().unwrap(),
    )
    .await
    .unwrap();
    let replayed = get(replay.base_url()).await;
    assert_eq!(
        String::from_utf8(replayed.to_vec()).unwrap(),
        answer.replace("whsec_recorded0123", "[redacted]")
    );
    assert!(!recording.text().contains("whsec_recorded0123"));
}
