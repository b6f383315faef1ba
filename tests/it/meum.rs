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
    assert!(created.secret.expose().starts_with("01234567"));
    assert!(!format!("{created:?}").contains("0123456789abcdef0123"));
    let request = only_request(&server).await;
    assert_eq!(
        request.body_json::<serde_json::Value>().unwrap(),
        json!({"url": "https://api.example.com/webhooks/meum", "name": "Default"})
    );
}

/// A stand-in that pages deliveries by `starting_after` over UUID attempt
/// IDs (meum.io issues `whd_…` or UUIDs depending on the API version).
#[tokio::test]
async fn a_deliveries_stream_reads_every_page_when_the_ids_are_uuids() {
    use futures_util::TryStreamExt;
    use wiremock::matchers::{method, path, query_param, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let ids: Vec<String> = (1..=5)
        .map(|n| format!("3f2c9a1e-5b7d-4c1a-9e2f-00000000000{n}"))
        .collect();
    let attempt = |id: &str| {
        json!({"id": id, "event_id": "evt_0123456789abcdefghij", "attempt_number": 1,
               "status_code": 200, "attempted_at": "2026-01-01T00:00:00Z"})
    };
    let server = MockServer::start().await;
    let at = "/v1/webhook-endpoints/wh_0123456789abcdefghij/deliveries";
    let pages: [(Option<&str>, Vec<&str>); 4] = [
        (None, vec![&ids[0], &ids[1]]),
        (Some(&ids[1]), vec![&ids[2], &ids[3]]),
        (Some(&ids[3]), vec![&ids[4]]),
        (Some(&ids[4]), vec![]),
    ];
    for (after, items) in pages {
        let body = json!({"data": items.iter().map(|id| attempt(id)).collect::<Vec<_>>()});
        let mock = Mock::given(method("GET")).and(path(at));
        let mock = match after {
            None => mock.and(query_param_is_missing("starting_after")),
            Some(after) => mock.and(query_param("starting_after", after)),
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = Client::with_api_key(&server.uri(), "sk_live_abc").unwrap();
    let read: Vec<String> = client
        .list_webhook_deliveries()
        .id("wh_0123456789abcdefghij".parse::<PublicId>().unwrap())
        .limit(2)
        .stream()
        .map_ok(|d| d.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(read, ids);
}

mod against_the_mock {
    use reqwest::Method;
    use serde_json::json;
    use webhooks_mock::{MockServer, Provider};
    use webhooks_sdk::meum::types::EndpointStatus;
    use webhooks_sdk::meum::{Client, Error};

    use crate::mock::send;

    #[tokio::test]
    async fn create_update_deliveries_and_404() {
        let mock = MockServer::start().await.unwrap();
        let client = Client::with_api_key(&mock.base_url(Provider::Meum), "sk_live_life").unwrap();
        let created = client
            .create_webhook_endpoint()
            .body_map(|b| b.url("https://api.example.com/webhooks/meum"))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status().as_u16(), 201);
        let created = created.into_inner();
        assert_eq!(
            created.name.as_deref(),
            Some("Default"),
            "the documented default name"
        );
        assert!(
            created.events.contains(&"invoice.paid".to_string()),
            "the default events"
        );
        let secret = created.secret;
        assert_eq!(secret.expose().len(), 64);
        assert_eq!(
            created.secret_prefix.as_deref(),
            Some(&secret.expose()[..8])
        );
        let id = created.id;

        let updated = client
            .update_webhook_endpoint()
            .id(id.clone())
            .body_map(|b| {
                b.name(Some("Renamed".parse().unwrap()))
                    .status(Some(EndpointStatus::Disabled))
                    .events(vec!["invoice.paid".to_string()])
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(updated.name.as_deref(), Some("Renamed"));
        assert_eq!(updated.events, vec!["invoice.paid".to_string()]);
        assert_eq!(
            (updated.managed, updated.failure_count),
            (Some(false), Some(0))
        );

        let deliveries = client
            .list_webhook_deliveries()
            .id(id.clone())
            .limit(5)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert!(deliveries.data.is_empty(), "no events were sent yet");

        let other = Client::with_api_key(&mock.base_url(Provider::Meum), "sk_live_other").unwrap();
        match other
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| b.events(vec![]))
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(
                (e.status().as_u16(), e.error.code.as_str()),
                (404, "NOT_FOUND")
            ),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        match client
            .get_webhook_delivery()
            .id("whd_0000000000000000000000")
            .send()
            .await
        {
            Err(Error::ErrorResponse(e)) => assert_eq!(e.status().as_u16(), 404),
            other => panic!("expected a typed 404, got {other:?}"),
        }
        crate::contract::assert_exchanges_match_spec(&mock, Provider::Meum, "meum_lifecycle");
    }

    #[tokio::test]
    async fn every_documented_rule_is_enforced() {
        let mock = MockServer::start().await.unwrap();
        for body in [
            json!({"name": "x"}),
            json!({"url": "not a url"}),
            json!({"url": "http://api.example.com/h"}),
            json!({"url": "https://api.example.com/h", "name": ""}),
            json!({"url": "https://api.example.com/h", "events": "invoice.paid"}),
        ] {
            let (status, error) = send(
                &mock,
                Provider::Meum,
                Some("sk_live_rules"),
                Method::POST,
                "/v1/webhook-endpoints",
                Some(&body),
            )
            .await;
            assert_eq!(status, 400, "{body}: {error}");
            assert!(error["error"]["message"].is_string());
        }
        let (_, created) = send(
            &mock,
            Provider::Meum,
            Some("sk_live_rules"),
            Method::POST,
            "/v1/webhook-endpoints",
            Some(&json!({"url": "https://a.example/h"})),
        )
        .await;
        let path = format!("/v1/webhook-endpoints/{}", created["id"].as_str().unwrap());
        for body in [
            json!({"name": ""}),
            json!({"status": "PAUSED"}),
            json!({"url": "ftp://x"}),
        ] {
            let (status, error) = send(
                &mock,
                Provider::Meum,
                Some("sk_live_rules"),
                Method::PATCH,
                &path,
                Some(&body),
            )
            .await;
            assert_eq!(status, 400, "{body}: {error}");
        }
        for query in [
            "limit=0",
            "limit=101",
            "starting_after=whd_unknown0000000000000000",
        ] {
            let (status, _) = send(
                &mock,
                Provider::Meum,
                Some("sk_live_rules"),
                Method::GET,
                &format!("{path}/deliveries?{query}"),
                None,
            )
            .await;
            assert_eq!(status, 400, "{query}");
        }
        let (status, _) = send(
            &mock,
            Provider::Meum,
            Some("sk_test_rules"),
            Method::POST,
            "/v1/webhook-endpoints",
            Some(&json!({"url": "https://a.example/h"})),
        )
        .await;
        assert_eq!(status, 401, "only sk_live_ keys are documented");
    }
}

/// Calls a meum.io operation by operationId (for the spec-driven contract tests).
pub async fn call(
    target: &crate::contract::Target,
    op: &str,
    params: &crate::contract::Params,
    body: &serde_json::Value,
) -> crate::contract::Outcome {
    use crate::contract::{outcome, typed_body};
    use webhooks_sdk::meum::types;
    let client = target
        .configure(Client::builder(target.key_or("sk_live_contract")))
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
        "updateWebhookEndpoint" => outcome(
            client
                .update_webhook_endpoint()
                .id(params.get::<PublicId>("id"))
                .body(typed_body::<types::UpdateWebhookEndpointRequest>(body))
                .send()
                .await,
        ),
        "listWebhookDeliveries" => {
            let mut request = client
                .list_webhook_deliveries()
                .id(params.get::<PublicId>("id"));
            if let Some(limit) = params.opt::<std::num::NonZeroU64>("limit") {
                request = request.limit(limit);
            }
            if let Some(after) = params.opt::<String>("starting_after") {
                request = request.starting_after(after);
            }
            outcome(request.send().await)
        }
        "getWebhookDelivery" => outcome(
            client
                .get_webhook_delivery()
                .id(params.get::<String>("id"))
                .send()
                .await,
        ),
        other => panic!("no SDK call for meum.io operation {other}"),
    }
}
