//! meum.io: `POST /v1/webhook-endpoints`, `PATCH /v1/webhook-endpoints/{id}`,
//! `GET /v1/webhook-endpoints/{id}/deliveries`, `GET /v1/webhook-deliveries/{id}`.
//!
//! Store-scoped `sk_live_…` keys; IDs `wh_` + 24 of `[0-9a-z]` (the
//! documented pattern); a 64-hex secret with its 8-character prefix, shown
//! only at creation; errors `{"error": {code, message}}` (our inference).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
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
use crate::store::Collection;
use crate::{Provider, ids};

/// Events an endpoint gets when it names none (meum's defaults).
pub const DEFAULT_EVENTS: &[&str] = &[
    "invoice.created",
    "invoice.paid",
    "invoice.underpaid",
    "invoice.failed",
    "invoice.expired",
    "invoice.cancelled",
    "webhook.test",
];

/// Marker for meum.io's authentication and error shape.
pub struct Meum;

impl ProviderApi for Meum {
    const PROVIDER: Provider = Provider::Meum;

    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError> {
        match bearer_token(headers) {
            Some(key) if key.len() > 8 && key.starts_with("sk_live_") => Ok(Tenant {
                key: key.to_string(),
                mode: Mode::Live,
            }),
            _ => Err(ApiError::new(
                Provider::Meum,
                ErrorKind::Unauthorized,
                "UNAUTHORIZED",
                "Missing or invalid API key.",
            )),
        }
    }
}

/// meum.io's error body (inferred): `{"error": {code, message}}`.
pub fn error_body(error: &ApiError, _status: StatusCode) -> Value {
    json!({"error": {"code": error.code, "message": error.message}})
}

/// A public object ID (`wh_…`, `whd_…`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(pattern = r"^(inv_|txn_|plink_|wh_|whd_|evt_|int_)[0-9a-z]{20,32}$")]
pub struct PublicId(pub String);

/// Signing secret (64 hex characters), shown once.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SigningSecret(pub String);

/// Deliver or pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum EndpointStatus {
    /// Deliver events.
    Active,
    /// Pause deliveries.
    Disabled,
}

/// A new webhook endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpointRequest {
    /// HTTPS URL that accepts POSTs.
    #[schema(format = "uri", required = true, nullable = false)]
    pub url: Option<String>,
    /// Dashboard label.
    #[schema(min_length = 1, default = "Default", nullable = false)]
    pub name: Option<String>,
    /// Events to send.
    #[schema(nullable = false)]
    pub events: Option<Vec<String>>,
}

/// The response right after creating an endpoint.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhookEndpoint {
    /// Endpoint ID.
    pub id: PublicId,
    /// Display name.
    #[schema(required = false)]
    pub name: String,
    /// Destination URL.
    #[schema(format = "uri")]
    pub url: String,
    /// The signing secret.
    pub secret: SigningSecret,
    /// The secret's first characters.
    #[schema(required = false)]
    pub secret_prefix: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Reminder to save the secret.
    #[schema(required = false)]
    pub message: String,
}

/// Partial update.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpointRequest {
    /// New name.
    #[schema(min_length = 1, nullable = false)]
    pub name: Option<String>,
    /// New URL.
    #[schema(format = "uri", nullable = false)]
    pub url: Option<String>,
    /// New events.
    #[schema(nullable = false)]
    pub events: Option<Vec<String>>,
    /// Deliver or pause.
    #[schema(nullable = false)]
    pub status: Option<EndpointStatus>,
}

/// A registered endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookEndpoint {
    /// Endpoint ID.
    pub id: PublicId,
    /// Display name.
    #[schema(required = false)]
    pub name: String,
    /// Destination URL.
    #[schema(format = "uri")]
    pub url: String,
    /// The secret's first characters.
    #[schema(required = false)]
    pub secret_prefix: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Owned by an integration.
    #[schema(required = false)]
    pub managed: bool,
    /// Last delivery time.
    #[schema(format = DateTime, required = false)]
    pub last_delivery_at: Option<String>,
    /// Last delivery outcome.
    #[schema(required = false)]
    pub last_delivery_status: Option<String>,
    /// Consecutive failures.
    #[schema(required = false)]
    pub failure_count: i64,
    /// Creation time.
    #[schema(format = DateTime, required = false)]
    pub created_at: String,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDelivery {
    /// Attempt ID.
    pub id: String,
    /// Event ID.
    pub event_id: String,
    /// 1, then counting retries.
    pub attempt_number: i64,
    /// The endpoint's HTTP status; null without a response.
    #[schema(required = false)]
    pub status_code: Option<i64>,
    /// When it was attempted.
    #[schema(format = DateTime)]
    pub attempted_at: String,
}

