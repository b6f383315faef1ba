//! Donutwork: `GET/POST /webhooks.json`, `GET /webhooks/types.json`,
//! `GET/DELETE /webhooks/{webhookId}.json` under `/2026-02-01`.
//!
//! Any non-empty bearer key (no prefix is documented); IDs of 24 hex digits
//! (like Donutwork's other IDs); the token is shown at creation and as
//! `redacted` afterwards; `page`/`size` pagination; errors `{"error": "…"}`
//! with the documented messages.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{
    ApiError, Auth, ErrorKind, JsonBody, Mode, ProviderApi, Query, Tenant, bearer_token,
};
use crate::store::Collection;
use crate::{Provider, ids};

/// The event names a company may subscribe to (the docs' example list).
pub const SUPPORTED_EVENTS: &[&str] = &[
    "RecurringPayments.charge.paid",
    "RecurringPayments.charge.failed",
];

/// Marker for Donutwork's authentication and error shape.
pub struct Donutwork;

impl ProviderApi for Donutwork {
    const PROVIDER: Provider = Provider::Donutwork;

    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError> {
        match bearer_token(headers) {
            Some(key) => Ok(Tenant {
                key: key.to_string(),
                mode: Mode::Live,
            }),
            None => Err(error(ErrorKind::Unauthorized, "Invalid token")),
        }
    }
}

fn error(kind: ErrorKind, message: &str) -> ApiError {
    ApiError::new(Provider::Donutwork, kind, "", message)
}

/// Donutwork's error body: `{"error": "<message>"}`.
pub fn error_body(error: &ApiError, _status: StatusCode) -> Value {
    json!({ "error": error.message })
}

/// Token of a subscription: real at creation, `redacted` later.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WebhookToken(pub String);

/// Subscribed event names; a single name is accepted too.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum EventNames {
    /// Several names.
    Array(Vec<String>),
    /// One name.
    String(String),
}

/// The subscription to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Display name.
    #[schema(required = true, nullable = false)]
    pub name: Option<String>,
    /// Free text.
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// HTTPS endpoint.
    #[schema(required = true, nullable = false)]
    pub url: Option<String>,
    /// Event names.
    #[schema(required = true, nullable = false)]
    pub events: Option<EventNames>,
}

/// Create bodies wrap the resource in `webhook`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// The subscription.
    #[schema(required = true, nullable = false)]
    pub webhook: Option<WebhookInput>,
}

/// A webhook subscription.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    /// Unique identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub description: Option<String>,
    /// Where payloads go.
    pub url: String,
    /// Subscribed event names.
    pub events: Vec<String>,
    /// The token.
    #[schema(required = false)]
    pub token: WebhookToken,
}

/// Where a page sits.
#[derive(Debug, Serialize, ToSchema)]
pub struct Pages {
    /// This page, from 1.
    pub current: i64,
    /// The last page.
    pub max: i64,
}

/// One page of subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookList {
    /// Always `Webhook`.
    #[schema(required = false)]
    pub entities: String,
    /// Subscriptions in all.
    #[schema(required = false)]
    pub count: i64,
    /// Page size used.
    #[schema(required = false)]
    pub per_page: i64,
    /// Page position.
    pub pages: Pages,
    /// This page's subscriptions.
    pub elements: Vec<Webhook>,
}

/// Acknowledges a deletion.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeletedWebhook {
    /// The deleted subscription.
    #[schema(required = false)]
    pub id: String,
    /// Always true.
    #[schema(required = false)]
    pub deleted: bool,
}

/// Every error body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Error {
    /// What went wrong.
    pub error: String,
}

/// Query of the list operation.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Records per page.
    #[param(minimum = 1, maximum = 100, nullable = false)]
    pub size: Option<i64>,
    /// Page index, from 1.
    #[param(minimum = 1, nullable = false)]
    pub page: Option<i64>,
}

/// The provider's state: every tenant's data.
pub type Store = crate::store::Shared<Collection<Webhook>>;

type AppState = Arc<Store>;

fn redacted(webhook: &Webhook) -> Webhook {
    Webhook {
        token: WebhookToken("redacted".into()),
        ..webhook.clone()
    }
}

fn must(field: &str) -> ApiError {
    error(
        ErrorKind::BadRequest,
        &format!("A valid \"{field}\" must be specified."),
    )
}

