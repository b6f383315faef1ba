//! The mock server, the same checks for every provider (table-driven): seed
//! requests, auth, tenants, hostile input, concurrency, `Prefer`, admin API.

use std::collections::HashSet;

use reqwest::Method;
use serde_json::{Value, json};
use webhooks_mock::{MockServer, Provider};

/// Builds a resource's path from its ID.
pub type PathOf = fn(&str) -> String;

/// Reads how many items a list response holds.
pub type CountItems = fn(&Value) -> usize;

/// What the table-driven checks need to know about a provider.
pub struct Case {
    pub provider: Provider,
    /// A valid key, and another tenant's.
    pub keys: [&'static str; 2],
    /// The seed page's create request: path and body.
    pub create: (&'static str, fn() -> Value),
    /// The created resource's ID in the create response.
    pub id_of: fn(&Value) -> String,
    /// A path that reads (or for meum, changes) one resource, and its method.
    pub one: (Method, PathOf),
    /// A list path with a page size that fits everything, and how many it holds.
    pub count: Option<(&'static str, CountItems)>,
}

/// The header that carries `key` at `provider`.
pub fn auth(provider: Provider, key: &str) -> (&'static str, String) {
    match provider {
        Provider::Commet => ("x-api-key", key.to_string()),
        _ => ("authorization", format!("Bearer {key}")),
    }
}

pub const CASES: &[Case] = &[
    Case {
        provider: Provider::BillingIo,
        keys: ["sk_test_tenant_a", "sk_test_tenant_b"],
        create: (
            "/webhooks",
            || json!({"url": "https://your-app.com/webhooks/billing", "events": ["checkout.completed", "checkout.expired"], "description": "Production webhook"}),
        ),
        id_of: |v| v["webhook_id"].as_str().unwrap().to_string(),
        one: (Method::GET, |id| format!("/webhooks/{id}")),
        count: Some(("/webhooks?limit=100", |v| {
            v["data"].as_array().unwrap().len()
        })),
    },
    Case {
        provider: Provider::Chargeapi,
        keys: ["ch_sk_test_tenant_a", "ch_sk_test_tenant_b"],
        create: (
            "/webhook_endpoints",
            || json!({"enabled_events": ["report.succeeded"], "url": "https://example.com/webhook/endpoint"}),
        ),
        id_of: |v| v["id"].as_str().unwrap().to_string(),
        one: (Method::GET, |id| format!("/webhook_endpoints/{id}")),
        count: Some(("/webhook_endpoints?limit=100", |v| {
            v["data"].as_array().unwrap().len()
        })),
    },
    Case {
        provider: Provider::Donutwork,
        keys: ["donut_tenant_a", "donut_tenant_b"],
        create: (
            "/webhooks.json",
            || json!({"webhook": {"name": "Billing Events", "description": "Receive invoice and payment updates", "url": "https://example.com/webhooks/billing", "events": ["RecurringPayments.charge.paid"]}}),
        ),
        id_of: |v| v["id"].as_str().unwrap().to_string(),
        one: (Method::GET, |id| format!("/webhooks/{id}.json")),
        count: Some(("/webhooks.json?size=100", |v| {
            v["count"].as_u64().unwrap() as usize
        })),
    },
    Case {
        provider: Provider::Meum,
        keys: ["sk_live_tenant_a", "sk_live_tenant_b"],
        create: (
            "/v1/webhook-endpoints",
            || json!({"name": "Production webhook", "url": "https://api.example.com/webhooks/meum", "events": ["invoice.created", "invoice.paid"]}),
        ),
        id_of: |v| v["id"].as_str().unwrap().to_string(),
        one: (Method::GET, |id| {
            format!("/v1/webhook-endpoints/{id}/deliveries")
        }),
        count: None,
    },
    Case {
        provider: Provider::Commet,
        keys: ["ck_sandbox_tenant_a", "ck_sandbox_tenant_b"],
        create: (
            "/webhooks",
            || json!({"url": "http://example.com", "events": ["subscription.created"]}),
        ),
        id_of: |v| v["data"]["id"].as_str().unwrap().to_string(),
        one: (Method::GET, |id| format!("/webhooks/{id}")),
        count: Some(("/webhooks?limit=100", |v| {
            v["data"].as_array().unwrap().len()
        })),
    },
];

/// One client for every test: building one loads TLS roots, which is slow.
pub fn http() -> &'static reqwest::Client {
    static HTTP: std::sync::LazyLock<reqwest::Client> =
        std::sync::LazyLock::new(reqwest::Client::new);
    &HTTP
}

/// Sends one request to `provider` on `server` and returns status and JSON body.
pub async fn send(
    server: &MockServer,
    provider: Provider,
    key: Option<&str>,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut request = http().request(method, format!("{}{path}", server.base_url(provider)));
    if let Some(key) = key {
        let (name, value) = auth(provider, key);
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn create(server: &MockServer, case: &Case, key: &str) -> Value {
    let (status, body) = send(
        server,
        case.provider,
        Some(key),
        Method::POST,
        case.create.0,
        Some(&(case.create.1)()),
    )
    .await;
    assert!(
        status == 200 || status == 201,
        "{:?} create: {status} {body}",
        case.provider
    );
    body
}

async fn count(server: &MockServer, case: &Case, key: &str) -> Option<usize> {
    let (path, count) = case.count?;
    let (status, body) = send(server, case.provider, Some(key), Method::GET, path, None).await;
    assert_eq!(status, 200, "{body}");
    Some(count(&body))
}

/// The shape of an error body, per provider, as its spec documents it.
pub fn assert_error_shape(provider: Provider, body: &Value) {
    let ok = match provider {
        Provider::BillingIo => ["type", "code", "message"]
            .iter()
            .all(|k| body["error"][k].is_string()),
        Provider::Chargeapi => {
            body["object"] == "error" && body["message"].is_string() && body["status"].is_u64()
        }
        Provider::Donutwork => body["error"].is_string() && body.as_object().unwrap().len() == 1,
        Provider::Meum => body["error"]["code"].is_string() && body["error"]["message"].is_string(),
        Provider::Commet => body["success"] == false && body["error"]["code"].is_string(),
    };
    assert!(ok, "{provider:?}: not the provider's error shape: {body}");
}

#[tokio::test]
async fn the_seed_requests_succeed_with_the_documented_fields() {
    let server = MockServer::start().await.unwrap();
    for case in CASES {
        let body = create(&server, case, case.keys[0]).await;
        let created = if case.provider == Provider::Commet {
            &body["data"]
        } else {
            &body
        };
        let request = (case.create.1)();
        let request = request.get("webhook").unwrap_or(&request);
        assert_eq!(created["url"], request["url"], "{:?}", case.provider);
        for secret in ["secret", "secretKey", "token"] {
            if let Some(value) = created.get(secret) {
                assert!(
                    value.as_str().unwrap().len() >= 24,
                    "{:?}: a real secret",
                    case.provider
                );
            }
        }
    }
}

#[tokio::test]
async fn missing_or_wrong_keys_get_a_provider_shaped_401() {
    let server = MockServer::start().await.unwrap();
    for case in CASES {
        for key in [None, Some(""), Some("wrong_prefix_123456789")] {
            if case.provider == Provider::Donutwork && key == Some("wrong_prefix_123456789") {
                continue; // Donutwork documents no key prefix: any non-empty key is a tenant.
            }
            let (status, body) = send(
                &server,
                case.provider,
                key,
                Method::POST,
                case.create.0,
                Some(&(case.create.1)()),
            )
            .await;
            assert_eq!(status, 401, "{:?} {key:?}: {body}", case.provider);
            assert_error_shape(case.provider, &body);
        }
    }
}

#[tokio::test]
async fn another_tenants_id_is_a_404_and_lists_are_separate() {
    let server = MockServer::start().await.unwrap();
    for case in CASES {
        let id = (case.id_of)(&create(&server, case, case.keys[0]).await);
        let (status, _) = send(
            &server,
            case.provider,
            Some(case.keys[0]),
            case.one.0.clone(),
            &(case.one.1)(&id),
            None,
        )
        .await;
        assert_eq!(status, 200, "{:?} owner reads", case.provider);
        let (status, body) = send(
            &server,
            case.provider,
            Some(case.keys[1]),
            case.one.0.clone(),
            &(case.one.1)(&id),
            None,
        )
        .await;
        assert_eq!(status, 404, "{:?} other tenant: {body}", case.provider);
        assert_error_shape(case.provider, &body);
        assert_eq!(count(&server, case, case.keys[1]).await.unwrap_or(0), 0);
    }
}

#[tokio::test]
async fn hostile_input_gets_a_provider_shaped_4xx_and_changes_nothing() {
    let server = MockServer::start().await.unwrap();
    let http = http();
    for case in CASES {
        let key = case.keys[0];
        let id = (case.id_of)(&create(&server, case, key).await);
        let before = count(&server, case, key).await;
        let url = format!("{}{}", server.base_url(case.provider), case.create.0);
        let (auth_name, auth_value) = auth(case.provider, key);
        let mut unknown = (case.create.1)();
        unknown
            .as_object_mut()
            .unwrap()
            .insert("not_a_field".into(), json!(1));
        let mut wrong_type = (case.create.1)();
        let first_key = wrong_type
            .as_object()
            .unwrap()
            .keys()
            .next()
            .unwrap()
            .clone();
        wrong_type[&first_key] = json!(12345);
        let attempts: Vec<(&str, reqwest::RequestBuilder)> = vec![
            (
                "malformed JSON",
                http.post(&url)
                    .header("content-type", "application/json")
                    .body("{\"url\": "),
            ),
            (
                "no content type",
                http.post(&url)
                    .body(serde_json::to_vec(&(case.create.1)()).unwrap()),
            ),
            (
                "wrong content type",
                http.post(&url)
                    .header("content-type", "text/plain")
                    .body("hello"),
            ),
            ("unknown field", http.post(&url).json(&unknown)),
            ("wrong type", http.post(&url).json(&wrong_type)),
            ("JSON array", http.post(&url).json(&json!([1, 2]))),
            (
                "oversized body",
                http.post(&url)
                    .header("content-type", "application/json")
                    .body(vec![b' '; 2 * 1024 * 1024]),
            ),
            ("unsupported method", http.request(Method::PATCH, &url)),
            (
                "odd id",
                http.request(
                    case.one.0.clone(),
                    format!(
                        "{}{}",
                        server.base_url(case.provider),
                        (case.one.1)("..%2F%00%F0%9F%92%A5")
                    ),
                ),
            ),
            (
                "unknown route",
                http.get(format!("{}/no/such/route", server.base_url(case.provider))),
            ),
        ];
        for (what, request) in attempts {
            let response = request.header(auth_name, &auth_value).send().await.unwrap();
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            assert!(
                (400..500).contains(&status),
                "{:?} {what}: {status} {body}",
                case.provider
            );
            assert_error_shape(case.provider, &body);
        }
        if let Some((path, _)) = case.count {
            let huge = format!(
                "{}{}",
                server.base_url(case.provider),
                path.replace("100", "100000000000000000000")
            );
            let response = http
                .get(huge)
                .header(auth_name, &auth_value)
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status().as_u16(),
                400,
                "{:?} huge page size",
                case.provider
            );
        }
        assert_eq!(
            count(&server, case, key).await,
            before,
            "{:?}: nothing stored changed",
            case.provider
        );
        let (status, _) = send(
            &server,
            case.provider,
            Some(key),
            case.one.0.clone(),
            &(case.one.1)(&id),
            None,
        )
        .await;
        assert_eq!(
            status, 200,
            "{:?}: the earlier resource is intact",
            case.provider
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thousand_concurrent_creates_over_ten_keys_lose_nothing() {
    let server = std::sync::Arc::new(MockServer::start().await.unwrap());
    for case in CASES {
        let keys: Vec<String> = (0..10)
            .map(|i| format!("{}concurrent_{i}", &case.keys[0][..case.keys[0].len() - 8]))
            .collect();
        let mut tasks = Vec::new();
        for n in 0..1000 {
            let server = server.clone();
            let key = keys[n % 10].clone();
            let (path, body) = (case.create.0, (case.create.1)());
            let provider = case.provider;
            tasks.push(tokio::spawn(async move {
                send(
                    &server,
                    provider,
                    Some(&key),
                    Method::POST,
                    path,
                    Some(&body),
                )
                .await
            }));
        }
        let mut ids = HashSet::new();
        for task in tasks {
            let (status, body) = task.await.unwrap();
            assert!(status < 300, "{:?}: {status} {body}", case.provider);
            ids.insert((case.id_of)(&body));
        }
        assert_eq!(ids.len(), 1000, "{:?}: distinct IDs", case.provider);
        for key in &keys {
            if let Some(n) = count(&server, case, key).await {
                assert_eq!(n, 100, "{:?}: exact count for {key}", case.provider);
            }
        }
    }
}

#[tokio::test]
async fn prefer_injects_documented_errors_and_refuses_others() {
    let server = MockServer::start().await.unwrap();
    let http = http();
    for case in CASES {
        let url = format!("{}{}", server.base_url(case.provider), case.create.0);
        let (name, value) = auth(case.provider, case.keys[0]);
        for (code, expected) in [("401", 401), ("418", 400)] {
            let response = http
                .post(&url)
                .header(name, &value)
                .header("prefer", format!("code={code}"))
                .json(&(case.create.1)())
                .send()
                .await
                .unwrap();
            assert_eq!(
                response.status().as_u16(),
                expected,
                "{:?} code={code}",
                case.provider
            );
            assert_error_shape(case.provider, &response.json().await.unwrap());
        }
    }
    assert_eq!(server.requests().len(), 10);
    assert_eq!(
        count(&server, &CASES[0], CASES[0].keys[0]).await,
        Some(0),
        "nothing was created"
    );
}

#[tokio::test]
async fn the_journal_redacts_keys_and_reset_forgets() {
    let server = MockServer::start().await.unwrap();
    let case = &CASES[4];
    create(&server, case, case.keys[0]).await;
    create(&server, case, case.keys[1]).await;
    let journal: Value = reqwest::get(format!("http://{}/__mock/requests", server.addr()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let text = journal.to_string();
    assert!(
        !text.contains(case.keys[0]) && text.contains("[redacted]"),
        "{text}"
    );
    assert_eq!(journal[0]["body"], (case.create.1)());
    let http = http();
    let reset = http
        .post(format!(
            "http://{}/__mock/reset?api_key={}",
            server.addr(),
            case.keys[0]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status().as_u16(), 204);
    assert_eq!(count(&server, case, case.keys[0]).await, Some(0));
    assert_eq!(count(&server, case, case.keys[1]).await, Some(1));
    server.reset(None);
    assert_eq!(count(&server, case, case.keys[1]).await, Some(0));
}

#[tokio::test]
async fn each_provider_serves_its_spec_and_the_docs_page_works_offline() {
    let server = MockServer::start().await.unwrap();
    for provider in Provider::ALL {
        let spec: Value = reqwest::get(format!("{}/openapi.json", server.base_url(provider)))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(spec["paths"].as_object().unwrap().len() >= 2);
        // An Authorize button needs the security scheme the operations name.
        let schemes = spec["components"]["securitySchemes"].as_object().unwrap();
        assert_eq!(schemes.len(), 1, "{provider:?}");
        for op in spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|i| i.as_object().unwrap().values())
        {
            let named = op["security"][0]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap();
            assert!(schemes.contains_key(named), "{provider:?}: {named}");
        }
    }
    let page = reqwest::get(format!("http://{}/docs/", server.addr()))
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().await.unwrap().contains("swagger"));
    let config = reqwest::get(format!(
        "http://{}/docs/swagger-initializer.js",
        server.addr()
    ))
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    // The providers' own names, and Commet's current contract beside its seed one.
    let titles = [
        "billing.io",
        "chargeapi.co",
        "Donutwork",
        "meum.io",
        "Commet",
        "Commet (API 2026-08-27)",
    ];
    for title in titles {
        assert!(
            config.contains(&format!("\"name\": \"{title}\"")),
            "the selector names {title}: {config}"
        );
    }
    assert!(config.contains("/commet/api/v1/openapi-2026-08-27.json"));
    assert_eq!(
        Provider::ALL.map(Provider::title),
        titles[..5],
        "one name per provider for people"
    );
    assert!(
        config.contains("\"validatorUrl\": \"none\""),
        "no call to a public validator"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_and_deletes_lose_nothing() {
    let server = std::sync::Arc::new(MockServer::start().await.unwrap());
    // The providers that document a delete, and its path.
    let deletes: [(usize, PathOf); 3] = [
        (0, |id| format!("/webhooks/{id}")),
        (2, |id| format!("/webhooks/{id}.json")),
        (4, |id| format!("/webhooks/{id}")),
    ];
    for (index, delete_path) in deletes {
        let case = &CASES[index];
        let key = case.keys[0];
        let mut first = Vec::new();
        for _ in 0..100 {
            first.push((case.id_of)(&create(&server, case, key).await));
        }
        let mut tasks = Vec::new();
        for (n, id) in first.into_iter().enumerate() {
            let server = server.clone();
            let (provider, path, body) = (case.provider, case.create.0, (case.create.1)());
            tasks.push(tokio::spawn(async move {
                let deleted = send(
                    &server,
                    provider,
                    Some(key),
                    Method::DELETE,
                    &delete_path(&id),
                    None,
                )
                .await
                .0;
                let created = send(
                    &server,
                    provider,
                    Some(key),
                    Method::POST,
                    path,
                    Some(&body),
                )
                .await
                .0;
                (n, deleted, created)
            }));
        }
        for task in tasks {
            let (n, deleted, created) = task.await.unwrap();
            assert!(
                deleted < 300 && created < 300,
                "{:?} #{n}: {deleted} {created}",
                case.provider
            );
        }
        assert_eq!(
            count(&server, case, key).await,
            Some(100),
            "{:?}: 100 deleted, 100 created",
            case.provider
        );
    }
}

#[tokio::test]
async fn with_a_token_the_admin_api_refuses_requests_without_it_and_reads_per_key() {
    let config = webhooks_mock::app::MockConfig {
        admin_token: Some("s3cret-admin".into()),
        ..Default::default()
    };
    let app = webhooks_mock::app::app_with(None, config);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = http();
    for key in ["sk_test_one", "sk_test_two"] {
        let created = http
            .post(format!("http://{addr}/billing-io/v1/webhooks"))
            .bearer_auth(key)
            .json(&json!({"url": "https://example.com/h", "events": ["checkout.created"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(
            created.status(),
            201,
            "the providers' APIs need no admin token"
        );
    }
    let admin = |path: &str, token: Option<&str>| {
        let mut request = http.get(format!("http://{addr}/__mock/{path}"));
        if let Some(token) = token {
            request = request.header(webhooks_mock::app::ADMIN_TOKEN_HEADER, token);
        }
        request.send()
    };
    for token in [None, Some("wrong"), Some("s3cret-admi")] {
        let refused = admin("requests", token).await.unwrap();
        assert_eq!(refused.status(), 401, "{token:?}");
        let body = refused.text().await.unwrap();
        assert!(!body.contains("sk_test_"), "nothing leaks: {body}");
    }
    let reset = http
        .post(format!("http://{addr}/__mock/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        reset.status(),
        401,
        "state cannot be reset without the token"
    );
    let all: Value = admin("requests", Some("s3cret-admin"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(all.as_array().unwrap().len(), 2);
    let one: Value = admin("requests?api_key=sk_test_two", Some("s3cret-admin"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let one = one.as_array().unwrap();
    assert_eq!(one.len(), 1, "one tenant's requests");
    assert_eq!(one[0]["headers"]["authorization"], "[redacted]");
}
