//! chargeapi.co: `POST/GET /webhook_endpoints`, `GET/POST /webhook_endpoints/{id}` under `/v1`.
//!
//! Keys `ch_sk_test_…` / `ch_sk_live_…` (reported as `livemode`); IDs `wh_`
//! and secrets `whsec_` + 32 alphanumerics, the secret in every response as
//! the docs show; newest-first pages linked by `next_page_url` /
//! `previous_page_url`; `Idempotency-Key` (≤ 255 chars) on POSTs.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    ApiError, Auth, ErrorKind, JsonBody, Mode, ProviderApi, Query, Tenant, bearer_token, check_url,
    invalid, missing,
};
use crate::store::{Collection, IdempotencyKeys, idempotent};
use crate::{Provider, ids};

/// Marker for Charge's authentication and error shape.
pub struct Chargeapi;

impl ProviderApi for Chargeapi {
    const PROVIDER: Provider = Provider::Chargeapi;

    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError> {
        let key = bearer_token(headers).unwrap_or_default();
        let mode = match key {
            k if k.len() > 11 && k.starts_with("ch_sk_test_") => Mode::Test,
            k if k.len() > 11 && k.starts_with("ch_sk_live_") => Mode::Live,
            _ => {
                return Err(ApiError::new(
                    Provider::Chargeapi,
                    ErrorKind::Unauthorized,
                    "api_key_invalid",
                    "Invalid API key provided.",
                ));
            }
        };
        Ok(Tenant {
            key: key.to_string(),
            mode,
        })
    }
}

/// Charge's flat error object.
pub fn error_body(error: &ApiError, status: StatusCode) -> Value {
    let kind = match status.as_u16() {
        401 => "authentication_error",
        429 => "rate_limit_error",
        500..=599 => "api_error",
        _ => "invalid_request_error",
    };
    json!({
        "code": error.code,
        "doc_url": format!("https://docs.chargeapi.co/errors#{}", error.code),
        "message": error.message,
        "object": "error",
        "param": error.param,
        "request": ids::alnum("req_", 32),
        "status": status.as_u16(),
        "type": kind,
    })
}

/// Whether an endpoint receives events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum EndpointStatus {
    /// Events are delivered.
    Enabled,
    /// Events are not delivered.
    Disabled,
}

/// Secret used to sign the events sent to this endpoint (`whsec_…`).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SigningSecret(pub String);

/// When the object was created, as Unix seconds.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct Created(pub i64);

/// Key-value pairs for your own structured data.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Metadata(pub BTreeMap<String, String>);

/// A new webhook endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpointRequest {
    /// Public HTTPS URL that receives the event POSTs.
    #[schema(format = "uri", required = true, nullable = false)]
    pub url: Option<String>,
    /// Event types to subscribe to.
    #[schema(min_items = 1, required = true, nullable = false)]
    pub enabled_events: Option<Vec<String>>,
    /// A note for your own reference.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// API version to render this endpoint's events with.
    #[schema(nullable = false)]
    pub api_version: Option<String>,
    /// Your own key-value pairs.
    #[schema(nullable = false)]
    pub metadata: Option<Metadata>,
}

/// The fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpointRequest {
    /// The full new list of event types.
    #[schema(nullable = false)]
    pub enabled_events: Option<Vec<String>>,
    /// Enable or disable deliveries.
    #[schema(nullable = false)]
    pub status: Option<EndpointStatus>,
    /// A note for your own reference.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Your own key-value pairs.
    #[schema(nullable = false)]
    pub metadata: Option<Metadata>,
}

/// A Webhook Endpoint object.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    /// Unique identifier.
    pub id: String,
    /// Always `webhook_endpoint`.
    #[schema(required = false)]
    pub object: String,
    /// API version of the events; null means the account's.
    #[schema(required = false)]
    pub api_version: Option<String>,
    /// The application the endpoint belongs to.
    #[schema(required = false)]
    pub application: Option<String>,
    /// Creation time.
    #[schema(required = false)]
    pub created: Created,
    /// An optional note.
    #[schema(required = false)]
    pub description: Option<String>,
    /// The event types delivered.
    pub enabled_events: Vec<String>,
    /// Live or test mode.
    #[schema(required = false)]
    pub livemode: bool,
    /// Your own key-value pairs.
    #[schema(required = false)]
    pub metadata: Metadata,
    /// The signing secret.
    #[schema(required = false)]
    pub secret: SigningSecret,
    /// Whether events are delivered.
    #[schema(required = false)]
    pub status: EndpointStatus,
    /// The URL that receives the POSTs.
    #[schema(format = "uri")]
    pub url: String,
}

/// One page of webhook endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointList {
    /// The endpoints, newest first.
    pub data: Vec<WebhookEndpoint>,
    /// The next page; null on the last.
    #[schema(required = false)]
    pub next_page_url: Option<String>,
    /// The previous page; null on the first.
    #[schema(required = false)]
    pub previous_page_url: Option<String>,
}

