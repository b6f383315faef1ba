//! Donutwork's operations: list and create webhooks, list event types, get
//! and delete a webhook.

use crate::kernel::routes::{Routes, routes};
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use serde_json::json;

use super::wire::{
    CreateWebhookRequest, DeletedWebhook, EventNames, ListParams, Pages, Webhook, WebhookList,
    WebhookToken,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::Error;
use super::{Donutwork, SUPPORTED_EVENTS, error};
use crate::kernel::error::{ApiError, ErrorKind};
use crate::kernel::extract::{Auth, JsonBody, Query, Store};
use crate::kernel::paging::bounded;
use crate::kernel::respond::{json_response, respond};
use crate::kernel::store::Collection;
use crate::kernel::urls::{is_loopback_url, parse_url};

type Answer = Result<Response, ApiError<Donutwork>>;

fn redacted(webhook: &Webhook) -> Webhook {
    Webhook {
        token: WebhookToken("redacted".into()),
        ..webhook.clone()
    }
}

fn must(field: &str) -> ApiError<Donutwork> {
    error(
        ErrorKind::BadRequest,
        &format!("A valid \"{field}\" must be specified."),
    )
}

/// List webhooks.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn list_webhooks(
    Store(state): Store<Donutwork>,
    Auth(tenant, ..): Auth<Donutwork>,
    Query(params, ..): Query<Donutwork, ListParams>,
) -> Answer {
    // The docs' example answers with 100 per page.
    let size = bounded("size", params.size, 100, 1, 100)?;
    let page = bounded("page", params.page, 1, 1, i64::MAX)?;
    let tenants = state.tenants.lock();
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
    Ok(respond(200, &list))
}

/// Create webhook.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn create_webhook(
    Store(state): Store<Donutwork>,
    Auth(tenant, ..): Auth<Donutwork>,
    JsonBody(body, ..): JsonBody<Donutwork, CreateWebhookRequest>,
) -> Answer {
    let input = body.webhook.ok_or_else(|| must("name"))?;
    let name = input
        .name
        .filter(|n| !n.is_empty())
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
    match parse_url(&url) {
        None => {
            return Err(error(
                ErrorKind::Unprocessable,
                "A valid \"url\" must be specified.",
            ));
        }
        // Donutwork checks the target's TLS certificate: plain HTTP fails that
        // check, answered with the one body its docs print for that case.
        Some(parsed) if parsed.scheme() == "http" && !is_loopback_url(&parsed) => {
            return Err(error(
                ErrorKind::BadRequest,
                "A valid \"url\" must be specified.",
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
        id: state.env.hex("", 24),
        name,
        description: input.description,
        url,
        events,
        token: WebhookToken(state.env.hex("", 40)),
    };
    let mut tenants = state.tenants.lock();
    let seq = tenants.next_seq();
    tenants
        .of(&tenant.key)
        .insert(seq, webhook.id.clone(), webhook.clone());
    Ok(respond(201, &webhook))
}

/// List supported webhook types.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhooks/types.json",
    operation_id = "listWebhookTypes",
    tag = "Webhooks",
    responses(
        (status = 200, description = "List of available webhook event names for the company context.", body = Vec<String>),
        (status = 401, description = "Bad API key", body = Error),
    ),
    security(("BearerAuth" = []))
))]
async fn list_webhook_types(Auth(..): Auth<Donutwork>) -> Response {
    json_response(200, json!(SUPPORTED_EVENTS))
}

/// The 404 of the get operation, as its docs print it.
pub const GET_NOT_FOUND: &str = "Webhook not found.";
/// The 404 of the delete operation, as its docs print it.
pub const DELETE_NOT_FOUND: &str = "Webhook not found. Unable to delete unknown resource";

/// The `{webhookId}` of a `{webhookId}.json` segment (axum cannot route a
/// parameter followed by a suffix, so the handler splits it).
fn webhook_id(segment: &str) -> Result<&str, ApiError<Donutwork>> {
    segment
        .strip_suffix(".json")
        .filter(|id| !id.is_empty())
        .ok_or_else(|| error(ErrorKind::NotFound, "Not found."))
}

/// Get webhook.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn get_webhook(
    Store(state): Store<Donutwork>,
    Auth(tenant, ..): Auth<Donutwork>,
    Path(segment): Path<String>,
) -> Answer {
    let id = webhook_id(&segment)?;
    let tenants = state.tenants.lock();
    let webhook = tenants
        .find(&tenant.key, |w| w, id)
        .ok_or_else(|| error(ErrorKind::NotFound, GET_NOT_FOUND))?;
    Ok(respond(200, &redacted(webhook)))
}

/// Delete webhook.
#[cfg_attr(feature = "openapi", utoipa::path(
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
))]
async fn delete_webhook(
    Store(state): Store<Donutwork>,
    Auth(tenant, ..): Auth<Donutwork>,
    Path(segment): Path<String>,
) -> Answer {
    let id = webhook_id(&segment)?;
    let mut tenants = state.tenants.lock();
    tenants
        .remove(&tenant.key, |w| w, id)
        .ok_or_else(|| error(ErrorKind::NotFound, DELETE_NOT_FOUND))?;
    let deleted = DeletedWebhook {
        id: id.to_string(),
        deleted: true,
    };
    Ok(respond(200, &deleted))
}

/// The `{webhookId}.json` operations, documented here and routed by hand.
#[cfg(feature = "openapi")]
#[derive(utoipa::OpenApi)]
#[openapi(paths(get_webhook, delete_webhook))]
struct SuffixedPaths;

/// Donutwork's routes (paths relative to its base path `/2026-02-01`).
pub fn router() -> Routes {
    #[cfg(not(feature = "openapi"))]
    let routes = Routes::new();
    #[cfg(feature = "openapi")]
    let routes = Routes::documenting(<SuffixedPaths as utoipa::OpenApi>::openapi());
    routes
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(list_webhook_types))
        // A parameter with a suffix in one segment is more than axum's router matches.
        .route(
            "/webhooks/{segment}",
            get(get_webhook).delete(delete_webhook),
        )
}
