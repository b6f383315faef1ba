//! Commet's seed contract (API versions up to 2026-07-30): every body in the
//! docs' envelope `{"success": true, "data": …}`, update by PUT (and PATCH).
//! The operations themselves are in `operations.rs`, shared with the current
//! contract.

use crate::kernel::routes::{Routes, routes};
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use serde::Serialize;

use super::Commet;
use super::operations::{Answer, Contract, create, delete, get, list, test, update};
use super::wire::{
    CreateWebhookRequest, ListParams, UpdateWebhookRequest, Webhook, WebhookListResponse,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::{
    CommetVersion, CreatedWebhookResponse, DeletedObjectResponse, ErrorResponse, WebhookResponse,
    WebhookTestResponse,
};
use crate::kernel::extract::{Auth, JsonBody, Query, Store};
use crate::kernel::respond::json_bytes;

impl Contract for Commet {
    fn one<T: Serialize>(data: T) -> Bytes {
        #[derive(Serialize)]
        struct Success<T> {
            success: bool,
            data: T,
        }
        json_bytes(&Success {
            success: true,
            data,
        })
    }

    fn page(data: Vec<Webhook>, next_cursor: Option<String>) -> Bytes {
        json_bytes(&WebhookListResponse {
            success: true,
            has_more: next_cursor.is_some(),
            next_cursor,
            data,
        })
    }
}

/// Create webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "createWebhookEndpoint",
    tag = "Webhooks",
    params(CommetVersion, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe.")),
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
))]
async fn create_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    headers: HeaderMap,
    body: JsonBody<Commet, CreateWebhookRequest>,
) -> Answer<Commet> {
    create(state, auth, headers, body)
}

/// List webhook endpoints.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "listWebhookEndpoints",
    tag = "Webhooks",
    params(CommetVersion, ListParams),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookListResponse),
        (status = 400, description = "Validation error", body = ErrorResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn list_webhook_endpoints(
    state: Store<Commet>,
    auth: Auth<Commet>,
    query: Query<Commet, ListParams>,
) -> Answer<Commet> {
    list(state, auth, query)
}

/// Get webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhooks/{id}",
    operation_id = "getWebhookEndpoint",
    tag = "Webhooks",
    params(CommetVersion, ("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The endpoint", body = WebhookResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn get_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    id: Path<String>,
) -> Answer<Commet> {
    get(state, auth, id)
}

/// Update webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    put,
    path = "/webhooks/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhooks",
    params(
        CommetVersion,
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
))]
async fn update_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    id: Path<String>,
    headers: HeaderMap,
    body: JsonBody<Commet, UpdateWebhookRequest>,
) -> Answer<Commet> {
    update(state, auth, id, headers, body)
}

/// Update webhook endpoint by PATCH, as API version 2026-07-31 and later do.
#[cfg_attr(feature = "openapi", utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "patchWebhookEndpoint",
    tag = "Webhooks",
    params(
        CommetVersion,
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
))]
async fn patch_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    id: Path<String>,
    headers: HeaderMap,
    body: JsonBody<Commet, UpdateWebhookRequest>,
) -> Answer<Commet> {
    update(state, auth, id, headers, body)
}

/// Delete webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "deleteWebhookEndpoint",
    tag = "Webhooks",
    params(CommetVersion, ("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The deletion stub", body = DeletedObjectResponse),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such endpoint", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn delete_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    id: Path<String>,
) -> Answer<Commet> {
    delete(state, auth, id)
}

/// Test webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhooks/{id}/test",
    operation_id = "testWebhookEndpoint",
    tag = "Webhooks",
    params(
        CommetVersion,
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
))]
async fn test_webhook_endpoint(
    state: Store<Commet>,
    auth: Auth<Commet>,
    id: Path<String>,
    headers: HeaderMap,
) -> Answer<Commet> {
    test(state, auth, id, headers).await
}

/// Commet's routes (paths relative to its base path `/api/v1`) and spec.
pub fn router() -> Routes {
    Routes::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(
            get_webhook_endpoint,
            update_webhook_endpoint,
            patch_webhook_endpoint,
            delete_webhook_endpoint
        ))
        .routes(routes!(test_webhook_endpoint))
}
