use serde_json::json;
use webhooks_sdk::donutwork::Client;

use crate::support::{answering, assert_documented_headers, only_request};

#[tokio::test]
async fn sends_its_bearer_key_to_the_json_paths() {
    let server = answering(200, json!(["RecurringPayments.charge.paid"])).await;
    let client = Client::with_api_key(&server.uri(), "donut-key").unwrap();
    let types = client
        .list_webhook_types()
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(types, vec!["RecurringPayments.charge.paid".to_string()]);
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhooks/types.json");
    assert_documented_headers(&request, ("authorization", "Bearer donut-key"), None);
}

#[tokio::test]
async fn an_extra_field_parses_and_the_token_is_redacted() {
    let server = answering(
        200,
        json!({"id": "wh_001", "name": "Billing Events", "url": "https://example.com/webhooks/billing",
               "events": ["RecurringPayments.charge.refunded"], "token": "generated_webhook_token", "status": "new"}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "donut-key").unwrap();
    let webhook = client
        .get_webhook()
        .webhook_id("wh_001")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        webhook.token.as_ref().unwrap().expose(),
        "generated_webhook_token"
    );
    assert!(!format!("{webhook:?}").contains("generated_webhook_token"));
    assert_eq!(
        only_request(&server).await.url.path(),
        "/webhooks/wh_001.json"
    );
}
