//! A stateful mock of the webhook-endpoint APIs of billing.io, chargeapi.co,
//! Donutwork, meum.io and Commet, faithful to their docs (and to the specs in
//! `openapi/`): what you create can be listed, fetched, updated and deleted,
//! bad input gets each provider's own error body, and every API key is its
//! own tenant.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! use webhooks_mock::{MockServer, Provider};
//!
//! let server = MockServer::start().await?;
//! let base = server.base_url(Provider::BillingIo); // http://127.0.0.1:PORT/billing-io/v1
//! # let _ = base; Ok(()) }
//! ```

mod admin;
pub mod api;
pub mod billing_io;
pub mod chargeapi;
pub mod commet;
pub mod deliveries;
pub mod donutwork;
pub mod faults;
mod ids;
pub mod meum;
pub mod middleware;
mod signing;
pub mod store;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;

use api::{ApiError, ErrorKind};

/// Largest request body accepted; larger ones get a provider-shaped 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `Retry-After` of a 429 that was not given one (billing.io's documented message says 30 s).
pub const DEFAULT_RETRY_AFTER: u64 = 30;

/// The request limit a 429's rate-limit headers announce (a mock choice: no provider publishes one).
const RATE_LIMIT: u64 = 100;

/// One of the five providers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Provider {
    /// billing.io.
    BillingIo,
    /// chargeapi.co.
    Chargeapi,
    /// Donutwork.
    Donutwork,
    /// meum.io.
    Meum,
    /// Commet.
    Commet,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 5] = [
        Provider::BillingIo,
        Provider::Chargeapi,
        Provider::Donutwork,
        Provider::Meum,
        Provider::Commet,
    ];

    /// The name used on the command line and in URLs (`billing-io`, …).
    pub fn name(self) -> &'static str {
        match self {
            Self::BillingIo => "billing-io",
            Self::Chargeapi => "chargeapi",
            Self::Donutwork => "donutwork",
            Self::Meum => "meum",
            Self::Commet => "commet",
        }
    }

    /// The provider named `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// The path of the provider's real base URL (`/v1` for `https://api.billing.io/v1`).
    pub fn base_path(self) -> &'static str {
        match self {
            Self::BillingIo | Self::Chargeapi => "/v1",
            Self::Donutwork => "/2026-02-01",
            Self::Meum => "",
            Self::Commet => "/api/v1",
        }
    }

    /// Where the provider is served when all five share one server
    /// (`/billing-io/v1`): its name, then its real base path.
    pub fn shared_prefix(self) -> String {
        format!("/{}{}", self.name(), self.base_path())
    }

    /// The HTTP status for an error of this kind.
    pub fn status_of(self, kind: ErrorKind) -> StatusCode {
        kind.status()
    }

    /// `Retry-After` (when given, and on every 429 where the provider
    /// documents it) and the rate-limit headers the provider documents on a 429.
    pub fn retry_headers(
        self,
        status: u16,
        retry_after: Option<u64>,
    ) -> Vec<(&'static str, String)> {
        let limited = status == 429;
        let family = match self {
            Self::BillingIo if limited => Some("x-ratelimit-"),
            Self::Commet if limited => Some("ratelimit-"),
            _ => None,
        };
        let retry_after = match family {
            // Both document Retry-After on a 429: 30 s, as billing.io's documented message says.
            Some(_) => Some(retry_after.unwrap_or(DEFAULT_RETRY_AFTER)),
            None => retry_after,
        };
        let mut headers: Vec<(&'static str, String)> = Vec::new();
        if let Some(seconds) = retry_after {
            headers.push(("retry-after", seconds.to_string()));
        }
        if let (Some(family), Some(seconds)) = (family, retry_after) {
            // billing.io's reset is a Unix time; Commet's (IETF RateLimit fields) a delay.
            let reset = if self == Self::BillingIo {
                ids::unix_now().max(0) as u64 + seconds
            } else {
                seconds
            };
            let [limit, remaining, reset_name] = match family {
                "x-ratelimit-" => [
                    "x-ratelimit-limit",
                    "x-ratelimit-remaining",
                    "x-ratelimit-reset",
                ],
                _ => ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
            };
            headers.push((limit, RATE_LIMIT.to_string()));
            headers.push((remaining, "0".to_string()));
            headers.push((reset_name, reset.to_string()));
        }
        headers
    }

    /// The provider's documented error body.
    pub fn error_body(self, error: &ApiError, status: StatusCode) -> Value {
        match self {
            Self::BillingIo => billing_io::error_body(error, status),
            Self::Chargeapi => chargeapi::error_body(error, status),
            Self::Donutwork => donutwork::error_body(error, status),
            Self::Meum => meum::error_body(error, status),
            Self::Commet => commet::error_body(error, status),
        }
    }
}

