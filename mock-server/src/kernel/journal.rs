//! What wraps every provider's routes: the request journal (with the body
//! size limit, since it reads the body), `Prefer: code=NNN` fault injection,
//! and provider-shaped 404/405 answers for unknown routes and methods.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::Value;

use crate::Provider;
use crate::api::{ApiError, ErrorKind};

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
        let mut entries = crate::lock(&self.0);
        if entries.len() == JOURNAL_CAPACITY {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// Every entry, oldest first.
    pub fn entries(&self) -> Vec<JournalEntry> {
        let recorded: Vec<Recorded> = crate::lock(&self.0).iter().cloned().collect();
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
        crate::lock(&self.0).clear();
    }
}

/// Headers that carry API keys.
const SECRET_HEADERS: &[&str] = &["authorization", "x-api-key", "cookie"];

fn redacted_headers(headers: &HeaderMap) -> serde_json::Map<String, Value> {
    headers
        .iter()
        .map(|(name, value)| {
            let shown = if SECRET_HEADERS.contains(&name.as_str()) {
                "[redacted]".to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.to_string(), Value::String(shown))
        })
        .collect()
}

/// Reads the body (refusing more than [`crate::MAX_BODY_BYTES`] with the
/// provider's 413), logs one line, and records the exchange in the journal.
pub async fn journal(
    provider: Provider,
    journal: Arc<Journal>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, crate::MAX_BODY_BYTES).await {
        Ok(bytes) => bytes,
        Err(_) => {
            let response = crate::api::too_large(provider).into_response();
            let entry = entry(provider, &parts, response.status(), started);
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
    let entry = entry(provider, &parts, response_parts.status, started);
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
    provider: Provider,
    parts: &axum::http::request::Parts,
    status: StatusCode,
    started: Instant,
) -> JournalEntry {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    tracing::info!(
        provider = provider.name(),
        "{} {} -> {} ({} µs)",
        parts.method,
        uri.path(),
        status.as_u16(),
        started.elapsed().as_micros()
    );
    JournalEntry {
        provider: provider.name(),
        method: parts.method.to_string(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        headers: redacted_headers(&parts.headers),
        body: Value::Null,
        status: status.as_u16(),
        response: Value::Null,
    }
}

/// One documented operation: method, path template split in segments, and
/// the statuses its spec documents.
#[derive(Debug, Clone)]
pub struct DocumentedOperation {
    method: Method,
    template: Vec<String>,
    pub(crate) operation_id: String,
    pub(crate) statuses: Vec<u16>,
}

/// The documented operations of a provider, most specific templates first,
/// read once from its emitted spec.
pub fn documented_operations(spec: &utoipa::openapi::OpenApi) -> Arc<Vec<DocumentedOperation>> {
    let json = serde_json::to_value(spec).expect("serialisable");
    let mut ops = Vec::new();
    for (path, item) in json["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let mut statuses: Vec<u16> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(code, _)| code.parse().ok())
                .collect();
            statuses.sort_unstable();
            ops.push(DocumentedOperation {
                method,
                operation_id: op["operationId"].as_str().unwrap_or_default().to_string(),
                template: path.split('/').map(str::to_string).collect(),
                statuses,
            });
        }
    }
    ops.sort_by_key(|op| op.template.iter().filter(|s| s.contains('{')).count());
    Arc::new(ops)
}

/// Whether `path` fits an OpenAPI path template such as `/webhooks/{webhookId}.json`.
pub fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, s)| segment_matches(t, s))
}

/// Whether `segment` fits a template segment such as `{id}` or `{webhookId}.json`.
fn segment_matches(template: &str, segment: &str) -> bool {
    match (template.find('{'), template.rfind('}')) {
        (Some(open), Some(close)) => {
            let (before, after) = (&template[..open], &template[close + 1..]);
            segment.len() > before.len() + after.len()
                && segment.starts_with(before)
                && segment.ends_with(after)
        }
        _ => template == segment,
    }
}