/// A page of delivery attempts.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDeliveryList {
    /// The attempts.
    pub data: Vec<WebhookDelivery>,
}

/// One delivery attempt with its endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookDeliveryDetail {
    /// The attempt.
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// The endpoint it went to.
    #[schema(required = false)]
    pub webhook_endpoint_id: PublicId,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponseError {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// Every error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the deliveries list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveriesParams {
    /// How many attempts to return.
    #[param(minimum = 1, maximum = 100, default = 20, nullable = false)]
    pub limit: Option<i64>,
    /// The last item's `id` from the previous page.
    #[param(value_type = Option<PublicId>, nullable = false)]
    pub starting_after: Option<String>,
}

/// A stored endpoint: the public view plus what is never shown again.
#[derive(Debug, Clone)]
pub struct StoredEndpoint {
    /// What the API shows.
    pub view: WebhookEndpoint,
    /// The signing secret (for deliveries).
    pub secret: String,
    /// Whether deliveries are paused.
    pub status: EndpointStatus,
}

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<StoredEndpoint>,
    deliveries: Collection<WebhookDeliveryDetail>,
}

/// The provider's state: every tenant's data.
pub type Store = crate::store::Shared<TenantData>;

type AppState = Arc<Store>;

fn not_found(what: &str) -> ApiError {
    ApiError::new(
        Provider::Meum,
        ErrorKind::NotFound,
        "NOT_FOUND",
        format!("{what} not found."),
    )
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.is_empty() {
        return Err(invalid(Provider::Meum, "name", "'name' must not be empty."));
    }
    Ok(())
}

/// Create webhook endpoint.
#[utoipa::path(
    post,
    path = "/v1/webhook-endpoints",
    operation_id = "createWebhookEndpoint",
    tag = "Webhooks",
    request_body = CreateWebhookEndpointRequest,
    responses(
        (status = 200, description = "The same resource, as a replayed create may answer", body = CreatedWebhookEndpoint),
        (status = 201, description = "Webhook endpoint created", body = CreatedWebhookEndpoint),
        (status = 400, description = "Invalid request", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 403, description = "Insufficient scope", body = ErrorResponse),
    ),
    security(("bearerAuth" = []))
)]
async fn create_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Meum>,
    JsonBody(body, ..): JsonBody<Meum, CreateWebhookEndpointRequest>,
) -> Result<Response, ApiError> {
    let url = body.url.ok_or_else(|| missing(Provider::Meum, "url"))?;
    check_url(Provider::Meum, "url", &url, false)?;
    let name = body.name.unwrap_or_else(|| "Default".to_string());
    check_name(&name)?;
    let events = body
        .events
        .unwrap_or_else(|| DEFAULT_EVENTS.iter().map(|e| e.to_string()).collect());
    let secret = ids::hex("", 64);
    let view = WebhookEndpoint {
        id: PublicId(ids::lower_alnum("wh_", 24)),
        name,
        url,
        secret_prefix: secret[..8].to_string(),
        events,
        managed: false,
        last_delivery_at: None,
        last_delivery_status: None,
        failure_count: 0,
        created_at: ids::now_rfc3339(),
    };
    let created = CreatedWebhookEndpoint {
        id: view.id.clone(),
        name: view.name.clone(),
        url: view.url.clone(),
        secret: SigningSecret(secret.clone()),
        secret_prefix: view.secret_prefix.clone(),
        events: view.events.clone(),
        message: "Save this secret now. It will not be shown again.".into(),
    };
    let mut tenants = store.lock();
    let seq = tenants.next_seq();
    let stored = StoredEndpoint {
        view,
        secret,
        status: EndpointStatus::Active,
    };
    tenants
        .of(&tenant.key)
        .endpoints
        .insert(seq, created.id.0.clone(), stored);
    Ok(crate::respond(201, &created))
}

