//! Failed requests. A handler returns an [`ApiError<P>`]; the provider `P`
//! renders it as its own documented error body and headers (its
//! `MockProvider` implementation, in `provider.rs`).

use std::fmt;
use std::marker::PhantomData;

use axum::http::StatusCode;

/// Largest request body accepted; larger ones get a provider-shaped 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `Retry-After` of a 429 that was not given one, where the provider
/// documents the header on every 429 (30 s, the figure documented messages use).
pub const DEFAULT_RETRY_AFTER: u64 = 30;

/// The request limit a 429's rate-limit headers announce (no provider publishes one).
pub const RATE_LIMIT: u64 = 100;

/// The broad kinds of failure; each provider renders them in its own shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A malformed or invalid request (400).
    BadRequest,
    /// A missing or invalid API key (401).
    Unauthorized,
    /// The key may not do this (403).
    Forbidden,
    /// No such resource or route (404).
    NotFound,
    /// The route exists but not with this method (405).
    MethodNotAllowed,
    /// An idempotency key reused with another request (409).
    Conflict,
    /// The body is over the size limit (413).
    PayloadTooLarge,
    /// The body is not JSON (415).
    UnsupportedMediaType,
    /// Well-formed but refused values (422).
    Unprocessable,
    /// Too many requests (429; only through `Prefer` and faults).
    RateLimited,
    /// A server error (500; only through `Prefer` and faults).
    Internal,
    /// Briefly unavailable (503; only through `Prefer` and faults).
    Unavailable,
}

impl ErrorKind {
    /// The HTTP status of this kind.
    pub fn status(self) -> StatusCode {
        match self {
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The kind a status code stands for (for `Prefer: code=NNN` and faults).
    pub fn from_status(status: u16) -> Option<Self> {
        Some(match status {
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            409 => Self::Conflict,
            413 => Self::PayloadTooLarge,
            415 => Self::UnsupportedMediaType,
            422 => Self::Unprocessable,
            429 => Self::RateLimited,
            500 => Self::Internal,
            503 => Self::Unavailable,
            _ => return None,
        })
    }
}

/// A failed request to provider `P`, rendered in `P`'s documented error shape.
pub struct ApiError<P> {
    /// What went wrong, broadly.
    pub kind: ErrorKind,
    /// A machine-readable code in the provider's style.
    pub code: String,
    /// A human-readable message.
    pub message: String,
    /// The request field at fault, if any.
    pub param: Option<String>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<u64>,
    provider: PhantomData<fn() -> P>,
}

impl<P> fmt::Debug for ApiError<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("kind", &self.kind)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("param", &self.param)
            .finish()
    }
}

impl<P> ApiError<P> {
    /// An error of `kind` with this code and message.
    pub fn new(kind: ErrorKind, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            code: code.into(),
            message: message.into(),
            param: None,
            retry_after: None,
            provider: PhantomData,
        }
    }

    /// Names the request field at fault.
    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }
}

/// The names of a provider's rate-limit headers, sent on every 429.
#[derive(Debug, Clone, Copy)]
pub struct RateLimitHeaders {
    /// The header announcing the window's limit.
    pub limit: &'static str,
    /// The header announcing what is left of it.
    pub remaining: &'static str,
    /// The header announcing when it resets.
    pub reset: &'static str,
    /// Whether the reset is a Unix time (else seconds from now).
    pub reset_is_unix_time: bool,
}

/// A validation failure on `param` (the provider's 400).
pub fn invalid<P>(param: &str, message: impl Into<String>) -> ApiError<P> {
    ApiError::new(ErrorKind::BadRequest, "invalid_parameter", message).param(param)
}

/// A missing required field (the provider's 400).
pub fn missing<P>(param: &str) -> ApiError<P> {
    ApiError::new(
        ErrorKind::BadRequest,
        "missing_required_field",
        format!("The '{param}' field is required."),
    )
    .param(param)
}

/// The 413 every provider answers for a body over the limit.
pub fn too_large<P>() -> ApiError<P> {
    ApiError::new(
        ErrorKind::PayloadTooLarge,
        "payload_too_large",
        format!("The request body is larger than {MAX_BODY_BYTES} bytes."),
    )
}

/// The 415 every provider answers for a body that is not sent as JSON.
pub fn unsupported_media_type<P>() -> ApiError<P> {
    ApiError::new(
        ErrorKind::UnsupportedMediaType,
        "unsupported_content_type",
        "The request body must be JSON, sent with `Content-Type: application/json`.",
    )
}
