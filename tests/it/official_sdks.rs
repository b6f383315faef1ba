//! The providers' own SDKs as clients of the mock: raw HTTP requests that
//! send exactly what each official package sends (read from the packages:
//! `@commet/node` 7.10.0, `commet-sdk` 9.7.0, `billingio` 2.0.0), and checks
//! that what comes back has the shapes those packages read. Also Commet's
//! current contract end to end through `webhooks_sdk::commet::v2026_08_27`, the
//! two contracts over one store, Commet's key prefixes and 66 event types,
//! and billing.io's one event rule.

use futures_util::TryStreamExt;
use reqwest::Method;
use serde_json::{Value, json};
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::ApiError;
use webhooks_sdk::commet::{self, EventType};

use crate::mock::http;
use crate::support::{answering, received};

/// A request to the mock's Commet as an official Commet SDK sends it.
struct CommetSdk {
    /// `commet-version` the package pins.
    version: &'static str,
    /// Prefix of the `Idempotency-Key` it makes for POST/PUT/PATCH.
    key_prefix: &'static str,
    /// The update method.
    update: Method,
    /// The test operation's body, if it sends one.
    test_body: Option<Value>,
}

/// `@commet/node` 7.10.0: the seed page's contract.
const NODE: CommetSdk = CommetSdk {
    version: "2026-07-11",
    key_prefix: "commet-node-retry-",
    update: Method::PUT,
    test_body: None,
};

/// `commet-sdk` 9.7.0 (Python): the current contract.
fn python() -> CommetSdk {
    CommetSdk {
        version: "2026-08-27",
        key_prefix: "commet-python-retry-",
        update: Method::PATCH,
        test_body: Some(json!({})),
    }
}

