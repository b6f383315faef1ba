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
async fn sends_its_bearer_key_and_its_pinned_version() {
    let server = answering(
        200,
        json!({"data": [], "next_page_url": null, "previous_page_url": null}),
    )
    .await;
    let client = Client::with_api_key(&server.uri(), "ch_sk_test_abc").unwrap();
    client.list_webhook_endpoints().send().await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/webhook_endpoints");
    assert_documented_headers(
        &request,
        ("authorization", "Bearer ch_sk_test_abc"),
        Some(("charge-version", webhooks_sdk::chargeapi::API_VERSION)),
    );
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
    assert_documented_headers(
        &request,
        ("authorization", "Bearer ch_sk_test_abc"),
        Some(("charge-version", webhooks_sdk::chargeapi::API_VERSION)),
    );
}

mod against_the_mock {
    use reqwest::Method;
    use serde_json::json;
    use webhooks_mock::{MockServer, Provider};
    use webhooks_sdk::chargeapi::{Client, EndpointStatus, Error};

    use crate::mock::send;

    #[tokio::test]
    async fn create_page_through_links_retrieve_update_and_404() {
        let mock = MockServer::start().await.unwrap();
        let client =
            Client::with_api_key(&mock.base_url(Provider::Chargeapi), "ch_sk_live_life").unwrap();
        let mut created = Vec::new();
        for i in 0..5 {
            let e = client
                .create_webhook_endpoint()
                .body_map(|b| {
                    b.url(format!("https://example.com/{i}"))
                        .enabled_events(vec!["report.succeeded".to_string()])
                })
                .send()
                .await
                .unwrap()
                .into_inner();
            assert_eq!(e.livemode, Some(true));
            assert_eq!(e.object.as_deref(), Some("webhook_endpoint"));
            assert!(e.secret.unwrap().expose().starts_with("whsec_"));
            created.push(e.id);
        }
        // Follow next_page_url forwards, then previous_page_url back.
        let mut seen = Vec::new();
        let mut page = client
            .list_webhook_endpoints()
            .limit(2)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(page.previous_page_url.is_none());
        let mut pages = vec![page.clone()];
        loop {
            seen.extend(page.data.iter().map(|e| e.id.clone()));
            let Some(next) = page.next_page_url.clone() else {
                break;
            };
            let token = next.split("page=").nth(1).unwrap().to_string();
            page = client
                .list_webhook_endpoints()
                .limit(2)
                .page(token)
                .send()
                .await
                .unwrap()
                .into_inner();
            pages.push(page.clone());
        }
        created.reverse();
        assert_eq!(seen, created);
        let last = pages.last().unwrap();
        let token = last
            .previous_page_url
            .as_ref()
            .unwrap()
            .split("page=")
            .nth(1)
            .unwrap()
            .to_string();
        let back = client
            .list_webhook_endpoints()
            .limit(2)
            .page(token)
            .send()
            .await
            .unwrap()
            .into_inner();
        let ids = |p: &webhooks_sdk::chargeapi::types::WebhookEndpointList| {
            p.data.iter().map(|e| e.id.clone()).collect::<Vec<_>>()
        };
        assert_eq!(ids(&back), ids(&pages[pages.len() - 2]));

        let id = &created[0];
        let updated = client
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| {
                b.description(Some("Primary webhook endpoint.".to_string()))
                    .status(Some(EndpointStatus::Disabled))
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(updated.status, Some(EndpointStatus::Disabled));
        let got = client
            .retrieve_webhook_endpoint()
            .id(id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            got.description.as_deref(),
            Some("Primary webhook endpoint.")
        );
        match client
            .retrieve_webhook_endpoint()
            .id("wh_missing")
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 404);
                assert_eq!(e.status, Some(404));
                assert_eq!(e.type_.as_deref(), Some("invalid_request_error"));
            }
            other => panic!("expected a typed 404, got {other:?}"),
        }
        crate::contract::assert_exchanges_match_spec(
            &mock,
            Provider::Chargeapi,
            "chargeapi_lifecycle",
        );
    }

    #[tokio::test]
    async fn another_tenants_id_and_a_broken_rule_are_typed_errors() {
        let mock = MockServer::start().await.unwrap();
        let owner =
            Client::with_api_key(&mock.base_url(Provider::Chargeapi), "ch_sk_test_owner").unwrap();
        let id = owner
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("https://example.com/h")
                    .enabled_events(vec!["report.succeeded".to_string()])
            })
            .send()
            .await
            .unwrap()
            .into_inner()
            .id;
        let stranger =
            Client::with_api_key(&mock.base_url(Provider::Chargeapi), "ch_sk_test_stranger")
                .unwrap();
        match stranger.retrieve_webhook_endpoint().id(&id).send().await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!((e.status, e.object.as_deref()), (Some(404), Some("error")))
            }
            other => panic!("expected a typed 404, got {other:?}"),
        }
        match owner
            .create_webhook_endpoint()
            .body_map(|b| {
                b.url("https://example.com/h")
                    .enabled_events(vec!["".to_string()])
            })
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status, e.param.as_deref()),
                (Some(400), Some("enabled_events"))
            ),
            other => panic!("expected a typed 400, got {other:?}"),
        }
        // `expand` is documented; the mock expands nothing (the docs name no
        // expandable field), so any value gets the documented code.
        match owner
            .retrieve_webhook_endpoint()
            .id(&id)
            .expand(vec!["application".to_string()])
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status, e.code.as_deref(), e.param.as_deref()),
                (Some(400), Some("unsupported_expand_value"), Some("expand"))
            ),
            other => panic!("expected a typed 400, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn rules_and_idempotency() {
        let mock = MockServer::start().await.unwrap();
        let key = "ch_sk_test_rules";
        for (body, param) in [
            (json!({"enabled_events": ["a"]}), "url"),
            (
                json!({"url": "http://example.com", "enabled_events": ["a"]}),
                "url",
            ),
            (json!({"url": "https://example.com"}), "enabled_events"),
            (
                json!({"url": "https://example.com", "enabled_events": []}),
                "enabled_events",
            ),
            (
                json!({"url": "https://example.com", "enabled_events": ["a"], "metadata": {"n": 1}}),
                "metadata",
            ),
        ] {
            let (status, error) = send(
                &mock,
                Provider::Chargeapi,
                Some(key),
                Method::POST,
                "/webhook_endpoints",
                Some(&body),
            )
            .await;
            assert_eq!(
                (status, error["param"].as_str()),
                (400, Some(param)),
                "{body}: {error}"
            );
            assert_eq!(error["status"], 400);
        }
        let (status, error) = send(
            &mock,
            Provider::Chargeapi,
            Some(key),
            Method::GET,
            "/webhook_endpoints?page=bogus",
            None,
        )
        .await;
        assert_eq!(status, 400, "{error}");

        let client = Client::with_api_key(&mock.base_url(Provider::Chargeapi), key).unwrap();
        let create = |url: &'static str| {
            client
                .create_webhook_endpoint()
                .idempotency_key("retry-1")
                .body_map(move |b| {
                    b.url(url)
                        .enabled_events(vec!["report.succeeded".to_string()])
                })
                .send()
        };
        let a = create("https://example.com/a").await.unwrap().into_inner();
        assert_eq!(
            create("https://example.com/a")
                .await
                .unwrap()
                .into_inner()
                .id,
            a.id
        );
        match create("https://example.com/b").await {
            Err(Error::ErrorResponse(e)) => assert_eq!(e.status().as_u16(), 409),
            other => panic!("expected 409, got {other:?}"),
        }
    }
}

/// Calls a Charge operation by operationId (for the spec-driven contract tests).
pub async fn call(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::chargeapi::types;
    let client = target
        .configure(Client::builder(target.key_or("ch_sk_test_contract")))
        .build()
        .unwrap();
    match op {
        "createWebhookEndpoint" => outcome(
            client
                .create_webhook_endpoint()
                .body(typed_body::<types::CreateWebhookEndpointRequest>(body))
                .send()
                .await,
        ),
        "listWebhookEndpoints" => {
            let mut request = client.list_webhook_endpoints();
            if let Some(limit) = params.opt::<std::num::NonZeroU64>("limit") {
                request = request.limit(limit);
            }
            if let Some(page) = params.opt::<String>("page") {
                request = request.page(page);
            }
            outcome(request.send().await)
        }
        "retrieveWebhookEndpoint" => outcome(
            client
                .retrieve_webhook_endpoint()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        "updateWebhookEndpoint" => outcome(
            client
                .update_webhook_endpoint()
                .id(params.get::<String>("id"))
                .body(typed_body::<types::UpdateWebhookEndpointRequest>(body))
                .send()
                .await,
        ),
        other => panic!("no SDK call for Charge operation {other}"),
    }
}