/// List webhooks.
#[utoipa::path(
    get,
    path = "/webhooks.json",
    operation_id = "listWebhooks",
    tag = "Webhooks",
    params(ListParams),
    responses(
        (status = 200, description = "Paginated list of webhook subscriptions.", body = WebhookList),
        (status = 401, description = "Bad API key", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn list_webhooks(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Donutwork>,
    Query(params, ..): Query<Donutwork, ListParams>,
) -> Result<Response, ApiError> {
    let provider = Provider::Donutwork;
    // The docs' example answers with 100 per page.
    let size = crate::bounded(provider, "size", params.size, 100, 1, 100)?;
    let page = crate::bounded(provider, "page", params.page, 1, 1, i64::MAX)?;
    let tenants = store.lock();
    let empty = Collection::default();
    let webhooks = tenants.get(&tenant.key).unwrap_or(&empty);
    let count = webhooks.len();
    let list = WebhookList {
        entities: "Webhook".into(),
        count: count as i64,
        per_page: size as i64,
        pages: Pages {
            current: page as i64,
            max: count.div_ceil(size).max(1) as i64,
        },
        elements: webhooks
            .page(page, size)
            .into_iter()
            .map(redacted)
            .collect(),
    };
    Ok(crate::respond(200, &list))
}

/// Create webhook.
#[utoipa::path(
    post,
    path = "/webhooks.json",
    operation_id = "createWebhook",
    tag = "Webhooks",
    request_body = CreateWebhookRequest,
    responses(
        (status = 200, description = "The same resource, as a replayed create may answer", body = Webhook),
        (status = 201, description = "Webhook created successfully.", body = Webhook),
        (status = 400, description = "Name, url, or events missing; or TLS certificate validation failed.", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 422, description = "URL format invalid or unsupported event specified.", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn create_webhook(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Donutwork>,
    JsonBody(body, ..): JsonBody<Donutwork, CreateWebhookRequest>,
) -> Result<Response, ApiError> {
    let input = body.webhook.ok_or_else(|| must("name"))?;
    let name = input
        .name
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| must("name"))?;
    let url = input
        .url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| must("url"))?;
    let events = match input.events {
        Some(EventNames::Array(list)) => list,
        Some(EventNames::String(one)) => vec![one],
        None => Vec::new(),
    };
    if events.is_empty() {
        return Err(must("events"));
    }
    match crate::api::parse_url(&url) {
        None => {
            return Err(error(
                ErrorKind::Unprocessable,
                "A valid \"url\" must be specified.",
            ));
        }
        // Donutwork checks the target's TLS certificate: plain HTTP fails that check.
        Some(false) if !crate::is_loopback(&url) => {
            return Err(error(
                ErrorKind::BadRequest,
                "TLS certificate validation failed.",
            ));
        }
        Some(_) => {}
    }
    if events
        .iter()
        .any(|e| !SUPPORTED_EVENTS.contains(&e.as_str()))
    {
        return Err(error(
            ErrorKind::Unprocessable,
            "Some events are not available",
        ));
    }
    let webhook = Webhook {
        id: ids::hex("", 24),
        name,
        description: input.description,
        url,
        events,
        token: WebhookToken(ids::hex("", 40)),
    };
    let mut tenants = store.lock();
    let seq = tenants.next_seq();
    tenants
        .of(&tenant.key)
        .insert(seq, webhook.id.clone(), webhook.clone());
    Ok(crate::respond(201, &webhook))
}

/// List supported webhook types.
#[utoipa::path(
    get,
    path = "/webhooks/types.json",
    operation_id = "listWebhookTypes",
    tag = "Webhooks",
    responses(
        (status = 200, description = "List of available webhook event names for the company context.", body = Vec<String>),
        (status = 401, description = "Bad API key", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn list_webhook_types(Auth(..): Auth<Donutwork>) -> Response {
    crate::json_response(200, json!(SUPPORTED_EVENTS))
}

/// The `{webhookId}` of a `{webhookId}.json` segment (axum cannot route a
/// parameter followed by a suffix, so the handler splits it).
fn webhook_id(segment: &str) -> Result<&str, ApiError> {
    segment
        .strip_suffix(".json")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| error(ErrorKind::NotFound, "Not found."))
}

/// Get webhook.
#[utoipa::path(
    get,
    path = "/webhooks/{webhookId}.json",
    operation_id = "getWebhook",
    tag = "Webhooks",
    params(("webhookId" = String, Path, description = "Webhook unique identifier.")),
    responses(
        (status = 200, description = "Webhook details.", body = Webhook),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "Webhook resource not found.", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn get_webhook(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Donutwork>,
    Path(segment): Path<String>,
) -> Result<Response, ApiError> {
    let id = webhook_id(&segment)?;
    let tenants = store.lock();
    let webhook = tenants
        .get(&tenant.key)
        .and_then(|w| w.get(id))
        .ok_or_else(|| error(ErrorKind::NotFound, "Webhook not found."))?;
    Ok(crate::respond(200, &redacted(webhook)))
}

/// Delete webhook.
#[utoipa::path(
    delete,
    path = "/webhooks/{webhookId}.json",
    operation_id = "deleteWebhook",
    tag = "Webhooks",
    params(("webhookId" = String, Path, description = "Webhook unique identifier.")),
    responses(
        (status = 200, description = "Webhook deletion accepted.", body = DeletedWebhook),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "Webhook resource not found.", body = Error),
    ),
    security(("BearerAuth" = []))
)]
async fn delete_webhook(
    State(store): State<AppState>,
    Auth(tenant, ..): Auth<Donutwork>,
    Path(segment): Path<String>,
) -> Result<Response, ApiError> {
    let id = webhook_id(&segment)?;
    let mut tenants = store.lock();
    tenants.of(&tenant.key).remove(id).ok_or_else(|| {
        error(
            ErrorKind::NotFound,
            "Webhook not found. Unable to delete unknown resource",
        )
    })?;
    let deleted = DeletedWebhook {
        id: id.to_string(),
        deleted: true,
    };
    Ok(crate::respond(200, &deleted))
}

/// The `{webhookId}.json` operations, documented here and routed by hand.
#[derive(OpenApi)]
#[openapi(paths(get_webhook, delete_webhook))]
struct SuffixedPaths;

/// Donutwork's routes (paths relative to its base path `/2026-02-01`) and spec.
pub fn router(store: AppState) -> OpenApiRouter {
    OpenApiRouter::with_openapi(SuffixedPaths::openapi())
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(list_webhook_types))
        .route(
            "/webhooks/{segment}",
            get(get_webhook).delete(delete_webhook),
        )
        .with_state(store)
}
