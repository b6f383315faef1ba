//! Injected failures, for testing clients: `Prefer: code=NNN` per request,
//! and scheduled faults (the next N matching requests). Either answers a
//! status the operation documents, with the provider's own error body and
//! headers, before the handler runs; an undocumented status is refused with
//! a 400 naming the documented ones.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::Request;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::error::{ApiError, ErrorKind, too_large, unsupported_media_type};
use super::provider::{MockProvider, PathParams};
use super::store::lock;

/// One documented operation: method, path template split in segments, and
/// the statuses its spec documents.
#[derive(Debug, Clone)]
pub struct DocumentedOperation {
    method: Method,
    template: Vec<String>,
    operation_id: String,
    statuses: Vec<u16>,
    /// The query parameters it takes.
    query: Vec<String>,
}

/// The documented operations of a provider, most specific templates first,
/// read once from its emitted spec.
pub fn documented_operations(json: &serde_json::Value) -> Arc<Vec<DocumentedOperation>> {
    let mut ops = Vec::new();
    for (path, item) in json["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            let Ok(method) = method.to_uppercase().parse::<Method>() else {
                continue;
            };
            let mut statuses: Vec<u16> = op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .filter_map(|(code, _)| code.parse().ok())
                .collect();
            statuses.sort_unstable();
            let query = item["parameters"]
                .as_array()
                .into_iter()
                .chain(op["parameters"].as_array())
                .flatten()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect();
            ops.push(DocumentedOperation {
                query,
                method,
                operation_id: op["operationId"].as_str().unwrap_or_default().to_string(),
                template: path.split('/').map(str::to_string).collect(),
                statuses,
            });
        }
    }
    ops.sort_by_key(|op| op.template.iter().filter(|s| s.contains('{')).count());
    Arc::new(ops)
}

impl DocumentedOperation {
    /// The path parameters of `path`, which fits this operation's template.
    fn path_params(&self, path: &str) -> PathParams {
        let params = self
            .template
            .iter()
            .zip(path.split('/'))
            .filter_map(|(template, segment)| {
                let (open, close) = (template.find('{')?, template.rfind('}')?);
                let (before, after) = (&template[..open], &template[close + 1..]);
                let value = segment.strip_prefix(before)?.strip_suffix(after)?;
                Some((template[open + 1..close].to_string(), value.to_string()))
            })
            .collect();
        PathParams(params)
    }
}

/// Whether `path` fits an OpenAPI path template such as `/webhooks/{webhookId}.json`.
pub fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, s)| segment_matches(t, s))
}

/// Whether `segment` fits a template segment such as `{id}` or `{webhookId}.json`.
fn segment_matches(template: &str, segment: &str) -> bool {
    match (template.find('{'), template.rfind('}')) {
        (Some(open), Some(close)) => {
            let (before, after) = (&template[..open], &template[close + 1..]);
            segment.len() > before.len() + after.len()
                && segment.starts_with(before)
                && segment.ends_with(after)
        }
        _ => template == segment,
    }
}

fn find_operation<'a>(
    ops: &'a [DocumentedOperation],
    method: &Method,
    path: &str,
) -> Option<&'a DocumentedOperation> {
    let segments: Vec<&str> = path.split('/').collect();
    ops.iter().find(|op| {
        op.method == method
            && op.template.len() == segments.len()
            && op
                .template
                .iter()
                .zip(&segments)
                .all(|(t, s)| segment_matches(t, s))
    })
}

