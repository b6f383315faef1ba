//! billing.io's operations: create, list, get and delete webhook endpoints.

use crate::kernel::routes::{Routes, routes};
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::wire::{
    CreateWebhookRequest, ListParams, SigningSecret, WebhookEndpoint, WebhookEndpointList,
    WebhookStatus,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::ErrorResponse;
use super::{BillingIo, TenantData};
use crate::kernel::error::{ApiError, ErrorKind, invalid, missing};
use crate::kernel::extract::{Auth, JsonBody, Query, Store};
use crate::kernel::paging::{bounded, cursor_page};
use crate::kernel::provider::Mode;
use crate::kernel::respond::{json_bytes, respond};
use crate::kernel::store::{IdempotencyKeys, Idempotent, Saved, write_once};
use crate::kernel::urls::{check_url, is_uuid};

type Answer = Result<Response, ApiError<BillingIo>>;

/// The 404 of an unknown endpoint ID.
pub fn not_found(id: &str) -> ApiError<BillingIo> {
    ApiError::new(
        ErrorKind::NotFound,
        "webhook_not_found",
        format!("No webhook endpoint found with ID {id}."),
    )
    .param("webhook_id")
}

fn idempotency(data: &mut TenantData) -> &mut IdempotencyKeys {
    &mut data.idempotency
}

fn conflict() -> ApiError<BillingIo> {
    ApiError::new(
        ErrorKind::Conflict,
        "idempotency_key_reused",
        "This idempotency key was already used with different parameters.",
    )
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError<BillingIo>> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value.to_str().unwrap_or_default();
    if !is_uuid(key) {
        return Err(invalid(
            "Idempotency-Key",
            "The Idempotency-Key header must be a UUID.",
        ));
    }
    Ok(Some(key.to_string()))
}

/// Create a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn create_webhook_endpoint(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<BillingIo, CreateWebhookRequest>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let url = body.url.ok_or_else(|| missing("url"))?;
    check_url("url", &url, tenant.mode == Mode::Test)?;
    let events = body.events.ok_or_else(|| missing("events"))?;
    if events.is_empty() {
        return Err(invalid(
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
            "description",
            "'description' must be at most 256 characters.",
        ));
    }
    let fingerprint = || json!(["POST", "/webhooks", raw.value()]);
    write_once(
        &state.tenants,
        &tenant.key,
        idempotency,
        Idempotent {
            key,
            fingerprint,
            conflict,
            now: state.env.now(),
        },
        |data, positions| {
            let endpoint = WebhookEndpoint {
                webhook_id: state.env.hex("we_", 24),
                url,
                events,
                secret: Some(SigningSecret(state.env.hex("whsec_", 24))),
                description: body.description,
                status: WebhookStatus::Active,
                created_at: state.env.now_rfc3339(),
            };
            let response = json_bytes(&endpoint);
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
                .insert(positions.next(), stored.webhook_id.clone(), stored);
            Ok(Saved::new(201, response))
        },
    )
    .map(IntoResponse::into_response)
}

/// List webhook endpoints.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn list_webhook_endpoints(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    Query(params, ..): Query<BillingIo, ListParams>,
) -> Answer {
    let limit = bounded("limit", params.limit, 25, 1, 100)?;
    let tenants = state.tenants.lock();
    let endpoints = tenants.get(&tenant.key).map(|d| &d.endpoints);
    let (page, next_cursor) = cursor_page(endpoints, params.cursor.as_deref(), limit)?;
    let list = WebhookEndpointList {
        data: page.into_iter().cloned().collect(),
        has_more: next_cursor.is_some(),
        next_cursor,
    };
    Ok(respond(200, &list))
}

/// Get a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn get_webhook_endpoint(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    Path(webhook_id): Path<String>,
) -> Answer {
    let tenants = state.tenants.lock();
    let endpoint = tenants
        .find(&tenant.key, |d| &d.endpoints, &webhook_id)
        .ok_or_else(|| not_found(&webhook_id))?;
    Ok(respond(200, endpoint))
}

/// Delete a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn delete_webhook_endpoint(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    Path(webhook_id): Path<String>,
) -> Answer {
    let mut tenants = state.tenants.lock();
    tenants
        .remove(&tenant.key, |d| &mut d.endpoints, &webhook_id)
        .ok_or_else(|| not_found(&webhook_id))?;
    tenants.of(&tenant.key).secrets.remove(&webhook_id);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// billing.io's routes (paths relative to its base path `/v1`) and spec.
pub fn router() -> Routes {
    Routes::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(get_webhook_endpoint, delete_webhook_endpoint))
}
