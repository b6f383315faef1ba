//! Commet's operations: create, list, get, update, delete and test webhook
//! endpoints, every body in the docs' envelope.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Serialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::wire::{
    CreateWebhookRequest, CreatedWebhook, CreatedWebhookResponse, DeletedObject,
    DeletedObjectResponse, ErrorResponse, EventType, ListParams, SigningSecret,
    UpdateWebhookRequest, Webhook, WebhookListResponse, WebhookResponse, WebhookTest,
    WebhookTestResponse,
};
use super::{Commet, EVENT_TYPES, StoredWebhook, TenantData};
use crate::kernel::error::{
    ApiError, ErrorKind, invalid, json_bytes, json_bytes_response, missing, respond,
};
use crate::kernel::events::{SignedEvents, Subscriber, delivery};
use crate::kernel::extract::{Auth, JsonBody, Query, header_text};
use crate::kernel::ids;
use crate::kernel::paging::{bounded, cursor_page};
use crate::kernel::provider::{Mode, ProviderState};
use crate::kernel::store::{IdempotencyKeys, Replay, write_once};
use crate::kernel::urls::check_url;

type AppState = Arc<ProviderState<Commet>>;
type Answer = Result<Response, ApiError<Commet>>;

fn not_found() -> ApiError<Commet> {
    ApiError::new(
        ErrorKind::NotFound,
        "webhook_not_found",
        "The requested webhook endpoint does not exist in this organization.",
    )
}

fn idempotency(data: &mut TenantData) -> &mut IdempotencyKeys {
    &mut data.idempotency
}

