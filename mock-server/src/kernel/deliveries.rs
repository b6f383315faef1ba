//! Signed event deliveries: each provider builds its envelope and headers,
//! this module sends them in the background, retries on the provider's
//! schedule (compressed for tests), and records every attempt.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;

use super::ids;
use super::store::lock;
use super::urls::is_loopback_url;

/// How many attempts the log keeps (oldest dropped first), to bound memory.
pub const LOG_CAPACITY: usize = 100_000;

/// How long one attempt may take before it counts as failed.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How deliveries behave.
#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    /// Retry delays are divided by this (10,000: eight hours of retries
    /// take under three seconds).
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
    /// The event's ID (the same on every retry).
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// 1 for the first attempt, then counting retries.
    pub attempt: u32,
    /// The receiver's HTTP status, if it answered.
    pub status_code: Option<u16>,
    /// Why it failed without a status (timeout, refused, not loopback).
    pub error: Option<String>,
    /// When it was made (RFC 3339).
    pub at: String,
}

impl Attempt {
    /// Whether the receiver answered 2xx.
    pub fn succeeded(&self) -> bool {
        self.status_code.is_some_and(|s| (200..300).contains(&s))
    }
}

/// What a provider hands over to deliver one event to one endpoint.
pub struct Delivery {
    /// Which provider.
    pub provider: &'static str,
    /// The endpoint.
    pub endpoint_id: String,
    /// Where to POST.
    pub url: String,
    /// The event's ID and type.
    pub event_id: String,
    /// The event type.
    pub event_type: String,
    /// The raw body.
    pub body: Vec<u8>,
    /// Signs the body at a Unix time: the headers to send.
    pub headers: Box<dyn Fn(i64) -> Vec<(&'static str, String)> + Send + Sync>,
    /// Delays before each attempt, from the previous one (the first is 0).
    pub schedule: &'static [Duration],
    /// How the IDs of its attempts start (the provider's style).
    pub attempt_prefix: &'static str,
    /// Told of every attempt (a provider may list them through its API).
    pub on_attempt: Box<dyn Fn(&Attempt) + Send + Sync>,
    /// Told once whether the event got through in the end.
    pub on_done: Box<dyn Fn(bool) + Send + Sync>,
}

/// Sends deliveries and keeps the log of attempts.
#[derive(Default)]
pub struct Deliverer {
    config: DeliveryConfig,
    http: reqwest::Client,
    log: Mutex<std::collections::VecDeque<Attempt>>,
}

impl Deliverer {
    /// A deliverer with this configuration.
    pub fn new(config: DeliveryConfig) -> Self {
        Self {
            config,
            // A receiver's 3xx is its answer: a test tool must not forward signed events.
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client without TLS settings builds"),
            log: Mutex::default(),
        }
    }

    /// Every attempt so far, oldest first.
    pub fn attempts(&self) -> Vec<Attempt> {
        lock(&self.log).iter().cloned().collect()
    }

    /// Forgets the log.
    pub fn clear(&self) {
        lock(&self.log).clear();
    }

    /// Starts the delivery in the background.
    pub fn spawn(self: &Arc<Self>, delivery: Delivery) {
        let this = self.clone();
        tokio::spawn(async move { this.run(delivery).await });
    }

    /// Runs every attempt of the delivery until one succeeds or the schedule
    /// ends; returns the last attempt.
    pub async fn run(&self, delivery: Delivery) -> Attempt {
        let mut last = None;
        for (n, delay) in delivery.schedule.iter().enumerate() {
            if !delay.is_zero() {
                tokio::time::sleep(*delay / self.config.time_compression.max(1)).await;
            }
            let attempt = self.attempt(&delivery, n as u32 + 1).await;
            (delivery.on_attempt)(&attempt);
            {
                let mut log = lock(&self.log);
                if log.len() == LOG_CAPACITY {
                    log.pop_front();
                }
                log.push_back(attempt.clone());
            }
            let (done, refused) = (
                attempt.succeeded(),
                attempt.error.as_deref() == Some(NOT_LOOPBACK),
            );
            last = Some(attempt);
            if done || refused {
                break;
            }
        }
        let last = last.expect("every schedule has a first attempt");
        (delivery.on_done)(last.succeeded());
        last
    }

    async fn attempt(&self, delivery: &Delivery, number: u32) -> Attempt {
        let mut attempt = Attempt {
            id: ids::lower_alnum(delivery.attempt_prefix, 24),
            provider: delivery.provider,
            endpoint_id: delivery.endpoint_id.clone(),
            url: delivery.url.clone(),
            event_id: delivery.event_id.clone(),
            event_type: delivery.event_type.clone(),
            attempt: number,
            status_code: None,
            error: None,
            at: ids::now_rfc3339(),
        };
        // The URL as the HTTP client reads it decides where the event may go.
        let url = match reqwest::Url::parse(&delivery.url) {
            Ok(url) if self.config.allow_remote || is_loopback_url(&url) => url,
            _ => {
                attempt.error = Some(NOT_LOOPBACK.into());
                return attempt;
            }
        };
        let mut request = self
            .http
            .post(url)
            .timeout(ATTEMPT_TIMEOUT)
            .body(delivery.body.clone());
        for (name, value) in (delivery.headers)(ids::unix_now()) {
            request = request.header(name, value);
        }
        match request.send().await {
            Ok(response) => {
                attempt.status_code = Some(response.status().as_u16());
                if response.status().is_redirection() {
                    attempt.error = Some(NOT_FOLLOWED.into());
                }
            }
            Err(e) if e.is_timeout() => attempt.error = Some("timed out".into()),
            Err(e) => attempt.error = Some(format!("could not connect: {e}")),
        }
        attempt
    }
}

/// The error of an attempt answered with a redirect.
pub const NOT_FOLLOWED: &str =
    "redirect not followed: events go only to the registered URL, never where a 3xx points";

/// The error of an attempt the mock refused to make.
pub const NOT_LOOPBACK: &str = "not sent: only loopback receivers are contacted (start the mock with --allow-remote-deliveries to change that)";
