//! The admin API under `/__mock/`: reset state, read the request journal and
//! the delivery attempts, schedule faults, and trigger signed events.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::app::MockState;
use super::error::{ApiError, ErrorKind};
use super::faults::Fault;
use super::provider::{MockProvider, ProviderState};

#[derive(Deserialize)]
struct ResetQuery {
    /// Reset only this API key's data.
    api_key: Option<String>,
}

/// `POST /__mock/reset[?api_key=KEY]`: forget everything, or one tenant.
async fn reset(State(state): State<Arc<MockState>>, Query(q): Query<ResetQuery>) -> StatusCode {
    state.reset(q.api_key.as_deref());
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
struct RequestsQuery {
    /// Only the requests made with this API key.
    api_key: Option<String>,
}

/// `GET /__mock/requests[?api_key=KEY]`: every request received (or one
/// tenant's), newest last, keys redacted.
async fn requests(
    State(state): State<Arc<MockState>>,
    Query(q): Query<RequestsQuery>,
) -> axum::Json<Value> {
    let entries = match q.api_key.as_deref() {
        Some(key) => state.journal.entries_of(key),
        None => state.journal.entries(),
    };
    axum::Json(json!(entries))
}

/// The header that carries the admin token, when the admin API needs one.
pub const ADMIN_TOKEN_HEADER: &str = "x-mock-admin-token";

/// Refuses admin requests without the token, when one is set (the mock is
/// bound to an address others can reach).
async fn require_token(
    State(token): State<Option<Arc<str>>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(token) = token else {
        return next.run(request).await;
    };
    let given = request
        .headers()
        .get(ADMIN_TOKEN_HEADER)
        .map(|v| v.as_bytes());
    // Compared in constant time: the token is a secret.
    if given.is_some_and(|g| bool::from(g.ct_eq(token.as_bytes()))) {
        return next.run(request).await;
    }
    let error = json!({"error": format!("the admin API needs the {ADMIN_TOKEN_HEADER} header (the mock listens on a shared address)")});
    (StatusCode::UNAUTHORIZED, axum::Json(error)).into_response()
}

/// Adds the admin token check to admin routes (a no-op without a token).
pub fn guarded(routes: Router, token: Option<Arc<str>>) -> Router {
    routes.layer(axum::middleware::from_fn_with_state(token, require_token))
}

/// `GET /__mock/deliveries`: every delivery attempt, oldest first.
async fn deliveries(State(state): State<Arc<MockState>>) -> axum::Json<Value> {
    axum::Json(json!(state.deliverer.attempts()))
}

/// `POST /__mock/faults` with a [`Fault`]: the next matching requests
/// answer its status; 204, or 400 naming the documented statuses.
async fn add_fault(State(state): State<Arc<MockState>>, body: axum::body::Bytes) -> Response {
    let added = serde_json::from_slice::<Fault>(&body)
        .map_err(|e| format!("expected {{\"provider\", \"status\", \"count\", …}}: {e}"))
        .and_then(|fault| state.faults.add(fault));
    match added {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": why}))).into_response(),
    }
}

/// `DELETE /__mock/faults`: forget every scheduled fault.
async fn clear_faults(State(state): State<Arc<MockState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// `POST /__mock/<name>/events` for a name no served provider has.
async fn no_such_provider(Path(name): Path<String>) -> Response {
    let error = json!({"error": format!("no provider named {name}")});
    (StatusCode::NOT_FOUND, axum::Json(error)).into_response()
}

/// The admin routes shared by every provider.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/faults", post(add_fault).delete(clear_faults))
        .route("/__mock/requests", get(requests))
        .route("/__mock/deliveries", get(deliveries))
        .route("/__mock/{provider}/events", post(no_such_provider))
        .with_state(state)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TriggerBody {
    /// The event type, as the provider documents it.
    #[serde(rename = "type")]
    event_type: String,
    /// The event's data (a default when absent).
    data: Option<Value>,
}

/// `POST /__mock/<provider>/events` with the tenant's API key and
/// `{"type": "…", "data": {…}}`: delivers a signed event to every endpoint
/// of that tenant subscribed to the type. Answers 202 at once with the event
/// and where it goes; the attempts run in the background.
pub fn events_router<P: MockProvider>(state: Arc<ProviderState<P>>) -> Router {
    Router::new()
        .route(&format!("/__mock/{}/events", P::NAME), post(trigger::<P>))
        .with_state(state)
}

async fn trigger<P: MockProvider>(
    State(state): State<Arc<ProviderState<P>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let run = || -> Result<Value, ApiError<P>> {
        let request: TriggerBody = serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                ErrorKind::BadRequest,
                "invalid_json",
                format!("Expected {{\"type\": …, \"data\": …}}: {e}."),
            )
        })?;
        P::trigger(&state, &headers, &request.event_type, request.data)
    };
    match run() {
        Ok(outcome) => (StatusCode::ACCEPTED, axum::Json(outcome)).into_response(),
        Err(error) => error.into_response(),
    }
}
