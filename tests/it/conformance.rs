//! What the spec fuzzer (`.ci/fuzz.sh`) and a reading of the docs found, one
//! test per fix: each provider's own error codes under `Prefer`, nulls and
//! non-object bodies refused, unknown query parameters refused (Donutwork's
//! `?webhookId=` pointed at the path form), Commet's PATCH, idempotent test
//! and pinned `apiVersion`, Charge's RFC 3339 `created` (billing.io's one
//! event rule is in `official_sdks.rs`).

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use webhooks_mock::{MockServer, Provider};

use crate::mock::{CASES, assert_error_shape, auth, http, send};
use crate::support::{answering, received};

/// `Prefer: code=NNN` answers with the provider's own documented code for
/// that status, the same table its real errors use.
#[tokio::test]
async fn prefer_answers_each_providers_own_error_codes() {
    let server = MockServer::start().await.unwrap();
    // (provider, status, JSON pointer, documented value)
    let expected: &[(Provider, u16, &str, &str)] = &[
        (Provider::BillingIo, 401, "/error/code", "api_key_invalid"),
        (
            Provider::BillingIo,
            409,
            "/error/code",
            "idempotency_key_reused",
        ),
        (Provider::BillingIo, 429, "/error/code", "too_many_requests"),
        (Provider::Chargeapi, 401, "/type", "authentication_error"),
        (Provider::Chargeapi, 401, "/code", "api_key_invalid"),
        (Provider::Chargeapi, 409, "/code", "idempotency_key_in_use"),
        (Provider::Donutwork, 401, "/error", "Invalid token"),
        (Provider::Meum, 401, "/error/code", "UNAUTHORIZED"),
        (Provider::Meum, 403, "/error/code", "INSUFFICIENT_SCOPE"),
        (Provider::Commet, 401, "/error/code", "unauthorized"),
        (
            Provider::Commet,
            409,
            "/error/code",
            "idempotency_key_mismatch",
        ),
        (Provider::Commet, 429, "/error/code", "rate_limited"),
    ];
    for &(provider, status, pointer, value) in expected {
        let case = CASES.iter().find(|c| c.provider == provider).unwrap();
        let (header, credentials) = auth(provider, case.keys[0]);
        let response = http()
            .post(format!("{}{}", server.base_url(provider), case.create.0))
            .header(header, credentials)
            .header("prefer", format!("code={status}"))
            .json(&(case.create.1)())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{provider:?}");
        let body: Value = response.json().await.unwrap();
        assert_error_shape(provider, &body);
        assert_eq!(
            body.pointer(pointer),
            Some(&json!(value)),
            "{provider:?} {status}: {body}"
        );
    }
}

