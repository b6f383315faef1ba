use serde_json::json;
use webhooks_sdk::commet::Client;

use crate::support::{answering, assert_documented_headers, only_request};

fn webhook() -> serde_json::Value {
    json!({"id": "wh_1", "url": "https://example.com/hook", "events": ["subscription.created", "subscription.teleported"],
           "description": null, "isActive": true, "apiVersion": null, "createdAt": "2026-03-25T14:30:00Z",
           "object": "webhook", "livemode": false, "labels": ["added later"]})
}

#[tokio::test]
async fn sends_x_api_key_and_its_pinned_version() {
    let server = answering(200, json!({"success": true, "data": webhook()})).await;
    let client = Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
    let got = client
        .get_webhook_endpoint()
        .id("wh_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.data.events[1], "subscription.teleported",
        "unknown event types parse"
    );
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhooks/wh_1");
    assert_documented_headers(
        &request,
        ("x-api-key", "ck_sandbox_abc"),
        Some(("commet-version", webhooks_sdk::commet::API_VERSION)),
    );
    assert!(request.headers.get("authorization").is_none());
}

/// Commet prints no statuses: a success answered with another 2xx than the
/// spec's inferred 200 is read as success, not turned into an error.
#[tokio::test]
async fn an_undocumented_success_status_is_still_success() {
    for status in [200, 201, 202, 203] {
        let server = answering(status, json!({"success": true, "data": webhook()})).await;
        let client = Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
        let got = client.get_webhook_endpoint().id("wh_1").send().await;
        let got = got.unwrap_or_else(|e| panic!("{status}: {e}"));
        assert_eq!(
            (got.status().as_u16(), got.data.id.as_str()),
            (status, "wh_1")
        );
    }
}

#[tokio::test]
async fn sends_commet_version_when_asked() {
    let server = answering(
        200,
        json!({"success": true, "data": [webhook()], "hasMore": false}),
    )
    .await;
    let client = Client::builder("ck_sandbox_abc")
        .base_url(server.uri())
        .api_version("2026-07-31")
        .build()
        .unwrap();
    let page = client
        .list_webhook_endpoints()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data.len(), 1);
    assert_eq!(page.next_cursor, None);
    assert_documented_headers(
        &only_request(&server).await,
        ("x-api-key", "ck_sandbox_abc"),
        Some(("commet-version", "2026-07-31")),
    );
}

#[tokio::test]
async fn the_secret_key_is_redacted_and_errors_are_typed() {
    let mut created = webhook();
    created["secretKey"] = json!("whsec_commetsecret");
    let server = answering(201, json!({"success": true, "data": created})).await;
    let client = Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
    let got = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("http://example.com")
                .events(vec![webhooks_sdk::commet::EventType::SubscriptionCreated])
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.data.secret_key.expose(), "whsec_commetsecret");
    assert!(!format!("{got:?}").contains("commetsecret"));

    let server = answering(
        404,
        json!({"success": false, "error": {"type": "not_found_error", "code": "webhook_not_found", "message": "The requested webhook endpoint does not exist in this organization.", "param": "id", "details": null, "doc_url": "https://commet.co/docs/errors/webhook_not_found"}}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
    let err = client
        .delete_webhook_endpoint()
        .id("wh_missing")
        .send()
        .await
        .unwrap_err();
    let webhooks_sdk::commet::Error::ErrorResponse(body) = err else {
        panic!("{err:?}")
    };
    assert_eq!(body.error.code, "webhook_not_found");
}

/// `commet::v2026_08_27` reads a create answered in the older `{success, data}`
/// envelope as the bare resource, as Commet's Python SDK does, so the
/// once-only `secretKey` is not lost; a bare body reads as before.
#[tokio::test]
async fn the_current_contract_unwraps_an_enveloped_success_and_keeps_the_secret() {
    use webhooks_sdk::commet::v2026_08_27;
    let mut created = webhook();
    created["secretKey"] = json!("whsec_enveloped");
    for body in [json!({"success": true, "data": created}), created.clone()] {
        let server = answering(201, body).await;
        let client = v2026_08_27::Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
        let got = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("http://example.com")
                    .events(vec![webhooks_sdk::commet::EventType::SubscriptionCreated])
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.secret_key.expose(), "whsec_enveloped");
        assert_eq!(got.id, "wh_1");
    }
}

