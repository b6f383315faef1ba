//! The admin API under `/__mock/`: reset state, read the request journal
//! and the delivery attempts, schedule faults, move a manual clock, load
//! fixtures, trigger and resend signed events.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, Query};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use subtle::ConstantTimeEq;

use super::deliveries::{DeliveryFilter, Trigger};
use super::error::{ApiError, ErrorKind};
use super::extract::Mock;
use super::faults::Fault;
use super::fixtures;
use super::journal::RequestFilter;
use super::provider::MockProvider;
use super::state::{ADMIN_TOKEN_HEADER, MockState};

/// An admin answer: a JSON body with a status.
fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn refuse(why: impl std::fmt::Display) -> Response {
    answer(StatusCode::BAD_REQUEST, json!({"error": why.to_string()}))
}

#[derive(Deserialize)]
struct ResetQuery {
    /// Reset only this API key's data.
    api_key: Option<String>,
}

/// `POST /__mock/reset[?api_key=KEY]`: forget everything, or one tenant.
async fn reset(Mock(mock): Mock, Query(q): Query<ResetQuery>) -> StatusCode {
    mock.reset(q.api_key.as_deref());
    StatusCode::NO_CONTENT
}

/// `GET /__mock/requests[?provider=&operation=&status=&api_key=]`: the
/// requests received that match, oldest first, keys redacted.
async fn requests(
    Mock(mock): Mock,
    query: Result<Query<RequestFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(filter)) = query else {
        return refuse("the filters are provider, operation, status and api_key");
    };
    answer(StatusCode::OK, json!(mock.journal.entries(&filter)))
}

/// Refuses admin requests without the token, when the mock has one (it is
/// bound to an address others can reach).
async fn require_token(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let token = request
        .extensions()
        .get::<Arc<MockState>>()
        .and_then(|mock| mock.admin_token.clone());
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
    answer(StatusCode::UNAUTHORIZED, error)
}

/// Adds the admin token check to admin routes (a no-op without a token).
pub fn guarded(routes: Router) -> Router {
    routes.layer(axum::middleware::from_fn(require_token))
}

/// `GET /__mock/deliveries[?provider=&event_id=&endpoint_id=]`: the
/// delivery attempts that match, oldest first.
async fn deliveries(
    Mock(mock): Mock,
    query: Result<Query<DeliveryFilter>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Ok(Query(filter)) = query else {
        return refuse("the filters are provider, event_id and endpoint_id");
    };
    answer(
        StatusCode::OK,
        json!(mock.deliverer.attempts_matching(&filter)),
    )
}

/// `GET /__mock/health`: 200 and the version, for containers and scripts;
/// no token needed, and nothing about the mock's data.
pub(crate) async fn health() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

/// The routes outside the admin token: only the health check.
pub fn open_router() -> Router {
    Router::new().route("/__mock/health", get(health))
}

/// `POST /__mock/deliveries/{event_id}/resend`: the recorded event again to
/// its endpoints, signed afresh; 202 with where it goes.
async fn resend(Mock(mock): Mock, Path(event_id): Path<String>) -> Response {
    match mock.deliverer.resend(&event_id) {
        Ok(targets) => {
            let deliveries: Vec<Value> = targets
                .into_iter()
                .map(|(endpoint_id, url)| json!({"endpoint_id": endpoint_id, "url": url}))
                .collect();
            answer(
                StatusCode::ACCEPTED,
                json!({"event_id": event_id, "deliveries": deliveries}),
            )
        }
        Err(why) => answer(StatusCode::NOT_FOUND, json!({"error": why})),
    }
}

/// `POST /__mock/faults` with a [`Fault`]: the next matching requests get
/// it; 204, or 400 naming what cannot be.
async fn add_fault(Mock(mock): Mock, body: axum::body::Bytes) -> Response {
    let added = serde_json::from_slice::<Fault>(&body)
        .map_err(|e| format!("expected {{\"provider\", \"kind\", \"status\", \"count\", …}}: {e}"))
        .and_then(|fault| mock.faults.add(fault));
    match added {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => refuse(why),
    }
}

