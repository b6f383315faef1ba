//! The admin API under `/__mock/`: reset state, read the request journal,
//! trigger signed event deliveries and read their attempts.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::api::{ApiError, ErrorKind, ProviderApi};
use crate::{MockState, Provider};

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

/// `GET /__mock/requests`: every request received, newest last, keys redacted.
async fn requests(State(state): State<Arc<MockState>>) -> axum::Json<Value> {
    axum::Json(json!(state.journal.entries()))
}

/// `GET /__mock/deliveries`: every delivery attempt, oldest first.
async fn deliveries(State(state): State<Arc<MockState>>) -> axum::Json<Value> {
    axum::Json(json!(state.deliverer.attempts()))
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
async fn trigger(
    State(state): State<Arc<MockState>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(provider) = Provider::from_name(&name) else {
        let error = json!({"error": format!("no provider named {name}")});
        return (StatusCode::NOT_FOUND, axum::Json(error)).into_response();
    };
    match run_trigger(&state, provider, &headers, &body) {
        Ok(outcome) => (StatusCode::ACCEPTED, axum::Json(outcome)).into_response(),
        Err(error) => error.into_response(),
    }
}

fn run_trigger(
    state: &MockState,
    provider: Provider,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, ApiError> {
    let request: TriggerBody = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            provider,
            ErrorKind::BadRequest,
            "invalid_json",
            format!("Expected {{\"type\": …, \"data\": …}}: {e}."),
        )
    })?;
    let (event_type, data) = (request.event_type.as_str(), request.data);
    match provider {
        Provider::BillingIo => {
            let tenant = crate::billing_io::BillingIo::authenticate(headers)?;
            crate::billing_io::trigger(
                &state.billing_io,
                &state.deliverer,
                &tenant,
                event_type,
                data,
            )
        }
        Provider::Meum => {
            let tenant = crate::meum::Meum::authenticate(headers)?;
            crate::meum::trigger(&state.meum, &state.deliverer, &tenant, event_type, data)
        }
        Provider::Commet => {
            let tenant = crate::commet::Commet::authenticate(headers)?;
            crate::commet::trigger(&state.commet, &tenant, event_type, data)
        }
        Provider::Chargeapi | Provider::Donutwork => Err(ApiError::new(
            provider,
            ErrorKind::BadRequest,
            "deliveries_not_documented",
            format!(
                "{} does not document how its deliveries are signed, so the mock sends none.",
                provider.name()
            ),
        )),
    }
}

/// `POST /__mock/faults` with a [`crate::faults::Fault`]: the next matching
/// requests answer its status; 204, or 400 naming the documented statuses.
/// `DELETE /__mock/faults` forgets them all.
async fn add_fault(State(state): State<Arc<MockState>>, body: axum::body::Bytes) -> Response {
    let added = serde_json::from_slice::<crate::faults::Fault>(&body)
        .map_err(|e| format!("expected {{\"provider\", \"status\", \"count\", …}}: {e}"))
        .and_then(|fault| state.faults.add(fault));
    match added {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => (StatusCode::BAD_REQUEST, axum::Json(json!({"error": why}))).into_response(),
    }
}

async fn clear_faults(State(state): State<Arc<MockState>>) -> StatusCode {
    state.faults.clear();
    StatusCode::NO_CONTENT
}

/// The admin routes.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/faults", post(add_fault).delete(clear_faults))
        .route("/__mock/requests", get(requests))
        .route("/__mock/deliveries", get(deliveries))
        .route("/__mock/{provider}/events", post(trigger))
        .with_state(state)
}
