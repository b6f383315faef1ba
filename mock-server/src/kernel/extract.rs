//! Extractors that turn bad input into the provider's own 4xx instead of
//! axum's plain-text rejections: the caller, a JSON body, query parameters;
//! and the provider's stored data in the request's mock.

use std::marker::PhantomData;
use std::sync::Arc;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::{ApiError, ErrorKind, MAX_BODY_BYTES, too_large, unsupported_media_type};
use super::layers::read_body;
use super::provider::{MockProvider, ProviderState, Tenant, authenticate};
use super::state::MockState;

/// A request header as text, if present and readable.
pub fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// The authenticated caller.
pub struct Auth<P>(pub Tenant, pub PhantomData<P>);

impl<P: MockProvider, S: Send + Sync> FromRequestParts<S> for Auth<P> {
    type Rejection = ApiError<P>;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError<P>> {
        authenticate::<P>(&parts.headers).map(|t| Auth(t, PhantomData))
    }
}

/// Provider `P`'s stored data in the mock the request belongs to.
pub struct Store<P: MockProvider>(pub Arc<ProviderState<P>>);

impl<P: MockProvider, S: Send + Sync> FromRequestParts<S> for Store<P> {
    type Rejection = ApiError<P>;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError<P>> {
        parts
            .extensions
            .get::<Arc<MockState>>()
            .and_then(|mock| mock.providers.get::<ProviderState<P>>(P::NAME))
            .map(Store)
            .ok_or_else(|| ApiError::of_kind(ErrorKind::Internal))
    }
}

/// The mock a request belongs to, which its connection was accepted for
/// (a request extension the app sets on every request it serves).
pub struct Mock(pub Arc<MockState>);

impl<S: Send + Sync> FromRequestParts<S> for Mock {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mock = parts
            .extensions
            .get::<Arc<MockState>>()
            .expect("the app sets its mock's state on every request");
        Ok(Mock(mock.clone()))
    }
}

/// A JSON body of type `T` (and as sent): a wrong content type, malformed
/// JSON, a wrong type or an unknown field each become the provider's 4xx.
pub struct JsonBody<P, T>(pub T, pub RawJson, pub PhantomData<P>);

/// A request body as sent, read as JSON only when asked (to compare a
/// retried write with the first).
pub struct RawJson(axum::body::Bytes);

impl RawJson {
    /// The body as a JSON value.
    pub fn value(&self) -> Value {
        serde_json::from_slice(&self.0).unwrap_or(Value::Null)
    }
}

impl<P: MockProvider, T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<P, T> {
    type Rejection = ApiError<P>;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError<P>> {
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
            return Err(unsupported_media_type());
        }
        let bytes = read_body(req.into_body(), MAX_BODY_BYTES)
            .await
            .ok_or_else(too_large)?;
        // Every request body is an object (serde would also read a struct from an array).
        let is_object = bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        // The common case in one pass; errors are worded from the slower path below.
        if is_object && let Ok(typed) = serde_json::from_slice(&bytes) {
            return Ok(JsonBody(typed, RawJson(bytes), PhantomData));
        }
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::new(
                ErrorKind::BadRequest,
                "invalid_json",
                format!("The request body is not valid JSON: {e}."),
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::new(
                ErrorKind::BadRequest,
                "invalid_type",
                "The request body must be a JSON object.",
            ));
        }
        let typed = serde_path_to_error::deserialize(&value).map_err(|e| {
            // The top-level field at fault: `events` for a bad `events[0]`.
            let path = e.path().to_string();
            let field = path
                .split(['.', '['])
                .next()
                .filter(|f| !f.is_empty() && *f != "?");
            invalid_body(&e.inner().to_string(), field)
        })?;
        Ok(JsonBody(typed, RawJson(bytes), PhantomData))
    }
}

/// A body that is JSON but not of the expected shape.
fn invalid_body<P>(serde_message: &str, at: Option<&str>) -> ApiError<P> {
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
    let mut error = ApiError::new(ErrorKind::BadRequest, code, message);
    error.param = field;
    error
}

/// Query parameters of type `T`; a bad value becomes the provider's 400.
pub struct Query<P, T>(pub T, pub PhantomData<P>);

impl<P: MockProvider, T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<P, T> {
    type Rejection = ApiError<P>;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError<P>> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0, PhantomData))
            .map_err(|e| {
                ApiError::new(
                    ErrorKind::BadRequest,
                    "invalid_query",
                    format!("Invalid query parameters: {}.", e.body_text()),
                )
            })
    }
}

/// An optional request field that may be left out but not sent as `null`
/// (the specs do not make it nullable): `#[serde(default, deserialize_with = "non_null")]`.
pub fn non_null<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom("null is not allowed here")),
    }
}
