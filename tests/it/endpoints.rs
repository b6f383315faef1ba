//! One API over all five providers: the same code manages endpoints and
//! verifies deliveries at each, against the mock; what a provider does not
//! document is refused before anything is sent.

use futures_util::TryStreamExt;
use serde_json::json;
use webhooks_mock::MockServer;
use webhooks_sdk::ApiError;
use webhooks_sdk::endpoints::{Endpoints, Error, NewEndpoint, Operation};
use webhooks_sdk::receive::SetupError;
use webhooks_sdk::{AnyClient, AnyVerifyError, Provider, verify};

use crate::support::answering;

/// Per provider: a key of its format and an event type it documents.
const CASES: [(Provider, &str, &str); 5] = [
    (Provider::BillingIo, "sk_test_any", "checkout.completed"),
    (Provider::Chargeapi, "ch_sk_test_any", "report.succeeded"),
    (
        Provider::Donutwork,
        "donut-any",
        "RecurringPayments.charge.paid",
    ),
    (Provider::Meum, "sk_live_any", "invoice.paid"),
    (Provider::Commet, "ck_sandbox_any", "subscription.created"),
];

fn mock_provider(provider: Provider) -> webhooks_mock::Provider {
    webhooks_mock::Provider::from_name(provider.name()).unwrap()
}

#[tokio::test]
async fn the_same_code_manages_endpoints_and_verifies_deliveries_at_all_five() {
    let mock = MockServer::start().await.unwrap();
    let receiver = answering(200, json!({"received": true})).await;
    for (provider, key, event_type) in CASES {
        let client =
            AnyClient::with_api_key(provider, &mock.base_url(mock_provider(provider)), key)
                .unwrap();
        assert_eq!(client.provider(), provider);
        let capabilities = client.capabilities();
        let hook = format!("{}/{}", receiver.uri(), provider.name());
        let created = client
            .create(NewEndpoint::new(&hook, [event_type]).description("one API"))
            .await
            .unwrap();
        assert_eq!(
            (created.url.as_str(), created.enabled),
            (hook.as_str(), true)
        );
        assert_eq!(created.events, [event_type]);

        // Every other operation, or Unsupported with nothing sent.
        let sent_before = mock.requests().len();
        let listed: Result<Vec<_>, _> = client.list().try_collect().await;
        let got = client.get(&created.id).await;
        let paused = client.set_enabled(&created.id, false).await;
        let unsupported = |result: &Result<_, Error>, operation| match result {
            Err(Error::Unsupported {
                provider: p,
                operation: o,
            }) => *p == provider && *o == operation,
            _ => false,
        };
        let mut expected_requests = 0;
        if capabilities.list {
            let listed = listed.unwrap();
            assert_eq!(
                listed.iter().map(|e| &e.id).collect::<Vec<_>>(),
                [&created.id],
                "{provider}"
            );
            expected_requests += 1;
        } else {
            assert!(
                unsupported(&listed.map(|_| ()), Operation::List),
                "{provider}"
            );
        }
        if capabilities.get {
            assert_eq!(got.unwrap().id, created.id);
            expected_requests += 1;
        } else {
            assert!(unsupported(&got.map(|_| ()), Operation::Get), "{provider}");
        }
        if capabilities.set_enabled {
            let paused = paused.unwrap();
            assert_eq!(
                (paused.id.as_str(), paused.enabled),
                (created.id.as_str(), false)
            );
            let resumed = client.set_enabled(&created.id, true).await.unwrap();
            assert!(resumed.enabled, "{provider}");
            expected_requests += 2;
        } else {
            assert!(
                unsupported(&paused.map(|_| ()), Operation::SetEnabled),
                "{provider}"
            );
        }
        assert_eq!(
            mock.requests().len() - sent_before,
            expected_requests,
            "{provider}: unsupported operations send nothing"
        );

        // A delivery triggered through the mock verifies with the same call.
        let (auth_name, auth_value) = mock_provider(provider).auth_header(key);
        let triggered = crate::mock::http()
            .post(format!(
                "http://{}/__mock/{}/events",
                mock.addr(),
                provider.name()
            ))
            .header(auth_name, auth_value)
            .json(&json!({"type": event_type}))
            .send()
            .await
            .unwrap();
        match created
            .secret
            .as_ref()
            .filter(|_| triggered.status() == 202)
        {
            Some(secret) => {
                let delivery = wait_for_delivery(&receiver, provider).await;
                let headers = &delivery.headers;
                let event = verify(provider, [secret.clone()], &delivery.body, headers)
                    .unwrap()
                    .event();
                assert_eq!(
                    (event.event_type.as_deref(), event.provider),
                    (Some(event_type), provider)
                );
                assert!(event.id.is_some_and(|id| !id.is_empty()));
                assert!(verify(provider, ["whsec_wrong"], &delivery.body, headers).is_err());
            }
            None => {
                assert_eq!(triggered.status(), 400, "{provider} documents no signing");
                let any = reqwest::header::HeaderMap::new();
                assert_eq!(
                    verify(provider, ["secret"], b"{}", &any).unwrap_err(),
                    AnyVerifyError::Setup(SetupError::SigningNotDocumented(provider))
                );
            }
        }

        let sent_before = mock.requests().len();
        let deleted = client.delete(&created.id).await;
        if capabilities.delete {
            deleted.unwrap();
            let gone = client.get(&created.id).await.unwrap_err();
            assert_eq!(
                gone.http_status().map(|s| s.as_u16()),
                Some(404),
                "{provider}: {gone}"
            );
        } else {
            assert!(unsupported(&deleted, Operation::Delete), "{provider}");
            assert_eq!(
                mock.requests().len(),
                sent_before,
                "{provider}: nothing sent"
            );
        }
    }
}

