//! Charge's operations: create, list, retrieve and update webhook endpoints.

use crate::kernel::routes::{Routes, routes};
use axum::extract::{OriginalUri, Path, RawQuery};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::wire::{
    CreateWebhookEndpointRequest, Created, EndpointStatus, ListParams, SigningSecret,
    UpdateWebhookEndpointRequest, WebhookEndpoint, WebhookEndpointList,
};
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::Error;
use super::{Chargeapi, TenantData};
use crate::kernel::error::{ApiError, ErrorKind, invalid, missing};
use crate::kernel::extract::{Auth, JsonBody, Query, Store, header_text};
use crate::kernel::paging::bounded;
use crate::kernel::provider::Mode;
use crate::kernel::respond::{json_bytes, respond};
use crate::kernel::store::{Collection, IdempotencyKeys, Idempotent, Saved, write_once};
use crate::kernel::urls::check_url;

type Answer = Result<Response, ApiError<Chargeapi>>;

/// The 404 of an unknown endpoint ID.
pub fn not_found(id: &str) -> ApiError<Chargeapi> {
    ApiError::new(
        ErrorKind::NotFound,
        "webhook_endpoint_not_found",
        format!("No webhook endpoint {id}."),
    )
    .param("id")
}

fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError<Chargeapi>> {
    match headers
        .get("idempotency-key")
        .map(|v| v.to_str().unwrap_or_default())
    {
        None => Ok(None),
        Some(key) if !key.is_empty() && key.len() <= 255 => Ok(Some(key.to_string())),
        Some(_) => Err(invalid(
            "Idempotency-Key",
            "The Idempotency-Key header must be 1 to 255 characters.",
        )),
    }
}

fn idempotency(data: &mut TenantData) -> &mut IdempotencyKeys {
    &mut data.idempotency
}

fn conflict() -> ApiError<Chargeapi> {
    ApiError::new(
        ErrorKind::Conflict,
        "idempotency_key_in_use",
        "This idempotency key was already used with a different request.",
    )
}

fn check_events(events: &[String]) -> Result<(), ApiError<Chargeapi>> {
    if events.iter().any(String::is_empty) {
        return Err(invalid(
            "enabled_events",
            "Event types must be non-empty strings.",
        ));
    }
    Ok(())
}

/// Create a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhook_endpoints",
    operation_id = "createWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retried POST safe."),
        ("Charge-Version" = Option<String>, Header, description = "The API version to answer in, instead of the account's."),
    ),
    request_body = CreateWebhookEndpointRequest,
    responses(
        (status = 200, description = "The newly created webhook endpoint", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 409, description = "Idempotency key reused", body = Error),
        (status = 429, description = "Too many requests", body = Error),
    ),
    security(("BearerAuth" = []))
))]
async fn create_webhook_endpoint(
    Store(state): Store<Chargeapi>,
    Auth(tenant, ..): Auth<Chargeapi>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Chargeapi, CreateWebhookEndpointRequest>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    let url = body.url.ok_or_else(|| missing("url"))?;
    check_url("url", &url, false)?;
    let events = body
        .enabled_events
        .ok_or_else(|| missing("enabled_events"))?;
    if events.is_empty() {
        return Err(invalid(
            "enabled_events",
            "'enabled_events' must list at least one event type.",
        ));
    }
    check_events(&events)?;
    // An endpoint created under `Charge-Version` renders its events in that version.
    let pinned_version = body
        .api_version
        .or_else(|| header_text(&headers, "charge-version"));
    let fingerprint = || json!(["POST", "/webhook_endpoints", raw.value()]);
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
                id: state.env.alnum("wh_", 32),
                object: "webhook_endpoint".into(),
                api_version: pinned_version,
                application: None,
                created: Created(state.env.now_rfc3339_millis()),
                description: body.description,
                enabled_events: events,
                livemode: tenant.mode == Mode::Live,
                metadata: body.metadata.unwrap_or_default(),
                secret: SigningSecret(state.env.alnum("whsec_", 32)),
                status: EndpointStatus::Enabled,
                url,
            };
            let response = json_bytes(&endpoint);
            data.endpoints
                .insert(positions.next(), endpoint.id.clone(), endpoint);
            Ok(Saved::new(200, response))
        },
    )
    .map(IntoResponse::into_response)
}

/// A page token: `page_`, a direction (`n`ext or `p`revious) and the position, 43 characters.
fn page_token(direction: char, seq: u64) -> String {
    format!("page_{direction}{seq:042x}")
}

fn parse_page_token(token: &str) -> Option<(char, u64)> {
    let rest = token.strip_prefix("page_")?;
    let direction = rest.chars().next().filter(|c| matches!(c, 'n' | 'p'))?;
    let digits = &rest[1..];
    (digits.len() == 42)
        .then(|| {
            u64::from_str_radix(digits.trim_start_matches('0'), 16)
                .ok()
                .or(Some(0))
        })
        .flatten()
        .map(|seq| (direction, seq))
}