/// `Prefer: code=404` on an operation answers exactly the body its real 404
/// has (the same code and message, naming the same ID), and `Prefer: code=415`
/// the kernel's real 415: an error-handling test written against `Prefer`
/// sees what the operation itself sends.
#[tokio::test]
async fn prefer_answers_the_operations_own_error_bodies() {
    let server = MockServer::start().await.unwrap();
    let meum_id = "wh_0123456789abcdefghij";
    // (provider, key, method, path, body) of every operation that documents a 404.
    let not_found: &[(Provider, &str, Method, String, Option<Value>)] = &[
        (
            Provider::BillingIo,
            "sk_test_p",
            Method::GET,
            "/webhooks/we_missing".into(),
            None,
        ),
        (
            Provider::BillingIo,
            "sk_test_p",
            Method::DELETE,
            "/webhooks/we_missing".into(),
            None,
        ),
        (
            Provider::Chargeapi,
            "ch_sk_test_p",
            Method::GET,
            "/webhook_endpoints/wh_missing".into(),
            None,
        ),
        (
            Provider::Chargeapi,
            "ch_sk_test_p",
            Method::POST,
            "/webhook_endpoints/wh_missing".into(),
            Some(json!({})),
        ),
        (
            Provider::Donutwork,
            "donut_p",
            Method::GET,
            "/webhooks/missing.json".into(),
            None,
        ),
        (
            Provider::Donutwork,
            "donut_p",
            Method::DELETE,
            "/webhooks/missing.json".into(),
            None,
        ),
        (
            Provider::Meum,
            "sk_live_p",
            Method::PATCH,
            format!("/v1/webhook-endpoints/{meum_id}"),
            Some(json!({})),
        ),
        (
            Provider::Meum,
            "sk_live_p",
            Method::GET,
            format!("/v1/webhook-endpoints/{meum_id}/deliveries"),
            None,
        ),
        (
            Provider::Meum,
            "sk_live_p",
            Method::GET,
            "/v1/webhook-deliveries/whd_missing".into(),
            None,
        ),
        (
            Provider::Commet,
            "ck_sandbox_p",
            Method::GET,
            "/webhooks/wh_missing".into(),
            None,
        ),
        (
            Provider::Commet,
            "ck_sandbox_p",
            Method::PUT,
            "/webhooks/wh_missing".into(),
            Some(json!({})),
        ),
        (
            Provider::Commet,
            "ck_sandbox_p",
            Method::PATCH,
            "/webhooks/wh_missing".into(),
            Some(json!({})),
        ),
        (
            Provider::Commet,
            "ck_sandbox_p",
            Method::DELETE,
            "/webhooks/wh_missing".into(),
            None,
        ),
        (
            Provider::Commet,
            "ck_sandbox_p",
            Method::POST,
            "/webhooks/wh_missing/test".into(),
            None,
        ),
    ];
    // Charge puts a fresh request ID in every error.
    let comparable = |mut body: Value| {
        if let Some(map) = body.as_object_mut() {
            map.remove("request");
        }
        body
    };
    let answer =
        |provider, key, method: &Method, path: &str, body: Option<&Value>, prefer: Option<&str>| {
            let (header, credentials) = auth(provider, key);
            let mut request = http()
                .request(
                    method.clone(),
                    format!("{}{path}", server.base_url(provider)),
                )
                .header(header, credentials);
            if let Some(body) = body {
                request = request.json(body);
            }
            if let Some(prefer) = prefer {
                request = request.header("prefer", prefer);
            }
            async move {
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                (status, comparable(response.json::<Value>().await.unwrap()))
            }
        };
    for (provider, key, method, path, body) in not_found {
        let real = answer(*provider, key, method, path, body.as_ref(), None).await;
        let injected = answer(
            *provider,
            key,
            method,
            path,
            body.as_ref(),
            Some("code=404"),
        )
        .await;
        assert_eq!(real.0, 404, "{provider:?} {method} {path}: {}", real.1);
        assert_eq!(injected, real, "{provider:?} {method} {path}");
    }
    for case in CASES {
        let (header, credentials) = auth(case.provider, case.keys[0]);
        let url = format!("{}{}", server.base_url(case.provider), case.create.0);
        let real = http()
            .post(&url)
            .header(header, &credentials)
            .header("content-type", "text/plain")
            .body("not json")
            .send()
            .await
            .unwrap();
        assert_eq!(real.status().as_u16(), 415);
        let real = comparable(real.json().await.unwrap());
        let injected = answer(
            case.provider,
            case.keys[0],
            &Method::POST,
            case.create.0,
            Some(&(case.create.1)()),
            Some("code=415"),
        )
        .await;
        assert_eq!(injected, (415, real), "{:?}", case.provider);
    }
}

/// An optional field sent as `null` (no request schema is nullable there)
/// and a body that is an array are the provider's 400, and nothing is created.
#[tokio::test]
async fn nulls_and_non_object_bodies_are_refused() {
    let server = MockServer::start().await.unwrap();
    let optional_field = |provider| match provider {
        Provider::BillingIo | Provider::Chargeapi | Provider::Commet => "description",
        Provider::Meum => "name",
        Provider::Donutwork => "webhook",
    };
    for case in CASES {
        let key = case.keys[0];
        let mut with_null = (case.create.1)();
        with_null[optional_field(case.provider)] = Value::Null;
        for body in [with_null, json!([])] {
            let (status, answer) = send(
                &server,
                case.provider,
                Some(key),
                Method::POST,
                case.create.0,
                Some(&body),
            )
            .await;
            assert_eq!(status, 400, "{:?} {body}: {answer}", case.provider);
            assert_error_shape(case.provider, &answer);
        }
        let (_, listed) = send(
            &server,
            case.provider,
            Some(key),
            Method::GET,
            case.create.0,
            None,
        )
        .await;
        assert!(
            !listed.to_string().contains("webhook"),
            "{:?}: created something: {listed}",
            case.provider
        );
    }
}