/// The receiver's first request for `provider`, once it has arrived.
async fn wait_for_delivery(
    receiver: &wiremock::MockServer,
    provider: Provider,
) -> wiremock::Request {
    for _ in 0..200 {
        let requests = receiver.received_requests().await.unwrap();
        if let Some(request) = requests
            .into_iter()
            .find(|r| r.url.path() == format!("/{}", provider.name()))
        {
            return request;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("no delivery for {provider}");
}

#[test]
fn providers_parse_from_their_names_and_say_what_they_support() {
    for provider in Provider::ALL {
        assert_eq!(provider.name().parse::<Provider>().unwrap(), provider);
    }
    assert!("stripe".parse::<Provider>().is_err());
    let meum =
        AnyClient::with_api_key(Provider::Meum, Provider::Meum.base_url(), "sk_live_x").unwrap();
    let caps = meum.capabilities();
    assert!(caps.supports(Operation::Create) && caps.supports(Operation::SetEnabled));
    assert!(!caps.supports(Operation::List) && !caps.supports(Operation::Delete));
    let error = Error::Unsupported {
        provider: Provider::Chargeapi,
        operation: Operation::Delete,
    };
    assert_eq!(
        error.to_string(),
        "chargeapi documents no delete operation for webhook endpoints"
    );
}

/// `AnyClient` takes the typed builders' settings: `max_retries(0)` answers
/// the first 503, where the default retries through it.
#[tokio::test]
async fn an_any_client_built_with_no_retries_does_not_retry() {
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url(webhooks_mock::Provider::BillingIo);
    let list = webhooks_mock::RequestFilter {
        operation: Some("listWebhookEndpoints".into()),
        ..Default::default()
    };
    for (retries, expected_attempts) in [(Some(0), 1), (None, 2)] {
        mock.add_fault(
            webhooks_mock::Fault::new("billing-io", 503, 1)
                .operation("listWebhookEndpoints")
                .retry_after(0),
        )
        .unwrap();
        let mut builder =
            AnyClient::builder(Provider::BillingIo, "sk_test_retries").base_url(&base);
        if let Some(retries) = retries {
            builder = builder.max_retries(retries);
        }
        let client = builder.build().unwrap();
        let before = mock.requests_matching(&list).len();
        let listed: Result<Vec<_>, _> = client.list().try_collect().await;
        let attempts = mock.requests_matching(&list).len() - before;
        assert_eq!(attempts, expected_attempts, "max_retries {retries:?}");
        match retries {
            Some(0) => {
                let error = listed.unwrap_err();
                assert_eq!(error.http_status().map(|s| s.as_u16()), Some(503));
                assert!(error.should_retry());
            }
            _ => assert!(listed.unwrap().is_empty()),
        }
    }
}

/// A Commet `AnyClient` pinned to 2026-07-31 or later speaks the current
/// contract end to end (bare resources, update by PATCH); unpinned, the docs
/// page's (update by PUT). Both against the mock.
#[tokio::test]
async fn an_any_client_reaches_commets_current_contract() {
    use webhooks_sdk::commet;
    let mock = MockServer::start().await.unwrap();
    let base = mock.base_url(webhooks_mock::Provider::Commet);
    for (version, sent_version, update) in [
        (
            Some(commet::v2026_08_27::API_VERSION),
            commet::v2026_08_27::API_VERSION,
            "PATCH",
        ),
        (Some("2026-07-31"), "2026-07-31", "PATCH"),
        (None, commet::API_VERSION, "PUT"),
    ] {
        let mut builder =
            AnyClient::builder(Provider::Commet, "ck_sandbox_current").base_url(&base);
        if let Some(version) = version {
            builder = builder.api_version(version);
        }
        let client = builder.build().unwrap();
        let current = client.typed::<commet::v2026_08_27::Client>().is_some();
        assert_eq!(current, update == "PATCH", "{version:?}");
        assert_eq!(client.typed::<commet::Client>().is_some(), !current);

        let created = client
            .create(NewEndpoint::new(
                "https://example.com/current",
                ["invoice.created"],
            ))
            .await
            .unwrap();
        assert!(created.secret.is_some(), "the once-only secret is kept");
        let all: Vec<_> = client.list().try_collect().await.unwrap();
        assert!(all.iter().any(|e| e.id == created.id));
        assert_eq!(client.get(&created.id).await.unwrap().url, created.url);
        let paused = client.set_enabled(&created.id, false).await.unwrap();
        assert!(!paused.enabled);
        client.delete(&created.id).await.unwrap();
        assert!(client.get(&created.id).await.is_err());

        let journal = mock.requests();
        let exchanges = &journal[journal.len() - 6..];
        for entry in exchanges {
            assert_eq!(
                entry.headers["commet-version"], sent_version,
                "{} {}",
                entry.method, entry.path
            );
        }
        let updated = exchanges
            .iter()
            .find(|e| {
                e.operation.as_deref() == Some("updateWebhookEndpoint")
                    || e.operation.as_deref() == Some("patchWebhookEndpoint")
            })
            .expect("an update was sent");
        assert_eq!(updated.method, update);
        assert_eq!(updated.status, 200);
    }
}

/// An API version for a provider that has no version header is refused,
/// not ignored.
#[test]
fn an_api_version_without_a_version_header_is_a_build_error() {
    let error = AnyClient::builder(Provider::BillingIo, "sk_test_x")
        .api_version("2026-01-01")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            error,
            webhooks_sdk::BuildError::NoApiVersion(Provider::BillingIo)
        ),
        "{error}"
    );
}

/// One spelling of each provider's name: the SDK's `Provider` and the
/// mock's agree on names (features, URLs, the command line) and titles.
#[test]
fn the_sdk_and_the_mock_spell_every_provider_alike() {
    let sdk: Vec<_> = Provider::ALL
        .iter()
        .map(|p| (p.name(), p.title()))
        .collect();
    let mock: Vec<_> = webhooks_mock::Provider::ALL
        .iter()
        .map(|p| (p.name(), p.title()))
        .collect();
    assert_eq!(sdk, mock);
    for provider in Provider::ALL {
        assert_eq!(provider.name().parse::<Provider>(), Ok(provider));
    }
}
