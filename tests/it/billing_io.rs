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
    assert!(!page.has_more.unwrap());
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
            "events": ["checkout.completed", "subscription.renewed"],
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
            EventType::Unknown("subscription.renewed".into())
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
