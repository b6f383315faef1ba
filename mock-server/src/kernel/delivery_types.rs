//! What the deliverer is asked with and answers with: how deliveries
//! behave, a trigger (the admin API's request), each attempt as recorded,
//! and the filter attempts are read through.

use serde::Serialize;

/// How deliveries behave.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Retry delays are divided by this on the wall clock (10,000: eight
    /// hours of retries take under three seconds).
    pub time_compression: u32,
    /// Whether endpoints outside loopback may be contacted. Off by default:
    /// a test tool must not become a request forwarder.
    pub allow_remote: bool,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            time_compression: 10_000,
            allow_remote: false,
        }
    }
}

/// One attempt to deliver an event to an endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    /// The attempt's ID.
    pub id: String,
    /// The provider's name.
    pub provider: &'static str,
    /// The endpoint's ID.
    pub endpoint_id: String,
    /// The URL it was sent to.
    pub url: String,
    /// The event's ID (the same on every retry and copy).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// 1 for the first attempt, then counting retries.
    pub attempt: u32,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed without a status (timeout, refused, not loopback).
    pub error: Option<String>,
    /// When it was made, in mock time (RFC 3339).
    pub at: String,
    /// The headers sent (they carry signatures, never a secret).
    pub sent_headers: serde_json::Map<String, serde_json::Value>,
    /// The first KiB of the receiver's answer, as text.
    pub answer: Option<String>,
    /// How long the receiver took, in milliseconds of real time.
    pub duration_ms: u64,
}

impl Attempt {
    /// Whether the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// An event to deliver, as `POST /__mock/<provider>/events` takes it:
/// `{"type": "checkout.completed", "data": {…}}`, and for testing a
/// receiver `"duplicate"`, `"signature_age_seconds"` and `"delay_ms"`.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    /// The event type, as the provider documents it.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The event's data (the provider's default when absent).
    pub data: Option<serde_json::Value>,
    /// Sends the same event (same ID, same body) this many more times to each endpoint.
    #[serde(default)]
    pub duplicate: u32,
    /// Signs as if sent this many seconds ago (for a receiver's tolerance).
    #[serde(default)]
    pub signature_age_seconds: u64,
    /// Waits this many milliseconds (real time) before the first attempt.
    #[serde(default)]
    pub delay_ms: u64,
}

impl Trigger {
    /// An event of `event_type` with the provider's default data.
    pub fn new(event_type: impl Into<String>) -> Self {
        Self {
            event_type: event_type.into(),
            ..Self::default()
        }
    }

    /// The event's data.
    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.data = Some(data);
        self
    }

    /// Sends the same event `n` more times to each endpoint.
    pub fn duplicate(mut self, n: u32) -> Self {
        self.duplicate = n;
        self
    }

    /// Signs as if sent `seconds` ago.
    pub fn signature_age(mut self, seconds: u64) -> Self {
        self.signature_age_seconds = seconds;
        self
    }

    /// Waits `ms` milliseconds before the first attempt.
    pub fn delay_ms(mut self, ms: u64) -> Self {
        self.delay_ms = ms;
        self
    }
}

/// Which attempts a question is about; every field left out matches all.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryFilter {
    /// Only this provider's.
    pub provider: Option<String>,
    /// Only this event's.
    pub event_id: Option<String>,
    /// Only those to this endpoint.
    pub endpoint_id: Option<String>,
}

impl DeliveryFilter {
    /// Whether `attempt` is one of those asked about.
    pub fn matches(&self, attempt: &Attempt) -> bool {
        self.provider
            .as_deref()
            .is_none_or(|p| p == attempt.provider)
            && self
                .event_id
                .as_deref()
                .is_none_or(|e| e == attempt.event_id)
            && self
                .endpoint_id
                .as_deref()
                .is_none_or(|e| e == attempt.endpoint_id)
    }
}
