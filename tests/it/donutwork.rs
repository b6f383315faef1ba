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

mod against_the_mock {
    use reqwest::Method;
    use serde_json::json;
    use webhooks_mock::{MockServer, Provider};
    use webhooks_sdk::donutwork::types::{EventNames, WebhookInput};
    use webhooks_sdk::donutwork::{Client, Error};

    use crate::mock::send;

    #[tokio::test]
    async fn create_page_get_delete_and_404() {
        let mock = MockServer::start().await.unwrap();
        let client =
            Client::with_api_key(&mock.base_url(Provider::Donutwork), "donut-life").unwrap();
        let types = client
            .list_webhook_types()
            .send()
            .await
            .unwrap()
            .into_inner();
        let mut created = Vec::new();
        for i in 0..5 {
            let w = client
                .create_webhook()
                .body_map(|b| {
                    b.webhook(WebhookInput {
                        name: format!("hook {i}"),
                        description: None,
                        url: format!("https://example.com/{i}"),
                        events: EventNames::String(types[0].clone()),
                    })
                })
                .send()
                .await
                .unwrap();
            assert_eq!(w.status().as_u16(), 201);
            let w = w.into_inner();
            assert_ne!(w.token.as_ref().unwrap().expose(), "redacted");
            assert_eq!(w.events, vec![types[0].clone()]);
            created.push(w.id);
        }
        let mut seen = Vec::new();
        for page in 1..=3 {
            let list = client
                .list_webhooks()
                .page(page)
                .size(2)
                .send()
                .await
                .unwrap()
                .into_inner();
            assert_eq!((list.count, list.per_page), (Some(5), Some(2)));
            assert_eq!(list.pages.max, 3);
            for w in list.elements {
                assert_eq!(w.token.unwrap().expose(), "redacted");
                seen.push(w.id);
            }
        }
        assert_eq!(seen, created);
        let got = client
            .get_webhook()
            .webhook_id(&created[0])
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(got.token.unwrap().expose(), "redacted");
        let deleted = client
            .delete_webhook()
            .webhook_id(&created[0])
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(deleted.deleted, Some(true));
        match client.get_webhook().webhook_id(&created[0]).send().await {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.as_str()),
                (404, "Webhook not found.")
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        match client.delete_webhook().webhook_id(&created[0]).send().await {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                e.error,
                "Webhook not found. Unable to delete unknown resource"
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        crate::contract::assert_exchanges_match_spec(
            &mock,
            Provider::Donutwork,
            "donutwork_lifecycle",
        );
    }

    #[tokio::test]
    async fn another_tenants_id_and_a_broken_rule_are_typed_errors() {
        let mock = MockServer::start().await.unwrap();
        let owner =
            Client::with_api_key(&mock.base_url(Provider::Donutwork), "donut-owner").unwrap();
        let input = |events: &str| WebhookInput {
            name: "n".into(),
            description: None,
            url: "https://example.com/h".into(),
            events: EventNames::String(events.into()),
        };
        let id = owner
            .create_webhook()
            .body_map(|b| b.webhook(input("RecurringPayments.charge.paid")))
            .send()
            .await
            .unwrap()
            .into_inner()
            .id;
        let stranger =
            Client::with_api_key(&mock.base_url(Provider::Donutwork), "donut-stranger").unwrap();
        match stranger.get_webhook().webhook_id(&id).send().await {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.as_str()),
                (404, "Webhook not found.")
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        match owner
            .create_webhook()
            .body_map(|b| b.webhook(input("Nope")))
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.as_str()),
                (422, "Some events are not available")
            ),
            other => panic!("expected a typed 422, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn the_documented_messages_for_each_rule() {
        let mock = MockServer::start().await.unwrap();
        let good = json!({"name": "n", "url": "https://example.com/h", "events": ["RecurringPayments.charge.paid"]});
        let with = |field: &str, value: serde_json::Value| {
            let mut w = good.clone();
            if value.is_null() {
                w.as_object_mut().unwrap().remove(field);
            } else {
                w[field] = value;
            }
            json!({"webhook": w})
        };
        for (body, status, message) in [
            (
                with("url", json!(null)),
                400,
                "A valid \"url\" must be specified.",
            ),
            (
                with("name", json!(null)),
                400,
                "A valid \"name\" must be specified.",
            ),
            (
                with("events", json!(null)),
                400,
                "A valid \"events\" must be specified.",
            ),
            (
                with("url", json!("http://example.com/h")),
                400,
                "A valid \"url\" must be specified.",
            ),
            (
                with("url", json!("not a url")),
                422,
                "A valid \"url\" must be specified.",
            ),
            (
                with("events", json!(["Nope.event"])),
                422,
                "Some events are not available",
            ),
        ] {
            let (got, error) = send(
                &mock,
                Provider::Donutwork,
                Some("donut-rules"),
                Method::POST,
                "/webhooks.json",
                Some(&body),
            )
            .await;
            assert_eq!(
                (got, error["error"].as_str().unwrap()),
                (status, message),
                "{body}"
            );
        }
        for query in ["size=0", "size=101", "page=0"] {
            let (status, _) = send(
                &mock,
                Provider::Donutwork,
                Some("donut-rules"),
                Method::GET,
                &format!("/webhooks.json?{query}"),
                None,
            )
            .await;
            assert_eq!(status, 400, "{query}");
        }
    }
}

/// Calls a Donutwork operation by operationId (for the spec-driven contract tests).
pub async fn call(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::donutwork::types;
    let client = target
        .configure(Client::builder(target.key_or("donut-contract")))
        .build()
        .unwrap();
    match op {
        "listWebhooks" => {
            let mut request = client.list_webhooks();
            if let Some(size) = params.opt::<std::num::NonZeroU64>("size") {
                request = request.size(size);
            }
            if let Some(page) = params.opt::<std::num::NonZeroU64>("page") {
                request = request.page(page);
            }
            outcome(request.send().await)
        }
        "createWebhook" => outcome(
            client
                .create_webhook()
                .body(typed_body::<types::CreateWebhookRequest>(body))
                .send()
                .await,
        ),
        "listWebhookTypes" => outcome(client.list_webhook_types().send().await),
        "getWebhook" => outcome(
            client
                .get_webhook()
                .webhook_id(params.get::<String>("webhookId"))
                .send()
                .await,
        ),
        "deleteWebhook" => outcome(
            client
                .delete_webhook()
                .webhook_id(params.get::<String>("webhookId"))
                .send()
                .await,
        ),
        other => panic!("no SDK call for Donutwork operation {other}"),
    }
}
