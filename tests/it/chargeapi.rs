use serde_json::json;
use webhooks_sdk::chargeapi::{Client, Created, EndpointStatus};

use crate::support::{answering, assert_documented_headers, only_request};

fn endpoint(created: serde_json::Value) -> serde_json::Value {
    json!({
        "id": "wh_BGEvrcAAB2Yh06o3XeLANGwlG0snV36F", "object": "webhook_endpoint", "api_version": null,
        "application": null, "created": created, "description": null, "enabled_events": ["report.succeeded", "fleet.renamed"],
        "livemode": false, "metadata": {}, "secret": "whsec_chargesecret", "status": "paused",
        "url": "https://example.com/webhook/endpoint", "new_field": 1
    })
}

#[tokio::test]
async fn sends_its_bearer_key_and_no_version_header_unless_asked() {
    let server = answering(
        200,
        json!({"data": [], "next_page_url": null, "previous_page_url": null}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "ch_sk_test_abc").unwrap();
    client.list_webhook_endpoints().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhook_endpoints");
    assert_documented_headers(&request, ("authorization", "Bearer ch_sk_test_abc"), None);
}

#[tokio::test]
async fn sends_charge_version_when_asked() {
    let server = answering(200, endpoint(json!(1772546723))).await;
    let client = Client::builder("ch_sk_test_abc")
        .base_url(server.uri())
        .api_version("2026-03-01")
        .build()
        .unwrap();
    client
        .retrieve_webhook_endpoint()
        .id("wh_1")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhook_endpoints/wh_1");
    assert_documented_headers(
        &request,
        ("authorization", "Bearer ch_sk_test_abc"),
        Some(("charge-version", "2026-03-01")),
    );
}

#[tokio::test]
async fn created_parses_as_seconds_or_rfc3339_and_unknowns_parse() {
    for (created, expected) in [
        (json!(1772546723), Created::UnixSeconds(1772546723)),
        (
            json!("2026-03-03T14:05:23.789Z"),
            Created::Rfc3339("2026-03-03T14:05:23.789Z".into()),
        ),
    ] {
        let server = answering(200, endpoint(created.clone())).await;
        let client = Client::with_api_key(&server.uri(), "ch_sk_test_abc").unwrap();
        let got = client
            .retrieve_webhook_endpoint()
            .id("wh_1")
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.created.as_ref(), Some(&expected));
        assert_eq!(
            serde_json::to_value(&got).unwrap()["created"],
            created,
            "round-trips as sent"
        );
        assert_eq!(got.status, Some(EndpointStatus::Unknown("paused".into())));
        assert!(!format!("{got:?}").contains("chargesecret"));
    }
    let seconds = Created::UnixSeconds(1772546723).to_datetime().unwrap();
    let text = Created::Rfc3339("2026-03-03T14:05:23Z".into())
        .to_datetime()
        .unwrap();
    assert_eq!(seconds, text);
}

#[tokio::test]
async fn a_created_that_is_neither_form_is_an_error() {
    let server = answering(200, endpoint(json!("yesterday"))).await;
    let client = Client::with_api_key(&server.uri(), "ch_sk_test_abc").unwrap();
    let err = client
        .retrieve_webhook_endpoint()
        .id("wh_1")
        .send()
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("neither Unix seconds nor RFC 3339"),
        "{err}"
    );
}

#[tokio::test]
async fn a_callers_reqwest_client_still_carries_the_key() {
    let server = answering(200, endpoint(json!(1))).await;
    let http = reqwest::Client::builder()
        .user_agent(webhooks_sdk::USER_AGENT)
        .build()
        .unwrap();
    let client = Client::builder("ch_sk_test_abc")
        .base_url(server.uri())
        .http_client(http)
        .build()
        .unwrap();
    client
        .retrieve_webhook_endpoint()
        .id("wh_1")
        .send()
        .await
        .unwrap();
    let request = only_request(&server).await;
    assert_documented_headers(&request, ("authorization", "Bearer ch_sk_test_abc"), None);
}