fn conflict() -> ApiError<Commet> {
    ApiError::new(
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

fn check_events(events: &[EventType]) -> Result<Vec<String>, ApiError<Commet>> {
    for event in events {
        if !EVENT_TYPES.contains(&event.0.as_str()) {
            return Err(invalid(
                "events",
                format!("Unknown event type '{}'.", event.0),
            ));
        }
    }
    Ok(events.iter().map(|e| e.0.clone()).collect())
}

/// Sandbox keys may register `http://` URLs, as the docs' own example does.
fn check_commet_url(url: &str, mode: Mode) -> Result<(), ApiError<Commet>> {
    check_url("url", url, mode == Mode::Test)
}

/// `data` in the docs' success envelope, encoded.
fn envelope<T: Serialize>(status: u16, data: T) -> (u16, Bytes) {
    #[derive(Serialize)]
    struct Success<T> {
        success: bool,
        data: T,
    }
    (
        status,
        json_bytes(&Success {
            success: true,
            data,
        }),
    )
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
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Commet, CreateWebhookRequest>,
) -> Answer {
    let url = body.url.ok_or_else(|| missing("url"))?;
    check_commet_url(&url, tenant.mode)?;
    let events = body.events.ok_or_else(|| missing("events"))?;
    if events.is_empty() {
        return Err(invalid(
            "events",
            "'events' must list at least one event type.",
        ));
    }
    let events = check_events(&events)?;
    // Without apiVersion the endpoint takes the creating request's version.
    let api_version = body
        .api_version
        .or_else(|| header_text(&headers, "commet-version"));
    let fingerprint = || json!(["POST", "/webhooks", raw.value()]);
    let key = idempotency_key(&headers);
    write_once(
        &state.tenants,
        &tenant.key,
        idempotency,
        key,
        fingerprint,
        conflict,
        |data, positions| {
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
                positions.next(),
                webhook.id.clone(),
                StoredWebhook {
                    webhook,
                    secret,
                    failed_events: 0,
                },
            );
            Ok(envelope(201, created))
        },
    )
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
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Query(params, ..): Query<Commet, ListParams>,
) -> Answer {
    let limit = bounded("limit", params.limit, 25, 1, 100)?;
    let tenants = state.tenants.lock();
    let webhooks = tenants.get(&tenant.key).map(|d| &d.webhooks);
    let (page, next_cursor) = cursor_page(webhooks, params.cursor.as_deref(), limit)?;
    let list = WebhookListResponse {
        success: true,
        has_more: next_cursor.is_some(),
        next_cursor,
        data: page.into_iter().map(|w| w.webhook.clone()).collect(),
    };
    Ok(respond(200, &list))
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
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
) -> Answer {
    let tenants = state.tenants.lock();
    let stored = tenants
        .find(&tenant.key, |d| &d.webhooks, &id)
        .ok_or_else(not_found)?;
    let (status, body) = envelope(200, &stored.webhook);
    Ok(json_bytes_response(status, body))
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
    state: State<AppState>,
    auth: Auth<Commet>,
    id: Path<String>,
    headers: HeaderMap,
    body: JsonBody<Commet, UpdateWebhookRequest>,
) -> Answer {
    update(state, auth, id, headers, body)
}

/// Update webhook endpoint by PATCH, as API version 2026-07-31 and later do.
#[utoipa::path(
    patch,
    path = "/webhooks/{id}",
    operation_id = "patchWebhookEndpoint",
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
async fn patch_webhook_endpoint(
    state: State<AppState>,
    auth: Auth<Commet>,
    id: Path<String>,
    headers: HeaderMap,
    body: JsonBody<Commet, UpdateWebhookRequest>,
) -> Answer {
    update(state, auth, id, headers, body)
}

/// PUT and PATCH: only the fields sent change.
fn update(
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Commet, UpdateWebhookRequest>,
) -> Answer {
    if let Some(url) = &body.url {
        check_commet_url(url, tenant.mode)?;
    }
    let events = body.events.as_deref().map(check_events).transpose()?;
    // PUT and PATCH change the same fields: a retry may use either.
    let fingerprint = || json!(["update", id, raw.value()]);
    let key = idempotency_key(&headers);
    write_once(
        &state.tenants,
        &tenant.key,
        idempotency,
        key,
        fingerprint,
        conflict,
        |data, _| {
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
    )
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
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
) -> Answer {
    let mut tenants = state.tenants.lock();
    tenants
        .remove(&tenant.key, |d| &mut d.webhooks, &id)
        .ok_or_else(not_found)?;
    let deleted = DeletedObject {
        id,
        deleted: true,
        object: "webhook".into(),
        livemode: tenant.mode == Mode::Live,
    };
    let (status, body) = envelope(200, deleted);
    Ok(json_bytes_response(status, body))
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
    State(state): State<AppState>,
    Auth(tenant, ..): Auth<Commet>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer {
    // A retried test with the same key reports the first delivery instead of sending another.
    let key = idempotency_key(&headers);
    let fingerprint = json!(["POST", format!("/webhooks/{id}/test")]);
    if let Some(key) = &key {
        let mut tenants = state.tenants.lock();
        match tenants.of(&tenant.key).idempotency.check(key, &fingerprint) {
            Replay::Same(status, body) => return Ok(json_bytes_response(status, body)),
            Replay::Conflict => return Err(conflict()),
            Replay::Fresh => {}
        }
    }
    let (url, secret, api_version) = {
        let tenants = state.tenants.lock();
        let stored = tenants
            .find(&tenant.key, |d| &d.webhooks, &id)
            .ok_or_else(not_found)?;
        (
            stored.webhook.url.clone(),
            stored.secret.clone(),
            stored.webhook.api_version.clone(),
        )
    };
    let event = Commet::envelope(&tenant, "webhook.test", Some(json!({"webhookId": id})));
    let to = Subscriber {
        endpoint_id: id.clone(),
        url,
        secret,
        api_version,
    };
    // One attempt, reported at once; it does not count toward auto-disable.
    let delivery = delivery::<Commet>(&event, to, &[Duration::ZERO]);
    let attempt = state.deliverer.run(delivery).await;
    let (success, timestamp) = (attempt.succeeded(), attempt.at.clone());
    let test = WebhookTest {
        success,
        delivery_id: attempt.id,
        delivered_at: timestamp,
        object: "webhook_delivery".into(),
        livemode: tenant.mode == Mode::Live,
    };
    let (status, body) = envelope(200, test);
    if let Some(key) = key {
        let mut tenants = state.tenants.lock();
        let keys = &mut tenants.of(&tenant.key).idempotency;
        keys.save(key, fingerprint, status, body.clone());
    }
    Ok(json_bytes_response(status, body))
}

/// Commet's routes (paths relative to its base path `/api/v1`) and spec.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(
            get_webhook_endpoint,
            update_webhook_endpoint,
            patch_webhook_endpoint,
            delete_webhook_endpoint
        ))
        .routes(routes!(test_webhook_endpoint))
}
