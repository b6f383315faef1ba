//! Commet's current contract (API versions from 2026-07-31, spec
//! `openapi/commet-2026-08-27.yaml`): bare resources, lists as
//! `{"object": "list", …}`, update by PATCH, errors as `{"error": {…}}`.
//! Served on Commet's paths and store; a request gets it when it asks for
//! such a version (`Commet-Version`).

use std::sync::Arc;

use crate::kernel::routes::{Routes, routes};
use axum::body::Bytes;
use axum::extract::{Path, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use serde::Serialize;

use super::operations::{Answer, Contract, create, delete, get, list, test, update};
use super::wire::{
    BareErrorResponse, CreateWebhookRequest, ListObject, ListParams, UpdateWebhookRequest, Webhook,
    WebhookList,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::{CreatedWebhook, CurrentCommetVersion, DeletedObject, WebhookTest};
use super::{Commet, TenantData, Version};
use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind, RateLimitHeaders};
use crate::kernel::extract::{Auth, JsonBody, Query, Store, header_text};
use crate::kernel::provider::{Alternate, KeyPrefix, MockProvider, Security};
use crate::kernel::respond::json_bytes;

/// The version this contract's spec describes (its error pages' `doc_url`s name it).
const CURRENT_API_VERSION: &str = "2026-08-27";

/// Commet in its current contract.
pub struct CommetCurrent;

impl MockProvider for CommetCurrent {
    const NAME: &'static str = "commet-2026-08-27";
    const TITLE: &'static str = "Commet (API 2026-08-27)";
    const BASE_PATH: &'static str = Commet::BASE_PATH;
    const SPEC_FILE: &'static str = "commet-2026-08-27.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/commet-2026-08-27.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/commet-2026-08-27.json");
    const SECURITY: Security = Commet::SECURITY;
    const RATE_LIMIT_HEADERS: Option<RateLimitHeaders> = Commet::RATE_LIMIT_HEADERS;
    const KEYS: &'static [KeyPrefix] = Commet::KEYS;
    const CREATE: &'static str = Commet::CREATE;
    const VERSION: Option<(&'static str, &'static str)> =
        Some(("Commet-Version", CURRENT_API_VERSION));

    type TenantData = TenantData;
    type ErrorBody = BareErrorResponse;

    fn error_body(error: &ApiError<Self>, status: StatusCode, _env: &Env) -> BareErrorResponse {
        BareErrorResponse {
            error: super::error_detail(
                CURRENT_API_VERSION,
                &error.code,
                &error.message,
                error.param.as_ref(),
                status,
            ),
        }
    }

    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        Commet::error_code(kind)
    }

    fn operation_error(
        _: &str,
        kind: ErrorKind,
        _: &crate::kernel::operations::PathParams,
    ) -> Option<ApiError<Self>> {
        (kind == ErrorKind::NotFound).then(super::operations::not_found)
    }

    fn router() -> Routes {
        Routes::new()
            .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
            .routes(routes!(
                get_webhook_endpoint,
                update_webhook_endpoint,
                delete_webhook_endpoint
            ))
            .routes(routes!(test_webhook_endpoint))
    }
}

impl Contract for CommetCurrent {
    fn one<T: Serialize>(data: T) -> Bytes {
        json_bytes(&data)
    }

    fn page(data: Vec<Webhook>, next_cursor: Option<String>) -> Bytes {
        json_bytes(&WebhookList {
            object: ListObject::List,
            has_more: next_cursor.is_some(),
            next_cursor,
            data,
        })
    }
}

/// Whether a request's `Commet-Version` is one of the current contract's;
/// `Err` for a malformed one. No header: the account's version, which for
/// the mock is the seed's.
pub fn pins_current(headers: &HeaderMap) -> Result<bool, ApiError<Commet>> {
    let Some(version) = header_text(headers, "commet-version") else {
        return Ok(false);
    };
    Version::parse::<Commet>(&version, "Commet-Version").map(|version| version == Version::Current)
}

