//! The request journal: every exchange, numbered, with its time, provider,
//! operation and status; keys redacted, bodies kept as bytes and parsed only
//! when read; filtered on read.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, header};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::security::Security;

/// How many requests the journal keeps (oldest dropped first).
pub const JOURNAL_CAPACITY: usize = 10_000;

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

/// An exchange as stored: what the request path already has; redaction and
/// parsing happen only when the journal is read.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Its number.
    pub seq: u64,
    /// Mock time, Unix milliseconds (formatted when read).
    pub at_millis: i64,
    /// The provider's name.
    pub provider: &'static str,
    /// How it takes API keys (the key is read from `headers` when asked:
    /// most entries never are).
    pub security: Security,
    /// The operation, if the route is one.
    pub operation: Option<std::sync::Arc<str>>,
    /// Method and URI as sent.
    pub method: Method,
    /// The path and query as sent (`/v1/webhooks?limit=2`), in its own
    /// memory: the request's URI is a slice of the connection's read buffer,
    /// which an entry would keep alive.
    pub target: Box<str>,
    /// `name: value` lines in one allocation (rendered when read).
    pub headers: Vec<u8>,
    /// The answer's status (0: none).
    pub status: u16,
    /// The request body.
    pub request: Bytes,
    /// The response body.
    pub response: Bytes,
    /// The fault that shaped the answer.
    pub fault: Option<&'static str>,
}

impl Recorded {
    /// The API key the request carried, if any (never shown; for filters),
    /// read as [`Security::key`] reads it from the request's headers.
    pub fn api_key(&self) -> Option<&str> {
        let name = self.security.header();
        let value = self.headers.split(|&b| b == b'\n').find_map(|line| {
            let (line_name, value) = line.split_at_checked(name.len())?;
            let value = value.strip_prefix(b": ")?;
            line_name
                .eq_ignore_ascii_case(name.as_bytes())
                .then_some(value)
        })?;
        // Text by http's own rule (`HeaderValue::to_str`), as the request's header was read.
        axum::http::HeaderValue::from_bytes(value)
            .is_ok_and(|header| header.to_str().is_ok())
            .then_some(())?;
        self.security.key_in_value(std::str::from_utf8(value).ok()?)
    }

    /// The path the request was sent to.
    pub fn path(&self) -> &str {
        self.target
            .split_once('?')
            .map_or(&self.target, |(path, _)| path)
    }

    /// The query, if the request had one.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, query)| query)
    }

    /// The entry as read: headers redacted, bodies parsed.
    pub fn entry(&self) -> JournalEntry {
        JournalEntry {
            seq: self.seq,
            at: super::clock::rfc3339_millis(self.at_millis),
            provider: self.provider,
            operation: self.operation.as_deref().map(str::to_string),
            method: self.method.to_string(),
            path: self.path().to_string(),
            query: self.query().map(str::to_string),
            headers: redacted_headers(&self.headers, self.security.header()),
            body: body_value(&self.request),
            status: self.status,
            response: body_value(&self.response),
            fault: self.fault,
        }
    }
}

/// Which journal entries a question is about; every field left out matches all.
///
/// ```
/// # async fn run(mock: webhooks_mock::MockServer) {
/// use webhooks_mock::RequestFilter;
///
/// let refused = RequestFilter { provider: Some("commet".into()), status: Some(400), ..Default::default() };
/// for entry in mock.requests_matching(&refused) {
///     println!("{} {} -> {}", entry.method, entry.path, entry.status);
/// }
/// # }
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFilter {
    /// Only this provider's (its name, as in the mock's URLs).
    pub provider: Option<String>,
    /// Only this operation's (its `operationId`).
    pub operation: Option<String>,
    /// Only answers of this status.
    pub status: Option<u16>,
    /// Only requests made with this API key.
    pub api_key: Option<String>,
}

impl RequestFilter {
    /// Whether `recorded` is one of the entries asked about.
    pub fn matches(&self, recorded: &Recorded) -> bool {
        self.provider
            .as_deref()
            .is_none_or(|p| p == recorded.provider)
            && self
                .operation
                .as_deref()
                .is_none_or(|o| recorded.operation.as_deref() == Some(o))
            && self.status.is_none_or(|s| s == recorded.status)
            && self
                .api_key
                .as_deref()
                .is_none_or(|k| recorded.api_key() == Some(k))
    }
}

