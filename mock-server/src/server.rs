//! The mock running in-process, for tests: started on its own port, with
//! its own state, stopped when dropped (its expectations checked then).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::deliveries::Triggered;
use crate::kernel::deliveries::{Attempt, DeliveryConfig, DeliveryFilter, Trigger};
use crate::kernel::expect::ExpectationHandle;
use crate::kernel::faults::Fault;
use crate::kernel::journal::{JournalEntry, RequestFilter};
use crate::kernel::request_log::{RequestLine, RequestLog};
use crate::kernel::state::{Determinism, MockState, Settings};
use crate::providers::Provider;

/// How a mock tells time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Clock {
    /// The wall clock; delivery retries are compressed.
    #[default]
    Wall,
    /// A clock that starts at this instant and moves only when advanced
    /// ([`MockServer::advance`], `POST /__mock/clock`).
    Manual(SystemTime),
}

impl Clock {
    /// Where a manual clock starts unless told otherwise.
    pub const MANUAL_START: &'static str = crate::kernel::clock::MANUAL_START;

    /// A manual clock starting at [`Clock::MANUAL_START`].
    pub fn manual() -> Self {
        Self::Manual(
            crate::kernel::clock::parse_rfc3339(Self::MANUAL_START).expect("a valid instant"),
        )
    }
}

/// Sets up a [`MockServer`] before it starts.
///
/// ```no_run
/// # async fn run() -> std::io::Result<()> {
/// use webhooks_mock::{Clock, MockServer};
///
/// let mock = MockServer::builder().seed(7).clock(Clock::manual()).start().await?;
/// # let _ = mock; Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct MockServerBuilder {
    addr: SocketAddr,
    only: Option<Provider>,
    seed: Option<u64>,
    clock: Clock,
    deliveries: DeliveryConfig,
    admin_token: Option<String>,
    request_log: Option<RequestLog>,
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            only: None,
            seed: None,
            clock: Clock::Wall,
            deliveries: DeliveryConfig::default(),
            admin_token: None,
            request_log: None,
        }
    }
}

impl MockServerBuilder {
    /// Where to listen (default `127.0.0.1:0`, a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Serves only this provider, at its real base path (`/v1/webhooks`).
    pub fn only(mut self, provider: Provider) -> Self {
        self.only = Some(provider);
        self
    }

    /// Seeds IDs, secrets, tokens and event IDs: the same requests in the
    /// same order give the same answers and deliveries.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = Some(seed);
        self
    }

    /// The wall clock (the default) or a manual one.
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Divides delivery retry delays by `n` on the wall clock (default 10,000).
    pub fn time_compression(mut self, n: u32) -> Self {
        self.deliveries.time_compression = n.max(1);
        self
    }

    /// Delivers events to non-loopback URLs too.
    pub fn allow_remote_deliveries(mut self) -> Self {
        self.deliveries.allow_remote = true;
        self
    }

    /// Requires this token in `x-mock-admin-token` on `/__mock/*`.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }

    /// Hands every request's line to `log` instead of emitting it as a
    /// `tracing` event (target [`REQUEST_LOG_TARGET`](crate::app::REQUEST_LOG_TARGET),
    /// level `INFO`): for a program that writes its own log, such as the
    /// `webhooks-mock` binary, or a test that reads the lines.
    ///
    /// ```
    /// # #[tokio::main] async fn main() -> std::io::Result<()> {
    /// use std::sync::{Arc, Mutex};
    /// use webhooks_mock::MockServer;
    /// use webhooks_mock::app::RequestLine;
    ///
    /// let lines = Arc::new(Mutex::new(Vec::new()));
    /// let kept = lines.clone();
    /// let mock = MockServer::builder()
    ///     .request_log(move |line: &RequestLine<'_>| {
    ///         kept.lock().unwrap().push((line.provider, line.status, line.message()));
    ///     })
    ///     .start()
    ///     .await?;
    /// let url = format!("{}/webhooks/we_missing", mock.base_url(webhooks_mock::Provider::BillingIo));
    /// let answer = reqwest::Client::new().get(url).bearer_auth("sk_test_doc").send().await;
    /// assert_eq!(answer.expect("the mock answers").status(), 404);
    /// let kept = lines.lock().unwrap();
    /// assert_eq!((kept[0].0, kept[0].1), ("billing-io", 404));
    /// assert!(kept[0].2.starts_with("GET /billing-io/v1/webhooks/we_missing -> 404 ("));
    /// # Ok(()) }
    /// ```
    pub fn request_log(mut self, log: impl Fn(&RequestLine<'_>) + Send + Sync + 'static) -> Self {
        self.request_log = Some(RequestLog(Arc::new(log)));
        self
    }

    /// Binds and starts serving.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind(self.addr).await?;
        let addr = listener.local_addr()?;
        let settings = Settings {
            deliveries: self.deliveries,
            determinism: Determinism {
                seed: self.seed,
                manual_clock: match self.clock {
                    Clock::Manual(start) => Some(start),
                    Clock::Wall => None,
                },
            },
            admin_token: self.admin_token.map(Arc::from),
            request_log: self.request_log,
        };
        let app = crate::app::scoped(self.only, &settings);
        let state = app.state().clone();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(crate::kernel::serve::serve(listener, app, async {
            let _ = rx.await;
        }));
        Ok(MockServer {
            addr,
            only: self.only,
            state,
            stop: Some(tx),
            task: Some(task),
        })
    }
}

