//! Mounting a provider: its routes with their state, its emitted spec, and
//! the layers every provider shares (journal, injected failures, its own
//! 404 and 405 for unknown routes and methods).

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::Request;
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;
use tower::ServiceExt;

use super::deliveries::{Deliverer, DeliveryConfig};
use super::error::{ApiError, ErrorKind};
use super::faults::{Faults, documented_operations, inject};
use super::journal::{Journal, journal};
use super::provider::{MockProvider, ProviderState, Reset};
use super::store::lock;

/// What every provider shares: the journal of requests, scheduled faults,
/// the deliverer, and each mounted provider's state (to reset it).
pub struct MockState {
    /// Every exchange, newest last.
    pub journal: Arc<Journal>,
    /// Faults waiting for their requests.
    pub faults: Arc<Faults>,
    /// Sends signed events and records the attempts.
    pub deliverer: Arc<Deliverer>,
    providers: Mutex<Vec<Arc<dyn Reset>>>,
}

impl MockState {
    /// Empty state whose deliveries follow `config`.
    pub fn new(config: DeliveryConfig) -> Self {
        Self {
            journal: Arc::default(),
            faults: Arc::default(),
            deliverer: Arc::new(Deliverer::new(config)),
            providers: Mutex::default(),
        }
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, key: Option<&str>) {
        for provider in lock(&self.providers).iter() {
            provider.reset(key);
        }
        if key.is_none() {
            self.journal.clear();
            self.faults.clear();
            self.deliverer.clear();
        }
    }
}

/// The OpenAPI document the mock emits for provider `P`, as JSON.
pub fn spec<P: MockProvider>() -> Value {
    let mut spec = P::router().split_for_parts().1;
    spec.info.title = format!("{} (webhooks-mock)", P::TITLE);
    spec.info.description = Some(format!(
        "The webhook-endpoint API of {} as served by webhooks-mock; the contract is openapi/{}.yaml.",
        P::TITLE,
        P::NAME
    ));
    spec.info.version = env!("CARGO_PKG_VERSION").to_string();
    spec.info.contact = None;
    spec.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(P::SECURITY.name, P::SECURITY.scheme());
    let hand_written: Value = yaml_serde::from_str(P::SPEC).expect("the provider's spec is YAML");
    let mut json = serde_json::to_value(&spec).expect("serialisable");
    add_kernel_responses(&mut json);
    copy_examples(&mut json, &hand_written);
    json
}

/// Declares on every operation the errors the kernel answers before any
/// handler runs, with the provider's error body (that of its 401): 400 for
/// an unknown query parameter, and on operations with a body 413 (over
/// `MAX_BODY_BYTES`) and 415 (not JSON).
fn add_kernel_responses(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for op in paths
        .values_mut()
        .filter_map(Value::as_object_mut)
        .flat_map(|item| item.values_mut())
    {
        let Some(schema) = op
            .pointer("/responses/401/content/application~1json/schema")
            .cloned()
        else {
            continue;
        };
        let content = serde_json::json!({"application/json": {"schema": schema}});
        let with_body = op.get("requestBody").is_some();
        let responses = &mut op["responses"];
        let mut declare = |status: &str, description: &str| {
            if responses.get(status).is_none() {
                responses[status] =
                    serde_json::json!({"description": description, "content": content.clone()});
            }
        };
        declare("400", "A query parameter the operation does not take");
        if with_body {
            declare("413", "The request body is too large");
            declare("415", "The request body is not JSON");
        }
    }
}

/// Copies the hand-written spec's examples (request bodies, responses,
/// parameters) onto the same operations of the emitted document, so the docs
/// page shows the providers' own examples and "Try it out" starts from them.
fn copy_examples(emitted: &mut Value, hand_written: &Value) {
    let resolve = |value: &Value| -> Value {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix('#')
                .and_then(|p| hand_written.pointer(p))
                .cloned()
                .unwrap_or(Value::Null),
            None => value.clone(),
        }
    };
    // A media type's `example`, or its map of named `examples`.
    let json_examples = |value: &Value| {
        let media = resolve(value)
            .pointer("/content/application~1json")
            .cloned()?;
        ["example", "examples"]
            .iter()
            .find_map(|key| media.get(*key).map(|v| (*key, v.clone())))
    };
    for (path, item) in hand_written["paths"].as_object().into_iter().flatten() {
        let shared = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (method, op) in item.as_object().into_iter().flatten() {
            let Some(target) = emitted
                .get_mut("paths")
                .and_then(|p| p.get_mut(path.as_str()))
                .and_then(|i| i.get_mut(method.as_str()))
            else {
                continue;
            };
            if let Some((key, example)) = op.get("requestBody").and_then(json_examples)
                && let Some(content) = target.pointer_mut("/requestBody/content/application~1json")
            {
                content[key] = example;
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                let pointer = format!("/responses/{status}/content/application~1json");
                if let Some((key, example)) = json_examples(response)
                    && let Some(content) = target.pointer_mut(&pointer)
                {
                    content[key] = example;
                }
            }
            let own = op
                .get("parameters")
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for parameter in shared.iter().chain(&own).map(&resolve) {
                let Some(example) = parameter.get("example") else {
                    continue;
                };
                let emitted_params = target.get_mut("parameters").and_then(Value::as_array_mut);
                for emitted_param in emitted_params.into_iter().flatten() {
                    if emitted_param["name"] == parameter["name"]
                        && emitted_param["in"] == parameter["in"]
                    {
                        emitted_param["example"] = example.clone();
                    }
                }
            }
        }
    }
}

