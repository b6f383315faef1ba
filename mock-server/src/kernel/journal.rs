//! The request journal: every exchange, keys redacted, bodies kept as bytes
//! and parsed only when read. Its middleware also enforces the body size
//! limit, since it reads the body.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use super::error::{MAX_BODY_BYTES, too_large};
use super::provider::MockProvider;
use super::store::lock;

/// How many requests the journal keeps (oldest dropped first).
pub const JOURNAL_CAPACITY: usize = 10_000;

/// One request the mock received.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Which provider's routes it reached.
    pub provider: &'static str,
    /// HTTP method.
    pub method: String,
    /// Path, as sent (with the mock's prefix).
    pub path: String,
    /// Query string, if any.
    pub query: Option<String>,
    /// Headers, with API keys redacted.
    pub headers: serde_json::Map<String, Value>,
    /// The body: JSON when it parses, else text.
    pub body: Value,
    /// The status the mock answered.
    pub status: u16,
    /// The response body: JSON when it parses, else text.
    pub response: Value,
}

/// An exchange as stored: both bodies are kept as bytes (a cheap,
/// reference-counted copy) and only parsed when the journal is read, to keep
/// the request path cheap.
#[derive(Debug, Clone)]
struct Recorded {
    entry: JournalEntry,
    request: Bytes,
    response: Bytes,
}

/// Requests received, newest last.
#[derive(Debug, Default)]
pub struct Journal(Mutex<VecDeque<Recorded>>);

impl Journal {
    fn push(&self, entry: Recorded) {
        let mut entries = lock(&self.0);
        if entries.len() == JOURNAL_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        let recorded: Vec<Recorded> = lock(&self.0).iter().cloned().collect();
        recorded
            .into_iter()
            .map(|r| JournalEntry {
                body: body_value(&r.request),
                response: body_value(&r.response),
                ..r.entry
            })
            .collect()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        lock(&self.0).clear();
    }
}

/// The headers, with those that carry API keys redacted.
fn redacted_headers(headers: &HeaderMap, auth: &str) -> serde_json::Map<String, Value> {
    let secret = [
        header::AUTHORIZATION.as_str(),
        header::COOKIE.as_str(),
        auth,
    ];
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if secret.contains(&name.as_str()) {
                "[redacted]".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.to_string(), Value::String(shown))
        })
        .collect()
}

/// Reads the body (refusing more than [`MAX_BODY_BYTES`] with the
/// provider's 413), logs one line, and records the exchange in the journal.
pub async fn journal<P: MockProvider>(
    journal: Arc<Journal>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let response = too_large::<P>().into_response();
            let entry = entry(P::NAME, P::AUTH_HEADER, &parts, response.status(), started);
            journal.push(Recorded {
                entry,
                request: Bytes::new(),
                response: Bytes::new(),
            });
            return response;
        }
    };
    let request = Request::from_parts(parts.clone(), Body::from(bytes.clone()));
    let response = next.run(request).await;
    // Mock responses are small JSON documents: keep a copy for the journal.
    let (response_parts, response_body) = response.into_parts();
    let response_bytes = axum::body::to_bytes(response_body, usize::MAX)
        .await
        .unwrap_or_default();
    let entry = entry(
        P::NAME,
        P::AUTH_HEADER,
        &parts,
        response_parts.status,
        started,
    );
    journal.push(Recorded {
        entry,
        request: bytes,
        response: response_bytes.clone(),
    });
    Response::from_parts(response_parts, Body::from(response_bytes))
}

/// A body as JSON when it parses, as text otherwise, null when empty.
fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// Logs the exchange in one line and describes it for the journal.
fn entry(
    provider: &'static str,
    auth: &str,
    parts: &axum::http::request::Parts,
    status: StatusCode,
    started: Instant,
) -> JournalEntry {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    tracing::info!(
        provider,
        "{} {} -> {} ({} µs)",
        parts.method,
        uri.path(),
        status.as_u16(),
        started.elapsed().as_micros()
    );
    JournalEntry {
        provider,
        method: parts.method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: redacted_headers(&parts.headers, auth),
        body: Value::Null,
        status: status.as_u16(),
        response: Value::Null,
    }
}
