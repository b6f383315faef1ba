//! A journal entry as read: headers redacted, bodies parsed.

use axum::http::header;
use serde::Serialize;
use serde_json::Value;

use super::Recorded;

/// One request the mock received.
#[derive(Debug, Clone, Serialize)]
pub struct JournalEntry {
    /// Its number: 1 for the mock's first request, then counting.
    pub seq: u64,
    /// When it arrived, in mock time (RFC 3339 with milliseconds).
    pub at: String,
    /// Which provider's routes it reached.
    pub provider: &'static str,
    /// The spec's `operationId`, or `None` for a route the spec does not have.
    pub operation: Option<String>,
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
    /// The status the mock answered (0: none, the connection was closed).
    pub status: u16,
    /// The response body: JSON when it parses, else text.
    pub response: Value,
    /// The fault that shaped the answer, if one did (`status`, `delay`,
    /// `reset`, `malformed`; `prefer` for a `Prefer: code=` header).
    pub fault: Option<&'static str>,
}

impl Recorded {
    /// The entry as read: headers redacted, bodies parsed.
    pub fn entry(&self) -> JournalEntry {
        JournalEntry {
            seq: self.seq,
            at: crate::kernel::clock::rfc3339_millis(self.at_millis),
            provider: self.provider,
            operation: self.operation.as_deref().map(str::to_string),
            method: self.method.to_string(),
            path: self.path().to_string(),
            query: self.query().map(str::to_string),
            headers: redacted_headers(self.header_lines(), self.security.header()),
            body: body_value(self.request()),
            status: self.status,
            response: body_value(self.response()),
            fault: self.fault,
        }
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

/// A body as JSON when it parses, as text otherwise, null when empty.
pub fn body_value(bytes: &[u8]) -> Value {
    if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
    }
}
