use serde_json::json;
use webhooks_sdk::commet::Client;

use crate::support::{answering, assert_documented_headers, only_request};

fn webhook() -> serde_json::Value {
    json!({"id": "wh_1", "url": "https://example.com/hook", "events": ["subscription.created", "subscription.teleported"],
           "description": null, "isActive": true, "apiVersion": null, "createdAt": "2026-03-25T14:30:00Z",
           "object": "webhook", "livemode": false, "labels": ["added later"]})
}

#[tokio::test]
async fn sends_x_api_key_and_no_version_header_unless_asked() {
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
    assert_documented_headers(&request, ("x-api-key", "ck_sandbox_abc"), None);
    assert!(request.headers.get("authorization").is_none());
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
            b.url("http://example.com").events(vec![
                webhooks_sdk::commet::types::EventType::SubscriptionCreated,
            ])
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
