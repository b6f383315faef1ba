//! Signed event deliveries: each provider builds its envelope and headers,
//! this module sends them in the background, retries on the provider's
//! schedule (in the mock's time), records every attempt with what was sent
//! and what came back, and keeps events to resend.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use super::clock::{Busy, Clock};
use super::ids::Ids;
use super::urls::is_loopback_url;

pub use super::delivery_types::{Attempt, DeliveryConfig, DeliveryFilter, Trigger};

/// How many attempts the log keeps (oldest dropped first), to bound memory.
pub const LOG_CAPACITY: usize = 100_000;

/// How many events are kept to resend (oldest forgotten first).
pub const EVENT_CAPACITY: usize = 10_000;

/// How long one attempt may take before it counts as failed.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// How much of a receiver's answer an attempt keeps.
pub const ANSWER_EXCERPT: usize = 1024;

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
    /// Signs as if sent this long before each attempt (a receiver's tolerance test).
    pub signature_age: Duration,
    /// Real time to wait before the first attempt.
    pub first_delay: Duration,
    /// Which copy of the event this is (0, then 1… for duplicates and resends).
    pub copy: u32,
}

/// Rebuilds an event's deliveries to its endpoints as they are now, signed afresh.
pub type Resend = Arc<dyn Fn(u32) -> Vec<Delivery> + Send + Sync>;

struct RecordedEvent {
    resend: Resend,
    copies: u32,
}

#[derive(Default)]
struct Events {
    by_id: HashMap<String, RecordedEvent>,
    order: VecDeque<String>,
}

/// Sends deliveries and keeps the log of attempts.
pub struct Deliverer {
    config: DeliveryConfig,
    clock: Arc<Clock>,
    ids: Arc<Ids>,
    log: Mutex<VecDeque<Attempt>>,
    logged: Notify,
    events: Mutex<Events>,
    tasks: Mutex<Vec<tokio::task::AbortHandle>>,
}

/// One HTTP client for every mock of the process: a receiver's 3xx is its
/// answer, never followed (a test tool must not forward signed events).
fn http() -> &'static reqwest::Client {
    static HTTP: OnceLock<reqwest::Client> = OnceLock::new();
    HTTP.get_or_init(|| {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client without TLS settings builds")
    })
}

impl Deliverer {
    /// A deliverer with this configuration, clock and IDs.
    pub fn new(config: DeliveryConfig, clock: Arc<Clock>, ids: Arc<Ids>) -> Self {
        Self {
            config,
            clock,
            ids,
            log: Mutex::default(),
            logged: Notify::new(),
            events: Mutex::default(),
            tasks: Mutex::default(),
        }
    }

    /// Every attempt so far, oldest first.
    pub fn attempts(&self) -> Vec<Attempt> {
        self.attempts_matching(&DeliveryFilter::default())
    }

    /// The attempts `filter` matches, oldest first (only those are copied).
    pub fn attempts_matching(&self, filter: &DeliveryFilter) -> Vec<Attempt> {
        lock(&self.log)
            .iter()
            .filter(|a| filter.matches(a))
            .cloned()
            .collect()
    }

    /// Forgets the log and the recorded events.
    pub fn clear(&self) {
        lock(&self.log).clear();
        *lock(&self.events) = Events::default();
    }

    /// Stops every delivery under way (the mock is stopping).
    pub fn stop(&self) {
        for task in lock(&self.tasks).drain(..) {
            task.abort();
        }
    }

    /// Starts `delivery` in the background; a manual clock waits for its
    /// first attempt before it advances.
    pub fn spawn(self: &Arc<Self>, delivery: Delivery) {
        let this = self.clone();
        let busy = self.clock.busy();
        let task = tokio::spawn(async move { this.run_busy(delivery, busy).await });
        let mut tasks = lock(&self.tasks);
        if tasks.len() >= 1024 {
            tasks.retain(|t| !t.is_finished());
        }
        tasks.push(task.abort_handle());
    }

    /// Keeps `event_id`'s deliveries to make again on [`Deliverer::resend`].
    pub fn record_event(&self, event_id: &str, resend: Resend) {
        let mut events = lock(&self.events);
        if events.by_id.len() >= EVENT_CAPACITY
            && let Some(oldest) = events.order.pop_front()
        {
            events.by_id.remove(&oldest);
        }
        events.order.push_back(event_id.to_string());
        events
            .by_id
            .insert(event_id.to_string(), RecordedEvent { resend, copies: 0 });
    }