/// A version set on one call wins over the client's pin.
#[tokio::test]
async fn a_per_call_commet_version_wins_over_the_pin() {
    let server = answering(200, json!({"success": true, "data": webhook()})).await;
    let client = Client::with_api_key(&server.uri(), "ck_sandbox_abc").unwrap();
    client
        .get_webhook_endpoint()
        .id("wh_1")
        .commet_version("2026-06-07")
        .send()
        .await
        .unwrap();
    assert_documented_headers(
        &only_request(&server).await,
        ("x-api-key", "ck_sandbox_abc"),
        Some(("commet-version", "2026-06-07")),
    );
}

mod against_the_mock {
    use reqwest::Method;
    use serde_json::json;
    use webhooks_mock::{MockServer, Provider};
    use webhooks_sdk::commet::EventType;
    use webhooks_sdk::commet::{Client, Error};

    use crate::mock::send;

    #[tokio::test]
    async fn create_page_get_update_test_delete_and_404() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::builder("ck_sandbox_life")
            .base_url(mock.base_url(Provider::Commet))
            .api_version("2026-06-07")
            .build()
            .unwrap();
        let mut created = Vec::new();
        for i in 0..5 {
            let w = client
                .create_webhook_endpoint()
                .body_map(|b| {
                    b.url(format!("http://example.com/{i}"))
                        .events(vec![EventType::SubscriptionCreated])
                })
                .send()
                .await
                .unwrap()
                .into_inner()
                .data;
            assert!(w.secret_key.expose().starts_with("whsec_"));
            assert_eq!(
                w.api_version.as_deref(),
                Some("2026-06-07"),
                "inherits the creating request's version"
            );
            assert_eq!(w.livemode, Some(false));
            created.push(w.id);
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut request = client.list_webhook_endpoints().limit(2);
            if let Some(c) = cursor.take() {
                request = request.cursor(c);
            }
            let page = request.send().await.unwrap().into_inner();
            seen.extend(page.data.into_iter().map(|w| w.id));
            if !page.has_more {
                break;
            }
            cursor = page.next_cursor;
        }
        created.reverse();
        assert_eq!(seen, created);