/// Update webhook endpoint.
#[utoipa::path(
    patch,
    path = "/v1/webhook-endpoints/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhooks",
    params(("id" = PublicId, Path, description = "Webhook endpoint public ID (`wh_…`).")),
    request_body = UpdateWebhookEndpointRequest,
    responses(
        (status = 200, description = "Webhook endpoint updated", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 403, description = "Managed endpoint or insufficient scope", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
    ),
    security(("bearerAuth" = []))
)]
async fn update_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
    JsonBody(body, ..): JsonBody<Meum, UpdateWebhookEndpointRequest>,
) -> Result<Response, ApiError> {
    if let Some(name) = &body.name {
        check_name(name)?;
    }
    if let Some(url) = &body.url {
        check_url(Provider::Meum, "url", url, false)?;
    }
    let mut tenants = store.lock();
    let stored = tenants
        .of(&tenant.key)
        .endpoints
        .get_mut(&id)
        .ok_or_else(|| not_found("Webhook endpoint"))?;
    if stored.view.managed {
        return Err(ApiError::new(
            Provider::Meum,
            ErrorKind::Forbidden,
            "MANAGED_WEBHOOK",
            "Managed (integration-owned) webhooks cannot be modified via this API.",
        ));
    }
    if let Some(name) = body.name {
        stored.view.name = name;
    }
    if let Some(url) = body.url {
        stored.view.url = url;
    }
    if let Some(events) = body.events {
        stored.view.events = events;
    }
    if let Some(status) = body.status {
        stored.status = status;
    }
    Ok(crate::respond(200, &stored.view))
}

/// List webhook deliveries.
#[utoipa::path(
    get,
    path = "/v1/webhook-endpoints/{id}/deliveries",
    operation_id = "listWebhookDeliveries",
    tag = "Webhooks",
    params(("id" = PublicId, Path, description = "Webhook endpoint public ID (`wh_…`)."), DeliveriesParams),
    responses(
        (status = 200, description = "Recent delivery attempts for the endpoint", body = WebhookDeliveryList),
        (status = 400, description = "Invalid request", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
    ),
    security(("bearerAuth" = []))
)]
async fn list_webhook_deliveries(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
    Query(params, ..): Query<Meum, DeliveriesParams>,
) -> Result<Response, ApiError> {
    let limit = crate::bounded(Provider::Meum, "limit", params.limit, 20, 1, 100)?;
    let tenants = store.lock();
    let data = tenants
        .get(&tenant.key)
        .ok_or_else(|| not_found("Webhook endpoint"))?;
    data.endpoints
        .get(&id)
        .ok_or_else(|| not_found("Webhook endpoint"))?;
    let before = match params.starting_after.as_deref() {
        None => None,
        Some(after) => Some(data.deliveries.seq_of(after).ok_or_else(|| {
            invalid(
                Provider::Meum,
                "starting_after",
                "'starting_after' is not a delivery of this endpoint.",
            )
        })?),
    };
    // Newest first, skipping other endpoints' attempts until the page is full.
    let mut page = Vec::new();
    let mut cursor = before;
    while page.len() < limit {
        let (batch, more) = data.deliveries.newest_first(cursor, limit);
        cursor = batch.last().map(|(s, _)| *s);
        page.extend(
            batch
                .into_iter()
                .filter(|(_, d)| d.webhook_endpoint_id.0 == id)
                .map(|(_, d)| d.delivery.clone()),
        );
        if !more {
            break;
        }
    }
    page.truncate(limit);
    let list = WebhookDeliveryList { data: page };
    Ok(crate::respond(200, &list))
}

/// Get webhook delivery.
#[utoipa::path(
    get,
    path = "/v1/webhook-deliveries/{id}",
    operation_id = "getWebhookDelivery",
    tag = "Webhooks",
    params(("id" = String, Path, description = "Delivery attempt ID (`whd_…` or a UUID).")),
    responses(
        (status = 200, description = "The delivery attempt", body = WebhookDeliveryDetail),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such delivery", body = ErrorResponse),
    ),
    security(("bearerAuth" = []))
)]
async fn get_webhook_delivery(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tenants = store.lock();
    let delivery = tenants
        .get(&tenant.key)
        .and_then(|d| d.deliveries.get(&id))
        .ok_or_else(|| not_found("Webhook delivery"))?;
    Ok(crate::respond(200, &delivery))
}

/// Event types meum.io documents (its defaults, and `invoice.refunded`).
pub fn is_documented_event(event_type: &str) -> bool {
    DEFAULT_EVENTS.contains(&event_type) || event_type == "invoice.refunded"
}