    /// Sends a recorded event again to its endpoints, signed afresh; how
    /// many deliveries started, or why none could.
    pub fn resend(self: &Arc<Self>, event_id: &str) -> Result<Vec<(String, String)>, String> {
        let (resend, copy) = {
            let mut events = lock(&self.events);
            let recorded = events
                .by_id
                .get_mut(event_id)
                .ok_or_else(|| format!("no event {event_id:?} was delivered by this mock"))?;
            recorded.copies += 1;
            (recorded.resend.clone(), recorded.copies)
        };
        let deliveries = resend(copy);
        let targets = deliveries
            .iter()
            .map(|d| (d.endpoint_id.clone(), d.url.clone()))
            .collect();
        for delivery in deliveries {
            self.spawn(delivery);
        }
        Ok(targets)
    }

    /// The attempts `filter` matches once there are at least `count`, or
    /// after `timeout` (real time) the ones there are, as the error.
    pub async fn wait_for(
        &self,
        filter: &DeliveryFilter,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Attempt>, Vec<Attempt>> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let logged = self.logged.notified();
            let found = self.attempts_matching(filter);
            if found.len() >= count {
                return Ok(found);
            }
            if tokio::time::timeout_at(deadline, logged).await.is_err() {
                return Err(found);
            }
        }
    }

    /// Runs every attempt of the delivery until one succeeds or the schedule
    /// ends, now (the caller waits); returns the last attempt.
    pub async fn run(&self, delivery: Delivery) -> Attempt {
        self.run_busy(delivery, self.clock_busy()).await
    }

    fn clock_busy(&self) -> Busy {
        self.clock.busy()
    }

    async fn run_busy(&self, delivery: Delivery, busy: Busy) -> Attempt {
        let mut busy = busy;
        if !delivery.first_delay.is_zero() {
            tokio::time::sleep(delivery.first_delay).await;
        }
        let mut last = None;
        for (n, delay) in delivery.schedule.iter().enumerate() {
            if !delay.is_zero() {
                busy = self.clock.sleep(*delay, busy).await;
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
            self.logged.notify_waiters();
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
        drop(busy);
        last
    }

    async fn attempt(&self, delivery: &Delivery, number: u32) -> Attempt {
        let parts = [
            delivery.event_id.as_str(),
            delivery.endpoint_id.as_str(),
            &delivery.copy.to_string(),
            &number.to_string(),
        ];
        let headers = (delivery.headers)(
            self.clock.unix_now() - i64::try_from(delivery.signature_age.as_secs()).unwrap_or(0),
        );
        let mut attempt = Attempt {
            id: self
                .ids
                .derived_lower_alnum(delivery.attempt_prefix, &parts, 24),
            provider: delivery.provider,
            endpoint_id: delivery.endpoint_id.clone(),
            url: delivery.url.clone(),
            event_id: delivery.event_id.clone(),
            event_type: delivery.event_type.clone(),
            attempt: number,
            status_code: None,
            error: None,
            at: self.clock.now_rfc3339(),
            sent_headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.clone())))
                .collect(),
            answer: None,
            duration_ms: 0,
        };
        // The URL as the HTTP client reads it decides where the event may go.
        let url = match reqwest::Url::parse(&delivery.url) {
            Ok(url) if self.config.allow_remote || is_loopback_url(&url) => url,
            _ => {
                attempt.error = Some(NOT_LOOPBACK.into());
                return attempt;
            }
        };
        let mut request = http()
            .post(url)
            .timeout(ATTEMPT_TIMEOUT)
            .body(delivery.body.clone());
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let started = Instant::now();
        match request.send().await {
            Ok(mut response) => {
                attempt.status_code = Some(response.status().as_u16());
                if response.status().is_redirection() {
                    attempt.error = Some(NOT_FOLLOWED.into());
                }
                let mut excerpt = Vec::new();
                while excerpt.len() < ANSWER_EXCERPT {
                    match response.chunk().await {
                        Ok(Some(chunk)) => excerpt.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                excerpt.truncate(ANSWER_EXCERPT);
                attempt.answer = Some(String::from_utf8_lossy(&excerpt).into_owned());
            }
            Err(e) if e.is_timeout() => attempt.error = Some("timed out".into()),
            Err(e) => attempt.error = Some(format!("could not connect: {e}")),
        }
        attempt.duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        attempt
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

/// The error of an attempt answered with a redirect.
pub const NOT_FOLLOWED: &str =
    "redirect not followed: events go only to the registered URL, never where a 3xx points";

/// The error of an attempt the mock refused to make.
pub const NOT_LOOPBACK: &str = "not sent: only loopback receivers are contacted (start the mock with --allow-remote-deliveries to change that)";