/// `DELETE /__mock/faults`: forget every scheduled fault.
async fn clear_faults(Mock(mock): Mock) -> StatusCode {
    mock.faults.clear();
    StatusCode::NO_CONTENT
}

fn clock_answer(mock: &MockState) -> Response {
    answer(
        StatusCode::OK,
        json!({
            "now": mock.clock.now_rfc3339_millis(),
            "unix": mock.clock.unix_now(),
            "mode": if mock.clock.is_manual() { "manual" } else { "wall" },
        }),
    )
}

/// `GET /__mock/clock`: the mock's time and clock.
async fn clock(Mock(mock): Mock) -> Response {
    clock_answer(&mock)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Advance {
    advance_seconds: u64,
}

/// `POST /__mock/clock` with `{"advance_seconds": N}`: moves a manual clock
/// forward, making every delivery attempt that falls due on the way.
async fn advance_clock(Mock(mock): Mock, body: axum::body::Bytes) -> Response {
    let advance = match serde_json::from_slice::<Advance>(&body) {
        Ok(advance) => advance,
        Err(e) => return refuse(format!("expected {{\"advance_seconds\": N}}: {e}")),
    };
    match mock
        .clock
        .advance(Duration::from_secs(advance.advance_seconds))
        .await
    {
        Ok(_) => clock_answer(&mock),
        Err(why) => answer(StatusCode::CONFLICT, json!({"error": why})),
    }
}

/// `POST /__mock/fixtures` with a list of steps: runs them, answers what
/// each step's request answered, by step name.
async fn load_fixtures(Mock(mock): Mock, body: axum::body::Bytes) -> Response {
    let steps = match serde_json::from_slice::<Vec<fixtures::Step>>(&body) {
        Ok(steps) => steps,
        Err(e) => return refuse(format!("expected a list of fixture steps: {e}")),
    };
    match fixtures::run(&mock, steps).await {
        Ok(answers) => answer(StatusCode::OK, answers),
        Err(failure) => answer(StatusCode::BAD_REQUEST, failure),
    }
}

/// `POST /__mock/<name>/events` for a name no served provider has.
async fn no_such_provider(Path(name): Path<String>) -> Response {
    answer(
        StatusCode::NOT_FOUND,
        json!({"error": format!("no provider named {name}")}),
    )
}

/// The admin routes shared by every provider.
pub fn router() -> Router {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/faults", post(add_fault).delete(clear_faults))
        .route("/__mock/requests", get(requests))
        .route("/__mock/deliveries", get(deliveries))
        .route("/__mock/deliveries/{event_id}/resend", post(resend))
        .route("/__mock/clock", get(clock).post(advance_clock))
        .route("/__mock/fixtures", post(load_fixtures))
        .route("/__mock/{provider}/events", post(no_such_provider))
}

/// `POST /__mock/<provider>/events` with the tenant's API key and a
/// [`Trigger`]: delivers a signed event to every endpoint of that tenant
/// subscribed to the type. Answers 202 at once with the event and where it
/// goes; the attempts run in the background.
pub fn events_router<P: MockProvider>() -> Router {
    Router::new().route(&format!("/__mock/{}/events", P::NAME), post(trigger::<P>))
}

async fn trigger<P: MockProvider>(
    store: super::extract::Store<P>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let run = || -> Result<Value, ApiError<P>> {
        let request: Trigger = serde_json::from_slice(&body).map_err(|e| {
            ApiError::new(
                ErrorKind::BadRequest,
                "invalid_json",
                format!("Expected {{\"type\": …, \"data\": …}}: {e}."),
            )
        })?;
        P::trigger(&store.0, &headers, &request)
    };
    match run() {
        Ok(outcome) => (StatusCode::ACCEPTED, axum::Json(outcome)).into_response(),
        Err(error) => error.render(&store.0.env),
    }
}
