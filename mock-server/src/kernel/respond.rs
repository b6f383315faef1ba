//! JSON answers: a typed body, or one encoded once and kept to replay.

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::store::Saved;

/// `body` as a JSON response with this status.
pub fn respond<T: Serialize + ?Sized>(status: u16, body: &T) -> Response {
    json_bytes_response(status, json_bytes(body))
}

/// `body` encoded as JSON, to answer now or to replay later.
pub fn json_bytes<T: Serialize + ?Sized>(body: &T) -> Bytes {
    // Most answers fit: encoded once, without growing and copying the buffer.
    let mut bytes = Vec::with_capacity(256);
    serde_json::to_writer(&mut bytes, body).expect("mock types serialise");
    Bytes::from(bytes)
}

/// Encoded JSON as a response with this status.
pub fn json_bytes_response(status: u16, body: Bytes) -> Response {
    // Made directly: the tuple form sets a content type, then replaces it.
    let mut response = Response::new(axum::body::Body::from(body));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A JSON value as a response with this status.
pub fn json_response(status: u16, body: Value) -> Response {
    respond(status, &body)
}

impl IntoResponse for Saved {
    fn into_response(self) -> Response {
        json_bytes_response(self.status, self.body)
    }
}
