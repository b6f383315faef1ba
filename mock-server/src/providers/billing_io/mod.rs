//! billing.io: `POST/GET /webhooks`, `GET/DELETE /webhooks/{webhook_id}` under `/v1`.
//!
//! Keys `sk_test_…` (sandbox: `http://` URLs allowed) and `sk_live_…`
//! (HTTPS only); IDs `we_` + 24 hex, secrets `whsec_` + 24 hex, returned only
//! at creation; cursor pagination; `Idempotency-Key` (a UUID) on create.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
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

/// Marker for billing.io's authentication and error shape.
pub struct BillingIo;

impl ProviderApi for BillingIo {
    const PROVIDER: Provider = Provider::BillingIo;

    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError> {
        let key = bearer_token(headers).unwrap_or_default();
        let mode = if key.len() > 8 && key.starts_with("sk_test_") {
            Mode::Test
        } else if key.len() > 8 && key.starts_with("sk_live_") {
            Mode::Live
        } else {
            return Err(ApiError::new(
                Provider::BillingIo,
                ErrorKind::Unauthorized,
                "api_key_invalid",
                "The API key provided is invalid.",
            ));
        };
        Ok(Tenant {
            key: key.to_string(),
            mode,
        })
    }
}

/// billing.io's error envelope: `{"error": {type, code, message, param}}`.
pub fn error_body(error: &ApiError, status: StatusCode) -> Value {
    let kind = match status.as_u16() {
        401 => "authentication_error",
        404 => "not_found",
        409 => "idempotency_conflict",
        429 => "rate_limited",
        500..=599 => "internal_error",
        _ => "invalid_request",
    };
    json!({"error": {"type": kind, "code": error.code, "message": error.message, "param": error.param}})
}

/// A subscribable event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum EventType {
    /// A checkout was created.
    #[serde(rename = "checkout.created")]
    CheckoutCreated,
    /// A payment was seen on chain.
    #[serde(rename = "checkout.payment_detected")]
    CheckoutPaymentDetected,
    /// The payment is gathering confirmations.
    #[serde(rename = "checkout.confirming")]
    CheckoutConfirming,
    /// The payment is confirmed.
    #[serde(rename = "checkout.completed")]
    CheckoutCompleted,
    /// The checkout expired unpaid.
    #[serde(rename = "checkout.expired")]
    CheckoutExpired,
    /// The checkout failed.
    #[serde(rename = "checkout.failed")]
    CheckoutFailed,
}

/// Whether deliveries are made to an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebhookStatus {
    /// Deliveries are made.
    Active,
    /// Deliveries are paused.
    Disabled,
}

/// HMAC signing secret (`whsec_…`), returned only at creation.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SigningSecret(pub String);

/// A new webhook endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// HTTPS URL that receives the events (sandbox keys may use HTTP).
    #[schema(format = "uri", required = true, nullable = false)]
    pub url: Option<String>,
    /// The event types to subscribe to.
    #[schema(min_items = 1, required = true, nullable = false)]
    pub events: Option<Vec<EventType>>,
    /// A label for people.
    #[schema(max_length = 256, nullable = false)]
    pub description: Option<String>,
}

/// A registered webhook endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    /// Unique identifier (`we_…`).
    pub webhook_id: String,
    /// Where events are delivered.
    #[schema(format = "uri")]
    pub url: String,
    /// The subscribed event types.
    pub events: Vec<EventType>,
    /// The signing secret, only in the create response.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub secret: Option<SigningSecret>,
    /// A label for people.
    #[schema(required = false)]
    pub description: Option<String>,
    /// Whether deliveries are made.
    pub status: WebhookStatus,
    /// When the endpoint was created.
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// One page of webhook endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookEndpointList {
    /// The endpoints on this page.
    pub data: Vec<WebhookEndpoint>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor for the next page; null on the last page.
    #[schema(required = false)]
    pub next_cursor: Option<String>,
}

/// The broad class of an error.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// 400.
    InvalidRequest,
    /// 401.
    AuthenticationError,
    /// 404.
    NotFound,
    /// 409.
    IdempotencyConflict,
    /// 429.
    RateLimited,
    /// 500.
    InternalError,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponseError {
    /// The broad class.
    #[serde(rename = "type")]
    pub type_: ErrorType,
    /// A machine-readable code.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// The parameter at fault.
    #[schema(required = false)]
    pub param: Option<String>,
}

/// The error envelope of every failed request.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the list operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    #[param(nullable = false)]
    pub cursor: Option<String>,
    /// How many endpoints to return.
    #[param(minimum = 1, maximum = 100, default = 25, nullable = false)]
    pub limit: Option<i64>,
}

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<WebhookEndpoint>,
    /// Signing secrets by endpoint ID: shown once, kept for deliveries.
    secrets: HashMap<String, String>,
    idempotency: IdempotencyKeys,
}

