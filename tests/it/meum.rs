use serde_json::json;
use webhooks_sdk::meum::Client;
use webhooks_sdk::meum::types::PublicId;

use crate::support::{answering, assert_documented_headers, only_request};

#[tokio::test]
async fn sends_its_bearer_key_and_an_unknown_field_parses() {
    let server = answering(
        200,
        json!({"data": [{"id": "whd_0123456789abcdefghij", "event_id": "evt_0123456789abcdefghij", "attempt_number": 1,
                         "status_code": 200, "attempted_at": "2026-01-01T00:00:00Z", "duration_ms": 41}]}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_live_abc").unwrap();
    let id: PublicId = "wh_0123456789abcdefghij".parse().unwrap();
    let page = client
        .list_webhook_deliveries()
        .id(id)
        .limit(5)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.data[0].status_code, Some(200));
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        "/v1/webhook-endpoints/wh_0123456789abcdefghij/deliveries"
    );
    assert_documented_headers(&request, ("authorization", "Bearer sk_live_abc"), None);
}

#[tokio::test]
async fn the_creation_secret_is_redacted_in_debug() {
    let server = answering(
        201,
        json!({"id": "wh_0123456789abcdefghij", "name": "Default", "url": "https://api.example.com/webhooks/meum",
               "secret": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "secret_prefix": "01234567",
               "events": ["invoice.created", "invoice.refunded_later"], "message": "Save this secret now. It will not be shown again."}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "sk_live_abc").unwrap();
    let created = client
        .create_webhook_endpoint()
        .body_map(|b| b.url("https://api.example.com/webhooks/meum"))
        .send()
        .await
        .unwrap()
        .into_inner();
    assert!(
        created
            .secret
            .as_ref()
            .unwrap()
            .expose()
            .starts_with("01234567")
    );
    assert!(!format!("{created:?}").contains("0123456789abcdef0123"));
    let request = only_request(&server).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        json!({"url": "https://api.example.com/webhooks/meum", "name": "Default"})
    );
}