/// A query parameter the operation does not take is a 400 naming it, on
/// every provider; Donutwork's `?webhookId=`, printed by its docs under
/// "Query Parameters", points at the path form instead of answering the list.
#[tokio::test]
async fn unknown_query_parameters_are_refused_and_donutworks_id_form_points_at_the_path() {
    let server = MockServer::start().await.unwrap();
    for case in CASES {
        // Refused before the handler runs: the ID need not exist.
        let (method, path_of) = &case.one;
        let path = format!("{}?not_a_parameter=1", path_of("x1"));
        let (status, body) = send(
            &server,
            case.provider,
            Some(case.keys[0]),
            method.clone(),
            &path,
            None,
        )
        .await;
        assert_eq!(status, 400, "{:?}: {body}", case.provider);
        assert_error_shape(case.provider, &body);
        assert!(body.to_string().contains("not_a_parameter"), "{body}");
    }
    let key = "donut-query-form";
    let (_, created) = send(
        &server,
        Provider::Donutwork,
        Some(key),
        Method::POST,
        "/webhooks.json",
        Some(&json!({"webhook": {"name": "a", "url": "https://example.com/h", "events": ["RecurringPayments.charge.paid"]}})),
    )
    .await;
    let id = created["id"].as_str().unwrap();
    for method in [Method::GET, Method::DELETE] {
        let (status, body) = send(
            &server,
            Provider::Donutwork,
            Some(key),
            method.clone(),
            &format!("/webhooks.json?webhookId={id}"),
            None,
        )
        .await;
        if method == Method::GET {
            assert_eq!(status, 400, "{body}");
            assert_eq!(
                body,
                json!({"error": "Unknown query parameter `webhookId`; this operation takes `size`, `page`; to address one record, put it in the path: GET /webhooks/{webhookId}.json."})
            );
        } else {
            // No DELETE on the list path: the documented 405, nothing removed.
            assert_eq!(status, 405, "{body}");
        }
    }
    let (status, _) = send(
        &server,
        Provider::Donutwork,
        Some(key),
        Method::GET,
        &format!("/webhooks/{id}.json"),
        None,
    )
    .await;
    assert_eq!(status, 200, "the webhook is still there");
}

/// `created` is RFC 3339 UTC with milliseconds, as Charge's current pages
/// and real responses show.
#[tokio::test]
async fn charge_created_is_rfc3339_with_milliseconds() {
    let server = MockServer::start().await.unwrap();
    let case = CASES
        .iter()
        .find(|c| c.provider == Provider::Chargeapi)
        .unwrap();
    let (status, body) = send(
        &server,
        Provider::Chargeapi,
        Some(case.keys[0]),
        Method::POST,
        case.create.0,
        Some(&(case.create.1)()),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let created = body["created"].as_str().expect("a string");
    assert!(rfc3339(created), "{created}");
    assert!(
        created.ends_with('Z') && created.len() == "2026-03-03T14:05:23.789Z".len(),
        "{created}"
    );
}

/// Whether `text` is an RFC 3339 timestamp (read by the SDK's `chargeapi::Created`).
fn rfc3339(text: &str) -> bool {
    serde_json::from_value::<webhooks_sdk::chargeapi::Created>(json!(text))
        .is_ok_and(|c| matches!(c, webhooks_sdk::chargeapi::Created::Rfc3339(_)))
}

/// Commet: PATCH updates like PUT, and an endpoint created or read in one
/// is the same endpoint in the other.
#[tokio::test]
async fn commet_updates_by_patch_as_by_put() {
    let server = MockServer::start().await.unwrap();
    let key = "ck_sandbox_patch";
    let (_, created) = send(
        &server,
        Provider::Commet,
        Some(key),
        Method::POST,
        "/webhooks",
        Some(&json!({"url": "https://example.com/h", "events": ["subscription.created"]})),
    )
    .await;
    let id = created["data"]["id"].as_str().unwrap().to_string();
    let (status, patched) = send(
        &server,
        Provider::Commet,
        Some(key),
        Method::PATCH,
        &format!("/webhooks/{id}"),
        Some(&json!({"isActive": false, "description": "paused"})),
    )
    .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["data"]["isActive"], false);
    assert_eq!(patched["data"]["description"], "paused");
    let (_, read) = send(
        &server,
        Provider::Commet,
        Some(key),
        Method::GET,
        &format!("/webhooks/{id}"),
        None,
    )
    .await;
    assert_eq!(read["data"], patched["data"]);
}

