//! Contract tests driven by the specs: every request example goes out through
//! the SDK's builders exactly as documented, and every response example
//! (success and error, every status) comes back as the typed value and
//! serialises to the same JSON. Adding an example to a spec adds a case;
//! removing one removes it.

use std::collections::BTreeMap;
use std::fmt::Debug;
use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use webhooks_sdk::billing_io::{Error, ResponseValue};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};
use xtask::spec::LoadedSpec;

use crate::support::without_empty;

/// What an SDK call gave back, as JSON (for comparison) and `Debug` text
/// (for the snapshot of the typed value).
#[derive(Debug)]
pub enum Outcome {
    /// A documented success status and its typed body.
    Ok {
        status: u16,
        value: Value,
        debug: String,
    },
    /// A documented error status and its typed error body.
    Err {
        status: u16,
        value: Value,
        debug: String,
    },
    /// Anything else (a parse failure, an undocumented status).
    Failed(String),
}

/// Turns a generated operation's result into an [`Outcome`].
pub fn outcome<T: Serialize + Debug, E: Serialize + Debug>(
    result: Result<ResponseValue<T>, Error<E>>,
) -> Outcome {
    match result {
        Ok(response) => Outcome::Ok {
            status: response.status().as_u16(),
            value: serde_json::to_value(&*response).unwrap(),
            debug: format!("{:#?}", &*response),
        },
        Err(Error::ErrorResponse(response)) => Outcome::Err {
            status: response.status().as_u16(),
            value: serde_json::to_value(&*response).unwrap(),
            debug: format!("{:#?}", &*response),
        },
        Err(other) => Outcome::Failed(other.to_string()),
    }
}

/// The values of an operation's parameters, by name.
pub struct Params(pub BTreeMap<String, Value>);

impl Params {
    /// A parameter the operation requires (always filled in by the driver).
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> T {
        serde_json::from_value(self.0[name].clone())
            .unwrap_or_else(|e| panic!("parameter {name}: {e}"))
    }

    /// An optional parameter, when it has an example.
    pub fn opt<T: DeserializeOwned>(&self, name: &str) -> Option<T> {
        self.0
            .get(name)
            .map(|v| serde_json::from_value(v.clone()).unwrap())
    }
}

/// The request body, typed, or the builder's default when the operation has none.
pub fn typed_body<T: DeserializeOwned>(body: &Value) -> T {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("the example does not fit the SDK's body type: {e}"))
}

/// Where and as whom a contract call is made.
pub struct Target {
    /// The provider's base URL (wiremock or the mock).
    pub base: String,
    /// The API key, instead of the provider's default test key.
    pub key: Option<String>,
    /// The HTTP client (to add a `Prefer` header, say).
    pub http: reqwest::Client,
}

impl Target {
    /// A target at `base` with the default key and a plain client.
    pub fn at(base: impl Into<String>) -> Self {
        Self {
            base: base.into(),
            key: None,
            http: crate::mock::http().clone(),
        }
    }

    /// The key for this target: its own, else `default_key`.
    pub fn key_or<'a>(&'a self, default_key: &'a str) -> &'a str {
        self.key.as_deref().unwrap_or(default_key)
    }

    /// A provider client's builder pointed at this target.
    pub fn configure<C>(
        &self,
        builder: webhooks_sdk::ClientBuilder<C>,
    ) -> webhooks_sdk::ClientBuilder<C> {
        builder
            .base_url(&self.base)
            .http_client(self.http.clone())
            // One exchange per call: injected 429s and 5xx are answered, not retried.
            .max_retries(0)
    }
}

/// A provider's operations, called by operationId.
pub type Caller = for<'a> fn(
    &'a Target,
    &'a str,
    &'a Params,
    &'a Value,
) -> std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + 'a>>;

fn caller(spec_file: &str) -> Caller {
    match spec_file {
        "billing-io.yaml" => |b, o, p, v| Box::pin(crate::billing_io::call(b, o, p, v)),
        "chargeapi.yaml" => |b, o, p, v| Box::pin(crate::chargeapi::call(b, o, p, v)),
        "donutwork.yaml" => |b, o, p, v| Box::pin(crate::donutwork::call(b, o, p, v)),
        "meum.yaml" => |b, o, p, v| Box::pin(crate::meum::call(b, o, p, v)),
        "commet.yaml" => |b, o, p, v| Box::pin(crate::commet::call(b, o, p, v)),
        "commet-2026-08-27.yaml" => {
            |b, o, p, v| Box::pin(crate::commet::call_v2026_08_27(b, o, p, v))
        }
        other => panic!("no caller for {other}"),
    }
}