/// The error object.
#[derive(Debug, Serialize, ToSchema)]
pub struct Error {
    /// Machine-readable code.
    #[schema(required = false)]
    pub code: Option<String>,
    /// Where the code is documented.
    #[schema(required = false)]
    pub doc_url: String,
    /// Human-readable explanation.
    #[schema(required = false)]
    pub message: String,
    /// Always `error`.
    #[schema(required = false)]
    pub object: String,
    /// The parameter at fault.
    #[schema(required = false)]
    pub param: Option<String>,
    /// The request's ID.
    #[schema(required = false)]
    pub request: String,
    /// The HTTP status.
    #[schema(required = false)]
    pub status: i64,
    /// The error's class.
    #[serde(rename = "type")]
    #[schema(required = false)]
    pub type_: String,
}

/// Query of the list operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// How many endpoints to return.
    #[param(minimum = 1, maximum = 100, default = 10, nullable = false)]
    pub limit: Option<i64>,
    /// Opaque page token from `next_page_url` / `previous_page_url`.
    #[param(nullable = false)]
    pub page: Option<String>,
}

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<WebhookEndpoint>,
    idempotency: IdempotencyKeys,
}

/// The provider's state: every tenant's data.
pub type Store = crate::store::Shared<TenantData>;

type AppState = Arc<Store>;

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        Provider::Chargeapi,
        ErrorKind::NotFound,
        "webhook_endpoint_not_found",
        format!("No webhook endpoint {id}."),
    )
    .param("id")
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    match headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or_default())
    {
        None => Ok(None),
        Some(key) if !key.is_empty() && key.len() <= 255 => Ok(Some(key.to_string())),
        Some(_) => Err(invalid(
            Provider::Chargeapi,
            "Idempotency-Key",
            "The Idempotency-Key header must be 1 to 255 characters.",
        )),
    }
}

fn conflict() -> ApiError {
    ApiError::new(
        Provider::Chargeapi,
        ErrorKind::Conflict,
        "idempotency_key_in_use",
        "This idempotency key was already used with a different request.",
    )
}

fn check_events(events: &[String]) -> Result<(), ApiError> {
    if events.iter().any(|e| e.trim().is_empty()) {
        return Err(invalid(
            Provider::Chargeapi,
            "enabled_events",
            "Event types must be non-empty strings.",
        ));
    }
    Ok(())
}

