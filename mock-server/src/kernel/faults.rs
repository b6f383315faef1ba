//! Scheduled faults, for testing clients: the next N matching requests get
//! a status the operation documents (before or after it runs), a delay, a
//! connection closed without an answer, or a 2xx whose JSON is cut short.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use super::operations::{self, DocumentedOperation};

/// What a fault does to the requests it matches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FaultKind {
    /// Answer `status` with the provider's error body (the default).
    #[default]
    Status,
    /// Wait `delay_ms`, then answer normally.
    Delay,
    /// Close the connection without an answer.
    Reset,
    /// Run the operation, then answer its status with its JSON cut short.
    Malformed,
}

impl FaultKind {
    /// The name used in the journal and the admin API.
    pub fn name(self) -> &'static str {
        match self {
            Self::Status => "status",
            Self::Delay => "delay",
            Self::Reset => "reset",
            Self::Malformed => "malformed",
        }
    }
}

/// A fault to inject, as `POST /__mock/faults` takes it:
/// `{"provider": "<name>", "status": 503, "count": 2, "retry_after": 1}`,
/// or with a `"kind"` (`status`, `delay`, `reset`, `malformed`).
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), String> {
/// use webhooks_mock::{Fault, MockServer, Provider};
///
/// let mock = MockServer::start().await.map_err(|e| e.to_string())?;
/// // The next two creates at Commet get a 429 asking for a one-second wait.
/// mock.add_fault(Fault::new(Provider::Commet, 429, 2).operation("createWebhookEndpoint").retry_after(1))?;
/// // A status the operation does not document is refused, naming the ones it does.
/// assert!(mock.add_fault(Fault::new(Provider::Commet, 418, 1)).is_err());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// The provider's name, as in the mock's URLs.
    pub provider: String,
    /// What the fault does.
    #[serde(default)]
    pub kind: FaultKind,
    /// The status to answer (`status` faults; it must be documented for the operation).
    pub status: Option<u16>,
    /// How many matching requests get it (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Seconds for a `Retry-After` header on each faulted answer (`status` faults).
    pub retry_after: Option<u64>,
    /// Milliseconds to wait before answering (`delay` faults).
    pub delay_ms: Option<u64>,
    /// Run the operation first, so its effect is stored, then fault the
    /// answer (`status` and `reset` faults): what makes a client without
    /// idempotency keys create twice.
    #[serde(default)]
    pub after_handler: bool,
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
            kind: FaultKind::Status,
            status: Some(status),
            count,
            retry_after: None,
            delay_ms: None,
            after_handler: false,
            operation: None,
            api_key: None,
        }
    }

    /// The next `count` requests to `provider` wait `delay_ms` before their answer.
    pub fn delay(provider: impl Into<String>, delay_ms: u64, count: u32) -> Self {
        Self {
            kind: FaultKind::Delay,
            status: None,
            delay_ms: Some(delay_ms),
            ..Self::new(provider, 0, count)
        }
    }

    /// The next `count` requests to `provider` get their connection closed, unanswered.
    pub fn reset(provider: impl Into<String>, count: u32) -> Self {
        Self {
            kind: FaultKind::Reset,
            status: None,
            ..Self::new(provider, 0, count)
        }
    }

    /// The next `count` requests to `provider` run, and get their answer's JSON cut short.
    pub fn malformed(provider: impl Into<String>, count: u32) -> Self {
        Self {
            kind: FaultKind::Malformed,
            status: None,
            ..Self::new(provider, 0, count)
        }
    }

    /// Adds `Retry-After: <seconds>` to each faulted answer.
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// Runs the operation before the fault, so its effect is stored.
    pub fn after_handler(mut self) -> Self {
        self.after_handler = true;
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

    /// Whether this fault applies to `operation` at all.
    fn fits(&self, operation: &DocumentedOperation) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|id| id == &*operation.operation_id)
            && match (self.kind, self.status) {
                (FaultKind::Status, Some(status)) => operation.statuses.contains(&status),
                _ => true,
            }
    }
}

/// Faults waiting for their requests.
#[derive(Debug, Default)]
pub struct Faults {
    pending: Mutex<Vec<Fault>>,
    // Lets the request path skip the lock when nothing is scheduled.
    count: AtomicUsize,
}

impl Faults {
    /// Schedules a fault, or says why it cannot be answered as documented.
    pub fn add(&self, fault: Fault) -> Result<(), String> {
        check(&fault)?;
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.push(fault);
        self.count.store(pending.len(), Ordering::Release);
        Ok(())
    }

    /// Forgets every scheduled fault.
    pub fn clear(&self) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.clear();
        self.count.store(0, Ordering::Release);
    }

    /// Whether none is scheduled.
    pub fn is_empty(&self) -> bool {
        self.count.load(Ordering::Acquire) == 0
    }

    /// The fault this request gets, if one matches it (and counts it).
    pub fn take(
        &self,
        provider: &str,
        operation: &DocumentedOperation,
        key: Option<&str>,
    ) -> Option<Fault> {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let index = pending.iter().position(|fault| {
            fault.provider == provider
                && fault.fits(operation)
                && fault.api_key.as_deref().is_none_or(|k| Some(k) == key)
        })?;
        let fault = &mut pending[index];
        let taken = fault.clone();
        fault.count -= 1;
        if fault.count == 0 {
            pending.remove(index);
        }
        self.count.store(pending.len(), Ordering::Release);
        Some(taken)
    }
}

/// Why `fault` could never be answered as documented, if so.
fn check(fault: &Fault) -> Result<(), String> {
    let ops = operations::of(&fault.provider).ok_or_else(|| {
        format!(
            "no provider named {:?} is served; one of {:?}",
            fault.provider,
            operations::names()
        )
    })?;
    if fault.count == 0 {
        return Err("`count` must be at least 1".into());
    }
    let chosen: Vec<&DocumentedOperation> = match &fault.operation {
        Some(id) => {
            let op = ops
                .iter()
                .find(|op| &*op.operation_id == id)
                .ok_or_else(|| {
                    let ids: Vec<_> = ops.iter().map(|op| &*op.operation_id).collect();
                    format!("{} has no operation {id:?}; one of {ids:?}", fault.provider)
                })?;
            vec![op]
        }
        None => ops.iter().collect(),
    };
    match (fault.kind, fault.status, fault.delay_ms) {
        (FaultKind::Status, None, _) => Err("a `status` fault needs a `status`".into()),
        (FaultKind::Status, Some(status), _)
            if status < 400 || !chosen.iter().any(|op| op.statuses.contains(&status)) =>
        {
            let mut statuses: Vec<u16> = chosen
                .iter()
                .flat_map(|op| op.statuses.iter().copied())
                .filter(|s| *s >= 400)
                .collect();
            statuses.sort_unstable();
            statuses.dedup();
            Err(format!(
                "{status} is not a documented error status of {}; documented: {statuses:?}",
                fault.operation.as_deref().unwrap_or(&fault.provider)
            ))
        }
        (FaultKind::Delay, _, None) => Err("a `delay` fault needs `delay_ms`".into()),
        (kind, Some(_), _) if kind != FaultKind::Status => {
            Err(format!("a `{}` fault takes no `status`", kind.name()))
        }
        (FaultKind::Delay | FaultKind::Malformed, _, _) if fault.after_handler => Err(format!(
            "`after_handler` is for `status` and `reset` faults (a `{}` fault runs the operation anyway)",
            fault.kind.name()
        )),
        _ => Ok(()),
    }
}