/// meum.io documents no retry schedule: three attempts like billing.io's (our inference).
const RETRY_SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(300),
    Duration::from_secs(1500),
];

/// Delivers a `event_type` event to every active endpoint of the tenant
/// subscribed to it, signed as meum.io documents; each attempt is recorded
/// for the deliveries operations.
pub fn trigger(
    store: &Arc<Store>,
    deliverer: &Arc<crate::deliveries::Deliverer>,
    tenant: &Tenant,
    event_type: &str,
    data: Option<Value>,
) -> Result<Value, ApiError> {
    if !is_documented_event(event_type) {
        return Err(invalid(
            Provider::Meum,
            "type",
            format!("Unknown event type '{event_type}'."),
        ));
    }
    let event = json!({
        "id": ids::lower_alnum("evt_", 24),
        "type": event_type,
        "created_at": ids::now_rfc3339(),
        "data": data.unwrap_or_else(|| json!({})),
    });
    let event_id = event["id"].as_str().unwrap_or_default().to_string();
    let body = serde_json::to_vec(&event).expect("serialisable");
    let targets: Vec<(String, String, String)> = {
        let tenants = store.lock();
        tenants.get(&tenant.key).map_or_else(Vec::new, |data| {
            data.endpoints
                .values()
                .filter(|e| {
                    e.status == EndpointStatus::Active
                        && e.view.events.iter().any(|t| t == event_type)
                })
                .map(|e| (e.view.id.0.clone(), e.view.url.clone(), e.secret.clone()))
                .collect()
        })
    };
    let mut deliveries = Vec::new();
    for (endpoint_id, url, secret) in targets {
        deliveries.push(json!({"endpoint_id": endpoint_id, "url": url}));
        let (signed, event_type_header, event_id_header) =
            (body.clone(), event_type.to_string(), event_id.clone());
        let (record_store, tenant_key, endpoint) =
            (store.clone(), tenant.key.clone(), endpoint_id.clone());
        deliverer.spawn(crate::deliveries::Delivery {
            provider: Provider::Meum.name(),
            endpoint_id,
            url,
            event_id: event_id.clone(),
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
                    ("x-stablecoin-event", event_type_header.clone()),
                    ("x-stablecoin-event-id", event_id_header.clone()),
                    ("x-stablecoin-timestamp", t),
                    ("x-stablecoin-signature", format!("v1={signature}")),
                ]
            }),
            schedule: RETRY_SCHEDULE,
            on_attempt: Box::new(move |attempt| {
                record_attempt(&record_store, &tenant_key, &endpoint, attempt)
            }),
            on_done: Box::new(|_| {}),
        });
    }
    Ok(json!({"event": event, "deliveries": deliveries}))
}

/// Keeps an attempt for the deliveries operations and updates the endpoint's
/// last-delivery fields.
fn record_attempt(
    store: &Store,
    tenant: &str,
    endpoint_id: &str,
    attempt: &crate::deliveries::Attempt,
) {
    let mut tenants = store.lock();
    let seq = tenants.next_seq();
    let data = tenants.of(tenant);
    let detail = WebhookDeliveryDetail {
        delivery: WebhookDelivery {
            id: attempt.id.clone(),
            event_id: attempt.event_id.clone(),
            attempt_number: i64::from(attempt.attempt),
            status_code: attempt.status_code.map(i64::from),
            attempted_at: attempt.at.clone(),
        },
        webhook_endpoint_id: PublicId(endpoint_id.to_string()),
    };
    data.deliveries.insert(seq, attempt.id.clone(), detail);
    if let Some(endpoint) = data.endpoints.get_mut(endpoint_id) {
        endpoint.view.last_delivery_at = Some(attempt.at.clone());
        endpoint.view.last_delivery_status = Some(
            if attempt.succeeded() {
                "SUCCEEDED"
            } else {
                "FAILED"
            }
            .into(),
        );
        endpoint.view.failure_count = if attempt.succeeded() {
            0
        } else {
            endpoint.view.failure_count + 1
        };
    }
}

/// meum.io's routes (its base path is the root) and spec.
pub fn router(store: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_webhook_endpoint))
        .routes(routes!(update_webhook_endpoint))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(get_webhook_delivery))
        .with_state(store)
}