/// The current contract beside the seed's, on the same store, for a request
/// whose `Commet-Version` is 2026-07-31 or later. An endpoint's own pin
/// shapes the events delivered to it ("webhooks only" in Commet's order of
/// resolution), not the API's answers about it.
pub fn alternate(prefix: &str) -> Alternate {
    let (router, spec) = crate::kernel::app::contract::<CommetCurrent>(prefix);
    Alternate {
        router,
        selects: Arc::new(move |request: &Request| {
            pins_current(request.headers()).map_err(|error| Box::new(error.into_response()))
        }),
        spec_path: "/openapi-2026-08-27.json",
        title: CommetCurrent::TITLE,
        spec,
    }
}

/// Create webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhooks",
    operation_id = "createWebhookEndpoint",
    tag = "Webhooks",
    params(CurrentCommetVersion, ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe.")),
    request_body = CreateWebhookRequest,
    responses(
        (status = 200, description = "The same created resource", body = CreatedWebhook),
        (status = 201, description = "The created endpoint and its secret", body = CreatedWebhook),
        (status = 400, description = "Validation error", body = BareErrorResponse),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 409, description = "Idempotency conflict", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn create_webhook_endpoint(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    headers: HeaderMap,
    body: JsonBody<CommetCurrent, CreateWebhookRequest>,
) -> Answer<CommetCurrent> {
    create(state, auth, headers, body)
}

/// List webhook endpoints.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhooks",
    operation_id = "listWebhookEndpoints",
    tag = "Webhooks",
    params(CurrentCommetVersion, ListParams),
    responses(
        (status = 200, description = "A page of endpoints", body = WebhookList),
        (status = 400, description = "Validation error", body = BareErrorResponse),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn list_webhook_endpoints(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    query: Query<CommetCurrent, ListParams>,
) -> Answer<CommetCurrent> {
    list(state, auth, query)
}

/// Get webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhooks/{id}",
    operation_id = "getWebhookEndpoint",
    tag = "Webhooks",
    params(CurrentCommetVersion, ("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The endpoint", body = Webhook),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 404, description = "No such endpoint", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn get_webhook_endpoint(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    id: Path<String>,
) -> Answer<CommetCurrent> {
    get(state, auth, id)
}

/// Update webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhooks",
    params(
        CurrentCommetVersion,
        ("id" = String, Path, description = "The endpoint's identifier."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe."),
    ),
    request_body = UpdateWebhookRequest,
    responses(
        (status = 200, description = "The updated endpoint", body = Webhook),
        (status = 400, description = "Validation error", body = BareErrorResponse),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 404, description = "No such endpoint", body = BareErrorResponse),
        (status = 409, description = "Idempotency conflict", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn update_webhook_endpoint(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    id: Path<String>,
    headers: HeaderMap,
    body: JsonBody<CommetCurrent, UpdateWebhookRequest>,
) -> Answer<CommetCurrent> {
    update(state, auth, id, headers, body)
}

/// Delete webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    delete,
    path = "/webhooks/{id}",
    operation_id = "deleteWebhookEndpoint",
    tag = "Webhooks",
    params(CurrentCommetVersion, ("id" = String, Path, description = "The endpoint's identifier.")),
    responses(
        (status = 200, description = "The deletion stub", body = DeletedObject),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 404, description = "No such endpoint", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn delete_webhook_endpoint(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    id: Path<String>,
) -> Answer<CommetCurrent> {
    delete(state, auth, id)
}

/// Test webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhooks/{id}/test",
    operation_id = "testWebhookEndpoint",
    tag = "Webhooks",
    params(
        CurrentCommetVersion,
        ("id" = String, Path, description = "The endpoint's identifier."),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried write safe."),
    ),
    responses(
        (status = 200, description = "The test delivery's outcome", body = WebhookTest),
        (status = 401, description = "Bad API key", body = BareErrorResponse),
        (status = 404, description = "No such endpoint", body = BareErrorResponse),
        (status = 409, description = "Idempotency conflict", body = BareErrorResponse),
        (status = 429, description = "Rate limited", body = BareErrorResponse),
    ),
    security(("ApiKeyAuth" = []))
))]
async fn test_webhook_endpoint(
    state: Store<CommetCurrent>,
    auth: Auth<CommetCurrent>,
    id: Path<String>,
    headers: HeaderMap,
) -> Answer<CommetCurrent> {
    test(state, auth, id, headers).await
}
