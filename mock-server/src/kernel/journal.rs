//! The request journal: every exchange, keys redacted, bodies kept as bytes
//! and parsed only when read. Its middleware also enforces the body size
//! limit, since it reads the body.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
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

/// An exchange as stored: what the request path already has (headers and
/// both bodies are cheap reference-counted copies); redaction and parsing
/// happen only when the journal is read.
#[derive(Debug, Clone)]
struct Recorded {
    provider: &'static str,
    auth_header: &'static str,
    method: Method,
    uri: Uri,
    /// `name: value` lines in one allocation (rendered when read).
    headers: Vec<u8>,
    status: StatusCode,
    request: Bytes,
    response: Bytes,
}

impl Recorded {
    fn entry(&self) -> JournalEntry {
        JournalEntry {
            provider: self.provider,
            method: self.method.to_string(),
            path: self.uri.path().to_string(),
            query: self.uri.query().map(str::to_string),
            headers: redacted_headers(&self.headers, self.auth_header),
            body: body_value(&self.request),
            status: self.status.as_u16(),
            response: body_value(&self.response),
        }
    }
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
        recorded.iter().map(Recorded::entry).collect()
    }

    /// The entries of requests made with `api_key`, oldest first.
    pub fn entries_of(&self, api_key: &str) -> Vec<JournalEntry> {
        let bearer = format!("Bearer {api_key}");
        let recorded: Vec<Recorded> = lock(&self.0)
            .iter()
            .filter(|r| {
                let lines = String::from_utf8_lossy(&r.headers);
                lines.lines().any(|line| {
                    line.split_once(": ").is_some_and(|(name, value)| {
                        name == r.auth_header && (value == api_key || value == bearer)
                    })
                })
            })
            .cloned()
            .collect();
        recorded.iter().map(Recorded::entry).collect()
    }

    /// Forgets every entry.
    pub fn clear(&self) {
        lock(&self.0).clear();
    }
}

/// The header lines as a map, with those that carry API keys redacted.
fn redacted_headers(lines: &[u8], auth: &str) -> serde_json::Map<String, Value> {
    let secret = [
        header::AUTHORIZATION.as_str(),
        header::COOKIE.as_str(),
        auth,
    ];
    String::from_utf8_lossy(lines)
        .lines()
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| {
            let shown = if secret.contains(&name) {
                "[redacted]"
            } else {
                value
            };
            (name.to_string(), Value::String(shown.to_string()))
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
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
    let mut recorded = Recorded {
        provider: P::NAME,
        auth_header: P::SECURITY.header(),
        method: parts.method.clone(),
        uri,
        headers: header_lines(&parts.headers),
        status: StatusCode::OK,
        request: Bytes::new(),
        response: Bytes::new(),
    };
    let response = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(bytes) => {
            // A copy, not a slice: a slice would keep hyper's whole read buffer alive.
            recorded.request = Bytes::copy_from_slice(&bytes);
            let response = next
                .run(Request::from_parts(parts, Body::from(bytes)))
                .await;
            // Mock responses are small JSON documents: keep a copy for the journal.
            let (response_parts, response_body) = response.into_parts();
            recorded.response = axum::body::to_bytes(response_body, usize::MAX)
                .await
                .unwrap_or_default();
            Response::from_parts(response_parts, Body::from(recorded.response.clone()))
        }
        Err(_) => too_large::<P>().into_response(),
    };
    recorded.status = response.status();
    tracing::info!(
        provider = P::NAME,
        "{} {} -> {} ({} µs)",
        recorded.method,
        recorded.uri.path(),
        recorded.status.as_u16(),
        started.elapsed().as_micros()
    );
    journal.push(recorded);
    response
}

/// The headers as `name: value` lines, in memory of their own (parsed
/// headers share the connection's read buffer, which a journal entry must
/// not keep alive).
fn header_lines(headers: &HeaderMap) -> Vec<u8> {
    let mut lines = Vec::with_capacity(512);
    for (name, value) in headers {
        lines.extend_from_slice(name.as_str().as_bytes());
        lines.extend_from_slice(b": ");
        lines.extend_from_slice(value.as_bytes());
        lines.push(b'\n');
    }
    lines
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
