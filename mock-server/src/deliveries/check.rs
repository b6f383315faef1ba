//! Grading a webhook receiver, in any language: one delivery per case, each
//! signed (or mis-signed) as the provider documents, each with its own event
//! ID, and a verdict on each answer. `accept` means a 2xx and `reject` a 4xx;
//! a 5xx, a timeout or a dropped connection fails either way.
//!
//! ```no_run
//! # async fn run() -> Result<(), String> {
//! use webhooks_mock::Provider;
//! use webhooks_mock::deliveries::check::ReceiverCheck;
//!
//! let report = ReceiverCheck::new(Provider::BillingIo, "http://127.0.0.1:3000/webhooks/billing-io", "whsec_current")
//!     .previous_secret("whsec_previous")
//!     .run()
//!     .await?;
//! for case in report.failures() {
//!     println!("{}: {}", case.name, case.why);
//! }
//! # Ok(()) }
//! ```

use std::time::Duration;

use serde::Serialize;

use crate::Provider;

mod plan;
pub use plan::Expected;
use plan::Plan;

/// One case's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The case's name (`valid`, `wrong_secret`, …).
    pub name: &'static str,
    /// What the receiver had to answer.
    pub expected: Expected,
    /// The status it answered, if it answered.
    pub status: Option<u16>,
    /// Whether it answered as expected (`None` for a skipped case).
    pub passed: Option<bool>,
    /// For a failure, what it means; for a skipped case, why it does not
    /// apply; else empty.
    pub why: String,
}

/// Every case's verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The provider whose deliveries were sent.
    pub provider: &'static str,
    /// The receiver.
    pub url: String,
    /// Each case, in the order sent.
    pub cases: Vec<CaseResult>,
    /// How many cases passed.
    pub passed: usize,
    /// How many failed.
    pub failed: usize,
    /// How many did not apply.
    pub skipped: usize,
}

impl Report {
    /// The cases the receiver got wrong.
    pub fn failures(&self) -> impl Iterator<Item = &CaseResult> {
        self.cases.iter().filter(|c| c.passed == Some(false))
    }
}

/// A receiver check, for one provider's deliveries to one URL.
#[derive(Clone)]
pub struct ReceiverCheck {
    provider: Provider,
    url: String,
    secret: String,
    previous_secret: Option<String>,
    allow_remote: bool,
    timeout: Duration,
}

impl std::fmt::Debug for ReceiverCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReceiverCheck")
            .field("provider", &self.provider)
            .field("url", &self.url)
            .field("secret", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl ReceiverCheck {
    /// Checks `url`, a receiver of `provider`'s deliveries signed with `secret`.
    pub fn new(provider: Provider, url: impl Into<String>, secret: impl Into<String>) -> Self {
        Self {
            provider,
            url: url.into(),
            secret: secret.into(),
            previous_secret: None,
            allow_remote: false,
            timeout: Duration::from_secs(10),
        }
    }

    /// The secret the receiver still accepts during a rotation (adds the
    /// `valid_previous_secret` case).
    pub fn previous_secret(mut self, secret: impl Into<String>) -> Self {
        self.previous_secret = Some(secret.into());
        self
    }

    /// Allows a receiver that is not on a loopback host.
    pub fn allow_remote(mut self) -> Self {
        self.allow_remote = true;
        self
    }

    /// How long one answer may take (10 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sends every case and judges each answer; an error before any is sent
    /// (a provider that documents no signing, a URL off this machine).
    pub async fn run(&self) -> Result<Report, String> {
        let url: reqwest::Url = self
            .url
            .parse()
            .map_err(|e| format!("{}: not a URL ({e})", self.url))?;
        if !self.allow_remote && !super::is_loopback_url(&url) {
            return Err(format!(
                "{} is not on this machine: only loopback receivers are checked unless remote ones are allowed",
                self.url
            ));
        }
        let plan = Plan::new(self.provider, &self.secret, self.previous_secret.as_deref())?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .build()
            .map_err(|e| e.to_string())?;
        let mut cases = Vec::new();
        for case in plan.cases {
            let Some((body, headers)) = case.delivery else {
                cases.push(CaseResult {
                    name: case.name,
                    expected: Expected::Skip,
                    status: None,
                    passed: None,
                    why: case.why.to_string(),
                });
                continue;
            };
            let mut request = http.post(url.clone()).body(body);
            for (name, value) in headers {
                request = request.header(name, value);
            }
            let answer = request.send().await;
            let status = answer.as_ref().ok().map(|r| r.status().as_u16());
            let passed = match (case.expected, status) {
                (Expected::Accept, Some(s)) => (200..300).contains(&s),
                (Expected::Reject, Some(s)) => (400..500).contains(&s),
                (Expected::AcceptOrReject, Some(s)) => {
                    (200..500).contains(&s) && !(300..400).contains(&s)
                }
                // A server that refuses a large body early (413 from its
                // Content-Length) may close while it is still being sent:
                // a refusal, if it did not hang and still serves.
                (Expected::AcceptOrReject, None) => {
                    answer.as_ref().is_err_and(|e| !e.is_timeout()) && still_serving(&url).await
                }
                _ => false,
            };
            cases.push(CaseResult {
                name: case.name,
                expected: case.expected,
                status,
                passed: Some(passed),
                why: if passed {
                    String::new()
                } else {
                    case.why.to_string()
                },
            });
        }
        let count = |want: Option<bool>| cases.iter().filter(|c| c.passed == want).count();
        Ok(Report {
            provider: self.provider.name(),
            url: self.url.clone(),
            passed: count(Some(true)),
            failed: count(Some(false)),
            skipped: count(None),
            cases,
        })
    }
}

/// Whether something still accepts connections at `url`'s host and port.
async fn still_serving(url: &reqwest::Url) -> bool {
    let Ok(addrs) = url.socket_addrs(|| None) else {
        return false;
    };
    tokio::net::TcpStream::connect(&addrs[..]).await.is_ok()
}
