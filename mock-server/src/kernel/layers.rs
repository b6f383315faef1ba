//! The journal every provider's requests meet first (which also enforces
//! the body limit and logs the request's line).

use std::pin::Pin;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::response::Response;
use http_body::Body as _;

use super::dispatch::{ResetConnection, run};
use super::error::{MAX_BODY_BYTES, too_large};
use super::journal::{Note, Recorded};
use super::provider::MockProvider;
use super::render::render_pending;
use super::request_log::{REQUEST_LOG_TARGET, RequestLine};
use super::state::MockState;

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
    let mock = parts
        .extensions
        .get::<Arc<MockState>>()
        .cloned()
        .expect("the app sets its mock's state on every request");
    let env = mock.env();
    // As sent: a router the mock is nested in keeps the whole URI here.
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |o| &o.0);
    let recorded = Recorded::new(
        mock.journal.buffer(),
        mock.journal.next_seq(),
        mock.clock.now_millis(),
        P::NAME,
        P::SECURITY,
        uri,
        &parts,
    );
    let note = Note::default();
    parts.extensions.insert(note.clone());
    let mut journaling = Journaling {
        recorded: Some(recorded),
        mock,
        note,
    };
    let response = match read_body(body, MAX_BODY_BYTES).await {
        Some(bytes) => {
            if let Some(recorded) = &mut journaling.recorded {
                recorded.set_request(&bytes);
            }
            let response = run(api, Request::from_parts(parts, body_of(bytes))).await;
            // An error's body is written here, where the mock's IDs and time are known.
            let response = render_pending(response, &env);
            // Mock responses are small JSON documents: the journal keeps a copy.
            let (response_parts, response_body) = response.into_parts();
            let bytes = read_body(response_body, usize::MAX)
                .await
                .unwrap_or_default();
            if let Some(recorded) = &mut journaling.recorded {
                recorded.set_response(&bytes);
            }
            Response::from_parts(response_parts, body_of(bytes))
        }
        None => too_large::<P>().render(&env),
    };
    let reset = response.extensions().get::<ResetConnection>().is_some();
    let status = if reset { 0 } else { response.status().as_u16() };
    if let Some(recorded) = &journaling.recorded {
        let line = RequestLine {
            method: &recorded.method,
            path: recorded.path(),
            status,
            // As u64: a u128 is slow to format, and a request never takes 584,000 years.
            micros: started.elapsed().as_micros() as u64,
            provider: P::NAME,
        };
        match &journaling.mock.request_log {
            Some(log) => (log.0)(&line),
            None if tracing::enabled!(target: REQUEST_LOG_TARGET, tracing::Level::INFO) => {
                let message = line.message();
                tracing::info!(target: REQUEST_LOG_TARGET, provider = P::NAME, "{message}");
            }
            None => {}
        }
    }
    journaling.finish(status);
    response
}

/// A body of `bytes` (an empty one needs no allocation).
fn body_of(bytes: Bytes) -> Body {
    if bytes.is_empty() {
        Body::empty()
    } else {
        Body::from(bytes)
    }
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
