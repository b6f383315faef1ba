//! Commet: `POST/GET /webhooks`, `GET/PUT/DELETE /webhooks/{id}`,
//! `POST /webhooks/{id}/test` under `/api/v1`.
//!
//! `x-api-key: ck_sandbox_…` (sandbox: `http://` URLs allowed, as the docs'
//! own example registers one) or `ck_live_…` (our inference); bodies in the
//! docs' envelope `{"success": …, "data"/"error": …}`; secrets `whsec_…`
//! only at creation; cursor pagination; `Idempotency-Key` on writes. The test
//! operation really POSTs a signed `webhook.test` event to the endpoint.

use std::borrow::Cow;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Value, json};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    ApiError, Auth, ErrorKind, JsonBody, Mode, ProviderApi, Query, Tenant, check_url, invalid,
    missing,
};
use crate::deliveries::{Deliverer, Delivery};
use crate::store::{Collection, IdempotencyKeys, Tenants, idempotent};
use crate::{Provider, ids, signing};

/// The subscribable event types (API 2026-07-31).
pub const EVENT_TYPES: &[&str] = &[
    "subscription.created",
    "subscription.activated",
    "subscription.reactivated",
    "subscription.canceled",
    "subscription.updated",
    "subscription.plan_changed",
    "subscription.cancellation_scheduled",
    "subscription.cancellation_revoked",
    "subscription.plan_change_scheduled",
    "subscription.plan_change_revoked",
    "subscription.past_due",
    "trial.started",
    "trial.converted",
    "trial.expired",
    "trial.will_end",
    "trial.checkout_ready",
    "checkout.ready",
    "payment.received",
    "payment.failed",
    "payment.recovered",
    "payment.retry_failed",
    "payment.refunded",
    "payment.disputed",
    "payment.dispute_resolved",
    "payment_link.created",
    "payment_link.completed",
    "payment_link.failed",
    "payment_link.canceled",
    "invoice.created",
    "invoice.voided",
    "invoice.overdue",
    "invoice.upcoming",
    "payment_method.attached",
    "payment_method.updated",
    "customer.created",
    "customer.updated",
    "customer.state_changed",
    "plan_grant.created",
    "plan_grant.updated",
    "plan_grant.expired",
    "plan_grant.revoked",
    "credits.granted",
    "credits.purchased",
    "credits.low",
    "credits.depleted",
    "credits.expired",
    "balance.topped_up",
    "balance.low",
    "balance.depleted",
    "quota.threshold_reached",
    "quota.exceeded",
    "seats.updated",
    "seats.limit_reached",
    "addon.activated",
    "addon.deactivated",
    "usage.recorded",
    "payout.available",
    "payout.created",
    "payout.paid",
    "payout.failed",
];

/// Marker for Commet's authentication and error shape.
pub struct Commet;

impl ProviderApi for Commet {
    const PROVIDER: Provider = Provider::Commet;

    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError> {
        let key = headers
            .get("x-api-key")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let mode = match key {
            k if k.len() > 11 && k.starts_with("ck_sandbox_") => Mode::Test,
            k if k.len() > 8 && k.starts_with("ck_live_") => Mode::Live,
            _ => {
                return Err(ApiError::new(
                    Provider::Commet,
                    ErrorKind::Unauthorized,
                    "unauthorized",
                    "Missing or invalid x-api-key header.",
                ));
            }
        };
        Ok(Tenant {
            key: key.to_string(),
            mode,
        })
    }
}

/// Commet's error envelope.
pub fn error_body(error: &ApiError, status: StatusCode) -> Value {
    let kind = match status.as_u16() {
        401 | 403 => "authentication_error",
        404 | 405 => "not_found_error",
        409 => "conflict_error",
        429 => "rate_limit_error",
        500..=599 => "internal_error",
        _ => "validation_error",
    };
    // Field-level problems are `validation_error`s with `details: [{field, message}]`.
    let (code, details) = match (&error.param, error.code.as_str()) {
        (
            Some(field),
            "invalid_parameter" | "missing_required_field" | "unknown_field" | "invalid_type",
        ) => (
            "validation_error",
            json!([{"field": field, "message": error.message}]),
        ),
        (_, code) => (code, Value::Null),
    };
    let mut body = json!({
        "type": kind,
        "code": code,
        "message": error.message,
        "details": details,
        "doc_url": format!("https://commet.co/docs/api-reference/errors/{code}"),
    });
    if let Some(param) = &error.param {
        body["param"] = json!(param);
    }
    json!({"success": false, "error": body})
}