/// A fault to inject, as `POST /__mock/faults` takes it:
/// `{"provider": "<name>", "status": 503, "count": 2, "retry_after": 1}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The provider's name, as in the mock's URLs.
    pub provider: String,
    /// The status to answer; it must be documented for the operation.
    pub status: u16,
    /// How many matching requests get it (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Seconds for a `Retry-After` header on each faulted answer.
    pub retry_after: Option<u64>,
    /// Only requests to this operation (its spec `operationId`, such as `createWebhookEndpoint`).
    pub operation: Option<String>,
    /// Only requests made with this API key.
    pub api_key: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    /// The next `count` requests to the provider named `provider` whose
    /// operation documents `status` answer it.
    pub fn new(provider: impl Into<String>, status: u16, count: u32) -> Self {
        Self {
            provider: provider.into(),
            status,
            count,
            retry_after: None,
            operation: None,
            api_key: None,
        }
    }

    /// Adds `Retry-After: <seconds>` to each faulted answer.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Only requests to this operation (its `operationId`).
    pub fn operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation = Some(operation_id.into());
        self
    }

    /// Only requests made with this API key.
    pub fn api_key(mut self, key: impl Into<String>) -> Self {
        self.api_key = Some(key.into());
        self
    }
}

/// Faults waiting for their requests, and what each served provider documents.
#[derive(Debug, Default)]
pub struct Faults {
    documented: Mutex<HashMap<&'static str, Arc<Vec<DocumentedOperation>>>>,
    pending: Mutex<Vec<Fault>>,
    // Lets the request path skip the lock when nothing is scheduled.
    count: AtomicUsize,
}

impl Faults {
    /// Learns the operations of a served provider.
    pub fn register(&self, provider: &'static str, operations: Arc<Vec<DocumentedOperation>>) {
        lock(&self.documented).insert(provider, operations);
    }

    /// Schedules a fault, or says why it cannot be answered as documented.
    pub fn add(&self, fault: Fault) -> Result<(), String> {
        self.check(&fault)?;
        let mut pending = lock(&self.pending);
        pending.push(fault);
        self.count.store(pending.len(), Ordering::Release);
        Ok(())
    }

    /// Why `fault` could never be answered as documented, if so.
    fn check(&self, fault: &Fault) -> Result<(), String> {
        let documented = lock(&self.documented);
        let ops = documented.get(fault.provider.as_str()).ok_or_else(|| {
            let mut names: Vec<_> = documented.keys().copied().collect();
            names.sort_unstable();
            format!(
                "no provider named {:?} is served; one of {names:?}",
                fault.provider
            )
        })?;
        if fault.count == 0 {
            return Err("`count` must be at least 1".into());
        }
        let chosen: Vec<&DocumentedOperation> = match &fault.operation {
            Some(id) => {
                let op = ops
                    .iter()
                    .find(|op| op.operation_id == *id)
                    .ok_or_else(|| {
                        let ids: Vec<_> = ops.iter().map(|op| op.operation_id.as_str()).collect();
                        format!("{} has no operation {id:?}; one of {ids:?}", fault.provider)
                    })?;
                vec![op]
            }
            None => ops.iter().collect(),
        };
        if fault.status < 400 || !chosen.iter().any(|op| op.statuses.contains(&fault.status)) {
            let mut statuses: Vec<u16> = chosen
                .iter()
                .flat_map(|op| op.statuses.iter().copied())
                .filter(|s| *s >= 400)
                .collect();
            statuses.sort_unstable();
            statuses.dedup();
            return Err(format!(
                "{} is not a documented error status of {}; documented: {statuses:?}",
                fault.status,
                fault.operation.as_deref().unwrap_or(&fault.provider)
            ));
        }
        Ok(())
    }

    /// Forgets every scheduled fault.
    pub fn clear(&self) {
        let mut pending = lock(&self.pending);
        pending.clear();
        self.count.store(0, Ordering::Release);
    }

    fn is_empty(&self) -> bool {
        self.count.load(Ordering::Acquire) == 0
    }

