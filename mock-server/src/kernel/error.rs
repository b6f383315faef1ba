//! What every provider's handlers share: the tenant behind an API key,
//! provider-shaped errors, and extractors that turn bad input into those
//! errors instead of axum's plain-text rejections.

use std::marker::PhantomData;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::Provider;

/// Test (sandbox) or live mode, from the key's prefix where the provider has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sandbox / test keys.
    Test,
    /// Production / live keys.
    Live,
}

/// The caller, identified by its API key: each key is its own tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// The API key itself (never logged: the journal redacts it).
    pub key: String,
    /// The key's mode.
    pub mode: Mode,
}

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

    /// The kind a status code stands for (for `Prefer: code=NNN`).
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

/// A failed request, rendered in its provider's documented error shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// Whose error shape to use.
    pub provider: Provider,
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
}

impl ApiError {
    /// An error of `kind` for `provider`.
    pub fn new(
        provider: Provider,
        kind: ErrorKind,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            provider,
            kind,
            code: code.into(),
            message: message.into(),
            param: None,
            retry_after: None,
        }
    }

    /// Names the request field at fault.
    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.provider.status_of(self.kind);
        let body = self.provider.error_body(&self, status);
        let mut response = (status, axum::Json(body)).into_response();
        let headers = self
            .provider
            .retry_headers(status.as_u16(), self.retry_after);
        for (name, value) in headers {
            response.headers_mut().insert(
                name,
                value.parse().expect("digits are a valid header value"),
            );
        }
        response
    }
}

/// What differs between providers in authentication.
pub trait ProviderApi: Send + Sync + 'static {
    /// The provider.
    const PROVIDER: Provider;

    /// Who is calling, from the request headers; a provider-shaped 401 otherwise.
    fn authenticate(headers: &HeaderMap) -> Result<Tenant, ApiError>;
}

/// The bearer token of an `Authorization: Bearer …` header, if any.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The authenticated caller.
pub struct Auth<P>(pub Tenant, pub PhantomData<P>);

impl<P: ProviderApi, S: Send + Sync> FromRequestParts<S> for Auth<P> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        P::authenticate(&parts.headers).map(|t| Auth(t, PhantomData))
    }
}

/// A JSON body of type `T`: a wrong content type, malformed JSON, a wrong
/// type or an unknown field each become the provider's 4xx.
pub struct JsonBody<P, T>(pub T, pub Value, pub PhantomData<P>);

impl<P: ProviderApi, T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<P, T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let provider = P::PROVIDER;
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v.eq_ignore_ascii_case("application/json")
                    || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(ApiError::new(
                provider,
                ErrorKind::UnsupportedMediaType,
                "unsupported_content_type",
                "The request body must be JSON, sent with `Content-Type: application/json`.",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| too_large(provider))?;
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                provider,
                ErrorKind::BadRequest,
                "invalid_json",
                format!("The request body is not valid JSON: {e}."),
            )
        })?;
        let typed = serde_path_to_error::deserialize(&value).map_err(|e| {
            // The top-level field at fault: `events` for a bad `events[0]`.
            let path = e.path().to_string();
            let field = path
                .split(['.', '['])
                .next()
                .filter(|f| !f.is_empty() && *f != "?");
            invalid_body(provider, &e.inner().to_string(), field)
        })?;
        Ok(JsonBody(typed, value, PhantomData))
    }
}

/// The 413 every provider answers for a body over the limit.
pub fn too_large(provider: Provider) -> ApiError {
    ApiError::new(
        provider,
        ErrorKind::PayloadTooLarge,
        "payload_too_large",
        format!(
            "The request body is larger than {} bytes.",
            crate::MAX_BODY_BYTES
        ),
    )
}

/// A body that is JSON but not of the expected shape.
fn invalid_body(provider: Provider, serde_message: &str, at: Option<&str>) -> ApiError {
    // serde says "unknown field `x`, expected …" or "missing field `x`": name that field.
    let field = serde_message
        .split('`')
        .nth(1)
        .filter(|_| serde_message.contains(" field `"))
        .or(at)
        .map(str::to_string);
    let message = format!("The request body is invalid: {serde_message}.");
    let code = if serde_message.starts_with("missing field") {
        "missing_required_field"
    } else if serde_message.starts_with("unknown field") {
        "unknown_field"
    } else {
        "invalid_type"
    };
    let mut error = ApiError::new(provider, ErrorKind::BadRequest, code, message);
    error.param = field;
    error
}

/// Query parameters of type `T`; a bad value becomes the provider's 400.
pub struct Query<P, T>(pub T, pub PhantomData<P>);

impl<P: ProviderApi, T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<P, T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0, PhantomData))
            .map_err(|e| {
                ApiError::new(
                    P::PROVIDER,
                    ErrorKind::BadRequest,
                    "invalid_query",
                    format!("Invalid query parameters: {}.", e.body_text()),
                )
            })
    }
}

/// A validation failure on `param` (the provider's 400).
pub fn invalid(provider: Provider, param: &str, message: impl Into<String>) -> ApiError {
    ApiError::new(
        provider,
        ErrorKind::BadRequest,
        "invalid_parameter",
        message,
    )
    .param(param)
}

/// A missing required field (the provider's 400).
pub fn missing(provider: Provider, param: &str) -> ApiError {
    ApiError::new(
        provider,
        ErrorKind::BadRequest,
        "missing_required_field",
        format!("The '{param}' field is required."),
    )
    .param(param)
}

/// Whether `url` is an absolute http(s) URL, and whether it is HTTPS.
pub fn parse_url(url: &str) -> Option<bool> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains(char::is_whitespace) || url.contains(char::is_whitespace) {
        return None;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Some(true),
        "http" => Some(false),
        _ => None,
    }
}

/// Checks a webhook URL: absolute, http(s), and HTTPS unless `allow_http`
/// (the provider's own rule, such as sandbox keys).
///
/// Plain HTTP is always accepted on loopback hosts, for every provider and key
/// mode: receivers under test listen there (a documented mock affordance).
pub fn check_url(
    provider: Provider,
    param: &str,
    url: &str,
    allow_http: bool,
) -> Result<(), ApiError> {
    let allow_http = allow_http || crate::is_loopback(url);
    match parse_url(url) {
        None => Err(invalid(
            provider,
            param,
            format!("'{param}' must be an absolute http(s) URL."),
        )),
        Some(false) if !allow_http => Err(invalid(
            provider,
            param,
            format!("'{param}' must use HTTPS."),
        )),
        Some(_) => Ok(()),
    }
}
