//! One way to read a failure from any of the five providers.
//!
//! Every provider's error body implements [`ApiError`], and so does
//! `progenitor_client::Error<E>` of it (what every operation's `send()`
//! returns), adding what only the HTTP exchange knows: the status, the
//! `Retry-After` and `x-request-id` headers, and connection failures.
//!
//! ```no_run
//! use webhooks_sdk::ApiError;
//!
//! # async fn run(client: webhooks_sdk::billing_io::Client) {
//! match client.get_webhook_endpoint().webhook_id("we_123").send().await {
//!     Ok(endpoint) => println!("{}", endpoint.url),
//!     Err(e) if e.http_status().map(|s| s.as_u16()) == Some(404) => println!("gone"),
//!     Err(e) if e.should_retry() => println!("try again in {:?}", e.retry_after()),
//!     Err(e) => println!("{}: {}", e.code().unwrap_or("error"), e.message().unwrap_or("")),
//! }
//! # }
//! ```

use std::time::Duration;

use progenitor_client::Error;
use reqwest::StatusCode;

use crate::retry;

/// What every provider's failures have in common.
///
/// Its method names are none of `progenitor_client::Error`'s own
/// (`status`, `is_retryable`), so `e.http_status()` and `e.should_retry()`
/// mean this crate's reading on every type.
pub trait ApiError {
    /// The HTTP status, when there was an answer (or the body names one).
    fn http_status(&self) -> Option<StatusCode>;
    /// The provider's machine-readable error code (`webhook_not_found`, …).
    fn code(&self) -> Option<&str>;
    /// The provider's human-readable message.
    fn message(&self) -> Option<&str>;
    /// The request's ID at the provider, to quote to their support: Charge's
    /// `request` field, else the `x-request-id` response header.
    fn request_id(&self) -> Option<&str>;
    /// How long the provider asked to wait (`Retry-After`, at most 60 s).
    fn retry_after(&self) -> Option<Duration>;
    /// Whether sending the same request again later may succeed: connection
    /// failures, timeouts, 408, 429 and 500/502/503/504 (a Commet 429 only
    /// with `Retry-After`, as its docs say). The same rule the client's own
    /// retries follow.
    fn should_retry(&self) -> bool;
}

/// A provider's documented error body (sealed: implemented by each
/// provider's declaration only).
pub trait ErrorBody: ApiError {
    /// Whether a 429 without `Retry-After` may be retried at this provider.
    const RETRY_429_WITHOUT_RETRY_AFTER: bool;
}

/// Implements [`ApiError`] and [`ErrorBody`] for a provider's error body
/// from how it reads its code, message and request ID.
macro_rules! error_body {
    (
        $body:ty,
        code: |$c:ident| $code:expr,
        message: |$m:ident| $message:expr,
        request_id: |$r:ident| $request_id:expr,
        status: |$s:ident| $status:expr,
        retry_429_without_retry_after: $retry_429:expr $(,)?
    ) => {
        impl $crate::error::ApiError for $body {
            fn http_status(&self) -> Option<reqwest::StatusCode> {
                let $s = self;
                $status
            }
            fn code(&self) -> Option<&str> {
                let $c = self;
                $code
            }
            fn message(&self) -> Option<&str> {
                let $m = self;
                $message
            }
            fn request_id(&self) -> Option<&str> {
                let $r = self;
                $request_id
            }
            fn retry_after(&self) -> Option<std::time::Duration> {
                None
            }
            fn should_retry(&self) -> bool {
                $crate::error::ApiError::http_status(self)
                    .is_some_and($crate::error::is_retryable_status)
            }
        }

        impl $crate::error::ErrorBody for $body {
            const RETRY_429_WITHOUT_RETRY_AFTER: bool = $retry_429;
        }
    };
}
pub(crate) use error_body;

pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    retry::is_retryable_status(status)
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

impl<E: ErrorBody> ApiError for Error<E> {
    fn http_status(&self) -> Option<StatusCode> {
        match self {
            Error::ErrorResponse(body) => Some(body.status()),
            other => other.status(),
        }
    }

    fn code(&self) -> Option<&str> {
        match self {
            Error::ErrorResponse(body) => body.code(),
            _ => None,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Error::ErrorResponse(body) => body.message(),
            _ => None,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Error::ErrorResponse(body) => body
                .request_id()
                .or_else(|| header(body.headers(), "x-request-id")),
            Error::UnexpectedResponse(response) => header(response.headers(), "x-request-id"),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::ErrorResponse(body) => retry::retry_after(body.headers()),
            Error::UnexpectedResponse(response) => retry::retry_after(response.headers()),
            _ => None,
        }
    }

    fn should_retry(&self) -> bool {
        if let Error::CommunicationError(e) = self {
            return e.is_connect() || e.is_timeout() || e.is_request();
        }
        let Some(status) = self.http_status() else {
            return false;
        };
        is_retryable_status(status)
            && (status != StatusCode::TOO_MANY_REQUESTS
                || E::RETRY_429_WITHOUT_RETRY_AFTER
                || self.retry_after().is_some())
    }
}