/// Locks a mutex, recovering from a panic in another request (the state is
/// only ever changed in whole steps, so it stays consistent).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `body` as a JSON response with this status.
pub(crate) fn respond<T: serde::Serialize>(status: u16, body: &T) -> Response {
    json_response(
        status,
        serde_json::to_value(body).expect("mock types serialise"),
    )
}

/// A JSON response with this status.
pub(crate) fn json_response(status: u16, body: Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, axum::Json(body)).into_response()
}

/// A page size: `default` when absent, an error outside `min..=max`.
pub(crate) fn bounded(
    provider: Provider,
    param: &str,
    value: Option<i64>,
    default: i64,
    min: i64,
    max: i64,
) -> Result<usize, ApiError> {
    let value = value.unwrap_or(default);
    if !(min..=max).contains(&value) {
        return Err(api::invalid(
            provider,
            param,
            format!("'{param}' must be between {min} and {max}."),
        ));
    }
    Ok(value as usize)
}

/// An opaque cursor for the position `seq`.
pub(crate) fn encode_cursor(seq: u64) -> String {
    format!("cur_{seq:016x}")
}

/// The position a cursor stands for.
pub(crate) fn decode_cursor(cursor: &str) -> Option<u64> {
    let hex = cursor.strip_prefix("cur_")?;
    (hex.len() == 16).then(|| u64::from_str_radix(hex, 16).ok())?
}

