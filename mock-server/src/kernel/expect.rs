//! Expectations in the style of wiremock-rs: "this operation is called so
//! many times", counted as requests arrive and checked when the mock stops,
//! with a report that names the closest requests that did arrive.

use std::fmt::Write as _;
use std::ops::{Bound, RangeBounds};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use super::journal::{Recorded, RequestFilter};

/// One expectation: which requests, and how many of them.
#[derive(Debug)]
pub struct Expectation {
    filter: Mutex<RequestFilter>,
    /// At least, and at most (inclusive).
    times: Mutex<(u64, Option<u64>)>,
    seen: AtomicU64,
}

impl Expectation {
    fn describe(&self) -> String {
        let filter = self
            .filter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let (least, most) = *self.times.lock().unwrap_or_else(|p| p.into_inner());
        let times = match (least, most) {
            (n, Some(m)) if n == m => format!("exactly {n}"),
            (n, None) => format!("at least {n}"),
            (n, Some(m)) => format!("{n} to {m}"),
        };
        let mut out = format!(
            "{} {}",
            filter.provider.as_deref().unwrap_or("any provider"),
            filter.operation.as_deref().unwrap_or("any operation")
        );
        if let Some(status) = filter.status {
            let _ = write!(out, " answered {status}");
        }
        if filter.api_key.is_some() {
            out.push_str(" with the given API key");
        }
        format!(
            "{out}: expected {times} time(s), got {}",
            self.seen.load(Ordering::SeqCst)
        )
    }

    fn met(&self) -> bool {
        let (least, most) = *self.times.lock().unwrap_or_else(|p| p.into_inner());
        let seen = self.seen.load(Ordering::SeqCst);
        seen >= least && most.is_none_or(|m| seen <= m)
    }

    fn filter(&self) -> RequestFilter {
        self.filter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// A registered expectation, to narrow: `.times(1)`, `.at_least(2)`, `.status(201)`.
/// An unmet one fails [`MockServer::verify`](crate::MockServer::verify), and
/// panics when the mock is dropped, naming the closest request.
///
/// ```
/// # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use webhooks_mock::{MockServer, Provider};
///
/// let mock = MockServer::start().await?;
/// let creates = mock.expect(Provider::BillingIo, "createWebhookEndpoint").times(0..=1);
/// // … the code under test runs here …
/// assert_eq!(creates.seen(), 0);
/// mock.verify()?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct ExpectationHandle(Arc<Expectation>);

impl ExpectationHandle {
    /// Exactly this many matching requests, or a range (`1..=3`, `2..`).
    pub fn times(self, times: impl RangeBounds<u64>) -> Self {
        let least = match times.start_bound() {
            Bound::Included(n) => *n,
            Bound::Excluded(n) => n + 1,
            Bound::Unbounded => 0,
        };
        let most = match times.end_bound() {
            Bound::Included(n) => Some(*n),
            Bound::Excluded(n) => Some(n.saturating_sub(1)),
            Bound::Unbounded => None,
        };
        *self.0.times.lock().unwrap_or_else(|p| p.into_inner()) = (least, most);
        self
    }

    /// Exactly `n` matching requests.
    pub fn exactly(self, n: u64) -> Self {
        self.times(n..=n)
    }

    /// Only requests answered with `status`.
    pub fn status(self, status: u16) -> Self {
        self.0
            .filter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .status = Some(status);
        self
    }

    /// Only requests made with this API key.
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.0
            .filter
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .api_key = Some(key.into());
        self
    }

    /// How many matching requests arrived so far.
    pub fn seen(&self) -> u64 {
        self.0.seen.load(Ordering::SeqCst)
    }
}

/// A mock's expectations.
#[derive(Debug, Default)]
pub struct Expectations {
    list: Mutex<Vec<Arc<Expectation>>>,
    // Lets the request path skip the lock when none is registered.
    any: AtomicBool,
}

impl Expectations {
    /// Expects requests to `provider`'s `operation` (at least one, until narrowed).
    pub fn add(&self, provider: &str, operation: &str) -> ExpectationHandle {
        let expectation = Arc::new(Expectation {
            filter: Mutex::new(RequestFilter {
                provider: Some(provider.to_string()),
                operation: Some(operation.to_string()),
                ..RequestFilter::default()
            }),
            times: Mutex::new((1, None)),
            seen: AtomicU64::new(0),
        });
        self.list
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(expectation.clone());
        self.any.store(true, Ordering::Release);
        ExpectationHandle(expectation)
    }

    /// Counts `recorded` for every expectation it matches.
    pub fn count(&self, recorded: &Recorded) {
        if !self.any.load(Ordering::Acquire) {
            return;
        }
        for expectation in self.list.lock().unwrap_or_else(|p| p.into_inner()).iter() {
            if expectation.filter().matches(recorded) {
                expectation.seen.fetch_add(1, Ordering::SeqCst);
            }
        }
    }

    /// Forgets every expectation.
    pub fn clear(&self) {
        self.list.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.any.store(false, Ordering::Release);
    }

    /// `Ok` when every expectation is met; otherwise a report naming each
    /// unmet one and the requests (of `journal`) closest to it.
    pub fn verify(&self, journal: impl FnOnce() -> Vec<Recorded>) -> Result<(), String> {
        let list = self.list.lock().unwrap_or_else(|p| p.into_inner());
        let unmet: Vec<_> = list.iter().filter(|e| !e.met()).collect();
        if unmet.is_empty() {
            return Ok(());
        }
        // Read only for a report: every mock's drop verifies.
        let journal = journal();
        let mut report = String::from("webhooks-mock: expectations not met\n");
        for expectation in unmet {
            let _ = writeln!(report, "- {}", expectation.describe());
            let closest = closest(&expectation.filter(), &journal);
            if closest.is_empty() {
                report.push_str("  no request arrived at all\n");
            }
            for r in closest {
                let _ = writeln!(
                    report,
                    "  closest: #{} {} {} {} -> {} ({})",
                    r.seq,
                    r.provider,
                    r.method,
                    r.path(),
                    r.status,
                    r.operation.as_deref().unwrap_or("no operation")
                );
            }
        }
        Err(report)
    }
}

/// Up to three requests that match most of `filter`, best first, newest first among equals.
fn closest<'a>(filter: &RequestFilter, journal: &'a [Recorded]) -> Vec<&'a Recorded> {
    let score = |r: &Recorded| {
        let provider = filter.provider.as_deref() == Some(r.provider);
        let operation = filter
            .operation
            .as_deref()
            .is_some_and(|o| r.operation.as_deref() == Some(o));
        let status = filter.status.is_none_or(|s| s == r.status);
        let key = filter
            .api_key
            .as_deref()
            .is_none_or(|k| r.api_key() == Some(k));
        u8::from(provider) * 4 + u8::from(operation) * 4 + u8::from(status) + u8::from(key)
    };
    let mut scored: Vec<_> = journal.iter().map(|r| (score(r), r)).collect();
    scored.sort_by(|(a, ra), (b, rb)| b.cmp(a).then(rb.seq.cmp(&ra.seq)));
    scored.into_iter().take(3).map(|(_, r)| r).collect()
}
