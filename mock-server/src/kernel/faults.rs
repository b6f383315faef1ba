//! Scheduled faults: the next N matching requests answer a documented error
//! status with the provider's own error body (and `Retry-After` when asked)
//! before reaching their handler, so clients' retries can be tested.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::http::{HeaderMap, header};
use serde::Deserialize;

use crate::Provider;
use crate::middleware::DocumentedOperation;

/// A fault to inject, as `POST /__mock/faults` takes it:
/// `{"provider": "billing-io", "status": 503, "count": 2, "retry_after": 1}`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The provider's name (`billing-io`, `chargeapi`, `donutwork`, `meum`, `commet`).
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
    /// The next `count` requests to `provider` whose operation documents
    /// `status` answer it.
    pub fn new(provider: Provider, status: u16, count: u32) -> Self {
        Self {
            provider: provider.name().to_string(),
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

    /// The provider, and a refusal naming the documented statuses when this
    /// fault could never be answered as documented.
    pub(crate) fn check(&self) -> Result<Provider, String> {
        let provider = Provider::from_name(&self.provider).ok_or_else(|| {
            let names: Vec<_> = Provider::ALL.iter().map(|p| p.name()).collect();
            format!("no provider named {:?}; one of {names:?}", self.provider)
        })?;
        if self.count == 0 {
            return Err("`count` must be at least 1".into());
        }
        let ops = crate::middleware::documented_operations(&crate::openapi(provider));
        let chosen: Vec<&DocumentedOperation> = match &self.operation {
            Some(id) => {
                let op = ops
                    .iter()
                    .find(|op| op.operation_id == *id)
                    .ok_or_else(|| {
                        let ids: Vec<_> = ops.iter().map(|op| op.operation_id.as_str()).collect();
                        format!(
                            "{} has no operation {id:?}; one of {ids:?}",
                            provider.name()
                        )
                    })?;
                vec![op]
            }
            None => ops.iter().collect(),
        };
        if self.status < 400 || !chosen.iter().any(|op| op.statuses.contains(&self.status)) {
            let mut documented: Vec<u16> = chosen
                .iter()
                .flat_map(|op| op.statuses.iter().copied())
                .filter(|s| *s >= 400)
                .collect();
            documented.sort_unstable();
            documented.dedup();
            return Err(format!(
                "{} is not a documented error status of {}; documented: {documented:?}",
                self.status,
                self.operation.as_deref().unwrap_or(provider.name())
            ));
        }
        Ok(provider)
    }
}

/// Faults waiting for their requests.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<(Provider, Fault)>>,
    // Lets the request path skip the lock when nothing is scheduled.
    count: AtomicUsize,
}

impl Faults {
    /// Schedules a fault, or says why it cannot be answered as documented.
    pub fn add(&self, fault: Fault) -> Result<(), String> {
        let provider = fault.check()?;
        let mut pending = crate::lock(&self.pending);
        pending.push((provider, fault));
        self.count.store(pending.len(), Ordering::Release);
        Ok(())
    }

    /// Forgets every scheduled fault.
    pub fn clear(&self) {
        let mut pending = crate::lock(&self.pending);
        pending.clear();
        self.count.store(0, Ordering::Release);
    }

    /// The status and `Retry-After` this request gets, if a fault matches it
    /// (and counts it).
    pub(crate) fn take(
        &self,
        provider: Provider,
        operation: &DocumentedOperation,
        headers: &HeaderMap,
    ) -> Option<(u16, Option<u64>)> {
        if self.count.load(Ordering::Acquire) == 0 {
            return None;
        }
        let key = presented_key(headers);
        let mut pending = crate::lock(&self.pending);
        let index = pending.iter().position(|(p, fault)| {
            *p == provider
                && operation.statuses.contains(&fault.status)
                && fault
                    .operation
                    .as_ref()
                    .is_none_or(|id| *id == operation.operation_id)
                && fault.api_key.as_deref().is_none_or(|k| Some(k) == key)
        })?;
        let fault = &mut pending[index].1;
        let answer = (fault.status, fault.retry_after);
        fault.count -= 1;
        if fault.count == 0 {
            pending.remove(index);
        }
        self.count.store(pending.len(), Ordering::Release);
        Some(answer)
    }
}

/// The API key a request presents: a bearer token or an `x-api-key`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(key) = headers.get("x-api-key").and_then(|v| v.to_str().ok()) {
        return Some(key.trim());
    }
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}
