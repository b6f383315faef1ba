use serde_json::json;
use webhooks_sdk::billing_io::{Client, ErrorType, EventType, WebhookStatus};

use crate::support::{answering, assert_documented_headers, only_request};

#[tokio::test]
async fn sends_its_bearer_key_and_no_undocumented_header() {
    let server = answering(
        200,
        json!({"data": [], "has_more": false, "next_cursor": null}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_test_abc").unwrap();
    let page = client
        .list_webhook_endpoints()
        .limit(10)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(!page.has_more);
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhooks");
    assert_eq!(request.url.query(), Some("limit=10"));
    assert_documented_headers(&request, ("authorization", "Bearer sk_test_abc"), None);
}

#[tokio::test]
async fn an_unknown_event_type_status_and_field_still_parse() {
    let server = answering(
        200,
        json!({
            "webhook_id": "we_1",
            "url": "https://example.com/hook",
            "events": ["checkout.completed", "checkout.refunded"],
            "status": "paused",
            "description": null,
            "created_at": "2025-01-15T12:00:00Z",
            "added_later": {"any": "shape"}
        }),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_test_abc").unwrap();
    let endpoint = client
        .get_webhook_endpoint()
        .webhook_id("we_1")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        endpoint.events,
        vec![
            EventType::CheckoutCompleted,
            EventType::Unknown("checkout.refunded".into())
        ]
    );
    assert_eq!(
        endpoint.status,
        Some(WebhookStatus::Unknown("paused".into()))
    );
    assert_eq!(endpoint.secret, None);
}

#[tokio::test]
async fn an_error_with_an_unknown_type_is_typed() {
    let server = answering(
        404,
        json!({"error": {"type": "gone_fishing", "code": "webhook_not_found", "message": "No such webhook.", "param": "webhook_id"}}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_test_abc").unwrap();
    let err = client
        .get_webhook_endpoint()
        .webhook_id("we_x")
        .send()
        .await
        .unwrap_err();
    let webhooks_sdk::billing_io::Error::ErrorResponse(body) = err else {
        panic!("expected the typed error body, got {err:?}");
    };
    assert_eq!(body.status().as_u16(), 404);
    assert_eq!(body.error.type_, ErrorType::Unknown("gone_fishing".into()));
    assert_eq!(body.error.code, "webhook_not_found");
}

#[tokio::test]
async fn the_secret_is_readable_but_not_in_debug_output() {
    let server = answering(
        201,
        json!({"webhook_id": "we_1", "url": "https://example.com/hook", "events": ["checkout.created"],
               "secret": "whsec_topsecret", "status": "active", "created_at": "2025-01-15T12:00:00Z"}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_test_abc").unwrap();
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://example.com/hook")
                .events(vec![EventType::CheckoutCreated])
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        endpoint.secret.as_ref().unwrap().expose(),
        "whsec_topsecret"
    );
    assert!(!format!("{endpoint:?}").contains("topsecret"));
    assert!(!format!("{client:?}").contains("sk_test_abc"), "{client:?}");
    let request = only_request(&server).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        json!({"url": "https://example.com/hook", "events": ["checkout.created"]})
    );
    assert_documented_headers(&request, ("authorization", "Bearer sk_test_abc"), None);
}

mod against_the_mock {
    use reqwest::Method;
    use serde_json::json;
    use webhooks_mock::{MockServer, Provider};
    use webhooks_sdk::billing_io::{Client, Error, EventType};

    use crate::mock::send;

    const KEY: &str = "sk_test_lifecycle";

    async fn client(mock: &MockServer, key: &str) -> Client {
        Client::with_api_key(&mock.base_url(Provider::BillingIo), key).unwrap()
    }

    #[tokio::test]
    async fn create_list_across_pages_get_delete() {
        let mock = MockServer::start().await.unwrap();
        let client = client(&mock, KEY).await;
        let mut created = Vec::new();
        for i in 0..7 {
            let endpoint = client
                .create_webhook_endpoint()
                .body_map(|b| {
                    b.url(format!("https://example.com/hooks/{i}"))
                        .events(vec![EventType::CheckoutCompleted])
                })
                .send()
                .await
                .unwrap();
            assert_eq!(endpoint.status().as_u16(), 201);
            let endpoint = endpoint.into_inner();
            assert!(endpoint.secret.unwrap().expose().starts_with("whsec_"));
            created.push(endpoint.webhook_id);
        }
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut request = client.list_webhook_endpoints().limit(3);
            if let Some(c) = cursor.take() {
                request = request.cursor(c);
            }
            let page = request.send().await.unwrap().into_inner();
            assert!(page.data.len() <= 3);
            for e in page.data {
                assert!(e.secret.is_none(), "secrets only at creation");
                seen.push(e.webhook_id);
            }
            if !page.has_more {
                assert!(page.next_cursor.is_none());
                break;
            }
            cursor = page.next_cursor;
        }
        created.reverse(); // newest first
        assert_eq!(seen, created, "every endpoint once, in a stable order");

        let id = &created[0];
        let got = client
            .get_webhook_endpoint()
            .webhook_id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.url, "https://example.com/hooks/6");
        let deleted = client
            .delete_webhook_endpoint()
            .webhook_id(id)
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status().as_u16(), 204);
        match client.get_webhook_endpoint().webhook_id(id).send().await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 404);
                assert_eq!(e.error.type_, webhooks_sdk::billing_io::ErrorType::NotFound);
            }
            other => panic!("expected a typed 404, got {other:?}"),
        }
        crate::contract::assert_exchanges_match_spec(
            &mock,
            Provider::BillingIo,
            "billing_io_lifecycle",
        );
    }

    #[tokio::test]
    async fn every_documented_rule_is_enforced() {
        let mock = MockServer::start().await.unwrap();
        let ok = json!({"url": "https://example.com/h", "events": ["checkout.created"]});
        let cases = [
            (
                "sk_test_rules",
                json!({"events": ["checkout.created"]}),
                "url",
            ),
            (
                "sk_test_rules",
                json!({"url": "not a url", "events": ["checkout.created"]}),
                "url",
            ),
            (
                "sk_live_rules",
                json!({"url": "http://example.com/h", "events": ["checkout.created"]}),
                "url",
            ),
            (
                "sk_test_rules",
                json!({"url": "https://example.com/h"}),
                "events",
            ),
            (
                "sk_test_rules",
                json!({"url": "https://example.com/h", "events": []}),
                "events",
            ),
            (
                "sk_test_rules",
                json!({"url": "https://example.com/h", "events": ["payout.reversed"]}),
                "events",
            ),
            (
                "sk_test_rules",
                json!({"url": "https://example.com/h", "events": ["checkout.created"], "description": "x".repeat(257)}),
                "description",
            ),
        ];
        for (key, body, param) in cases {
            let (status, error) = send(
                &mock,
                Provider::BillingIo,
                Some(key),
                Method::POST,
                "/webhooks",
                Some(&body),
            )
            .await;
            assert_eq!(status, 400, "{body}: {error}");
            assert_eq!(error["error"]["type"], "invalid_request");
            assert_eq!(error["error"]["param"], param, "{error}");
        }
        // Sandbox keys may use http://, and a 256-character description is fine.
        let mut sandbox = ok.clone();
        sandbox["url"] = json!("http://example.com/h");
        sandbox["description"] = json!("x".repeat(256));
        let (status, _) = send(
            &mock,
            Provider::BillingIo,
            Some("sk_test_rules"),
            Method::POST,
            "/webhooks",
            Some(&sandbox),
        )
        .await;
        assert_eq!(status, 201);
        let (status, _) = send(
            &mock,
            Provider::BillingIo,
            Some("sk_test_rules"),
            Method::GET,
            "/webhooks?limit=0",
            None,
        )
        .await;
        assert_eq!(status, 400);
        let (status, _) = send(
            &mock,
            Provider::BillingIo,
            Some("sk_test_rules"),
            Method::GET,
            "/webhooks?limit=101",
            None,
        )
        .await;
        assert_eq!(status, 400);
    }

    #[tokio::test]
    async fn another_tenants_id_and_a_broken_rule_are_typed_errors() {
        let mock = MockServer::start().await.unwrap();
        let owner = client(&mock, "sk_live_owner").await;
        let id = owner
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("https://example.com/h")
                    .events(vec![EventType::CheckoutCreated])
            })
            .send()
            .await
            .unwrap()
            .into_inner()
            .webhook_id;
        let stranger = client(&mock, "sk_live_stranger").await;
        match stranger
            .delete_webhook_endpoint()
            .webhook_id(&id)
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.param.as_deref()),
                (404, Some("webhook_id"))
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        // Live keys need HTTPS.
        match owner
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("http://example.com/h")
                    .events(vec![EventType::CheckoutCreated])
            })
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 400);
                assert_eq!(
                    (e.error.type_.clone(), e.error.param.as_deref()),
                    (
                        webhooks_sdk::billing_io::ErrorType::InvalidRequest,
                        Some("url")
                    )
                );
            }
            other => panic!("expected a typed 400, got {other:?}"),
        }
        assert!(
            owner
                .get_webhook_endpoint()
                .webhook_id(&id)
                .send()
                .await
                .is_ok(),
            "nothing was lost"
        );
    }

    #[tokio::test]
    async fn an_idempotency_key_replays_or_conflicts() {
        let mock = MockServer::start().await.unwrap();
        let client = client(&mock, KEY).await;
        let key = "6f0c1b3e-8c4d-4f5a-9b2e-1d3c5e7f9a0b";
        let create = |url: &'static str| {
            client
                .create_webhook_endpoint()
                .idempotency_key(key)
                .body_map(move |b| b.url(url).events(vec![EventType::CheckoutCreated]))
                .send()
        };
        let first = create("https://example.com/a").await.unwrap().into_inner();
        let again = create("https://example.com/a").await.unwrap().into_inner();
        assert_eq!(first.webhook_id, again.webhook_id);
        match create("https://example.com/b").await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 409);
                assert_eq!(e.error.code, "idempotency_key_reused");
            }
            other => panic!("expected a 409, got {other:?}"),
        }
        let page = client
            .list_webhook_endpoints()
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(page.data.len(), 1);
    }
}

/// Calls a billing.io operation by operationId (for the spec-driven contract tests).
pub async fn call(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::billing_io::types;
    let client = target
        .configure(Client::builder(target.key_or("sk_test_contract")))
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
                .webhook_id(params.get::<String>("webhook_id"))
                .send()
                .await,
        ),
        "deleteWebhookEndpoint" => outcome(
            client
                .delete_webhook_endpoint()
                .webhook_id(params.get::<String>("webhook_id"))
                .send()
                .await,
        ),
        "listEvents" => {
            let mut request = client.list_events();
            if let Some(limit) = params.opt::<std::num::NonZeroU64>("limit") {
                request = request.limit(limit);
            }
            if let Some(cursor) = params.opt::<String>("cursor") {
                request = request.cursor(cursor);
            }
            if let Some(event_type) = params.opt::<String>("type") {
                request = request.type_(EventType::from(event_type));
            }
            if let Some(checkout) = params.opt::<String>("checkout_id") {
                request = request.checkout_id(checkout);
            }
            outcome(request.send().await)
        }
        "getEvent" => outcome(
            client
                .get_event()
                .event_id(params.get::<String>("event_id"))
                .send()
                .await,
        ),
        other => panic!("no SDK call for billing.io operation {other}"),
    }
}