/// One operation of a spec, with its examples.
struct Operation {
    id: String,
    params: Params,
    /// Whether any parameter value came from an example.
    param_examples: bool,
    body: Option<Value>,
    /// Each response example: its status, its name (for named `examples`), the value.
    responses: Vec<(u16, Option<String>, Value)>,
}

pub fn specs() -> Vec<LoadedSpec> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    xtask::spec::load_all(root).unwrap_or_else(|p| panic!("{p:?}"))
}

/// A value for a required parameter the docs give no example for.
fn stand_in(spec: &LoadedSpec, schema: &Value) -> Value {
    let schema = spec.resolve(schema).unwrap();
    match (schema["type"].as_str(), schema.get("pattern")) {
        // meum's public ID pattern.
        (_, Some(_)) => json!("wh_0123456789abcdefghij"),
        (Some("integer"), _) => schema.get("minimum").cloned().unwrap_or(json!(1)),
        _ => json!("id_example"),
    }
}

fn operations(spec: &LoadedSpec) -> Vec<Operation> {
    let mut out = Vec::new();
    for (path, method, op) in spec.operations() {
        let item = &spec.json["paths"][path];
        let mut params = BTreeMap::new();
        let mut param_examples = false;
        let declared = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(op["parameters"].as_array().into_iter().flatten());
        for param in declared {
            let param = spec.resolve(param).unwrap();
            let name = param["name"].as_str().unwrap().to_string();
            if let Some(example) = param.get("example") {
                params.insert(name, example.clone());
                param_examples = true;
            } else if param["required"] == true {
                params.insert(name, stand_in(spec, &param["schema"]));
            }
        }
        // The example, or the first named one that is not a placeholder skeleton.
        let media = &op["requestBody"]["content"]["application/json"];
        let body = media
            .get("example")
            .or_else(|| {
                media["examples"]
                    .as_object()
                    .into_iter()
                    .flat_map(|m| m.values())
                    .find(|e| e.get("x-placeholder") != Some(&Value::Bool(true)))
                    .map(|e| &e["value"])
            })
            .cloned()
            .unwrap_or(Value::Null);
        let mut responses = Vec::new();
        for (status, response) in op["responses"].as_object().unwrap() {
            let response = spec.resolve(response).unwrap();
            let media = &response["content"]["application/json"];
            let status: u16 = status.parse().unwrap();
            if let Some(example) = media.get("example") {
                responses.push((status, None, example.clone()));
            }
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                // A skeleton whose every value is null (Charge's legacy page)
                // names the fields only: no provider answers it.
                if example.get("x-placeholder") == Some(&Value::Bool(true))
                    && only_nulls(&example["value"])
                {
                    continue;
                }
                responses.push((status, Some(name.clone()), example["value"].clone()));
            }
        }
        let _ = method;
        out.push(Operation {
            id: op["operationId"].as_str().unwrap().to_string(),
            params: Params(params),
            param_examples,
            body: (!body.is_null()).then_some(body),
            responses,
        });
    }
    out
}

/// Whether every leaf of `value` is `null`.
fn only_nulls(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(items) => items.iter().all(only_nulls),
        Value::Object(map) => map.values().all(only_nulls),
        _ => false,
    }
}

fn is_uuid_v4(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            14 => c == '4',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The request as it arrived, with only the headers that matter and the key redacted.
fn captured(request: &wiremock::Request) -> Value {
    let mut headers = BTreeMap::new();
    for (name, value) in &request.headers {
        let name = name.as_str();
        let shown = match name {
            "authorization" | "x-api-key" => "[redacted]".to_string(),
            // The client adds a fresh UUID v4 to every documented idempotent write.
            "idempotency-key" if is_uuid_v4(value.to_str().unwrap()) => "[uuid v4]".to_string(),
            "content-type" | "accept" | "idempotency-key" | "charge-version" | "commet-version" => {
                value.to_str().unwrap().to_string()
            }
            _ => continue,
        };
        headers.insert(name.to_string(), shown);
    }
    let query: BTreeMap<String, String> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let body: Value = if request.body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&request.body).unwrap()
    };
    json!({
        "method": request.method.as_str(),
        "path": request.url.path(),
        "query": query,
        "headers": headers,
        "body": body,
    })
}