/// List webhook endpoints.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhook_endpoints",
    operation_id = "listWebhookEndpoints",
    tag = "Webhook Endpoints",
    params(ListParams, ("Charge-Version" = Option<String>, Header, description = "The API version to answer in, instead of the account's.")),
    responses(
        (status = 200, description = "A page of webhook endpoints", body = WebhookEndpointList),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 429, description = "Too many requests", body = Error),
    ),
    security(("BearerAuth" = []))
))]
async fn list_webhook_endpoints(
    Store(state): Store<Chargeapi>,
    Auth(tenant, ..): Auth<Chargeapi>,
    headers: HeaderMap,
    OriginalUri(uri): OriginalUri,
    Query(params, ..): Query<Chargeapi, ListParams>,
) -> Answer {
    let limit = bounded("limit", params.limit, 10, 1, 100)?;
    let token = match params.page.as_deref() {
        None | Some("") => None,
        Some(t) => Some(
            parse_page_token(t).ok_or_else(|| invalid("page", "The page token is not valid."))?,
        ),
    };
    let tenants = state.tenants.lock();
    let empty = Collection::default();
    let endpoints = tenants.get(&tenant.key).map_or(&empty, |d| &d.endpoints);
    let (page, newer_exist, older_exist) = match token {
        None => {
            let (page, more) = endpoints.newest_first(None, limit);
            (page, false, more)
        }
        Some(('n', seq)) => {
            let (page, more) = endpoints.newest_first(Some(seq), limit);
            (page, true, more)
        }
        Some((_, seq)) => {
            let (page, more) = endpoints.newer_than(seq, limit);
            (page, more, true)
        }
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let link = |direction: char, seq: u64| {
        format!(
            "http://{host}{}?limit={limit}&page={}",
            uri.path(),
            page_token(direction, seq)
        )
    };
    let list = WebhookEndpointList {
        next_page_url: match page.last() {
            Some((seq, _)) if older_exist => Some(link('n', *seq)),
            _ => None,
        },
        previous_page_url: match page.first() {
            Some((seq, _)) if newer_exist => Some(link('p', *seq)),
            _ => None,
        },
        data: page.into_iter().map(|(_, e)| e.clone()).collect(),
    };
    Ok(respond(200, &list))
}

/// Retrieve a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/webhook_endpoints/{id}",
    operation_id = "retrieveWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(
        ("id" = String, Path, description = "The endpoint identifier (`wh_…`)."),
        ("Charge-Version" = Option<String>, Header, description = "The API version to answer in, instead of the account's."),
        ("expand" = Option<Vec<String>>, Query, description = "Specifies related objects to expand."),
    ),
    responses(
        (status = 200, description = "Webhook endpoint successfully retrieved", body = WebhookEndpoint),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "No such endpoint", body = Error),
        (status = 429, description = "Too many requests", body = Error),
    ),
    security(("BearerAuth" = []))
))]
async fn retrieve_webhook_endpoint(
    Store(state): Store<Chargeapi>,
    Auth(tenant, ..): Auth<Chargeapi>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Answer {
    // The docs name no field of a webhook endpoint that expands.
    let expanded = url::form_urlencoded::parse(query.as_deref().unwrap_or_default().as_bytes())
        .find(|(name, _)| name == "expand");
    if let Some((_, value)) = expanded {
        return Err(ApiError::new(
            ErrorKind::BadRequest,
            "unsupported_expand_value",
            format!("`{value}` cannot be expanded on a webhook endpoint."),
        )
        .param("expand"));
    }
    let tenants = state.tenants.lock();
    let endpoint = tenants
        .find(&tenant.key, |d| &d.endpoints, &id)
        .ok_or_else(|| not_found(&id))?;
    Ok(respond(200, endpoint))
}

/// Update a webhook endpoint.
#[cfg_attr(feature = "openapi", utoipa::path(
    post,
    path = "/webhook_endpoints/{id}",
    operation_id = "updateWebhookEndpoint",
    tag = "Webhook Endpoints",
    params(
        ("id" = String, Path, description = "The endpoint identifier (`wh_…`)."),
        ("Idempotency-Key" = Option<String>, Header, max_length = 255, description = "Makes a retried POST safe."),
        ("Charge-Version" = Option<String>, Header, description = "The API version to answer in, instead of the account's."),
    ),
    request_body = UpdateWebhookEndpointRequest,
    responses(
        (status = 200, description = "The updated webhook endpoint", body = WebhookEndpoint),
        (status = 400, description = "Invalid request", body = Error),
        (status = 401, description = "Bad API key", body = Error),
        (status = 404, description = "No such endpoint", body = Error),
        (status = 409, description = "Idempotency key reused", body = Error),
        (status = 429, description = "Too many requests", body = Error),
    ),
    security(("BearerAuth" = []))
))]
async fn update_webhook_endpoint(
    Store(state): Store<Chargeapi>,
    Auth(tenant, ..): Auth<Chargeapi>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<Chargeapi, UpdateWebhookEndpointRequest>,
) -> Answer {
    let key = idempotency_key(&headers)?;
    if let Some(events) = &body.enabled_events {
        check_events(events)?;
    }
    let fingerprint = || json!(["POST", id, raw.value()]);
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
        |data, _| {
            let endpoint = data.endpoints.get_mut(&id).ok_or_else(|| not_found(&id))?;
            if let Some(events) = body.enabled_events {
                endpoint.enabled_events = events;
            }
            if let Some(status) = body.status {
                endpoint.status = status;
            }
            if let Some(description) = body.description {
                endpoint.description = Some(description);
            }
            if let Some(metadata) = body.metadata {
                endpoint.metadata = metadata;
            }
            Ok(Saved::new(200, json_bytes(&*endpoint)))
        },
    )
    .map(IntoResponse::into_response)
}

/// Charge's routes (paths relative to its base path `/v1`) and spec.
pub fn router() -> Routes {
    Routes::new()
        .routes(routes!(create_webhook_endpoint, list_webhook_endpoints))
        .routes(routes!(retrieve_webhook_endpoint, update_webhook_endpoint))
}