/// The JSON bodies `hook` holds, once it holds `n`.
async fn received_bodies(hook: &wiremock::MockServer, n: usize) -> Vec<Value> {
    received(hook, n)
        .await
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

/// Commet's test delivery honours `Idempotency-Key` (a retry reports the
/// first delivery and sends nothing), and delivered events carry the
/// endpoint's pinned `apiVersion` and a millisecond `timestamp`.
#[tokio::test]
async fn commet_test_is_idempotent_and_events_carry_the_endpoints_version() {
    let server = MockServer::start().await.unwrap();
    let hook = answering(200, json!({"received": true})).await;
    let key = "ck_sandbox_versions";
    let mut ids = Vec::new();
    for (version_header, pinned) in [(Some("2026-05-01"), None), (None, Some("2026-08-27"))] {
        let mut request = http()
            .post(format!("{}/webhooks", server.base_url(Provider::Commet)))
            .header("x-api-key", key);
        if let Some(version) = version_header {
            request = request.header("commet-version", version);
        }
        let mut body =
            json!({"url": format!("{}/h", hook.uri()), "events": ["subscription.created"]});
        if let Some(pin) = pinned {
            body["apiVersion"] = json!(pin);
        }
        let created: Value = request
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["data"]["id"].as_str().unwrap().to_string());
    }

    let test = |idempotency_key: &'static str| {
        http()
            .post(format!(
                "{}/webhooks/{}/test",
                server.base_url(Provider::Commet),
                ids[0]
            ))
            .header("x-api-key", key)
            .header("idempotency-key", idempotency_key)
            .send()
    };
    let first: Value = test("test-once").await.unwrap().json().await.unwrap();
    let again: Value = test("test-once").await.unwrap().json().await.unwrap();
    assert_eq!(first, again, "a retried test reports the first delivery");
    assert_eq!(first["data"]["success"], true);
    assert_eq!(received_bodies(&hook, 1).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        hook.received_requests().await.unwrap().len(),
        1,
        "no second test delivery"
    );

    let triggered = http()
        .post(format!("http://{}/__mock/commet/events", server.addr()))
        .header("x-api-key", key)
        .json(&json!({"type": "subscription.created"}))
        .send()
        .await
        .unwrap();
    assert_eq!(triggered.status().as_u16(), 202);
    let events = received_bodies(&hook, 3).await;
    let mut versions: Vec<&str> = events[1..]
        .iter()
        .map(|e| e["apiVersion"].as_str().unwrap())
        .collect();
    versions.sort_unstable();
    assert_eq!(versions, ["2026-05-01", "2026-08-27"]);
    for event in &events {
        let timestamp = event["timestamp"].as_str().unwrap();
        assert_eq!(
            timestamp.len(),
            "2026-03-03T14:05:23.789Z".len(),
            "{timestamp}"
        );
        assert!(rfc3339(timestamp), "{timestamp}");
    }
}

/// One `Idempotency-Key` reused for the same create in Commet's other
/// contract is a different request (409), never the first contract's body.
#[tokio::test]
async fn a_commet_key_reused_across_contracts_is_a_conflict() {
    let server = MockServer::start().await.unwrap();
    let url = format!("{}/webhooks", server.base_url(Provider::Commet));
    let create = |version: &'static str| {
        http()
            .post(&url)
            .header("x-api-key", "ck_sandbox_contracts")
            .header("commet-version", version)
            .header("idempotency-key", "one-key")
            .json(&json!({"url": "http://example.com", "events": ["subscription.created"]}))
            .send()
    };
    let first = create("2026-07-11").await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let replay = create("2026-07-11").await.unwrap();
    assert_eq!(replay.status().as_u16(), 201, "the same request replays");
    let other = create("2026-08-27").await.unwrap();
    assert_eq!(other.status().as_u16(), 409);
    let body: Value = other.json().await.unwrap();
    assert_eq!(body["error"]["code"], "idempotency_key_mismatch");
    assert!(
        body.get("success").is_none(),
        "the current contract's error body: {body}"
    );
}

/// The route is matched before `Commet-Version` is read: a method no
/// operation takes is a 405 whatever the header says, and a malformed
/// version on a route that exists is the version's 400.
#[tokio::test]
async fn commet_answers_an_undeclared_method_405_before_reading_its_version() {
    let server = MockServer::start().await.unwrap();
    let base = server.base_url(Provider::Commet);
    let send = |method: reqwest::Method, path: &str, version: &'static str| {
        http()
            .request(method, format!("{base}{path}"))
            .header("x-api-key", "ck_sandbox_routing")
            .header("commet-version", version)
            .send()
    };
    for version in ["not-a-version", "2026-07-11", "2026-08-27"] {
        let wrong = send(reqwest::Method::DELETE, "/webhooks", version)
            .await
            .unwrap();
        assert_eq!(wrong.status().as_u16(), 405, "{version}");
        // The provider's error body, and still the `Allow` header RFC 9110 asks of a 405.
        assert!(wrong.headers().get("allow").is_some(), "{version}");
        let body: Value = wrong.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed", "{version}");
    }
    let nowhere = send(reqwest::Method::GET, "/nowhere", "not-a-version")
        .await
        .unwrap();
    assert_eq!(nowhere.status().as_u16(), 404);
    let malformed = send(reqwest::Method::GET, "/webhooks", "not-a-version")
        .await
        .unwrap();
    assert_eq!(malformed.status().as_u16(), 400);
}