/// A provider ready to serve.
pub struct Mounted {
    /// Its API (paths relative to `prefix`), `/openapi.json` included.
    pub api: Router,
    /// Its admin routes (`/__mock/<name>/events`).
    pub admin: Router,
    /// Where its emitted specs are served, each with its name on the docs
    /// page (the provider's, then another contract's).
    pub spec_urls: Vec<(&'static str, String)>,
}

/// Mounts provider `P` under `prefix` (empty for the root) on `shared`.
pub fn mount<P: MockProvider>(shared: &MockState, prefix: &str) -> Mounted {
    let state = Arc::new(ProviderState::<P>::new(shared.deliverer.clone()));
    lock(&shared.providers).push(state.clone());
    let (mut api, _) = contract::<P>(state.clone(), shared, prefix);
    let mut spec_urls = vec![(P::TITLE, format!("{prefix}/openapi.json"))];
    if let Some(alternate) = P::alternate(&state, shared, prefix) {
        spec_urls.push((alternate.title, format!("{prefix}{}", alternate.spec_path)));
        let spec = Arc::new(alternate.spec);
        api = api.route(
            alternate.spec_path,
            get(move || async move { axum::Json((*spec).clone()) }),
        );
        // Chosen before either contract matches a route, so each extracts its own path parameters.
        let (seed, other, selects) = (api, alternate.router, alternate.selects);
        api = Router::new().fallback(move |req: Request| {
            let (seed, other, selects) = (seed.clone(), other.clone(), selects.clone());
            async move {
                match selects(&req) {
                    Err(answer) => *answer,
                    Ok(true) => other.oneshot(req).await.into_response(),
                    Ok(false) => seed.oneshot(req).await.into_response(),
                }
            }
        });
    }
    let journal_state = shared.journal.clone();
    let api = api.layer(axum::middleware::from_fn(move |req, next| {
        journal::<P>(journal_state.clone(), req, next)
    }));
    Mounted {
        api,
        admin: super::admin::events_router(state),
        spec_urls,
    }
}

/// Contract `P`'s routes on `state` (its `/openapi.json`, injected failures,
/// its own 404 and 405), and its emitted spec, for a provider mounted under
/// `prefix`.
pub fn contract<P: MockProvider>(
    state: Arc<ProviderState<P>>,
    shared: &MockState,
    prefix: &str,
) -> (Router, Value) {
    let (routes, _) = P::router().split_for_parts();
    let mut spec = spec::<P>();
    let server = if prefix.is_empty() { "/" } else { prefix };
    spec["servers"] = serde_json::json!([{ "url": server }]);
    let ops = documented_operations(&spec);
    shared.faults.register(P::NAME, ops.clone());
    let spec_json = Arc::new(spec.clone());
    let faults = shared.faults.clone();
    let router = routes
        .with_state(state)
        .route(
            "/openapi.json",
            get(move || async move { axum::Json((*spec_json).clone()) }),
        )
        .route_layer(axum::middleware::from_fn(move |req, next| {
            inject::<P>(ops.clone(), faults.clone(), req, next)
        }))
        .fallback(|| async { no_route::<P>() })
        .method_not_allowed_fallback(|| async { wrong_method::<P>() });
    (router, spec)
}

/// The provider's 404 for a route it does not have.
fn no_route<P>() -> ApiError<P> {
    ApiError::new(ErrorKind::NotFound, "route_not_found", "No such route.")
}

/// The provider's 405 for a method a route does not take.
fn wrong_method<P>() -> ApiError<P> {
    ApiError::new(
        ErrorKind::MethodNotAllowed,
        "method_not_allowed",
        "This route does not take that method.",
    )
}
