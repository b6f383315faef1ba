//! How a provider's error becomes its answer: in two steps, because the
//! body may need the mock's IDs and time (Charge's request ID, a 429's reset
//! time). A handler's error is a status with the error kept aside; the
//! journal layer, which holds the request's mock, writes the body.

use std::sync::Arc;

use axum::response::{IntoResponse, Response};

use super::env::Env;
use super::error::{ApiError, DEFAULT_RETRY_AFTER, RATE_LIMIT};
use super::provider::MockProvider;
use super::respond::respond;

/// An error answered but not yet written (whichever contract made it): its
/// body may need the mock's IDs and time, which the kernel's journal layer
/// holds ([`render_pending`]).
#[derive(Clone)]
struct Pending(Arc<dyn Fn(&Env) -> Response + Send + Sync>);

/// The status alone, the error kept for [`render_pending`], which every
/// provider request passes through.
impl<P: MockProvider> IntoResponse for ApiError<P> {
    fn into_response(self) -> Response {
        let mut response = self.kind.status().into_response();
        response
            .extensions_mut()
            .insert(Pending(Arc::new(move |env: &Env| self.render(env))));
        response
    }
}

impl<P: MockProvider> ApiError<P> {
    /// The answer: `P`'s documented body and headers, as written by a mock with `env`.
    pub fn render(&self, env: &Env) -> Response {
        let status = self.kind.status();
        let body = P::error_body(self, status, env);
        let mut response = respond(status.as_u16(), &body);
        for (name, value) in retry_headers::<P>(status.as_u16(), self.retry_after, env.unix_now()) {
            let value = value.parse().expect("digits are a valid header value");
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// `response`, with the body of a provider's error written by a mock with
/// `env`; the headers set on the way out stay (axum's `Allow` on a 405).
pub fn render_pending(mut response: Response, env: &Env) -> Response {
    let Some(Pending(render)) = response.extensions_mut().remove::<Pending>() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    let (written, body) = render(env).into_parts();
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    for (name, value) in &written.headers {
        parts.headers.insert(name, value.clone());
    }
    parts.status = written.status;
    Response::from_parts(parts, body)
}

/// `Retry-After` (when given, and on every 429 of a provider with rate-limit
/// headers) and those headers on a 429; a Unix reset time counts from `now`
/// (the mock's time).
fn retry_headers<P: MockProvider>(
    status: u16,
    retry_after: Option<u64>,
    now: i64,
) -> Vec<(&'static str, String)> {
    let family = P::RATE_LIMIT_HEADERS.filter(|_| status == 429);
    let retry_after = match family {
        Some(_) => Some(retry_after.unwrap_or(DEFAULT_RETRY_AFTER)),
        None => retry_after,
    };
    let mut headers = Vec::new();
    if let Some(seconds) = retry_after {
        headers.push(("retry-after", seconds.to_string()));
    }
    if let (Some(names), Some(seconds)) = (family, retry_after) {
        let reset = if names.reset_is_unix_time {
            now.max(0).unsigned_abs() + seconds
        } else {
            seconds
        };
        headers.push((names.limit, RATE_LIMIT.to_string()));
        headers.push((names.remaining, "0".to_string()));
        headers.push((names.reset, reset.to_string()));
    }
    headers
}
