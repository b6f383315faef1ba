//! billing.io's event history: `GET /events` (newest first, filtered by
//! type or checkout) and `GET /events/{event_id}`, served from the events
//! triggered for the tenant, delivered or not, as their deliveries carried them.

use crate::kernel::routes::{Routes, routes};
use axum::extract::Path;
use axum::response::Response;
use serde_json::{Value, json};

use super::BillingIo;
use super::wire::EventListParams;
// Named by the handlers' annotations alone.
#[cfg(feature = "openapi")]
use super::wire::{ErrorResponse, Event, EventList};
use crate::kernel::error::{ApiError, ErrorKind};
use crate::kernel::extract::{Auth, Query, Store};
use crate::kernel::paging::{bounded, cursor_page_where};
use crate::kernel::respond::respond;

type Answer = Result<Response, ApiError<BillingIo>>;

/// The 404 of an unknown event ID.
pub fn not_found(id: &str) -> ApiError<BillingIo> {
    ApiError::new(
        ErrorKind::NotFound,
        "event_not_found",
        format!("No event found with ID {id}."),
    )
    .param("event_id")
}

/// List events.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/events",
    operation_id = "listEvents",
    tag = "Events",
    params(EventListParams),
    responses(
        (status = 200, description = "A page of events, newest first", body = EventList),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
))]
async fn list_events(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    Query(params, ..): Query<BillingIo, EventListParams>,
) -> Answer {
    let limit = bounded("limit", params.limit, 25, 1, 100)?;
    let event_type = params.type_.map(|t| json!(t));
    let keep = |event: &Value| {
        event_type.as_ref().is_none_or(|t| &event["type"] == t)
            && params
                .checkout_id
                .as_deref()
                .is_none_or(|id| event["checkout_id"] == id)
    };
    let tenants = state.tenants.lock();
    let events = tenants.get(&tenant.key).map(|d| &d.events);
    let (page, next_cursor) = cursor_page_where(events, params.cursor.as_deref(), limit, keep)?;
    Ok(respond(
        200,
        &json!({"data": page, "has_more": next_cursor.is_some(), "next_cursor": next_cursor}),
    ))
}

/// Get an event.
#[cfg_attr(feature = "openapi", utoipa::path(
    get,
    path = "/events/{event_id}",
    operation_id = "getEvent",
    tag = "Events",
    params(("event_id" = String, Path, description = "The event identifier (`evt_…`).")),
    responses(
        (status = 200, description = "The event", body = Event),
        (status = 401, description = "Bad API key", body = ErrorResponse),
        (status = 404, description = "No such event", body = ErrorResponse),
        (status = 429, description = "Rate limited", body = ErrorResponse),
        (status = 500, description = "Server error", body = ErrorResponse),
        (status = 503, description = "Briefly unavailable", body = ErrorResponse),
    ),
    security(("BearerAuth" = []))
))]
async fn get_event(
    Store(state): Store<BillingIo>,
    Auth(tenant, ..): Auth<BillingIo>,
    Path(event_id): Path<String>,
) -> Answer {
    let tenants = state.tenants.lock();
    let event = tenants
        .find(&tenant.key, |d| &d.events, &event_id)
        .ok_or_else(|| not_found(&event_id))?;
    Ok(respond(200, event))
}

/// The event history's routes (paths relative to `/v1`).
pub fn router() -> Routes {
    Routes::new()
        .routes(routes!(list_events))
        .routes(routes!(get_event))
}