#[tokio::test]
async fn every_request_example_goes_out_exactly_as_documented() {
    let mut counts = BTreeMap::new();
    for spec in specs() {
        let call = caller(spec.provider.spec_file);
        for op in operations(&spec) {
            if op.body.is_none() && !op.param_examples {
                continue;
            }
            let server = MockServer::start().await;
            Mock::given(any())
                .respond_with(ResponseTemplate::new(599))
                .mount(&server)
                .await;
            let body = op.body.clone().unwrap_or(json!({}));
            call(&Target::at(server.uri()), &op.id, &op.params, &body).await;
            let requests = server.received_requests().await.unwrap();
            assert_eq!(requests.len(), 1, "{} {}", spec.provider.spec_file, op.id);
            let sent = captured(&requests[0]);
            if let Some(example) = &op.body {
                assert_eq!(
                    &sent["body"], example,
                    "{} {}: the body sent differs from the example",
                    spec.provider.spec_file, op.id
                );
            }
            insta::assert_yaml_snapshot!(
                format!("{}__{}__request", spec.provider.module, op.id),
                sent
            );
            *counts.entry(spec.provider.spec_file).or_insert(0) += 1;
        }
    }
    println!("request examples per spec: {counts:?}");
    for spec in specs() {
        assert!(
            counts.contains_key(spec.provider.spec_file),
            "{} has no request example",
            spec.provider.spec_file
        );
    }
}

#[tokio::test]
async fn every_response_example_comes_back_typed_and_unchanged() {
    let mut counts = BTreeMap::new();
    for spec in specs() {
        let call = caller(spec.provider.spec_file);
        for op in operations(&spec) {
            for (status, name, example) in &op.responses {
                let server = MockServer::start().await;
                Mock::given(any())
                    .respond_with(ResponseTemplate::new(*status).set_body_json(example))
                    .mount(&server)
                    .await;
                let body = op.body.clone().unwrap_or(json!({}));
                let outcome = call(&Target::at(server.uri()), &op.id, &op.params, &body).await;
                let suffix = name.as_ref().map(|n| format!("_{n}")).unwrap_or_default();
                let case = format!("{} {} {status}{suffix}", spec.provider.spec_file, op.id);
                let (got_status, value, debug) = match outcome {
                    Outcome::Ok {
                        status,
                        value,
                        debug,
                    } => {
                        assert!(status < 300, "{case}");
                        (status, value, debug)
                    }
                    Outcome::Err {
                        status,
                        value,
                        debug,
                    } => {
                        assert!(status >= 400, "{case}");
                        (status, value, debug)
                    }
                    Outcome::Failed(why) => panic!("{case}: {why}"),
                };
                assert_eq!(got_status, *status, "{case}");
                assert_eq!(
                    without_empty(&value),
                    without_empty(example),
                    "{case}: the typed value does not serialise back to the example"
                );
                insta::assert_snapshot!(
                    format!(
                        "{}__{}__response_{status}{suffix}",
                        spec.provider.module, op.id
                    ),
                    debug
                );
                *counts.entry(spec.provider.spec_file).or_insert(0) += 1;
            }
        }
    }
    println!("response examples per spec: {counts:?}");
    assert!(!counts.is_empty());
}

/// Keys whose values differ from run to run, and what stands in for them.
fn redaction(key: &str) -> Option<&'static str> {
    Some(match key {
        "webhook_id" | "id" | "event_id" | "deliveryId" | "webhook_endpoint_id" => "id",
        "secret" | "secretKey" | "secret_prefix" => "[secret]",
        "token" => "[token]",
        "request" => "[request-id]",
        "created_at" | "createdAt" | "created" | "deliveredAt" | "attempted_at"
        | "last_delivery_at" => "[timestamp]",
        _ => return None,
    })
}

/// Replaces IDs with `[id-N]` (numbered by first appearance, so snapshots
/// stay stable and still show which ID is which), secrets and times with
/// placeholders, and the mock's address with `[mock]`.
#[derive(Default)]
struct Redactor {
    ids: Vec<String>,
    addr: String,
}

impl Redactor {
    fn id(&mut self, value: &str) -> String {
        let n = match self.ids.iter().position(|v| v == value) {
            Some(n) => n,
            None => {
                self.ids.push(value.to_string());
                self.ids.len() - 1
            }
        };
        format!("[id-{}]", n + 1)
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.replace(&self.addr, "[mock]");
        for (n, id) in self.ids.iter().enumerate() {
            out = out.replace(id.as_str(), &format!("[id-{}]", n + 1));
        }
        out
    }

    fn value(&mut self, value: &Value) -> Value {
        match value {
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| {
                        let redacted = match (redaction(k), v) {
                            (Some("id"), Value::String(s)) => Value::String(self.id(s)),
                            (Some(placeholder), v) if !v.is_null() && v != "redacted" => {
                                json!(placeholder)
                            }
                            _ => self.value(v),
                        };
                        (k.clone(), redacted)
                    })
                    .collect(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(|v| self.value(v)).collect()),
            Value::String(s) => Value::String(self.text(s)),
            other => other.clone(),
        }
    }
}

