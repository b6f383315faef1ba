//! Injected failures as a provider answers them: unknown query
//! parameters, scheduled faults, `Prefer: code=NNN`. What puts them around
//! each route is [`Inject`](super::routes::Inject).

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;

use super::dispatch::ResetConnection;
use super::error::{ApiError, ErrorKind, too_large, unsupported_media_type};
use super::faults::{Fault, FaultKind};
use super::journal::Note;
use super::layers::read_body;
use super::operations::{DocumentedOperation, Operations};
use super::provider::{MockProvider, authenticate};
use super::routes::{Next, PREFER};
use super::state::MockState;

/// Provider `P`'s injected failures, for a request that has a query, a
/// fault waiting or a `Prefer` header (a [`SlowPath`]).
pub fn slow_path<P: MockProvider>(
    ops: Operations,
    op: usize,
    prefix: usize,
    request: Request,
    next: Next,
) -> BoxFuture<'static, Response> {
    Box::pin(async move { inject::<P>(&ops, op, prefix, request, next).await })
}

/// What [`Inject`](super::routes::Inject) does to a request that has a
/// query, a fault waiting or a `Prefer` header.
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
            let bytes = read_body(body, usize::MAX).await.unwrap_or_default();
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