/// The provider's state: every tenant's data.
pub type Store = crate::store::Shared<TenantData>;

type AppState = Arc<Store>;

fn not_found(id: &str) -> ApiError {
    ApiError::new(
        Provider::BillingIo,
        ErrorKind::NotFound,
        "webhook_not_found",
        format!("No webhook endpoint found with ID {id}."),
    )
    .param("webhook_id")
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if !crate::is_uuid(key) {
        return Err(invalid(
            Provider::BillingIo,
            "Idempotency-Key",
            "The Idempotency-Key header must be a UUID.",
        ));
    }
    Ok(Some(key.to_string()))
}

/// Create a webhook endpoint.
#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "createWebhookEndpoint",
    tag = "Webhooks",
    params(("Idempotency-Key" = Option<String>, Header, format = "uuid", description = "Makes a retried create safe.")),
    request_body = CreateWebhookRequest,
    responses(
        (status = 200, description = "The same resource, as a replayed create may answer", body = WebhookEndpoint),
        (status = 201, description = "Webhook endpoint created", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 409, description = "Idempotency key reused", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
)]
async fn create_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<BillingIo>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<BillingIo, CreateWebhookRequest>,
) -> Result<Response, ApiError> {
    let provider = Provider::BillingIo;
    let key = idempotency_key(&headers)?;
    let url = body.url.ok_or_else(|| missing(provider, "url"))?;
    check_url(provider, "url", &url, tenant.mode == Mode::Test)?;
    let events = body.events.ok_or_else(|| missing(provider, "events"))?;
    if events.is_empty() {
        return Err(invalid(
            provider,
            "events",
            "'events' must list at least one event type.",
        ));
    }
    if body
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 256)
    {
        return Err(invalid(
            provider,
            "description",
            "'description' must be at most 256 characters.",
        ));
    }
    let mut tenants = store.lock();
    let seq = tenants.next_seq();
    let data = tenants.of(&tenant.key);
    let fingerprint = json!(["POST", "/webhooks", raw]);
    let conflict = || {
        ApiError::new(
            provider,
            ErrorKind::Conflict,
            "idempotency_key_reused",
            "This idempotency key was already used with different parameters.",
        )
    };
    let (status, response) = idempotent(&mut data.idempotency, key, fingerprint, conflict, || {
        let endpoint = WebhookEndpoint {
            webhook_id: ids::hex("we_", 24),
            url,
            events,
            secret: Some(SigningSecret(ids::hex("whsec_", 24))),
            description: body.description,
            status: WebhookStatus::Active,
            created_at: ids::now_rfc3339(),
        };
        let response = serde_json::to_value(&endpoint).expect("serialisable");
        // The secret is returned once and never again.
        let secret = endpoint
            .secret
            .as_ref()
            .map(|s| s.0.clone())
            .unwrap_or_default();
        data.secrets.insert(endpoint.webhook_id.clone(), secret);
        let stored = WebhookEndpoint {
            secret: None,
            ..endpoint
        };
        data.endpoints
            .insert(seq, stored.webhook_id.clone(), stored);
        Ok((201, response))
    })?;
    Ok(crate::json_response(status, response))
}

/// List webhook endpoints.
#[utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "listWebhookEndpoints",
    tag = "Webhooks",
    params(ListParams),
    responses(
        (status = 200, description = "A page of webhook endpoints", body = WebhookEndpointList),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
)]
async fn list_webhook_endpoints(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<BillingIo>,
    Query(params, ..): Query<BillingIo, ListParams>,
) -> Result<Response, ApiError> {
    let provider = Provider::BillingIo;
    let limit = crate::bounded(provider, "limit", params.limit, 25, 1, 100)?;
    let before = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(
            crate::decode_cursor(cursor)
                .ok_or_else(|| invalid(provider, "cursor", "The cursor is not valid."))?,
        ),
    };
    let tenants = store.lock();
    let (page, has_more) = match tenants.get(&tenant.key) {
        Some(data) => data.endpoints.newest_first(before, limit),
        None => (Vec::new(), false),
    };
    let next_cursor = has_more.then(|| crate::encode_cursor(page.last().map_or(0, |(s, _)| *s)));
    let list = WebhookEndpointList {
        data: page.into_iter().map(|(_, e)| e.clone()).collect(),
        has_more,
        next_cursor,
    };
    Ok(crate::respond(200, &list))
}