/// Every exchange the mock journaled: its response body must match the
/// hand-written spec's schema for that operation and status (so the mock
/// cannot drift from the spec where the SDK would tolerate it), and the whole
/// redacted exchange list is snapshotted.
pub fn assert_exchanges_match_spec(
    mock: &webhooks_mock::MockServer,
    provider: webhooks_mock::Provider,
    snapshot: &str,
) {
    let spec = specs()
        .into_iter()
        .find(|s| s.provider.spec_file == format!("{}.yaml", provider.name()))
        .unwrap();
    let prefix = provider.shared_prefix();
    let mut redactor = Redactor {
        addr: mock.addr().to_string(),
        ..Redactor::default()
    };
    let mut exchanges = Vec::new();
    for entry in mock.requests() {
        let path = entry.path.strip_prefix(&prefix).unwrap();
        let (template, _, op) = spec
            .operations()
            .into_iter()
            .filter(|(_, method, _)| method.eq_ignore_ascii_case(&entry.method))
            .find(|(template, _, _)| webhooks_mock::openapi::template_matches(template, path))
            .unwrap_or_else(|| panic!("{} {path} is no documented operation", entry.method));
        let documented = op["responses"]
            .get(entry.status.to_string())
            .unwrap_or_else(|| {
                panic!(
                    "{} {template} answered {}, which its spec does not document",
                    entry.method, entry.status
                )
            });
        let documented = spec.resolve(documented).unwrap();
        match documented["content"]["application/json"].get("schema") {
            Some(schema) => {
                if let Err(errors) = xtask::examples::validate(&spec, schema, &entry.response) {
                    panic!(
                        "{} {template} {}: the body does not match the spec{errors:?}\n{}",
                        entry.method, entry.status, entry.response
                    );
                }
            }
            None => assert!(
                entry.response.is_null(),
                "{} {template} {}: the spec documents no body",
                entry.method,
                entry.status
            ),
        }
        let response = redactor.value(&entry.response);
        let body = redactor.value(&entry.body);
        exchanges.push(json!({
            "request": format!("{} {}{}", entry.method, redactor.text(path), entry.query.map(|q| format!("?{}", redactor.text(&q))).unwrap_or_default()),
            "body": body,
            "status": entry.status,
            "response": response,
        }));
    }
    insta::assert_yaml_snapshot!(snapshot, exchanges);
}

/// Every documented error status of every operation, injected with
/// `Prefer: code=NNN`, and a real 401 from a bad key, come back through the
/// SDK as the typed error body, matching the spec's schema for that status.
#[tokio::test]
async fn every_documented_error_surfaces_as_the_typed_error() {
    let mock = webhooks_mock::MockServer::start().await.unwrap();
    let mut checked = 0;
    for spec in specs() {
        // A versioned spec (`commet-2026-08-27.yaml`) is its provider's other contract.
        let name = spec.provider.spec_file.trim_end_matches(".yaml");
        let provider =
            webhooks_mock::Provider::from_name(name.split("-20").next().unwrap()).unwrap();
        let call = caller(spec.provider.spec_file);
        for op in operations(&spec) {
            let (path, _, raw) = spec
                .operations()
                .into_iter()
                .find(|(_, _, o)| o["operationId"] == op.id.as_str())
                .unwrap();
            let body = op.body.clone().unwrap_or(json!({}));
            let mut statuses: Vec<(u16, Option<&str>)> = raw["responses"]
                .as_object()
                .unwrap()
                .keys()
                .filter_map(|s| s.parse::<u16>().ok())
                .filter(|s| *s >= 400)
                .map(|s| (s, None))
                .collect();
            statuses.push((401, Some(" "))); // a real 401: a blank key
            for (status, key) in statuses {
                let mut headers = reqwest::header::HeaderMap::new();
                if key.is_none() {
                    headers.insert("prefer", format!("code={status}").parse().unwrap());
                }
                let target = Target {
                    base: mock.base_url(provider),
                    key: key.map(str::to_string),
                    http: reqwest::Client::builder()
                        .default_headers(headers)
                        .build()
                        .unwrap(),
                };
                let case = format!(
                    "{} {} {status}{}",
                    spec.provider.spec_file,
                    op.id,
                    if key.is_some() { " (bad key)" } else { "" }
                );
                match call(&target, &op.id, &op.params, &body).await {
                    Outcome::Err {
                        status: got, value, ..
                    } => {
                        assert_eq!(got, status, "{case}");
                        let documented =
                            spec.resolve(&raw["responses"][status.to_string()]).unwrap();
                        let schema = &documented["content"]["application/json"]["schema"];
                        if let Err(errors) = xtask::examples::validate(&spec, schema, &value) {
                            panic!("{case}: {errors:?} {value}");
                        }
                    }
                    other => panic!("{case}: expected the typed error, got {other:?}"),
                }
                checked += 1;
            }
            let _ = path;
        }
    }
    println!("typed errors checked: {checked}");
    assert!(checked > 50);
}