fn find_operation<'a>(
    ops: &'a [DocumentedOperation],
    method: &Method,
    path: &str,
) -> Option<&'a DocumentedOperation> {
    let segments: Vec<&str> = path.split('/').collect();
    ops.iter().find(|op| {
        op.method == method
            && op.template.len() == segments.len()
            && op
                .template
                .iter()
                .zip(&segments)
                .all(|(t, s)| segment_matches(t, s))
    })
}

/// A scheduled fault that matches this request, else Prism's
/// `Prefer: code=NNN`: answer a documented error status of this operation
/// with the provider's error body, without running it; an undocumented
/// `Prefer` status is refused with a 400 that says which are documented.
pub async fn prefer(
    provider: Provider,
    ops: Arc<Vec<DocumentedOperation>>,
    faults: Arc<crate::faults::Faults>,
    request: Request,
    next: Next,
) -> Response {
    if let Some((status, retry_after)) =
        find_operation(&ops, request.method(), request.uri().path())
            .and_then(|op| faults.take(provider, op, request.headers()))
    {
        return injected(provider, status, retry_after).into_response();
    }
    let Some(code) = request
        .headers()
        .get("prefer")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split([';', ','])
                .find_map(|p| p.trim().strip_prefix("code="))
        })
        .map(str::to_string)
    else {
        return next.run(request).await;
    };
    let operation = find_operation(&ops, request.method(), request.uri().path());
    let documented = operation
        .map(|op| op.statuses.as_slice())
        .unwrap_or_default();
    let status = code
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|s| documented.contains(s));
    match status {
        Some(status) if status >= 400 => injected(provider, status, None).into_response(),
        Some(_) => next.run(request).await,
        None => ApiError::new(
            provider,
            ErrorKind::BadRequest,
            "invalid_prefer_code",
            format!(
                "Prefer: code={code} is not a documented response of {} {}; documented: {:?}.",
                request.method(),
                request.uri().path(),
                documented
            ),
        )
        .into_response(),
    }
}

/// The error an injected status answers with.
fn injected(provider: Provider, status: u16, retry_after: Option<u64>) -> ApiError {
    let kind = ErrorKind::from_status(status).unwrap_or(ErrorKind::BadRequest);
    let mut error = ApiError::new(provider, kind, injected_code(kind), injected_message(kind));
    error.retry_after = retry_after;
    error
}

fn injected_code(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Unauthorized => "api_key_invalid",
        ErrorKind::Forbidden => "INSUFFICIENT_SCOPE",
        ErrorKind::NotFound => "not_found",
        ErrorKind::Conflict => "idempotency_key_reused",
        ErrorKind::RateLimited => "rate_limited",
        ErrorKind::Internal => "internal_error",
        ErrorKind::Unavailable => "service_unavailable",
        _ => "invalid_request",
    }
}

fn injected_message(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Unauthorized => "The API key provided is invalid.",
        ErrorKind::Forbidden => "The API key lacks the scope for this route.",
        ErrorKind::NotFound => "The requested resource does not exist.",
        ErrorKind::Conflict => "This idempotency key was already used with different parameters.",
        ErrorKind::RateLimited => "Rate limit exceeded. Retry after 30 seconds.",
        ErrorKind::Internal => "An unexpected error occurred.",
        ErrorKind::Unavailable => "The service is briefly unavailable; retry later.",
        ErrorKind::Unprocessable => "Some events are not available",
        _ => "The request is invalid.",
    }
}

/// The provider's 404 for a route it does not have.
pub fn no_route(provider: Provider) -> ApiError {
    ApiError::new(
        provider,
        ErrorKind::NotFound,
        "route_not_found",
        "No such route.",
    )
}

/// The provider's 405 for a method a route does not take.
pub fn wrong_method(provider: Provider) -> ApiError {
    ApiError::new(
        provider,
        ErrorKind::MethodNotAllowed,
        "method_not_allowed",
        "This route does not take that method.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_parameters_with_suffixes() {
        assert!(segment_matches("{webhookId}.json", "wh_001.json"));
        assert!(!segment_matches("{webhookId}.json", ".json"));
        assert!(!segment_matches("{webhookId}.json", "wh_001"));
        assert!(segment_matches("{id}", "abc"));
        assert!(segment_matches("types.json", "types.json"));
    }
}
