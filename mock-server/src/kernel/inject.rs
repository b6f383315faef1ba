//! Injected failures, a layer around each of a provider's routes: unknown
//! query parameters, scheduled faults, `Prefer: code=NNN`.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::HeaderName;
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, Either};
use tower::{Layer, Service};

use super::error::{ApiError, ErrorKind, too_large, unsupported_media_type};
use super::faults::{Fault, FaultKind};
use super::layers::{Note, ResetConnection, run};
use super::operations::{self, DocumentedOperation, Operations};
use super::provider::{MockProvider, authenticate};
use super::state::MockState;

/// Injected failures, around one route: notes the request's operation (for
/// the journal), then, in this order, refuses a query parameter the
/// operation does not take, applies a scheduled fault that matches, or
/// answers a `Prefer: code=NNN` with that documented status and the
/// operation's own error body. Wraps a handler ([`Inject::around`]) or, for
/// routes made by hand, a route (as a tower layer).
#[derive(Clone)]
pub struct Inject {
    ops: Operations,
    /// The route's operation, by index in `ops`; `None` for a route made by
    /// hand, whose operation is found per request.
    op: Option<usize>,
    /// The length of the provider's prefix, which operations' paths leave out.
    prefix: usize,
    /// What a request that has a query, a `Prefer` or a fault waiting meets
    /// (the provider's own errors).
    slow: SlowPath,
}

/// What serves the request after [`Inject`] (the handler or the route).
pub type Next = Box<dyn FnOnce(Request) -> BoxFuture<'static, Response> + Send>;

/// [`inject`] for one provider.
type SlowPath = fn(Operations, usize, usize, Request, Next) -> BoxFuture<'static, Response>;

impl Inject {
    /// For provider `P`'s routes of `ops` under a prefix `prefix` bytes long.
    pub fn new<P: MockProvider>(ops: Operations, prefix: usize) -> Self {
        Self {
            ops,
            op: None,
            prefix,
            slow: |ops, op, prefix, request, next| {
                Box::pin(async move { inject::<P>(&ops, op, prefix, request, next).await })
            },
        }
    }

    /// For the route of operation `op` (by index), or of any (`None`).
    pub fn route(&self, op: Option<usize>) -> Self {
        Self { op, ..self.clone() }
    }

    /// `handler` with injected failures (for a route of one operation): no
    /// route of its own around it, so a request pays for no more than a check.
    pub fn around<H>(self, handler: H) -> Injected<H> {
        Injected {
            inject: self,
            handler,
        }
    }

    /// Notes `request`'s operation; its index when the request needs the
    /// slow path. Most requests meet no query, fault or `Prefer`: they go
    /// straight on.
    fn operation(&self, request: &Request) -> Option<usize> {
        let path = request.uri().path();
        let relative = path.get(self.prefix..).unwrap_or(path);
        let op = self
            .op
            .or_else(|| operations::position(&self.ops, request.method(), relative))?;
        if let Some(note) = request.extensions().get::<Note>() {
            note.operation(self.ops[op].operation_id.clone());
        }
        let plain = request.uri().query().is_none()
            && !request.headers().contains_key(PREFER)
            && request
                .extensions()
                .get::<Arc<MockState>>()
                .is_none_or(|mock| mock.faults.is_empty());
        (!plain).then_some(op)
    }

    fn slow(self, op: usize, request: Request, next: Next) -> BoxFuture<'static, Response> {
        (self.slow)(self.ops, op, self.prefix, request, next)
    }
}

/// A handler with [`Inject`] around it.
#[derive(Clone)]
pub struct Injected<H> {
    inject: Inject,
    handler: H,
}

impl<H: Handler<T, ()>, T> Handler<T, ()> for Injected<H> {
    type Future = Either<H::Future, BoxFuture<'static, Response>>;

    fn call(self, request: Request, state: ()) -> Self::Future {
        match self.inject.operation(&request) {
            None => Either::Left(self.handler.call(request, state)),
            Some(op) => {
                let handler = self.handler;
                let next: Next = Box::new(move |request| Box::pin(handler.call(request, ())));
                Either::Right(self.inject.slow(op, request, next))
            }
        }
    }
}

impl<S> Layer<S> for Inject {
    type Service = Injecting<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Injecting {
            inject: self.clone(),
            inner,
        }
    }
}

/// A route (made by hand) with [`Inject`] around it.
#[derive(Clone)]
pub struct Injecting<S> {
    inject: Inject,
    inner: S,
}

impl<S> Service<Request> for Injecting<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Either<S::Future, BoxFuture<'static, Result<Response, Infallible>>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let Some(op) = self.inject.operation(&request) else {
            return Either::Left(self.inner.call(request));
        };
        // The service polled ready is the one that serves; a clone stays.
        let inner = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, inner);
        let next: Next = Box::new(move |request| Box::pin(run(inner, request)));
        let answer = self.inject.clone().slow(op, request, next);
        Either::Right(Box::pin(async move { Ok(answer.await) }))
    }
}

/// The `Prefer` header, which asks for a documented status.
const PREFER: HeaderName = HeaderName::from_static("prefer");