/// A mock started in-process: its own port and state, stopped when dropped.
///
/// ```
/// # #[tokio::main] async fn main() -> std::io::Result<()> {
/// use webhooks_mock::{MockServer, Provider};
///
/// let mock = MockServer::start().await?;
/// let base = mock.base_url(Provider::Chargeapi); // http://127.0.0.1:PORT/chargeapi/v1
/// assert!(base.ends_with(Provider::Chargeapi.base_path()));
/// assert!(mock.requests().is_empty());
/// # Ok(()) }
/// ```
pub struct MockServer {
    addr: SocketAddr,
    only: Option<Provider>,
    state: Arc<MockState>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Starts all five providers on `127.0.0.1:0`.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// Starts all five providers on `127.0.0.1:0`, delivering events as `config` says.
    pub async fn start_with(config: DeliveryConfig) -> std::io::Result<Self> {
        let mut builder = Self::builder().time_compression(config.time_compression);
        if config.allow_remote {
            builder = builder.allow_remote_deliveries();
        }
        builder.start().await
    }

    /// Sets up a mock before starting it: seed, clock, providers, admin token.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The base URL of `provider` on this server, to give an SDK client.
    pub fn base_url(&self, provider: Provider) -> String {
        match self.only {
            Some(_) => format!("http://{}{}", self.addr, provider.base_path()),
            None => format!("http://{}{}", self.addr, provider.shared_prefix()),
        }
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, api_key: Option<&str>) {
        self.state.reset(api_key);
    }

    /// Schedules a fault (see [`Fault`]); an error says why it cannot be
    /// (a status the operations do not document, say).
    pub fn add_fault(&self, fault: Fault) -> Result<(), String> {
        self.state.faults.add(fault)
    }

