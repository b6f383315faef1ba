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

use std::time::{Duration, SystemTime};

use serde::Serialize;
use serde_json::{Value, json};

use crate::Provider;

/// What a receiver must do with a case's delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Expected {
    /// Answer 2xx.
    Accept,
    /// Answer 4xx.
    Reject,
    /// Answer 2xx or 4xx (never a 5xx, a timeout or a dropped connection).
    AcceptOrReject,
    /// The case does not apply to this provider (`why` says why).
    Skip,
}

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

/// How far beyond the documented tolerance (300 s) a stale or future timestamp is.
const OFF_BY: Duration = Duration::from_secs(3600);

/// The oversized case's body size: over the 1 MiB receivers are told to allow.
const OVERSIZED: usize = 1024 * 1024 + 64 * 1024;

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
        let plan = Plan::new(self)?;
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
            let status = request.send().await.ok().map(|r| r.status().as_u16());
            let passed = match (case.expected, status) {
                (Expected::Accept, Some(s)) => (200..300).contains(&s),
                (Expected::Reject, Some(s)) => (400..500).contains(&s),
                (Expected::AcceptOrReject, Some(s)) => {
                    (200..500).contains(&s) && !(300..400).contains(&s)
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

/// A body and the headers it is sent with.
type Delivery = (Vec<u8>, Vec<(&'static str, String)>);

struct Case {
    name: &'static str,
    expected: Expected,
    /// `None`: skipped.
    delivery: Option<Delivery>,
    /// What a failure means, or why the case is skipped.
    why: &'static str,
}

/// Every case's delivery, made before any is sent.
struct Plan {
    cases: Vec<Case>,
}

/// What differs between the signing providers, for the cases.
struct Shape {
    event_type: &'static str,
    signature_header: &'static str,
    signs_timestamp: bool,
    /// The header can carry several signatures.
    several: bool,
}

fn shape(provider: Provider) -> Option<Shape> {
    Some(match provider {
        Provider::BillingIo => Shape {
            event_type: "checkout.completed",
            signature_header: "x-billing-signature",
            signs_timestamp: true,
            several: true,
        },
        Provider::Meum => Shape {
            event_type: "invoice.paid",
            signature_header: "x-stablecoin-signature",
            signs_timestamp: true,
            several: true,
        },
        Provider::Commet => Shape {
            event_type: "subscription.created",
            signature_header: "x-commet-signature",
            signs_timestamp: false,
            several: false,
        },
        _ => return None,
    })
}

impl Plan {
    fn new(check: &ReceiverCheck) -> Result<Self, String> {
        let provider = check.provider;
        let shape = shape(provider).ok_or_else(|| {
            format!(
                "{} does not document how its deliveries are signed: there is nothing to check",
                provider.title()
            )
        })?;
        let now = SystemTime::now();
        let secret = check.secret.as_str();
        // A fresh event in the provider's envelope, its own ID.
        let event = |data: Option<Value>| -> Result<Value, String> {
            let signed = provider.sign_event(shape.event_type, data, secret)?;
            serde_json::from_slice(&signed.body).map_err(|e| e.to_string())
        };
        let bytes = |value: &Value| serde_json::to_vec(value).expect("JSON serialises");
        let sign = |body: &[u8], secret: &str, at: SystemTime| provider.sign_body(body, secret, at);
        let signature = |headers: &[(&'static str, String)]| {
            headers
                .iter()
                .find(|(name, _)| *name == shape.signature_header)
                .map(|(_, value)| value.clone())
                .unwrap_or_default()
        };
        let with_signature = |headers: &[(&'static str, String)], value: Option<String>| {
            let mut headers: Vec<_> = headers
                .iter()
                .filter(|(name, _)| *name != shape.signature_header)
                .cloned()
                .collect();
            headers.extend(value.map(|v| (shape.signature_header, v)));
            headers
        };
        let case = |name, expected, delivery: Delivery, why| Case {
            name,
            expected,
            delivery: Some(delivery),
            why,
        };
        let skip = |name, why| Case {
            name,
            expected: Expected::Skip,
            delivery: None,
            why,
        };
        let fresh = |at: SystemTime, secret: &str| -> Result<Delivery, String> {
            let body = bytes(&event(None)?);
            let headers = sign(&body, secret, at)?;
            Ok((body, headers))
        };

        let mut cases = Vec::new();
        let valid = fresh(now, secret)?;
        cases.push(case(
            "valid",
            Expected::Accept,
            valid.clone(),
            "refuses a genuine delivery",
        ));
        cases.push(case(
            "replayed_delivery",
            Expected::Accept,
            valid.clone(),
            "refuses a duplicate instead of acknowledging it (the provider retries it)",
        ));
        cases.push(match &check.previous_secret {
            Some(previous) => case(
                "valid_previous_secret",
                Expected::Accept,
                fresh(now, previous)?,
                "refuses a delivery signed with the previous secret during a rotation",
            ),
            None => skip("valid_previous_secret", "no previous secret was given"),
        });
        cases.push(if shape.several {
            let (body, headers) = fresh(now, secret)?;
            let good = signature(&headers);
            let (_, wrong) = fresh(now, "whsec_not_the_secret_0123456789")?;
            let bad = signature(&wrong);
            // The wrong signature first, the good one last.
            let twice = match good.split_once("v1=") {
                Some((prefix, hex)) => format!(
                    "{prefix}v1={},v1={hex}",
                    bad.rsplit("v1=").next().unwrap_or_default()
                ),
                None => good,
            };
            case(
                "signed_twice",
                Expected::Accept,
                (body, with_signature(&headers, Some(twice))),
                "refuses a delivery whose header carries several signatures, one good",
            )
        } else {
            skip(
                "signed_twice",
                "this provider's signature header carries one signature",
            )
        });
        {
            let (body, headers) = fresh(now, secret)?;
            let mut tampered = body.clone();
            // One byte of a value changed: the ID's last character.
            let id_end = find_id_end(&tampered).unwrap_or(tampered.len() / 2);
            tampered[id_end] = if tampered[id_end] == b'0' { b'1' } else { b'0' };
            cases.push(case(
                "tampered_body",
                Expected::Reject,
                (tampered, headers),
                "accepts a body changed after it was signed",
            ));
        }
        cases.push(case(
            "wrong_secret",
            Expected::Reject,
            fresh(now, "whsec_not_the_secret_0123456789")?,
            "accepts deliveries signed with any key",
        ));
        {
            let (body, headers) = fresh(now, secret)?;
            cases.push(case(
                "missing_signature",
                Expected::Reject,
                (body, with_signature(&headers, None)),
                "accepts a delivery with no signature",
            ));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            cases.push(case(
                "malformed_signature",
                Expected::Reject,
                (
                    body,
                    with_signature(&headers, Some("not-a-signature".into())),
                ),
                "accepts a signature header it cannot read",
            ));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            let full = signature(&headers);
            let cut = full[..full.len() - (full.len() - full.rfind('=').map_or(0, |i| i + 1)) / 2]
                .to_string();
            cases.push(case(
                "truncated_signature",
                Expected::Reject,
                (body, with_signature(&headers, Some(cut))),
                "accepts a signature cut short (compares only a prefix)",
            ));
        }
        if shape.signs_timestamp {
            cases.push(case(
                "stale_timestamp",
                Expected::Reject,
                fresh(now - OFF_BY, secret)?,
                "accepts a delivery signed an hour ago (no timestamp check: replays pass)",
            ));
            cases.push(case(
                "future_timestamp",
                Expected::Reject,
                fresh(now + OFF_BY, secret)?,
                "accepts a delivery signed an hour from now",
            ));
        } else {
            let why = "this provider signs no timestamp";
            cases.push(skip("stale_timestamp", why));
            cases.push(skip("future_timestamp", why));
        }
        {
            let (body, headers) = fresh(now, secret)?;
            let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
            let pretty = serde_json::to_vec_pretty(&value).expect("JSON serialises");
            cases.push(case(
                "reencoded_body",
                Expected::Reject,
                (pretty, headers),
                "verifies a re-encoded body instead of the raw bytes (parses, then re-serialises)",
            ));
        }
        // A fresh event changed before it is signed: validly signed, odd content.
        let altered = |change: &dyn Fn(&mut Value)| -> Result<Delivery, String> {
            let mut value = event(None)?;
            change(&mut value);
            let body = bytes(&value);
            let headers = sign(&body, secret, now)?;
            Ok((body, headers))
        };
        cases.push(case(
            "unknown_event_type",
            Expected::Accept,
            altered(&|value| {
                let key = if value.get("type").is_some() {
                    "type"
                } else {
                    "event"
                };
                value[key] = json!("webhooks_mock.check.unknown_type");
            })?,
            "refuses an event type it does not know (the provider retries it forever)",
        ));
        cases.push(case(
            "unexpected_data",
            Expected::Accept,
            altered(&|value| value["data"] = json!(["data", "of", "another", "shape"]))?,
            "refuses a documented event whose data has another shape",
        ));
        cases.push(case(
            "oversized_body",
            Expected::AcceptOrReject,
            altered(&|value| value["padding"] = json!("x".repeat(OVERSIZED)))?,
            "fails or hangs on a body over 1 MiB",
        ));
        Ok(Self { cases })
    }
}

/// Where the first ID's last character is (`"event_id":"…"` or `"id":"…"`).
fn find_id_end(body: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(body).ok()?;
    let key = ["\"event_id\":\"", "\"id\":\""]
        .iter()
        .find_map(|k| text.find(k).map(|at| at + k.len()))?;
    let end = key + text[key..].find('"')?;
    (end > key).then(|| end - 1)
}
