//! The admin API under `/__mock/`: reset state, read the request journal.

use std::sync::Arc;

use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::json;

use crate::MockState;

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
async fn requests(State(state): State<Arc<MockState>>) -> axum::Json<serde_json::Value> {
    axum::Json(json!(state.journal.entries()))
}

/// The admin routes.
pub fn router(state: Arc<MockState>) -> Router {
    Router::new()
        .route("/__mock/reset", post(reset))
        .route("/__mock/requests", get(requests))
        .with_state(state)
}