/// Requests received, newest last.
#[derive(Debug, Default)]
pub struct Journal {
    entries: Mutex<VecDeque<Recorded>>,
    next_seq: AtomicU64,
}

impl Journal {
    /// The number of the next entry.
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// Keeps `entry` (dropping the oldest past [`JOURNAL_CAPACITY`]).
    pub fn push(&self, entry: Recorded) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let evicted = (entries.len() == JOURNAL_CAPACITY)
            .then(|| entries.pop_front())
            .flatten();
        entries.push_back(entry);
        drop(entries);
        // Freed after the lock is let go: other requests wait for it.
        drop(evicted);
    }

    /// The entries `filter` matches, oldest first.
    pub fn entries(&self, filter: &RequestFilter) -> Vec<JournalEntry> {
        let recorded: Vec<Recorded> = self
            .entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .filter(|r| filter.matches(r))
            .cloned()
            .collect();
        recorded.iter().map(Recorded::entry).collect()
    }

    /// Every entry as stored, oldest first (for expectations' reports).
    pub fn recorded(&self) -> Vec<Recorded> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets every entry (numbering goes on).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clear();
    }
}

/// The headers as `name: value` lines, in memory of their own (parsed
/// headers share the connection's read buffer, which a journal entry must
/// not keep alive).
pub fn header_lines(headers: &HeaderMap) -> Vec<u8> {
    // Sized exactly: the journal keeps thousands of these.
    let size = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 3)
        .sum();
    let mut lines = Vec::with_capacity(size);
    for (name, value) in headers {
        lines.extend_from_slice(name.as_str().as_bytes());
        lines.extend_from_slice(b": ");
        lines.extend_from_slice(value.as_bytes());
        lines.push(b'\n');
    }
    lines
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

/// What the journal learns of a request from the layers inside it: its
/// operation and the fault that shaped it (known before the answer, so a
/// request whose client gave up is journaled with them too).
#[derive(Clone, Default)]
pub struct Note(Arc<Mutex<Noted>>);

/// The operation and the fault, as noted.
pub type Noted = (Option<Arc<str>>, Option<&'static str>);

impl Note {
    /// Notes the request's operation.
    pub fn operation(&self, operation: Arc<str>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).0 = Some(operation);
    }

    /// Notes the fault that shaped the answer.
    pub fn fault(&self, fault: &'static str) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).1 = Some(fault);
    }

    /// What was noted.
    pub fn read(&self) -> Noted {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue, Method};

    use super::{Recorded, header_lines};
    use crate::kernel::security::{KeyIn, Security};

    fn recorded(security: Security, headers: &[(&'static str, &str)]) -> Recorded {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        Recorded {
            seq: 0,
            at_millis: 0,
            provider: "p",
            security,
            operation: None,
            method: Method::GET,
            target: "/".into(),
            headers: header_lines(&map),
            status: 200,
            request: Default::default(),
            response: Default::default(),
            fault: None,
        }
    }

    #[test]
    fn an_entry_reads_its_api_key_as_the_request_presented_it() {
        let bearer = Security::bearer("BearerAuth");
        let header = Security {
            name: "ApiKeyAuth",
            key_in: KeyIn::Header("X-Api-Key"),
        };
        let key = |security, headers: &[(&'static str, &str)]| {
            recorded(security, headers).api_key().map(str::to_string)
        };
        let with = |value| [("accept", "*/*"), ("authorization", value)];
        assert_eq!(key(bearer, &with("Bearer sk_1")), Some("sk_1".into()));
        assert_eq!(key(bearer, &with("bearer  sk_1 ")), Some("sk_1".into()));
        assert_eq!(key(bearer, &with("Basic sk_1")), None);
        assert_eq!(key(bearer, &with("Bearer ")), None);
        assert_eq!(key(bearer, &[("x-authorization", "Bearer sk_1")]), None);
        assert_eq!(key(header, &[("x-api-key", "ck_1")]), Some("ck_1".into()));
        assert_eq!(key(header, &with("Bearer sk_1")), None);
        // The first of two, as a header lookup finds it.
        let two = [
            ("authorization", "Bearer sk_1"),
            ("authorization", "Bearer sk_2"),
        ];
        assert_eq!(key(bearer, &two), Some("sk_1".into()));
    }
}