/// What [`Inject`] does to a request that has a query, a fault waiting or
/// a `Prefer` header.
async fn inject<P: MockProvider>(
    ops: &[DocumentedOperation],
    op: usize,
    prefix: usize,
    request: Request,
    next: Next,
) -> Response {
    let op = &ops[op];
    let note = request
        .extensions()
        .get::<Note>()
        .cloned()
        .unwrap_or_default();
    if let Some(query) = request.uri().query()
        && let Some(error) = unknown_query_parameter::<P>(ops, op, query)
    {
        return error.into_response();
    }
    let full = request.uri().path();
    let path = full.get(prefix..).unwrap_or(full).to_string();
    let fault = request
        .extensions()
        .get::<Arc<MockState>>()
        .filter(|mock| !mock.faults.is_empty())
        .and_then(|mock| {
            let tenant = authenticate::<P>(request.headers()).ok();
            mock.faults
                .take(P::NAME, op, tenant.as_ref().map(|t| t.key.as_str()))
        });
    if let Some(fault) = fault {
        note.fault(fault.kind.name());
        return with_fault::<P>(fault, op, &path, request, next).await;
    }
    let Some(code) = request
        .headers()
        .get(PREFER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split([';', ','])
                .find_map(|p| p.trim().strip_prefix("code="))
        })
        .map(str::to_string)
    else {
        return next(request).await;
    };
    let status = code
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|s| op.statuses.contains(s));
    match status {
        Some(status) if status >= 400 => {
            note.fault("prefer");
            injected::<P>(status, None, op, &path).into_response()
        }
        Some(_) => next(request).await,
        None => ApiError::<P>::new(
            ErrorKind::BadRequest,
            "invalid_prefer_code",
            format!(
                "Prefer: code={code} is not a documented response of {} {path}; documented: {:?}.",
                request.method(),
                op.statuses
            ),
        )
        .into_response(),
    }
}

/// What `fault` makes of the request.
async fn with_fault<P: MockProvider>(
    fault: Fault,
    op: &DocumentedOperation,
    path: &str,
    request: Request,
    next: Next,
) -> Response {
    match fault.kind {
        FaultKind::Status => {
            if fault.after_handler {
                drop(next(request).await);
            }
            let status = fault.status.expect("a status fault has a status");
            injected::<P>(status, fault.retry_after, op, path).into_response()
        }
        FaultKind::Delay => {
            tokio::time::sleep(Duration::from_millis(fault.delay_ms.unwrap_or_default())).await;
            next(request).await
        }
        FaultKind::Reset => {
            if fault.after_handler {
                drop(next(request).await);
            }
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(ResetConnection);
            response
        }
        FaultKind::Malformed => {
            let (parts, body) = next(request).await.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            // Cut short: at most half of it, and never all of it.
            let cut = (bytes.len() / 2).min(bytes.len().saturating_sub(1));
            Response::from_parts(parts, Body::from(bytes.slice(..cut)))
        }
    }
}

/// The provider's 400 for a query parameter `op` does not take (a typo
/// must not be ignored); one that names a path parameter of another
/// operation points there (`?webhookId=` for `/webhooks/{webhookId}.json`).
fn unknown_query_parameter<P>(
    ops: &[DocumentedOperation],
    op: &DocumentedOperation,
    query: &str,
) -> Option<ApiError<P>> {
    let unknown = url::form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| name)
        .find(|name| !op.query.iter().any(|q| q == name))?;
    let takes = if op.query.is_empty() {
        "this operation takes none".to_string()
    } else {
        format!("this operation takes `{}`", op.query.join("`, `"))
    };
    let placeholder = format!("{{{unknown}}}");
    let path_form = ops
        .iter()
        .filter(|other| other.method == op.method)
        .find(|other| other.template.iter().any(|s| s.contains(&placeholder)))
        .map(|other| {
            format!(
                "; to address one record, put it in the path: {} {}",
                other.method,
                other.path()
            )
        })
        .unwrap_or_default();
    Some(
        ApiError::new(
            ErrorKind::BadRequest,
            "unknown_parameter",
            format!("Unknown query parameter `{unknown}`; {takes}{path_form}."),
        )
        .param(unknown.to_string()),
    )
}

/// The error an injected status answers with: the one the operation
/// itself answers with that status (its 404, the kernel's 413 and 415), else
/// the provider's own code and message for it.
fn injected<P: MockProvider>(
    status: u16,
    retry_after: Option<u64>,
    operation: &DocumentedOperation,
    path: &str,
) -> ApiError<P> {
    let kind = ErrorKind::from_status(status).unwrap_or(ErrorKind::BadRequest);
    let mut error = match kind {
        ErrorKind::PayloadTooLarge => too_large(),
        ErrorKind::UnsupportedMediaType => unsupported_media_type(),
        _ => P::operation_error(&operation.operation_id, kind, &operation.path_params(path))
            .unwrap_or_else(|| ApiError::of_kind(kind)),
    };
    error.retry_after = retry_after;
    error
}