/// A subscribable event type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventType(pub String);

impl PartialSchema for EventType {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A subscribable event type."))
            .enum_values(Some(EVENT_TYPES.iter().copied()))
            .into()
    }
}

impl ToSchema for EventType {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}

/// The endpoint's signing secret.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SigningSecret(pub String);

/// A new webhook endpoint.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhookRequest {
    /// Destination URL (HTTPS).
    #[schema(format = "uri", required = true, nullable = false)]
    pub url: Option<String>,
    /// Events to subscribe to.
    #[schema(min_items = 1, required = true, nullable = false)]
    pub events: Option<Vec<EventType>>,
    /// A note.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// API version pin.
    #[schema(nullable = false)]
    pub api_version: Option<String>,
}

/// Absent stays `None`; `null` becomes `Some(None)`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The fields to change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateWebhookRequest {
    /// New URL.
    #[schema(format = "uri", nullable = false)]
    pub url: Option<String>,
    /// New events.
    #[schema(nullable = false)]
    pub events: Option<Vec<EventType>>,
    /// New note; null clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, required = false)]
    pub description: Option<Option<String>>,
    /// Deliver or not.
    #[schema(nullable = false)]
    pub is_active: Option<bool>,
    /// New version pin.
    #[schema(nullable = false)]
    pub api_version: Option<String>,
}

/// A webhook endpoint.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Identifier.
    pub id: String,
    /// Destination URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// A note.
    #[schema(required = true)]
    pub description: Option<String>,
    /// Whether events are delivered.
    pub is_active: bool,
    /// Version pin.
    #[schema(required = true)]
    pub api_version: Option<String>,
    /// Creation time.
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Always `webhook`.
    #[schema(required = false)]
    pub object: String,
    /// Live or sandbox.
    #[schema(required = false)]
    pub livemode: bool,
}

/// A webhook endpoint with its signing secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedWebhook {
    /// The endpoint.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret.
    #[serde(rename = "secretKey")]
    pub secret_key: SigningSecret,
}

/// Acknowledges a deletion.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedObject {
    /// The deleted endpoint.
    pub id: String,
    /// Always true.
    pub deleted: bool,
    /// The deleted object's type.
    #[schema(required = false)]
    pub object: String,
    /// Live or sandbox.
    #[schema(required = false)]
    pub livemode: bool,
}

/// The outcome of a test delivery.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookTest {
    /// Whether the endpoint answered 2xx.
    pub success: bool,
    /// The delivery's ID.
    pub delivery_id: String,
    /// When it was sent.
    #[schema(format = DateTime)]
    pub delivered_at: String,
    /// Always `webhook_delivery`.
    #[schema(required = false)]
    pub object: String,
    /// Live or sandbox.
    #[schema(required = false)]
    pub livemode: bool,
}

macro_rules! envelope {
    ($name:ident, $data:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            /// Always true.
            pub success: bool,
            /// The payload.
            pub data: $data,
        }
    };
}

envelope!(
    CreatedWebhookResponse,
    CreatedWebhook,
    "Success envelope around a created endpoint."
);
envelope!(
    WebhookResponse,
    Webhook,
    "Success envelope around an endpoint."
);
envelope!(
    DeletedObjectResponse,
    DeletedObject,
    "Success envelope around a deletion stub."
);
envelope!(
    WebhookTestResponse,
    WebhookTest,
    "Success envelope around a test's outcome."
);

/// Success envelope around a page of endpoints.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookListResponse {
    /// Always true.
    pub success: bool,
    /// The endpoints.
    pub data: Vec<Webhook>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub next_cursor: Option<String>,
}

/// What went wrong.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponseError {
    /// Error class.
    #[serde(rename = "type")]
    pub type_: String,
    /// Machine-readable code.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The parameter at fault.
    #[schema(nullable = false)]
    pub param: Option<String>,
    /// More detail.
    #[schema(required = false)]
    pub details: Value,
    /// Where the code is documented.
    #[schema(required = false)]
    pub doc_url: String,
}

/// Error envelope.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorResponse {
    /// Always false.
    pub success: bool,
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the list operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Cursor from the previous page.
    #[param(nullable = false)]
    pub cursor: Option<String>,
    /// How many endpoints to return.
    #[param(minimum = 1, maximum = 100, default = 25, nullable = false)]
    pub limit: Option<i64>,
}

#[derive(Debug, Clone)]
struct StoredWebhook {
    webhook: Webhook,
    secret: String,
    /// Consecutive events that failed to deliver (three disable the endpoint).
    failed_events: u32,
}

