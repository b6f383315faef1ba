//! meum.io's operations: create and update webhook endpoints, list an
//! endpoint's deliveries, get one delivery.

use crate::kernel::routes::{Routes, routes};
use axum::extract::Path;
use axum::response::Response;

use super::wire::{
    CreateWebhookEndpointRequest, CreatedWebhookEndpoint, DeliveriesParams, EndpointStatus,
    PublicId, SigningSecret, UpdateWebhookEndpointRequest, WebhookDeliveryList, WebhookEndpoint,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::{ErrorResponse, WebhookDeliveryDetail};
use super::{DEFAULT_EVENTS, Meum, StoredEndpoint};
use crate::kernel::error::{ApiError, ErrorKind, invalid, missing};
use crate::kernel::extract::{Auth, JsonBody, Query, Store};
use crate::kernel::paging::bounded;
use crate::kernel::respond::respond;
use crate::kernel::urls::check_url;

type Answer = Result<Response, ApiError<Meum>>;

/// The 404 of an unknown record (`what`: `Webhook endpoint`, `Webhook delivery`).
pub fn not_found(what: &str) -> ApiError<Meum> {
    ApiError::new(
        ErrorKind::NotFound,
        "NOT_FOUND",
        format!("{what} not found."),
    )
}

fn check_name(name: &str) -> Result<(), ApiError<Meum>> {
    if name.is_empty() {
        return Err(invalid("name", "'name' must not be empty."));
    }
    Ok(())
}

/// Create webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn create_webhook_endpoint(
    Store(state): Store<Meum>,
    Auth(tenant, ..): Auth<Meum>,
    JsonBody(body, ..): JsonBody<Meum, CreateWebhookEndpointRequest>,
) -> Answer {
    let url = body.url.ok_or_else(|| missing("url"))?;
    check_url("url", &url, false)?;
    let name = body.name.unwrap_or_else(|| "Default".to_string());
    check_name(&name)?;
    let events = body
        .events
        .unwrap_or_else(|| DEFAULT_EVENTS.iter().map(|e| e.to_string()).collect());
    let secret = state.env.hex("", 64);
    let view = WebhookEndpoint {
        id: PublicId(state.env.lower_alnum("wh_", 24)),
        name,
        url,
        secret_prefix: secret[..8].to_string(),
        events,
        managed: false,
        last_delivery_at: None,
        last_delivery_status: None,
        failure_count: 0,
        created_at: state.env.now_rfc3339(),
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
    let mut tenants = state.tenants.lock();
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
    Ok(respond(201, &created))
}

/// Update webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn update_webhook_endpoint(
    Store(state): Store<Meum>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
    JsonBody(body, ..): JsonBody<Meum, UpdateWebhookEndpointRequest>,
) -> Answer {
    if let Some(name) = &body.name {
        check_name(name)?;
    }
    if let Some(url) = &body.url {
        check_url("url", url, false)?;
    }
    let mut tenants = state.tenants.lock();
    let stored = tenants
        .of(&tenant.key)
        .endpoints
        .get_mut(&id)
        .ok_or_else(|| not_found("Webhook endpoint"))?;
    if stored.view.managed {
        return Err(ApiError::new(
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
    Ok(respond(200, &stored.view))
}

/// List webhook deliveries.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn list_webhook_deliveries(
    Store(state): Store<Meum>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
    Query(params, ..): Query<Meum, DeliveriesParams>,
) -> Answer {
    let limit = bounded("limit", params.limit, 20, 1, 100)?;
    let tenants = state.tenants.lock();
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
    Ok(respond(200, &list))
}

/// Get webhook delivery.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn get_webhook_delivery(
    Store(state): Store<Meum>,
    Auth(tenant, ..): Auth<Meum>,
    Path(id): Path<String>,
) -> Answer {
    let tenants = state.tenants.lock();
    let delivery = tenants
        .get(&tenant.key)
        .and_then(|d| d.deliveries.get(&id))
        .ok_or_else(|| not_found("Webhook delivery"))?;
    Ok(respond(200, &delivery))
}

/// meum.io's routes (its base path is the root) and spec.
pub fn router() -> Routes {
    Routes::new()
        .routes(routes!(create_webhook_endpoint))
        .routes(routes!(update_webhook_endpoint))
        .routes(routes!(list_webhook_deliveries))
        .routes(routes!(get_webhook_delivery))
}