    /// The status and `Retry-After` this request gets, if a fault matches it
    /// (and counts it).
    fn take(
        &self,
        provider: &str,
        operation: &DocumentedOperation,
        key: Option<&str>,
    ) -> Option<(u16, Option<u64>)> {
        let mut pending = lock(&self.pending);
        let index = pending.iter().position(|fault| {
            fault.provider == provider
                && operation.statuses.contains(&fault.status)
                && fault
                    .operation
                    .as_ref()
                    .is_none_or(|id| *id == operation.operation_id)
                && fault.api_key.as_deref().is_none_or(|k| Some(k) == key)
        })?;
        let fault = &mut pending[index];
        let answer = (fault.status, fault.retry_after);
        fault.count -= 1;
        if fault.count == 0 {
            pending.remove(index);
        }
        self.count.store(pending.len(), Ordering::Release);
        Some(answer)
    }
}

/// A scheduled fault that matches this request, else Prism's
/// `Prefer: code=NNN`: answers a documented error status of this operation
/// with the provider's error body, without running it.
pub async fn inject<P: MockProvider>(
    ops: Arc<Vec<DocumentedOperation>>,
    faults: Arc<Faults>,
    request: Request,
    next: Next,
) -> Response {
    let prefer = request.headers().get("prefer");
    // The common request (no query, no fault pending, no `Prefer`) passes straight through.
    if request.uri().query().is_none() && faults.is_empty() && prefer.is_none() {
        return next.run(request).await;
    }
    let operation = find_operation(&ops, request.method(), request.uri().path());
    if let (Some(query), Some(op)) = (request.uri().query(), operation)
        && let Some(error) = unknown_query_parameter::<P>(&ops, op, query)
    {
        return error.into_response();
    }
    if !faults.is_empty()
        && let Some((status, retry_after)) = operation.and_then(|op| {
            let tenant = P::authenticate(request.headers()).ok();
            faults.take(P::NAME, op, tenant.as_ref().map(|t| t.key.as_str()))
        })
    {
        let (op, path) = (
            operation.expect("a fault matched an operation"),
            request.uri().path(),
        );
        return injected::<P>(status, retry_after, op, path).into_response();
    }
    let Some(code) = prefer
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split([';', ','])
                .find_map(|p| p.trim().strip_prefix("code="))
        })
        .map(str::to_string)
    else {
        return next.run(request).await;
    };
    let documented = operation
        .map(|op| op.statuses.as_slice())
        .unwrap_or_default();
    let status = code
        .trim()
        .parse::<u16>()
        .ok()
        .filter(|s| documented.contains(s));
    match status {
        Some(status) if status >= 400 => {
            let op = operation.expect("a documented status has an operation");
            injected::<P>(status, None, op, request.uri().path()).into_response()
        }
        Some(_) => next.run(request).await,
        None => ApiError::<P>::new(
            ErrorKind::BadRequest,
            "invalid_prefer_code",
            format!(
                "Prefer: code={code} is not a documented response of {} {}; documented: {:?}.",
                request.method(),
                request.uri().path(),
                documented
            ),
        )
        .into_response(),
    }
}

/// The provider's 400 for a query parameter `op` does not take (a typo
/// must not be ignored); one that names a path parameter of another
/// operation points there, e.g. Donutwork's `?webhookId=` for `/webhooks/{webhookId}.json`.
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
                other.template.join("/")
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_read_by_their_template_names() {
        let op = DocumentedOperation {
            method: Method::GET,
            template: "/webhooks/{webhookId}.json"
                .split('/')
                .map(str::to_string)
                .collect(),
            operation_id: "getWebhook".into(),
            statuses: vec![200],
            query: vec![],
        };
        let params = op.path_params("/webhooks/abc.json");
        assert_eq!(params.get("webhookId"), "abc");
        assert_eq!(params.get("other"), "");
    }

    #[test]
    fn templates_match_parameters_with_suffixes() {
        assert!(segment_matches("{id}.json", "a1.json"));
        assert!(!segment_matches("{id}.json", ".json"));
        assert!(!segment_matches("{id}.json", "a1"));
        assert!(segment_matches("{id}", "abc"));
        assert!(segment_matches("types.json", "types.json"));
    }
}