#[derive(Default)]
struct TenantData {
    webhooks: Collection<StoredWebhook>,
    idempotency: IdempotencyKeys,
}

/// Commet's state: every tenant's endpoints and idempotency keys.
pub struct Store {
    tenants: Mutex<Tenants<TenantData>>,
    deliverer: Arc<Deliverer>,
}

impl Store {
    /// An empty store whose deliveries go through `deliverer`.
    pub fn new(deliverer: Arc<Deliverer>) -> Self {
        Self {
            tenants: Mutex::default(),
            deliverer,
        }
    }

    /// Forgets one tenant, or everyone.
    pub fn reset(&self, key: Option<&str>) {
        crate::lock(&self.tenants).reset(key);
    }
}

type AppState = Arc<Store>;

fn not_found() -> ApiError {
    ApiError::new(
        Provider::Commet,
        ErrorKind::NotFound,
        "webhook_not_found",
        "The requested webhook endpoint does not exist in this organization.",
    )
}

fn conflict() -> ApiError {
    ApiError::new(
        Provider::Commet,
        ErrorKind::Conflict,
        "idempotency_key_mismatch",
        "This Idempotency-Key was already used with a different request.",
    )
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn check_events(events: &[EventType]) -> Result<Vec<String>, ApiError> {
    for event in events {
        if !EVENT_TYPES.contains(&event.0.as_str()) {
            return Err(invalid(
                Provider::Commet,
                "events",
                format!("Unknown event type '{}'.", event.0),
            ));
        }
    }
    Ok(events.iter().map(|e| e.0.clone()).collect())
}

/// Sandbox keys may register `http://` URLs, as the docs' own example does.
fn check_commet_url(url: &str, mode: Mode) -> Result<(), ApiError> {
    check_url(Provider::Commet, "url", url, mode == Mode::Test)
}

fn envelope<T: Serialize>(status: u16, data: T) -> (u16, Value) {
    (status, json!({"success": true, "data": data}))
}

/// Create webhook endpoint.
#[utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "createWebhookEndpoint",
    tag = "Webhooks",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe.")),
    request_body = CreateWebhookRequest,
    responses(
        (status = 200, description = "The same resource, as a replayed create may answer", body = CreatedWebhookResponse),
        (status = 201, description = "The created endpoint", body = CreatedWebhookResponse),
        (status = 400, description = "Validation error", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 409, description = "Idempotency conflict", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn create_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Commet, CreateWebhookRequest>,
) -> Result<Response, ApiError> {
    let url = body.url.ok_or_else(|| missing(Provider::Commet, "url"))?;
    check_commet_url(&url, tenant.mode)?;
    let events = body
        .events
        .ok_or_else(|| missing(Provider::Commet, "events"))?;
    if events.is_empty() {
        return Err(invalid(
            Provider::Commet,
            "events",
            "'events' must list at least one event type.",
        ));
    }
    let events = check_events(&events)?;
    // Without apiVersion the endpoint takes the creating request's version.
    let api_version = body.api_version.or_else(|| {
        headers
            .get("commet-version")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    });
    let mut tenants = crate::lock(&store.tenants);
    let seq = tenants.next_seq();
    let data = tenants.of(&tenant.key);
    let fingerprint = json!(["POST", "/webhooks", raw]);
    let (status, response) = idempotent(
        &mut data.idempotency,
        idempotency_key(&headers),
        fingerprint,
        conflict,
        || {
            let webhook = Webhook {
                id: ids::alnum("wh_", 24),
                url,
                events,
                description: body.description,
                is_active: true,
                api_version,
                created_at: ids::now_rfc3339(),
                object: "webhook".into(),
                livemode: tenant.mode == Mode::Live,
            };
            let secret = ids::alnum("whsec_", 32);
            let created = CreatedWebhook {
                webhook: webhook.clone(),
                secret_key: SigningSecret(secret.clone()),
            };
            data.webhooks.insert(
                seq,
                webhook.id.clone(),
                StoredWebhook {
                    webhook,
                    secret,
                    failed_events: 0,
                },
            );
            Ok(envelope(201, created))
        },
    )?;
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
        (status = 200, description = "A page of endpoints", body = WebhookListResponse),
        (status = 400, description = "Validation error", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn list_webhook_endpoints(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Query(params, ..): Query<Commet, ListParams>,
) -> Result<Response, ApiError> {
    let limit = crate::bounded(Provider::Commet, "limit", params.limit, 25, 1, 100)?;
    let before = match params.cursor.as_deref() {
        None | Some("") => None,
        Some(c) => Some(
            crate::decode_cursor(c)
                .ok_or_else(|| invalid(Provider::Commet, "cursor", "The cursor is not valid."))?,
        ),
    };
    let tenants = crate::lock(&store.tenants);
    let (page, has_more) = match tenants.get(&tenant.key) {
        Some(data) => data.webhooks.newest_first(before, limit),
        None => (Vec::new(), false),
    };
    let list = WebhookListResponse {
        success: true,
        next_cursor: has_more.then(|| crate::encode_cursor(page.last().map_or(0, |(s, _)| *s))),
        data: page.into_iter().map(|(_, w)| w.webhook.clone()).collect(),
        has_more,
    };
    Ok(crate::respond(200, &list))
}

/// Get webhook endpoint.
#[utoipa::path(
    get,
    path = "/webhooks/{id}",
    operation_id = "getWebhookEndpoint",
    tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn get_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let tenants = crate::lock(&store.tenants);
    let stored = tenants
        .get(&tenant.key)
        .and_then(|d| d.webhooks.get(&id))
        .ok_or_else(not_found)?;
    let (status, body) = envelope(200, &stored.webhook);
    Ok(crate::json_response(status, body))
}

/// Update webhook endpoint.
#[utoipa::path(
    put,
    path = "/webhooks/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhooks",
    params(
        ("id" = String, Path, description = "The endpoint's identifier."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe."),
    ),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "The updated endpoint", body = WebhookResponse),
        (status = 400, description = "Validation error", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 409, description = "Idempotency conflict", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn update_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Commet, UpdateWebhookRequest>,
) -> Result<Response, ApiError> {
    if let Some(url) = &body.url {
        check_commet_url(url, tenant.mode)?;
    }
    let events = body.events.as_deref().map(check_events).transpose()?;
    let mut tenants = crate::lock(&store.tenants);
    let data = tenants.of(&tenant.key);
    let fingerprint = json!(["PUT", id, raw]);
    let (status, response) = idempotent(
        &mut data.idempotency,
        idempotency_key(&headers),
        fingerprint,
        conflict,
        || {
            let stored = data.webhooks.get_mut(&id).ok_or_else(not_found)?;
            let webhook = &mut stored.webhook;
            if let Some(url) = body.url {
                webhook.url = url;
            }
            if let Some(events) = events {
                webhook.events = events;
            }
            if let Some(description) = body.description {
                webhook.description = description;
            }
            if let Some(active) = body.is_active {
                webhook.is_active = active;
            }
            if let Some(version) = body.api_version {
                webhook.api_version = Some(version);
            }
            Ok(envelope(200, &*webhook))
        },
    )?;
    Ok(crate::json_response(status, response))
}

/// Delete webhook endpoint.
#[utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "deleteWebhookEndpoint",
    tag = "Webhooks",
    params(("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The deletion stub", body = DeletedObjectResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn delete_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut tenants = crate::lock(&store.tenants);
    tenants
        .of(&tenant.key)
        .webhooks
        .remove(&id)
        .ok_or_else(not_found)?;
    let deleted = DeletedObject {
        id,
        deleted: true,
        object: "webhook".into(),
        livemode: tenant.mode == Mode::Live,
    };
    let (status, body) = envelope(200, deleted);
    Ok(crate::json_response(status, body))
}

/// The test operation makes one attempt and reports it.
const TEST_SCHEDULE: &[Duration] = &[Duration::ZERO];

/// Eight attempts: at once, then after 1 min, 5 min, 15 min, 30 min, 1 h, 2 h and 4 h.
const RETRY_SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(900),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(7200),
    Duration::from_secs(14400),
];

/// A Commet event envelope as documented.
fn event_envelope(mode: Mode, event_type: &str, data: Value) -> Value {
    json!({
        "id": ids::alnum("whev_", 24),
        "event": event_type,
        "timestamp": ids::now_rfc3339(),
        "organizationId": "00000000-0000-4000-8000-000000000000",
        "mode": if mode == Mode::Live { "live" } else { "sandbox" },
        "apiVersion": "2026-07-31",
        "data": data,
    })
}

/// `event` for one endpoint, signed as documented: `X-Commet-Signature` is
/// the hex HMAC-SHA256 of the raw body.
fn event_delivery(
    event: &Value,
    endpoint_id: String,
    url: String,
    secret: String,
    schedule: &'static [Duration],
) -> Delivery {
    let body = serde_json::to_vec(event).expect("serialisable");
    let signature = signing::hmac_sha256_hex(secret.as_bytes(), &body);
    let text = |key: &str| event[key].as_str().unwrap_or_default().to_string();
    let (event_id, event_type, timestamp) = (text("id"), text("event"), text("timestamp"));
    let headers = {
        let (event_id, event_type) = (event_id.clone(), event_type.clone());
        move |_now: i64| {
            vec![
                ("content-type", "application/json".to_string()),
                ("x-commet-signature", signature.clone()),
                ("x-commet-event", event_type.clone()),
                ("x-commet-event-id", event_id.clone()),
                ("x-commet-timestamp", timestamp.clone()),
            ]
        }
    };
    Delivery {
        provider: Provider::Commet.name(),
        endpoint_id,
        url,
        event_id,
        event_type,
        body,
        headers: Box::new(headers),
        schedule,
        on_attempt: Box::new(|_| {}),
        on_done: Box::new(|_| {}),
    }
}

/// Delivers a `event_type` event to every active endpoint of the tenant
/// subscribed to it; three events in a row that fail disable an endpoint.
pub fn trigger(
    store: &Arc<Store>,
    tenant: &Tenant,
    event_type: &str,
    data: Option<Value>,
) -> Result<Value, ApiError> {
    if !EVENT_TYPES.contains(&event_type) {
        return Err(invalid(
            Provider::Commet,
            "type",
            format!("Unknown event type '{event_type}'."),
        ));
    }
    let targets: Vec<(String, String, String)> = {
        let tenants = crate::lock(&store.tenants);
        tenants.get(&tenant.key).map_or_else(Vec::new, |data| {
            data.webhooks
                .values()
                .filter(|w| w.webhook.is_active && w.webhook.events.iter().any(|e| e == event_type))
                .map(|w| {
                    (
                        w.webhook.id.clone(),
                        w.webhook.url.clone(),
                        w.secret.clone(),
                    )
                })
                .collect()
        })
    };
    // One event, the same id for every endpoint and every retry.
    let event = event_envelope(tenant.mode, event_type, data.unwrap_or_else(|| json!({})));
    let mut deliveries = Vec::new();
    for (endpoint_id, url, secret) in targets {
        deliveries.push(json!({"endpoint_id": endpoint_id, "url": url}));
        let mut delivery = event_delivery(&event, endpoint_id.clone(), url, secret, RETRY_SCHEDULE);
        let (store_ref, key) = (store.clone(), tenant.key.clone());
        delivery.on_done = Box::new(move |delivered| {
            let mut tenants = crate::lock(&store_ref.tenants);
            if let Some(stored) = tenants.of(&key).webhooks.get_mut(&endpoint_id) {
                stored.failed_events = if delivered {
                    0
                } else {
                    stored.failed_events + 1
                };
                if stored.failed_events >= 3 {
                    stored.webhook.is_active = false;
                }
            }
        });
        store.deliverer.spawn(delivery);
    }
    Ok(json!({"event": event, "deliveries": deliveries}))
}

/// Test webhook endpoint.
#[utoipa::path(
    post,
    path = "/webhooks/{id}/test",
    operation_id = "testWebhookEndpoint",
    tag = "Webhooks",
    params(
        ("id" = String, Path, description = "The endpoint's identifier."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe."),
    ),
    responses(
        (status = 200, description = "The test delivery's outcome", body = WebhookTestResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 409, description = "Idempotency conflict", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
)]
async fn test_webhook_endpoint(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (url, secret) = {
        let tenants = crate::lock(&store.tenants);
        let stored = tenants
            .get(&tenant.key)
            .and_then(|d| d.webhooks.get(&id))
            .ok_or_else(not_found)?;
        (stored.webhook.url.clone(), stored.secret.clone())
    };
    let event = event_envelope(tenant.mode, "webhook.test", json!({"webhookId": id}));
    let delivery = event_delivery(&event, id.clone(), url, secret, TEST_SCHEDULE);
    let attempt = store.deliverer.run(delivery).await;
    let (success, timestamp) = (attempt.succeeded(), attempt.at.clone());
    let test = WebhookTest {
        success,
        delivery_id: attempt.id,
        delivered_at: timestamp,
        object: "webhook_delivery".into(),
        livemode: tenant.mode == Mode::Live,
    };
    let (status, body) = envelope(200, test);
    Ok(crate::json_response(status, body))
}

/// Commet's routes (paths relative to its base path `/api/v1`) and spec.
pub fn router(store: AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(
            get_webhook_endpoint,
            update_webhook_endpoint,
            delete_webhook_endpoint
        ))
        .routes(routes!(test_webhook_endpoint))
        .with_state(store)
}