        let id = &created[0];
        let updated = client
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| b.is_active(false).description(Some("paused".to_string())))
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        assert!(!updated.is_active);
        assert_eq!(updated.description.as_deref(), Some("paused"));
        // The receiver at example.com is not loopback: the mock does not forward there.
        let test = client
            .test_webhook_endpoint()
            .id(id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        assert!(!test.success);
        let deleted = client
            .delete_webhook_endpoint()
            .id(id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        assert!(deleted.deleted);
        match client.get_webhook_endpoint().id(id).send().await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 404);
                assert_eq!(
                    (e.error.type_.as_str(), e.error.code.as_str()),
                    ("not_found_error", "webhook_not_found")
                );
            }
            other => panic!("expected a typed 404, got {other:?}"),
        }
        crate::contract::assert_exchanges_match_spec(&mock, Provider::Commet, "commet_lifecycle");
    }

    #[tokio::test]
    async fn another_tenants_id_and_a_broken_rule_are_typed_errors() {
        let mock = MockServer::start().await.unwrap();
        let owner =
            Client::with_api_key(&mock.base_url(Provider::Commet), "ck_live_owner").unwrap();
        let id = owner
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("https://example.com/h")
                    .events(vec![EventType::TrialStarted])
            })
            .send()
            .await
            .unwrap()
            .into_inner()
            .data
            .id;
        let stranger =
            Client::with_api_key(&mock.base_url(Provider::Commet), "ck_live_stranger").unwrap();
        match stranger.delete_webhook_endpoint().id(&id).send().await {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.code.as_str()),
                (404, "webhook_not_found")
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        // A URL must be absolute (any key may use plain http, as the docs' own example does).
        match owner
            .update_webhook_endpoint()
            .id(&id)
            .body_map(|b| b.url(Some("example.com/h".to_string())))
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(
                    (
                        e.status().as_u16(),
                        e.error.type_.as_str(),
                        e.error.code.as_str()
                    ),
                    (400, "validation_error", "validation_error")
                );
                assert_eq!(e.error.details.as_ref().unwrap()[0]["field"], "url");
            }
            other => panic!("expected a typed 400, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn rules_idempotency_and_a_null_description() {
        let mock = MockServer::start().await.unwrap();
        for (key, body, field) in [
            (
                "ck_sandbox_rules",
                json!({"events": ["subscription.created"]}),
                "url",
            ),
            (
                "ck_live_rules",
                json!({"url": "example.com", "events": ["subscription.created"]}),
                "url",
            ),
            (
                "ck_sandbox_rules",
                json!({"url": "https://example.com"}),
                "events",
            ),
            (
                "ck_sandbox_rules",
                json!({"url": "https://example.com", "events": []}),
                "events",
            ),
            (
                "ck_sandbox_rules",
                json!({"url": "https://example.com", "events": ["subscription.teleported"]}),
                "events",
            ),
        ] {
            let (status, error) = send(
                &mock,
                Provider::Commet,
                Some(key),
                Method::POST,
                "/webhooks",
                Some(&body),
            )
            .await;
            assert_eq!(status, 400, "{body}: {error}");
            assert_eq!(error["error"]["code"], "validation_error");
            assert_eq!(error["error"]["details"][0]["field"], field, "{error}");
        }
        // The docs' own request registers http://example.com; no scheme rule is tied to a key.
        for key in ["ck_live_rules", "rk_live_rules", "ck_rules"] {
            let (status, _) = send(
                &mock,
                Provider::Commet,
                Some(key),
                Method::POST,
                "/webhooks",
                Some(&json!({"url": "http://example.com", "events": ["subscription.created"]})),
            )
            .await;
            assert_eq!(status, 201, "{key}");
        }
        let (_, created) = send(&mock, Provider::Commet, Some("ck_sandbox_rules"), Method::POST, "/webhooks", Some(&json!({"url": "https://e.example", "events": ["trial.started"], "description": "d"}))).await;
        let path = format!("/webhooks/{}", created["data"]["id"].as_str().unwrap());
        let (status, updated) = send(
            &mock,
            Provider::Commet,
            Some("ck_sandbox_rules"),
            Method::PUT,
            &path,
            Some(&json!({"description": null})),
        )
        .await;
        assert_eq!(status, 200);
        assert_eq!(
            updated["data"]["description"],
            serde_json::Value::Null,
            "null clears it"
        );

        let client =
            Client::with_api_key(&mock.base_url(Provider::Commet), "ck_sandbox_idem").unwrap();
        let create = |url: &'static str| {
            client
                .create_webhook_endpoint()
                .idempotency_key("k-1")
                .body_map(move |b| b.url(url).events(vec![EventType::TrialStarted]))
                .send()
        };
        let a = create("https://example.com/a")
            .await
            .unwrap()
            .into_inner()
            .data;
        let again = create("https://example.com/a")
            .await
            .unwrap()
            .into_inner()
            .data;
        assert_eq!((a.id, a.secret_key), (again.id, again.secret_key));
        match create("https://example.com/b").await {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.code.as_str()),
                (409, "idempotency_key_mismatch")
            ),
            other => panic!("expected 409, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_test_operation_delivers_a_signed_event_to_a_loopback_receiver() {
        let receiver = wiremock::MockServer::start().await;
        wiremock::Mock::given(wiremock::matchers::method("POST"))
            .respond_with(wiremock::ResponseTemplate::new(200))
            .mount(&receiver)
            .await;
        let mock = MockServer::start().await.unwrap();
        let client =
            Client::with_api_key(&mock.base_url(Provider::Commet), "ck_sandbox_deliver").unwrap();
        let created = client
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url(format!("{}/hooks", receiver.uri()))
                    .events(vec![EventType::SubscriptionCreated])
            })
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        let test = client
            .test_webhook_endpoint()
            .id(&created.id)
            .send()
            .await
            .unwrap()
            .into_inner()
            .data;
        assert!(test.success);
        let received = receiver.received_requests().await.unwrap();
        assert_eq!(received.len(), 1);
        let delivery = &received[0];
        let signature = delivery
            .headers
            .get("x-commet-signature")
            .unwrap()
            .to_str()
            .unwrap();
        // Commet's scheme: hex HMAC-SHA256 of the raw body, computed here by openssl.
        let expected = hmac_hex(created.secret_key.expose().as_bytes(), &delivery.body);
        assert_eq!(signature, expected);
        let event: serde_json::Value = serde_json::from_slice(&delivery.body).unwrap();
        assert_eq!(event["event"], "webhook.test");
        assert_eq!(
            delivery
                .headers
                .get("x-commet-event-id")
                .unwrap()
                .to_str()
                .unwrap(),
            event["id"]
        );
    }

    /// HMAC-SHA256 computed by openssl, so the check shares no code with the mock.
    fn hmac_hex(key: &[u8], message: &[u8]) -> String {
        use std::io::Write;
        use std::process::Stdio;
        let key_hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
        let mut child = crate::support::tool("openssl", "openssl")
            .args([
                "dgst",
                "-sha256",
                "-mac",
                "HMAC",
                "-macopt",
                &format!("hexkey:{key_hex}"),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("openssl is installed");
        child.stdin.take().unwrap().write_all(message).unwrap();
        let out = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
        out.trim().rsplit(' ').next().unwrap().to_string()
    }
}

/// Calls a Commet operation by operationId (for the spec-driven contract tests).
pub async fn call(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::commet::types;
    let client = target
        .configure(Client::builder(target.key_or("ck_sandbox_contract")))
        .build()
        .unwrap();
    match op {
        "createWebhookEndpoint" => outcome(
            client
                .create_webhook_endpoint()
                .body(typed_body::<types::CreateWebhookRequest>(body))
                .send()
                .await,
        ),
        "listWebhookEndpoints" => {
            let mut request = client.list_webhook_endpoints();
            if let Some(limit) = params.opt::<std::num::NonZeroU64>("limit") {
                request = request.limit(limit);
            }
            if let Some(cursor) = params.opt::<String>("cursor") {
                request = request.cursor(cursor);
            }
            outcome(request.send().await)
        }
        "getWebhookEndpoint" => outcome(
            client
                .get_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        "updateWebhookEndpoint" => outcome(
            client
                .update_webhook_endpoint()
                .id(params.get::<String>("id"))
                .body(typed_body::<types::UpdateWebhookRequest>(body))
                .send()
                .await,
        ),
        "patchWebhookEndpoint" => outcome(
            client
                .patch_webhook_endpoint()
                .id(params.get::<String>("id"))
                .body(typed_body::<types::UpdateWebhookRequest>(body))
                .send()
                .await,
        ),
        "deleteWebhookEndpoint" => outcome(
            client
                .delete_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        "testWebhookEndpoint" => outcome(
            client
                .test_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        other => panic!("no SDK call for Commet operation {other}"),
    }
}

/// Calls one operation of `openapi/commet-2026-08-27.yaml` through `commet::v2026_08_27`.
pub async fn call_v2026_08_27(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::commet::v2026_08_27::types;
    let client = target
        .configure(webhooks_sdk::commet::v2026_08_27::Client::builder(
            target.key_or("ck_sandbox_contract"),
        ))
        .build()
        .unwrap();
    match op {
        "createWebhookEndpoint" => outcome(
            client
                .create_webhook_endpoint()
                .body(typed_body::<types::CreateWebhookRequest>(body))
                .send()
                .await,
        ),
        "listWebhookEndpoints" => {
            let mut request = client.list_webhook_endpoints();
            if let Some(limit) = params.opt::<std::num::NonZeroU64>("limit") {
                request = request.limit(limit);
            }
            if let Some(cursor) = params.opt::<String>("cursor") {
                request = request.cursor(cursor);
            }
            outcome(request.send().await)
        }
        "getWebhookEndpoint" => outcome(
            client
                .get_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        "updateWebhookEndpoint" => outcome(
            client
                .update_webhook_endpoint()
                .id(params.get::<String>("id"))
                .body(typed_body::<types::UpdateWebhookRequest>(body))
                .send()
                .await,
        ),
        "deleteWebhookEndpoint" => outcome(
            client
                .delete_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        "testWebhookEndpoint" => outcome(
            client
                .test_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        other => panic!("no SDK call for Commet (2026-08-27) operation {other}"),
    }
}