/// Get a webhook endpoint.
#[utoipa::path(
    get,
    path = "/webhooks/{webhook_id}",
    operation_id = "getWebhookEndpoint",
    tag = "Webhooks",
    params(("webhook_id" = String, Path, description = "The endpoint identifier (`we_…`).")),
    responses(
        (status = 200, description = "Webhook endpoint details", body = WebhookEndpoint),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
)]
async fn get_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<BillingIo>,
    Path(webhook_id): Path<String>,
) -> Result<Response, ApiError> {
    let tenants = store.lock();
    let endpoint = tenants
        .get(&tenant.key)
        .and_then(|d| d.endpoints.get(&webhook_id))
        .ok_or_else(|| not_found(&webhook_id))?;
    Ok(crate::respond(200, &endpoint))
}

/// Delete a webhook endpoint.
#[utoipa::path(
    delete,
    path = "/webhooks/{webhook_id}",
    operation_id = "deleteWebhookEndpoint",
    tag = "Webhooks",
    params(("webhook_id" = String, Path, description = "The endpoint identifier (`we_…`).")),
    responses(
        (status = 204, description = "Webhook endpoint deleted"),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
)]
async fn delete_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<BillingIo>,
    Path(webhook_id): Path<String>,
) -> Result<Response, ApiError> {
    let mut tenants = store.lock();
    let data = tenants.of(&tenant.key);
    data.endpoints
        .remove(&webhook_id)
        .ok_or_else(|| not_found(&webhook_id))?;
    data.secrets.remove(&webhook_id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Event types billing.io documents (its webhooks guide lists more than the
/// API's subscribable enum).
pub const EVENT_TYPES: &[&str] = &[
    "checkout.created",
    "checkout.payment_detected",
    "checkout.confirming",
    "checkout.completed",
    "checkout.expired",
    "checkout.failed",
    "subscription.renewed",
    "subscription.past_due",
    "subscription.paused",
    "subscription.canceled",
    "payout.settled",
    "payout.failed",
];

/// Three attempts: at once, 5 minutes later, 30 minutes after the first.
const RETRY_SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(300),
    Duration::from_secs(1500),
];

/// Delivers a `event_type` event to every active endpoint of the tenant
/// subscribed to it, signed as billing.io documents; returns the event and
/// the endpoints it goes to.
pub fn trigger(
    store: &Store,
    deliverer: &Arc<crate::deliveries::Deliverer>,
    tenant: &Tenant,
    event_type: &str,
    data: Option<Value>,
) -> Result<Value, ApiError> {
    if !EVENT_TYPES.contains(&event_type) {
        return Err(invalid(
            Provider::BillingIo,
            "type",
            format!("Unknown event type '{event_type}'."),
        ));
    }
    let checkout_id = data
        .as_ref()
        .and_then(|d| d["checkout_id"].as_str().map(str::to_string))
        .unwrap_or_else(|| ids::hex("co_", 12));
    let event = json!({
        "event_id": ids::hex("evt_", 16),
        "type": event_type,
        "checkout_id": checkout_id,
        "data": data.unwrap_or_else(|| json!({"checkout_id": checkout_id})),
        "created_at": ids::now_rfc3339(),
    });
    let body = serde_json::to_vec(&event).expect("serialisable");
    let targets: Vec<(String, String, String)> = {
        let tenants = store.lock();
        tenants.get(&tenant.key).map_or_else(Vec::new, |data| {
            data.endpoints
                .values()
                .filter(|e| e.status == WebhookStatus::Active)
                .filter(|e| {
                    e.events
                        .iter()
                        .any(|t| serde_json::to_value(t).ok() == Some(json!(event_type)))
                })
                .map(|e| {
                    (
                        e.webhook_id.clone(),
                        e.url.clone(),
                        data.secrets[&e.webhook_id].clone(),
                    )
                })
                .collect()
        })
    };
    let mut deliveries = Vec::new();
    for (endpoint_id, url, secret) in targets {
        let signed = body.clone();
        deliveries.push(json!({"endpoint_id": endpoint_id, "url": url}));
        deliverer.spawn(crate::deliveries::Delivery {
            provider: Provider::BillingIo.name(),
            endpoint_id,
            url,
            event_id: event["event_id"].as_str().unwrap_or_default().to_string(),
            event_type: event_type.to_string(),
            body: body.clone(),
            headers: Box::new(move |now| {
                let t = now.to_string();
                let signature = crate::signing::hmac_sha256_hex(
                    secret.as_bytes(),
                    &[t.as_bytes(), b".", &signed].concat(),
                );
                vec![
                    ("content-type", "application/json".into()),
                    ("x-billing-signature", format!("t={t},v1={signature}")),
                ]
            }),
            schedule: RETRY_SCHEDULE,
            on_attempt: Box::new(|_| {}),
            on_done: Box::new(|_| {}),
        });
    }
    Ok(json!({"event": event, "deliveries": deliveries}))
}

/// billing.io's routes (paths relative to its base path `/v1`) and spec.
pub fn router(store: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(get_webhook_endpoint, delete_webhook_endpoint))
        .with_state(store)
}