    /// Forgets every scheduled fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Every delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<Attempt> {
        self.state.deliverer.attempts()
    }

    /// Every request received so far, oldest first (API keys redacted).
    pub fn requests(&self) -> Vec<JournalEntry> {
        self.state.journal.entries(&RequestFilter::default())
    }

    /// The requests `filter` matches, oldest first.
    pub fn requests_matching(&self, filter: &RequestFilter) -> Vec<JournalEntry> {
        self.state.journal.entries(filter)
    }

    /// Expects requests to `provider`'s `operation` (its `operationId`): at
    /// least one unless narrowed (`.times(1)`, `.times(2..)`, `.status(201)`);
    /// checked when the mock is dropped, with a report naming the closest
    /// requests that did arrive.
    ///
    /// ```no_run
    /// # async fn run() -> std::io::Result<()> {
    /// use webhooks_mock::{MockServer, Provider};
    ///
    /// let mock = MockServer::start().await?;
    /// mock.expect(Provider::BillingIo, "createWebhookEndpoint").times(1..=1).status(201);
    /// // … the code under test creates one endpoint; dropping `mock` checks it.
    /// # Ok(()) }
    /// ```
    pub fn expect(&self, provider: Provider, operation: &str) -> ExpectationHandle {
        self.state.expectations.add(provider.name(), operation)
    }

    /// Checks the expectations now: `Err` holds the report.
    pub fn verify(&self) -> Result<(), String> {
        self.state
            .expectations
            .verify(|| self.state.journal.recorded())
    }

    /// Delivers a signed event to the subscribed endpoints of tenant
    /// `api_key` at `provider`, as `POST /__mock/<provider>/events` does.
    ///
    /// ```no_run
    /// # async fn run(mock: webhooks_mock::MockServer) -> Result<(), String> {
    /// use std::time::Duration;
    /// use webhooks_mock::Provider;
    /// use webhooks_mock::deliveries::{DeliveryFilter, Trigger};
    ///
    /// let sent = mock.trigger(Provider::Commet, "ck_sandbox_key", Trigger::new("subscription.created"))?;
    /// let filter = DeliveryFilter { event_id: Some(sent.event_id().into()), ..Default::default() };
    /// let attempts = mock.wait_for_deliveries(&filter, sent.deliveries.len(), Duration::from_secs(5)).await?;
    /// # let _ = attempts; Ok(()) }
    /// ```
    pub fn trigger(
        &self,
        provider: Provider,
        api_key: &str,
        trigger: Trigger,
    ) -> Result<Triggered, String> {
        let outcome = provider.trigger(&self.state, api_key, &trigger)?;
        let deliveries = outcome["deliveries"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| {
                let text = |k: &str| d[k].as_str().unwrap_or_default().to_string();
                (text("endpoint_id"), text("url"))
            })
            .collect();
        Ok(Triggered {
            event: outcome["event"].clone(),
            deliveries,
        })
    }

    /// Waits (up to `timeout`, real time) until at least `count` attempts
    /// match `filter`, and returns them; the error says how many came.
    pub async fn wait_for_deliveries(
        &self,
        filter: &DeliveryFilter,
        count: usize,
        timeout: Duration,
    ) -> Result<Vec<Attempt>, String> {
        self.state
            .deliverer
            .wait_for(filter, count, timeout)
            .await
            .map_err(|found| {
                format!(
                    "{} of {count} delivery attempts came within {timeout:?}: {found:?}",
                    found.len()
                )
            })
    }

    /// Sends a recorded event again to its endpoints, signed afresh; the
    /// endpoints it goes to.
    pub fn resend(&self, event_id: &str) -> Result<Vec<(String, String)>, String> {
        self.state.deliverer.resend(event_id)
    }

    /// Moves a manual clock forward, making every delivery attempt that
    /// falls due on the way at exactly its time; the new time.
    pub async fn advance(&self, by: Duration) -> Result<SystemTime, String> {
        self.state.clock.advance(by).await
    }

    /// The mock's time now.
    pub fn now(&self) -> SystemTime {
        self.state.clock.now()
    }

    /// Runs fixture steps (see [the fixtures guide](crate::guide::fixtures)): the answers by step
    /// name, or which step failed.
    pub async fn load_fixtures(&self, steps: Value) -> Result<Value, Value> {
        let steps: Vec<crate::kernel::fixtures::Step> =
            serde_json::from_value(steps).map_err(|e| Value::String(e.to_string()))?;
        crate::kernel::fixtures::run(&self.state, steps).await
    }

    /// Stops serving, letting open connections finish, and stops deliveries.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.state.deliverer.stop();
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.state.deliverer.stop();
        if !std::thread::panicking()
            && let Err(report) = self.verify()
        {
            panic!("{report}");
        }
    }
}
