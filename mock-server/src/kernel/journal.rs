//! The request journal: every exchange, numbered, with its time, provider,
//! operation and status; keys redacted, bodies kept as bytes and parsed only
//! when read; filtered on read.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use axum::http::{Method, Uri};
use serde::Deserialize;

use super::security::Security;

mod entry;
pub use entry::JournalEntry;

/// How many requests the journal keeps (oldest dropped first).
pub const JOURNAL_CAPACITY: usize = 10_000;

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
    /// How it takes API keys (the key is read from the header lines when
    /// asked: most entries never are).
    pub security: Security,
    /// The operation, if the route is one.
    pub operation: Option<std::sync::Arc<str>>,
    /// Method as sent.
    pub method: Method,
    /// The answer's status (0: none).
    pub status: u16,
    /// The fault that shaped the answer.
    pub fault: Option<&'static str>,
    /// The path and query as sent (`/v1/webhooks?limit=2`), the headers as
    /// `name: value` lines, the request body and the response body, one
    /// after another in one buffer of the entry's own: the request's parts
    /// are slices of the connection's read buffer, which an entry would keep
    /// alive, and one buffer, reused once its entry is dropped, spares the
    /// allocator a journal's worth of cold blocks.
    data: Vec<u8>,
    /// Where the header lines, the request body and the response body start in `data`.
    starts: [usize; 3],
}

impl Recorded {
    /// The entry of a request as it arrives (`uri` as sent; the bodies are
    /// added as they are read), written into `data` (cleared first: a
    /// [`Journal::buffer`]).
    pub fn new(
        mut data: Vec<u8>,
        seq: u64,
        at_millis: i64,
        provider: &'static str,
        security: Security,
        uri: &Uri,
        request: &Parts,
    ) -> Self {
        data.clear();
        let target = uri
            .path_and_query()
            .map_or_else(|| uri.path(), |t| t.as_str());
        data.extend_from_slice(target.as_bytes());
        let headers_start = data.len();
        for (name, value) in &request.headers {
            data.extend_from_slice(name.as_str().as_bytes());
            data.extend_from_slice(b": ");
            data.extend_from_slice(value.as_bytes());
            data.push(b'\n');
        }
        let end = data.len();
        Self {
            seq,
            at_millis,
            provider,
            security,
            operation: None,
            method: request.method.clone(),
            status: 0,
            fault: None,
            data,
            starts: [headers_start, end, end],
        }
    }

    /// Sets the request body (before the response's).
    pub fn set_request(&mut self, body: &[u8]) {
        self.data.truncate(self.starts[1]);
        self.data.extend_from_slice(body);
        self.starts[2] = self.data.len();
    }

    /// Sets the response body.
    pub fn set_response(&mut self, body: &[u8]) {
        self.data.truncate(self.starts[2]);
        self.data.extend_from_slice(body);
    }

    /// The path and query as sent.
    pub fn target(&self) -> &str {
        // Written from a `&str` by `new`.
        std::str::from_utf8(&self.data[..self.starts[0]]).unwrap_or_default()
    }

    /// The headers as `name: value` lines.
    pub fn header_lines(&self) -> &[u8] {
        &self.data[self.starts[0]..self.starts[1]]
    }

    /// The request body.
    pub fn request(&self) -> &[u8] {
        &self.data[self.starts[1]..self.starts[2]]
    }

    /// The response body.
    pub fn response(&self) -> &[u8] {
        &self.data[self.starts[2]..]
    }

    /// The API key the request carried, if any (never shown; for filters),
    /// read as [`Security::key`] reads it from the request's headers.
    pub fn api_key(&self) -> Option<&str> {
        let name = self.security.header();
        let value = self
            .header_lines()
            .split(|&b| b == b'\n')
            .find_map(|line| {
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
        let target = self.target();
        target.split_once('?').map_or(target, |(path, _)| path)
    }

    /// The query, if the request had one.
    pub fn query(&self) -> Option<&str> {
        self.target().split_once('?').map(|(_, query)| query)
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
    entries: Mutex<Entries>,
    next_seq: AtomicU64,
}

/// The entries, and the buffers of those dropped, for the next ones.
#[derive(Debug, Default)]
struct Entries {
    kept: VecDeque<Recorded>,
    spare: Vec<Vec<u8>>,
}

/// Spare buffers kept at most (about the requests in flight at once).
const SPARE_BUFFERS: usize = 64;
/// A dropped entry's buffer is kept for another only up to this size (a
/// large body's is let go).
const SPARE_BYTES: usize = 4096;

impl Journal {
    /// The number of the next entry.
    pub fn next_seq(&self) -> u64 {
        self.next_seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// A buffer for a new entry ([`Recorded::new`]): a dropped entry's when
    /// there is one, so a full journal reuses its memory instead of freeing
    /// and allocating an entry's worth of blocks on every request.
    pub fn buffer(&self) -> Vec<u8> {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .spare
            .pop()
            .unwrap_or_default()
    }

    /// Keeps `entry` (dropping the oldest past [`JOURNAL_CAPACITY`]).
    pub fn push(&self, entry: Recorded) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        let evicted = (entries.kept.len() == JOURNAL_CAPACITY)
            .then(|| entries.kept.pop_front())
            .flatten();
        entries.kept.push_back(entry);
        let evicted = match evicted {
            Some(old)
                if old.data.capacity() <= SPARE_BYTES && entries.spare.len() < SPARE_BUFFERS =>
            {
                entries.spare.push(old.data);
                None
            }
            other => other,
        };
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
            .kept
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
            .kept
            .iter()
            .cloned()
            .collect()
    }

    /// Forgets every entry (numbering goes on).
    pub fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .kept
            .clear();
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
    use axum::extract::Request;

    use super::Recorded;
    use crate::kernel::security::{KeyIn, Security};

    fn recorded(security: Security, headers: &[(&'static str, &str)]) -> Recorded {
        let mut request = Request::builder().uri("/v1/webhooks?limit=2");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let (parts, ()) = request.body(()).unwrap().into_parts();
        Recorded::new(Vec::new(), 0, 0, "p", security, &parts.uri, &parts)
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

    #[test]
    fn a_full_journal_drops_its_oldest_and_reuses_its_buffer_for_the_next() {
        let bearer = Security::bearer("BearerAuth");
        let journal = super::Journal::default();
        for n in 0..=super::JOURNAL_CAPACITY {
            let mut entry = recorded(bearer, &[("authorization", "Bearer sk_1")]);
            entry.seq = journal.next_seq();
            entry.set_request(format!("request {n} and some more").as_bytes());
            entry.set_response(format!("response {n}").as_bytes());
            journal.push(entry);
        }
        let reused = journal.buffer();
        assert!(reused.capacity() > 0, "the dropped entry's buffer is spare");
        let (parts, ()) = Request::builder().uri("/x").body(()).unwrap().into_parts();
        let mut entry = Recorded::new(reused, 0, 0, "p", bearer, &parts.uri, &parts);
        entry.set_request(b"r");
        assert_eq!(
            (
                entry.target(),
                entry.header_lines(),
                entry.request(),
                entry.response()
            ),
            ("/x", &b""[..], &b"r"[..], &b""[..])
        );
        let kept = journal.recorded();
        assert_eq!(kept.len(), super::JOURNAL_CAPACITY);
        assert_eq!(kept[0].seq, 2);
        assert_eq!(kept[0].request(), b"request 1 and some more");
        assert_eq!(kept[0].response(), b"response 1");
        assert_eq!(kept[0].path(), "/v1/webhooks");
        assert_eq!(kept[0].query(), Some("limit=2"));
    }
}
