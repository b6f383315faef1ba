//! The journal every provider's requests meet first (which also enforces
//! the body limit and logs the request's line).

use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::Method;
use axum::response::Response;
use http_body::Body as _;

use super::dispatch::{ResetConnection, run};
use super::error::{MAX_BODY_BYTES, too_large};
use super::journal::{Note, Recorded, header_lines};
use super::provider::MockProvider;
use super::render::render_pending;
use super::state::MockState;

/// The `tracing` target of the one line logged per request (under
/// `webhooks_mock`, so `RUST_LOG=webhooks_mock=warn` silences it too).
pub const REQUEST_LOG_TARGET: &str = "webhooks_mock::request";

/// An exchange on its way to the journal: journaled when it completes, and
/// also when it does not (the client went away first), with status 0.
struct Journaling {
    mock: Arc<MockState>,
    recorded: Option<Recorded>,
    note: Note,
}

impl Journaling {
    fn finish(&mut self, status: u16) {
        if let Some(mut recorded) = self.recorded.take() {
            recorded.status = status;
            (recorded.operation, recorded.fault) = self.note.read();
            self.mock.expectations.count(&recorded);
            self.mock.journal.push(recorded);
        }
    }
}

impl Drop for Journaling {
    fn drop(&mut self) {
        self.finish(0);
    }
}

/// Reads the body (refusing more than [`MAX_BODY_BYTES`] with the
/// provider's 413), logs one line, and records the exchange in the mock's
/// journal (and for its expectations).
pub async fn journal<P: MockProvider>(request: Request, api: Router) -> Response {
    let started = Instant::now();
    let (mut parts, body) = request.into_parts();
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.clone(), |o| o.0.clone());
    let note = Note::default();
    parts.extensions.insert(note.clone());
    let mock = parts
        .extensions
        .get::<Arc<MockState>>()
        .cloned()
        .expect("the app sets its mock's state on every request");
    let env = mock.env();
    let mut journaling = Some(Journaling {
        recorded: Some(Recorded {
            seq: mock.journal.next_seq(),
            at_millis: mock.clock.now_millis(),
            provider: P::NAME,
            security: P::SECURITY,
            operation: None,
            method: parts.method.clone(),
            target: uri
                .path_and_query()
                .map_or_else(|| uri.path(), |target| target.as_str())
                .into(),
            headers: header_lines(&parts.headers),
            status: 0,
            request: Bytes::new(),
            response: Bytes::new(),
            fault: None,
        }),
        mock,
        note,
    });
    let method = parts.method.clone();
    let response = match read_body(body, MAX_BODY_BYTES).await {
        Some(bytes) => {
            if let Some(recorded) = recording(&mut journaling) {
                // A copy, not a slice: a slice would keep hyper's whole read buffer alive.
                recorded.request = Bytes::copy_from_slice(&bytes);
            }
            let response = run(api, Request::from_parts(parts, Body::from(bytes))).await;
            // An error's body is written here, where the mock's IDs and time are known.
            let response = render_pending(response, &env);
            // Mock responses are small JSON documents: keep a copy for the journal.
            let (response_parts, response_body) = response.into_parts();
            let bytes = read_body(response_body, usize::MAX)
                .await
                .unwrap_or_default();
            if let Some(recorded) = recording(&mut journaling) {
                recorded.response = bytes.clone();
            }
            Response::from_parts(response_parts, Body::from(bytes))
        }
        None => too_large::<P>().render(&env),
    };
    let reset = response.extensions().get::<ResetConnection>().is_some();
    let status = if reset { 0 } else { response.status().as_u16() };
    if tracing::enabled!(target: REQUEST_LOG_TARGET, tracing::Level::INFO) {
        // As u64: a u128 is slow to format, and a request never takes 584,000 years.
        let micros = started.elapsed().as_micros() as u64;
        let line = request_line(&method, uri.path(), status, micros);
        tracing::info!(target: REQUEST_LOG_TARGET, provider = P::NAME, "{line}");
    }
    if let Some(journaling) = &mut journaling {
        journaling.finish(status);
    }
    response
}

/// `body`'s bytes; `None` past `limit` bytes or when it fails. A body of
/// one frame (most are) is kept as it came, neither collected nor copied.
pub async fn read_body(mut body: Body, limit: usize) -> Option<Bytes> {
    let (mut first, mut joined) = (Bytes::new(), Vec::new());
    while let Some(frame) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let Ok(data) = frame.ok()?.into_data() else {
            continue; // trailers
        };
        if first.len().max(joined.len()) + data.len() > limit {
            return None;
        }
        if first.is_empty() && joined.is_empty() {
            first = data;
        } else {
            if joined.is_empty() {
                joined.extend_from_slice(&first);
            }
            joined.extend_from_slice(&data);
        }
    }
    Some(if joined.is_empty() {
        first
    } else {
        Bytes::from(joined)
    })
}

/// The request's log line, `GET /v1/webhooks -> 200 (31 µs)`, written by
/// hand: formatting its four parts cost more than the rest of the line.
fn request_line(method: &Method, path: &str, status: u16, micros: u64) -> String {
    let mut line = String::with_capacity(path.len() + 40);
    for part in [method.as_str(), " ", path, " -> "] {
        line.push_str(part);
    }
    push_number(&mut line, u64::from(status));
    line.push_str(" (");
    push_number(&mut line, micros);
    line.push_str(" µs)");
    line
}

/// Appends `n` in decimal.
fn push_number(line: &mut String, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    line.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// The entry being recorded, if the request belongs to a mock.
fn recording(journaling: &mut Option<Journaling>) -> Option<&mut Recorded> {
    journaling.as_mut().and_then(|j| j.recorded.as_mut())
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    #[test]
    fn the_request_line_reads_as_formatted() {
        for (status, micros) in [
            (200, 0),
            (404, 9),
            (201, 31),
            (0, 18_446_744_073_709_551_615),
        ] {
            assert_eq!(
                super::request_line(&Method::GET, "/v1/webhooks/a%0Ab", status, micros),
                format!("GET /v1/webhooks/a%0Ab -> {status} ({micros} µs)")
            );
        }
    }
}