/// Whether `s` is a UUID in its usual text form.
pub(crate) fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Whether a URL's host is a loopback address: receivers under test listen
/// there over plain HTTP, so the mock accepts `http://` for them.
pub(crate) fn is_loopback(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// All providers' state, the journal of requests and the deliveries.
pub struct MockState {
    billing_io: Arc<billing_io::Store>,
    chargeapi: Arc<chargeapi::Store>,
    donutwork: Arc<donutwork::Store>,
    meum: Arc<meum::Store>,
    commet: Arc<commet::Store>,
    journal: Arc<middleware::Journal>,
    faults: Arc<faults::Faults>,
    deliverer: Arc<deliveries::Deliverer>,
}

impl Default for MockState {
    fn default() -> Self {
        Self::new(deliveries::DeliveryConfig::default())
    }
}

impl MockState {
    /// Empty state whose deliveries follow `config`.
    pub fn new(config: deliveries::DeliveryConfig) -> Self {
        let deliverer = Arc::new(deliveries::Deliverer::new(config));
        Self {
            billing_io: Arc::default(),
            chargeapi: Arc::default(),
            donutwork: Arc::default(),
            meum: Arc::default(),
            commet: Arc::new(commet::Store::new(deliverer.clone())),
            journal: Arc::default(),
            faults: Arc::default(),
            deliverer,
        }
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, key: Option<&str>) {
        self.billing_io.reset(key);
        self.chargeapi.reset(key);
        self.donutwork.reset(key);
        self.meum.reset(key);
        self.commet.reset(key);
        if key.is_none() {
            self.journal.clear();
            self.faults.clear();
            self.deliverer.clear();
        }
    }
}

fn provider_router(state: &MockState, provider: Provider) -> OpenApiRouter {
    match provider {
        Provider::BillingIo => billing_io::router(state.billing_io.clone()),
        Provider::Chargeapi => chargeapi::router(state.chargeapi.clone()),
        Provider::Donutwork => donutwork::router(state.donutwork.clone()),
        Provider::Meum => meum::router(state.meum.clone()),
        Provider::Commet => commet::router(state.commet.clone()),
    }
}

/// The OpenAPI document the mock emits for one provider.
pub fn openapi(provider: Provider) -> utoipa::openapi::OpenApi {
    let mut spec = provider_router(&MockState::default(), provider)
        .split_for_parts()
        .1;
    spec.info.title = format!("{} (webhooks-mock)", provider.name());
    spec.info.description = Some(format!(
        "The webhook-endpoint API of {} as served by webhooks-mock; the contract is openapi/{}.yaml.",
        provider.name(),
        provider.name()
    ));
    spec.info.version = env!("CARGO_PKG_VERSION").to_string();
    spec.info.contact = None;
    spec
}

/// Builds the app: all five providers under their shared prefixes (or one at
/// its real base path), `/<prefix>/openapi.json` for each, `/docs`, and the
/// admin API under `/__mock/`.
pub fn app(only: Option<Provider>) -> Router {
    app_with_state(only, Arc::new(MockState::default()))
}

/// [`app`] with deliveries configured.
pub fn app_with(only: Option<Provider>, config: deliveries::DeliveryConfig) -> Router {
    app_with_state(only, Arc::new(MockState::new(config)))
}

fn app_with_state(only: Option<Provider>, state: Arc<MockState>) -> Router {
    let mut router = Router::new();
    let mut spec_urls = Vec::new();
    for provider in Provider::ALL {
        if only.is_some_and(|p| p != provider) {
            continue;
        }
        let prefix = match only {
            Some(_) => provider.base_path().to_string(),
            None => provider.shared_prefix(),
        };
        let (routes, _) = provider_router(&state, provider).split_for_parts();
        let mut spec = openapi(provider);
        spec.servers = Some(vec![utoipa::openapi::Server::new(if prefix.is_empty() {
            "/"
        } else {
            &prefix
        })]);
        let ops = middleware::documented_operations(&spec);
        let spec_json = Arc::new(serde_json::to_value(&spec).expect("serialisable"));
        let journal = state.journal.clone();
        let faults = state.faults.clone();
        let routes = routes
            .route(
                "/openapi.json",
                get(move || async move { axum::Json((*spec_json).clone()) }),
            )
            .route_layer(axum::middleware::from_fn(move |req, next| {
                middleware::prefer(provider, ops.clone(), faults.clone(), req, next)
            }))
            .fallback(move || async move { middleware::no_route(provider) })
            .method_not_allowed_fallback(move || async move { middleware::wrong_method(provider) })
            .layer(axum::middleware::from_fn(move |req, next| {
                middleware::journal(provider, journal.clone(), req, next)
            }));
        spec_urls.push((provider.name(), format!("{prefix}/openapi.json")));
        router = if prefix.is_empty() {
            router.merge(routes)
        } else {
            router.nest(&prefix, routes)
        };
    }
    let swagger =
        utoipa_swagger_ui::SwaggerUi::new("/docs").config(utoipa_swagger_ui::Config::new(
            spec_urls
                .into_iter()
                .map(|(_, url)| utoipa_swagger_ui::Url::from(url)),
        ));
    router.merge(swagger).merge(admin::router(state))
}

/// The mock running in-process on `127.0.0.1` (an ephemeral port); dropping
/// it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    state: Arc<MockState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl MockServer {
    /// Starts all five providers on `127.0.0.1:0`.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(deliveries::DeliveryConfig::default()).await
    }

    /// Starts all five providers on `127.0.0.1:0`, delivering events as `config` says.
    pub async fn start_with(config: deliveries::DeliveryConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::new(MockState::new(config));
        let app = app_with_state(None, state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, api_key: Option<&str>) {
        self.state.reset(api_key);
    }

    /// Schedules a fault: the next matching requests answer its status with
    /// the provider's error body (see [`faults::Fault`]); an error names the
    /// documented statuses when the status is not one of them.
    pub fn add_fault(&self, fault: faults::Fault) -> Result<(), String> {
        self.state.faults.add(fault)
    }

    /// Forgets every scheduled fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Every delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<deliveries::Attempt> {
        self.state.deliverer.attempts()
    }

    /// Every request received so far, oldest first (API keys redacted).
    pub fn requests(&self) -> Vec<middleware::JournalEntry> {
        self.state.journal.entries()
    }

    /// The base URL of `provider` on this server, to give an SDK client.
    pub fn base_url(&self, provider: Provider) -> String {
        format!("http://{}{}", self.addr, provider.shared_prefix())
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