/// Create a webhook endpoint.
#[utoipa::path(
    post,
    path = "/webhook_endpoints",
    operation_id = "createWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retried POST safe.")),
    request_body = CreateWebhookEndpointRequest,
    responses(
        (status = 200, description = "The newly created webhook endpoint", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 409, description = "Idempotency key reused", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn create_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Chargeapi>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Chargeapi, CreateWebhookEndpointRequest>,
) -> Result<Response, ApiError> {
    let provider = Provider::Chargeapi;
    let key = idempotency_key(&headers)?;
    let url = body.url.ok_or_else(|| missing(provider, "url"))?;
    check_url(provider, "url", &url, false)?;
    let events = body
        .enabled_events
        .ok_or_else(|| missing(provider, "enabled_events"))?;
    if events.is_empty() {
        return Err(invalid(
            provider,
            "enabled_events",
            "'enabled_events' must list at least one event type.",
        ));
    }
    check_events(&events)?;
    // An endpoint created under `Charge-Version` renders its events in that version.
    let pinned_version = body.api_version.or_else(|| {
        headers
            .get("charge-version")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let mut tenants = store.lock();
    let seq = tenants.next_seq();
    let data = tenants.of(&tenant.key);
    let fingerprint = json!(["POST", "/webhook_endpoints", raw]);
    let (status, response) = idempotent(&mut data.idempotency, key, fingerprint, conflict, || {
        let endpoint = WebhookEndpoint {
            id: ids::alnum("wh_", 32),
            object: "webhook_endpoint".into(),
            api_version: pinned_version,
            application: None,
            created: Created(ids::unix_now()),
            description: body.description,
            enabled_events: events,
            livemode: tenant.mode == Mode::Live,
            metadata: body.metadata.unwrap_or_default(),
            secret: SigningSecret(ids::alnum("whsec_", 32)),
            status: EndpointStatus::Enabled,
            url,
        };
        let response = serde_json::to_value(&endpoint).expect("serialisable");
        data.endpoints.insert(seq, endpoint.id.clone(), endpoint);
        Ok((200, response))
    })?;
    Ok(crate::json_response(status, response))
}

/// A page token: `page_`, a direction (`n`ext or `p`revious) and the position, 43 characters.
fn page_token(direction: char, seq: u64) -> String {
    format!("page_{direction}{seq:042x}")
}

fn parse_page_token(token: &str) -> Option<(char, u64)> {
    let rest = token.strip_prefix("page_")?;
    let direction = rest.chars().next().filter(|c| matches!(c, 'n' | 'p'))?;
    let digits = &rest[1..];
    (digits.len() == 42)
        .then(|| {
            u64::from_str_radix(digits.trim_start_matches('0'), 16)
                .ok()
                .or(Some(0))
        })
        .flatten()
        .map(|seq| (direction, seq))
}

/// List webhook endpoints.
#[utoipa::path(
    get,
    path = "/webhook_endpoints",
    operation_id = "listWebhookEndpoints",
    tag = "Webhook Endpoints",
    params(ListParams),
    responses(
        (status = 200, description = "A page of webhook endpoints", body = WebhookEndpointList),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn list_webhook_endpoints(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Chargeapi>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(params, ..): Query<Chargeapi, ListParams>,
) -> Result<Response, ApiError> {
    let provider = Provider::Chargeapi;
    let limit = crate::bounded(provider, "limit", params.limit, 10, 1, 100)?;
    let token = match params.page.as_deref() {
        None | Some("") => None,
        Some(t) => Some(
            parse_page_token(t)
                .ok_or_else(|| invalid(provider, "page", "The page token is not valid."))?,
        ),
    };
    let tenants = store.lock();
    let empty = Collection::default();
    let endpoints = tenants.get(&tenant.key).map_or(&empty, |d| &d.endpoints);
    let (page, newer_exist, older_exist) = match token {
        None => {
            let (page, more) = endpoints.newest_first(None, limit);
            (page, false, more)
        }
        Some(('n', seq)) => {
            let (page, more) = endpoints.newest_first(Some(seq), limit);
            (page, true, more)
        }
        Some((_, seq)) => {
            let (page, more) = endpoints.newer_than(seq, limit);
            (page, more, true)
        }
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let link = |direction: char, seq: u64| {
        format!(
            "http://{host}{}?limit={limit}&page={}",
            uri.path(),
            page_token(direction, seq)
        )
    };
    let list = WebhookEndpointList {
        next_page_url: match page.last() {
            Some((seq, _)) if older_exist => Some(link('n', *seq)),
            _ => None,
        },
        previous_page_url: match page.first() {
            Some((seq, _)) if newer_exist => Some(link('p', *seq)),
            _ => None,
        },
        data: page.into_iter().map(|(_, e)| e.clone()).collect(),
    };
    Ok(crate::respond(200, &list))
}

/// Retrieve a webhook endpoint.
#[utoipa::path(
    get,
    path = "/webhook_endpoints/{id}",
    operation_id = "retrieveWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(("id" = String, Path, description = "The endpoint identifier (`wh_…`).")),
    responses(
        (status = 200, description = "Webhook endpoint successfully retrieved", body = WebhookEndpoint),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "No such endpoint", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn retrieve_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Chargeapi>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tenants = store.lock();
    let endpoint = tenants
        .get(&tenant.key)
        .and_then(|d| d.endpoints.get(&id))
        .ok_or_else(|| not_found(&id))?;
    Ok(crate::respond(200, &endpoint))
}

/// Update a webhook endpoint.
#[utoipa::path(
    post,
    path = "/webhook_endpoints/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(
        ("id" = String, Path, description = "The endpoint identifier (`wh_…`)."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retried POST safe."),
    ),
    request_body = UpdateWebhookEndpointRequest,
    responses(
        (status = 200, description = "The updated webhook endpoint", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "No such endpoint", body = Error),
        (status = 409, description = "Idempotency key reused", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn update_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Chargeapi>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Chargeapi, UpdateWebhookEndpointRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    if let Some(events) = &body.enabled_events {
        check_events(events)?;
    }
    let mut tenants = store.lock();
    let data = tenants.of(&tenant.key);
    let fingerprint = json!(["POST", id, raw]);
    let (status, response) = idempotent(&mut data.idempotency, key, fingerprint, conflict, || {
        let endpoint = data.endpoints.get_mut(&id).ok_or_else(|| not_found(&id))?;
        if let Some(events) = body.enabled_events {
            endpoint.enabled_events = events;
        }
        if let Some(status) = body.status {
            endpoint.status = status;
        }
        if let Some(description) = body.description {
            endpoint.description = Some(description);
        }
        if let Some(metadata) = body.metadata {
            endpoint.metadata = metadata;
        }
        Ok((200, serde_json::to_value(&*endpoint).expect("serialisable")))
    })?;
    Ok(crate::json_response(status, response))
}

/// Charge's routes (paths relative to its base path `/v1`) and spec.
pub fn router(store: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(retrieve_webhook_endpoint, update_webhook_endpoint))
        .with_state(store)
}