impl CommetSdk {
    async fn send(
        &self,
        server: &MockServer,
        api_key: &str,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let url = format!("{}{path}", server.base_url(Provider::Commet));
        let mut request = http()
            .request(method.clone(), url)
            .header("x-api-key", api_key)
            .header("commet-version", self.version)
            .header("accept", "application/json");
        if method != Method::GET && method != Method::DELETE {
            request = request.header(
                "idempotency-key",
                format!("{}{}", self.key_prefix, uuid_v4_like()),
            );
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

/// A fresh UUID-shaped string (version 4 layout), as the packages append to their keys.
fn uuid_v4_like() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        nanos as u32,
        (nanos >> 32) as u16,
        n & 0xfff,
        (n >> 12) & 0xfff,
        nanos ^ n
    )
}

/// The resource inside a seed-contract body; the body itself in the current one.
fn resource(body: &Value, enveloped: bool) -> &Value {
    if enveloped {
        assert_eq!(body["success"], true, "{body}");
        &body["data"]
    } else {
        assert!(body.get("data").is_none(), "no envelope: {body}");
        body
    }
}

#[tokio::test]
async fn each_official_commet_sdk_gets_the_shapes_it_reads() {
    let server = MockServer::start().await.unwrap();
    let hook = answering(200, json!({"received": true})).await;
    for (sdk, enveloped) in [(NODE, true), (python(), false)] {
        let key = format!("ck_sandbox_{}", sdk.key_prefix.trim_end_matches('-'));
        let body = json!({"url": format!("{}/h", hook.uri()), "events": ["subscription.created"]});
        // An older endpoint, so that a page of one has a next page.
        let (status, _) = sdk
            .send(&server, &key, Method::POST, "/webhooks", Some(&body))
            .await;
        assert_eq!(status, 201);
        let (status, created) = sdk
            .send(&server, &key, Method::POST, "/webhooks", Some(&body))
            .await;
        assert_eq!(status, 201, "{} create: {created}", sdk.version);
        let created = resource(&created, enveloped).clone();
        assert!(created["secretKey"].as_str().unwrap().starts_with("whsec_"));
        assert_eq!(
            created["apiVersion"], sdk.version,
            "pinned to the creating request"
        );
        let id = created["id"].as_str().unwrap().to_string();

        let (status, got) = sdk
            .send(&server, &key, Method::GET, &format!("/webhooks/{id}"), None)
            .await;
        assert_eq!(status, 200);
        let got = resource(&got, enveloped);
        assert_eq!(got["id"], id.as_str());
        assert!(got.get("secretKey").is_none());

        let (status, list) = sdk
            .send(&server, &key, Method::GET, "/webhooks?limit=1", None)
            .await;
        assert_eq!(status, 200);
        assert_eq!(list["hasMore"], true);
        assert!(list["nextCursor"].is_string(), "{list}");
        assert_eq!(list["data"][0]["id"], id.as_str(), "newest first");
        if enveloped {
            assert_eq!(list["success"], true);
        } else {
            assert_eq!(list["object"], "list");
            assert!(list.get("success").is_none());
        }

        let patch = json!({"isActive": false, "description": "paused"});
        let (status, updated) = sdk
            .send(
                &server,
                &key,
                sdk.update.clone(),
                &format!("/webhooks/{id}"),
                Some(&patch),
            )
            .await;
        assert_eq!(
            status, 200,
            "{} update by {}: {updated}",
            sdk.version, sdk.update
        );
        assert_eq!(resource(&updated, enveloped)["isActive"], false);

        let (status, test) = sdk
            .send(
                &server,
                &key,
                Method::POST,
                &format!("/webhooks/{id}/test"),
                sdk.test_body.as_ref(),
            )
            .await;
        assert_eq!(status, 200, "{test}");
        let test = resource(&test, enveloped);
        assert_eq!(
            (test["success"].clone(), test["object"].clone()),
            (json!(true), json!("webhook_delivery"))
        );
        assert!(test["deliveryId"].is_string() && test["deliveredAt"].is_string());

        let (status, deleted) = sdk
            .send(
                &server,
                &key,
                Method::DELETE,
                &format!("/webhooks/{id}"),
                None,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(resource(&deleted, enveloped)["deleted"], true);

        // An error as each package parses it: `error.{type, code, message}`.
        let (status, missing) = sdk
            .send(&server, &key, Method::GET, &format!("/webhooks/{id}"), None)
            .await;
        assert_eq!(status, 404);
        assert_eq!(missing["error"]["code"], "webhook_not_found");
        assert_eq!(missing["error"]["type"], "not_found_error");
        assert_eq!(missing.get("success").is_some(), enveloped, "{missing}");
    }
    // The Node SDK updates by PUT; in the current contract PUT is gone.
    let key = "ck_sandbox_put_gone";
    let body = json!({"url": "https://example.com/h", "events": ["subscription.created"]});
    let (_, created) = python()
        .send(&server, key, Method::POST, "/webhooks", Some(&body))
        .await;
    let id = created["id"].as_str().unwrap();
    let (status, _) = python()
        .send(
            &server,
            key,
            Method::PUT,
            &format!("/webhooks/{id}"),
            Some(&json!({})),
        )
        .await;
    assert_eq!(status, 405);
}

#[tokio::test]
async fn one_store_serves_both_contracts_and_no_header_gets_the_seeds() {
    let server = MockServer::start().await.unwrap();
    let key = "ck_sandbox_both";
    let body = json!({"url": "https://example.com/h", "events": ["subscription.created"]});
    let (_, created) = python()
        .send(&server, key, Method::POST, "/webhooks", Some(&body))
        .await;
    let id = created["id"].as_str().unwrap();
    let (status, seen) = NODE
        .send(&server, key, Method::GET, &format!("/webhooks/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(seen["data"]["id"], id);
    let response = http()
        .get(format!(
            "{}/webhooks/{id}",
            server.base_url(Provider::Commet)
        ))
        .header("x-api-key", key)
        .send()
        .await
        .unwrap();
    let plain: Value = response.json().await.unwrap();
    assert_eq!(plain["success"], true, "no header: the seed's envelope");
    assert_eq!(plain["data"]["id"], id);
    // A version that is not a date is the seed's 400, before any contract runs.
    let response = http()
        .get(format!(
            "{}/webhooks/{id}",
            server.base_url(Provider::Commet)
        ))
        .header("x-api-key", key)
        .header("commet-version", "latest")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

#[tokio::test]
async fn the_current_contract_end_to_end_through_commet_v2026_08_27() {
    let server = MockServer::start().await.unwrap();
    let hook = answering(200, json!({"received": true})).await;
    let client = commet::v2026_08_27::Client::with_api_key(
        &server.base_url(Provider::Commet),
        "ck_sandbox_latest",
    )
    .unwrap();
    let mut ids = Vec::new();
    for n in 0..3 {
        let created = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(format!("{}/h{n}", hook.uri())).events(vec![
                    EventType::SubscriptionPaused,
                    EventType::SubscriptionCreated,
                ])
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            created.api_version.as_deref(),
            Some(commet::v2026_08_27::API_VERSION)
        );
        ids.push(created.id);
    }
    let got = client
        .get_webhook_endpoint()
        .id(&ids[0])
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.events, ["subscription.paused", "subscription.created"]);
    let page = client
        .list_webhook_endpoints()
        .limit(2)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!((page.data.len(), page.has_more), (2, true));
    let all: Vec<_> = client
        .list_webhook_endpoints()
        .limit(2)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
    let updated = client
        .update_webhook_endpoint()
        .id(&ids[1])
        .body_map(|b| b.is_active(false))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!updated.is_active);
    let test = client
        .test_webhook_endpoint()
        .id(&ids[0])
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(test.success);
    let deleted = client
        .delete_webhook_endpoint()
        .id(&ids[2])
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(deleted.deleted);
    let missing = client
        .get_webhook_endpoint()
        .id(&ids[2])
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.http_status(), Some(reqwest::StatusCode::NOT_FOUND));
    assert_eq!(missing.code(), Some("webhook_not_found"));
    // The seed module reads the same endpoints.
    let seed =
        commet::Client::with_api_key(&server.base_url(Provider::Commet), "ck_sandbox_latest")
            .unwrap();
    let seen = seed
        .get_webhook_endpoint()
        .id(&ids[1])
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert!(!seen.is_active);
}

#[tokio::test]
async fn restricted_and_legacy_commet_keys_work_and_all_66_event_types_subscribe() {
    let server = MockServer::start().await.unwrap();
    let all: Vec<&str> = EventType::KNOWN.iter().map(EventType::as_str).collect();
    assert_eq!(all.len(), 66);
    for (key, url) in [
        ("rk_sandbox_restricted", "http://example.com/h"),
        ("rk_live_restricted", "https://example.com/h"),
        ("ck_legacy0123", "https://example.com/h"),
    ] {
        for sdk in [NODE, python()] {
            let body = json!({"url": url, "events": all});
            let (status, created) = sdk
                .send(&server, key, Method::POST, "/webhooks", Some(&body))
                .await;
            assert_eq!(status, 201, "{key} {}: {created}", sdk.version);
        }
    }
    let (status, _) = NODE
        .send(&server, "xk_sandbox_nope", Method::GET, "/webhooks", None)
        .await;
    assert_eq!(status, 401);
}

/// `billingio` 2.0.0: bearer key, no `Idempotency-Key` on webhook creation;
/// it requires `webhook_id`, `url`, `created_at` on endpoints and an event
/// with `event_id`, `type`, `checkout_id` and `data` as a whole Checkout.
#[tokio::test]
async fn billing_io_python_sdk_requests_and_events_have_its_shapes() {
    let server = MockServer::start().await.unwrap();
    let hook = answering(200, json!({"received": true})).await;
    let key = "sk_test_billingio_python";
    let base = server.base_url(Provider::BillingIo);
    let created: Value = http()
        .post(format!("{base}/webhooks"))
        .bearer_auth(key)
        .json(&json!({"url": format!("{}/h", hook.uri()), "events": ["checkout.completed", "payout.executed"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for field in ["webhook_id", "url", "created_at", "secret"] {
        assert!(created[field].is_string(), "{field}: {created}");
    }
    let triggered = http()
        .post(format!("http://{}/__mock/billing-io/events", server.addr()))
        .bearer_auth(key)
        .json(&json!({"type": "payout.executed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(triggered.status().as_u16(), 202);
    let event: Value = serde_json::from_slice(&received(&hook, 1).await[0].body).unwrap();
    for field in ["event_id", "type", "checkout_id", "created_at"] {
        assert!(event[field].is_string(), "{field}: {event}");
    }
    let checkout = &event["data"];
    for field in [
        "checkout_id",
        "deposit_address",
        "chain",
        "token",
        "amount_atomic",
        "status",
        "expires_at",
        "created_at",
    ] {
        assert!(checkout[field].is_string(), "data.{field}: {checkout}");
    }
    assert!(checkout["amount_usd"].is_number() && checkout["confirmations"].is_number());
    assert_eq!(checkout["checkout_id"], event["checkout_id"]);
}

/// Every event type billing.io documents (OpenAPI, guide, SDK) can be
/// subscribed to and triggered; one it does not document, neither.
#[tokio::test]
async fn every_billing_io_event_type_subscribes_and_triggers_alike() {
    let server = MockServer::start().await.unwrap();
    let key = "sk_test_every_event";
    let base = server.base_url(Provider::BillingIo);
    let documented = webhooks_sdk::billing_io::EventType::KNOWN;
    assert_eq!(documented.len(), 21);
    for event_type in documented
        .iter()
        .map(|e| e.as_str())
        .chain(["invoice.paid"])
    {
        let expected = event_type != "invoice.paid";
        let subscribed = http()
            .post(format!("{base}/webhooks"))
            .bearer_auth(key)
            .json(&json!({"url": "https://example.com/h", "events": [event_type]}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        let triggered = http()
            .post(format!("http://{}/__mock/billing-io/events", server.addr()))
            .bearer_auth(key)
            .json(&json!({"type": event_type}))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16();
        assert_eq!(
            (subscribed == 201, triggered == 202),
            (expected, expected),
            "{event_type}: subscribe {subscribed}, trigger {triggered}"
        );
    }
}
