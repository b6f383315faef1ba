//! The validation proxy (`webhooks-mock proxy`): serves one provider at its
//! real base path and forwards each request, unchanged, to an upstream (the
//! live API, with the user's own key), checking the request and the answer
//! against the hand-written spec. Each violation is a JSON line of the
//! report, naming the `x-inferred` guess it refutes; answers that bear a
//! guess out are counted too, so the [`Summary`] says per inference how
//! often it was confirmed and refuted. The client gets the upstream's answer
//! byte for byte, unless `strict` makes a violating answer a 502. Exchanges
//! can be recorded (secrets redacted) and replayed ([`ReplayServer`]).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use webhooks_mock::Provider;
//! use webhooks_mock::proxy::{Proxy, ProxyConfig};
//!
//! let config = ProxyConfig::new(Provider::BillingIo, "https://api.billing.io/v1")?
//!     .report("billing-io.report.jsonl");
//! let proxy = Proxy::start(config).await?;
//! // Point the SDK at proxy.base_url() and run your code; then:
//! print!("{}", proxy.stop().await);
//! # Ok(()) }
//! ```

mod checks;
mod contract;
mod replay;
mod report;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use subtle::ConstantTimeEq;

pub use replay::ReplayServer;
pub use report::{Direction, InferenceCount, Inferred, Recorded, Summary, Violation};

use crate::Provider;
use contract::{Contract, Exchange};
use report::{Lines, Tally, redact_body, redact_query, written_headers};

/// The largest body the proxy forwards either way.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// How long the upstream may take to answer.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);

/// Headers that belong to one connection, never forwarded.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-connection",
    "transfer-encoding",
    "te",
    "trailer",
    "upgrade",
    "host",
    "content-length",
];

/// What a [`Proxy`] forwards, where to, and what it writes.
#[derive(Debug, Clone)]
pub struct ProxyConfig {
    provider: Provider,
    upstream: reqwest::Url,
    addr: SocketAddr,
    report: Option<PathBuf>,
    record: Option<PathBuf>,
    strict: bool,
    admin_token: Option<String>,
}

impl ProxyConfig {
    /// Forwards `provider`'s API to `upstream` (its real base URL, such as
    /// `https://api.billing.io/v1`, or any `http(s)` URL), listening on
    /// 127.0.0.1 on a free port. Fails on an upstream that is not an
    /// absolute `http` or `https` URL.
    pub fn new(provider: Provider, upstream: &str) -> Result<Self, String> {
        let url =
            reqwest::Url::parse(upstream).map_err(|e| format!("--upstream {upstream:?}: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!(
                "--upstream {upstream:?}: not an absolute http(s) URL"
            ));
        }
        Ok(Self {
            provider,
            upstream: url,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            report: None,
            record: None,
            strict: false,
            admin_token: None,
        })
    }

    /// Listens on `addr` instead.
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Writes one JSON line per violation to `path` (created or emptied).
    pub fn report(mut self, path: impl Into<PathBuf>) -> Self {
        self.report = Some(path.into());
        self
    }

    /// Writes one JSON line per exchange to `path`, secrets redacted and
    /// credentials left out (for [`ReplayServer`]).
    pub fn record(mut self, path: impl Into<PathBuf>) -> Self {
        self.record = Some(path.into());
        self
    }

    /// Answers a response that violates the spec with a 502 listing the
    /// violations, instead of the upstream's answer.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// The token `GET /__mock/proxy/summary` requires in `x-mock-admin-token`.
    pub fn admin_token(mut self, token: impl Into<String>) -> Self {
        self.admin_token = Some(token.into());
        self
    }
}

/// Everything a request of the proxy reads.
struct ProxyState {
    base_path: &'static str,
    upstream: reqwest::Url,
    contracts: Vec<Contract>,
    auth_header: &'static str,
    http: reqwest::Client,
    report: Option<Lines>,
    record: Option<Lines>,
    strict: bool,
    tally: Tally,
    admin_token: Option<String>,
}

/// A running validation proxy; stops when [`stopped`](Self::stop) or dropped.
pub struct Proxy {
    addr: SocketAddr,
    state: Arc<ProxyState>,
    stop: Option<Stop>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Proxy {
    /// Binds and starts forwarding.
    pub async fn start(config: ProxyConfig) -> std::io::Result<Self> {
        let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
        let (specs, auth_header) = config.provider.hand_written();
        let contracts = specs
            .iter()
            .map(Contract::new)
            .collect::<Result<Vec<_>, _>>()
            .map_err(invalid)?;
        let tally = Tally::new(contracts.iter().map(|c| (c.file, c.marks.as_slice())));
        let lines = |path: &Option<PathBuf>| path.as_deref().map(Lines::create).transpose();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(UPSTREAM_TIMEOUT)
            .build()
            .map_err(|e| invalid(format!("cannot build the HTTP client: {e}")))?;
        let state = Arc::new(ProxyState {
            base_path: config.provider.base_path(),
            upstream: config.upstream,
            contracts,
            auth_header,
            http,
            report: lines(&config.report)?,
            record: lines(&config.record)?,
            strict: config.strict,
            tally,
            admin_token: config.admin_token,
        });
        let router = Router::new()
            .route("/__mock/proxy/summary", get(summary))
            .route("/__mock/health", get(crate::kernel::admin::health))
            .fallback(forward)
            .with_state(state.clone());
        let (addr, stop, task) = serve(config.addr, router).await?;
        Ok(Self {
            addr,
            state,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The provider's base URL through the proxy (`http://127.0.0.1:PORT/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, self.state.base_path)
    }

    /// What it has seen so far.
    pub fn summary(&self) -> Summary {
        self.state.tally.summary()
    }

    /// Stops (letting exchanges in flight finish) and gives the final summary.
    pub async fn stop(mut self) -> Summary {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
        self.summary()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves `router` on `addr` until the sender is used or dropped (letting
/// exchanges in flight finish).
async fn serve(
    addr: SocketAddr,
    router: Router,
) -> std::io::Result<(SocketAddr, Stop, tokio::task::JoinHandle<()>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await;
    });
    Ok((addr, stop, task))
}

/// Stops a server of [`serve`].
type Stop = tokio::sync::oneshot::Sender<()>;

/// `GET /__mock/proxy/summary`: the counts so far (the admin token where one is set).
async fn summary(State(state): State<Arc<ProxyState>>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.admin_token {
        let given = headers
            .get(crate::app::ADMIN_TOKEN_HEADER)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        if !bool::from(given.ct_eq(token.as_bytes())) {
            return (
                StatusCode::UNAUTHORIZED,
                axum::Json(json!({"error": format!("the summary needs the {} header", crate::app::ADMIN_TOKEN_HEADER)})),
            )
                .into_response();
        }
    }
    axum::Json(state.tally.summary()).into_response()
}

/// The proxy's own answer (not the upstream's), in one shape.
fn own_answer(status: StatusCode, error: String, violations: Option<&[Violation]>) -> Response {
    let mut body = json!({"error": error});
    if let Some(violations) = violations {
        body["violations"] = json!(violations);
    }
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        "x-webhooks-mock-proxy",
        "1".parse().expect("a header value"),
    );
    response
}

/// Forwards one request, checks the exchange, reports, records, answers.
async fn forward(State(state): State<Arc<ProxyState>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY).await else {
        return own_answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the proxy forwards bodies of at most {MAX_BODY} bytes"),
            None,
        );
    };
    let full_path = parts.uri.path().to_string();
    let Some(path) = below(&full_path, state.base_path) else {
        return own_answer(
            StatusCode::NOT_FOUND,
            format!(
                "{full_path} is not under the provider's base path {}",
                state.base_path
            ),
            None,
        );
    };
    let query = parts.uri.query();
    let mut url = state.upstream.clone();
    url.set_path(&format!(
        "{}{path}",
        state.upstream.path().trim_end_matches('/')
    ));
    url.set_query(query);
    let mut forwarded = reqwest::header::HeaderMap::new();
    for (name, value) in &parts.headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            forwarded.append(name.clone(), value.clone());
        }
    }
    let sent = state
        .http
        .request(parts.method.clone(), url.clone())
        .headers(forwarded)
        .body(body.clone())
        .send()
        .await;
    let upstream = match sent {
        Ok(upstream) => upstream,
        Err(e) => {
            tracing::warn!(
                "{} {full_path}: the upstream did not answer: {e}",
                parts.method
            );
            return own_answer(
                StatusCode::BAD_GATEWAY,
                format!("the upstream did not answer: {e}"),
                None,
            );
        }
    };
    let status = upstream.status();
    let headers = upstream.headers().clone();
    let answer = match upstream.bytes().await {
        Ok(answer) => answer,
        Err(e) => {
            return own_answer(
                StatusCode::BAD_GATEWAY,
                format!("the upstream's answer broke off: {e}"),
                None,
            );
        }
    };

    let contract = state
        .contracts
        .iter()
        .find(|c| c.applies(&parts.headers))
        .unwrap_or(&state.contracts[0]);
    let op = contract.find(&parts.method, path);
    let exchange = Exchange {
        method: &parts.method,
        path,
        query,
        request_headers: &parts.headers,
        request_body: &body,
        status: status.as_u16(),
        response_headers: &headers,
        response_body: &answer,
    };
    let request_violations = contract.check_request(op, &exchange);
    let checked = contract.check_response(op, &exchange);
    if let Some(report) = &state.report {
        for violation in request_violations.iter().chain(&checked.violations) {
            report.write(violation);
        }
    }
    let total = request_violations.len() + checked.violations.len();
    state
        .tally
        .count(contract.file, total, &checked.confirmed, &checked.refuted);
    tracing::info!(
        "{} {full_path} -> {} ({total} violation(s))",
        parts.method,
        status.as_u16()
    );
    if let Some(record) = &state.record {
        record.write(&Recorded {
            method: parts.method.to_string(),
            path: full_path.clone(),
            query: query.map(redact_query),
            request: report::Message {
                status: None,
                headers: written_headers(&parts.headers, state.auth_header),
                body: redact_body(&body),
            },
            response: report::Message {
                status: Some(status.as_u16()),
                headers: written_headers(&headers, state.auth_header),
                body: redact_body(&answer),
            },
        });
    }
    if state.strict && !checked.violations.is_empty() {
        return own_answer(
            StatusCode::BAD_GATEWAY,
            format!(
                "the upstream's {} answer departs from {}",
                status.as_u16(),
                contract.file
            ),
            Some(&checked.violations),
        );
    }
    passed_through(status, &headers, answer)
}

/// The upstream's answer as it came (its connection's own headers aside).
fn passed_through(status: StatusCode, headers: &HeaderMap, body: Bytes) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (name, value) in headers {
        if !HOP_BY_HOP.contains(&name.as_str()) {
            response.headers_mut().append(name.clone(), value.clone());
        }
    }
    response
}

/// `path` below `base` (`/v1/webhooks` below `/v1` is `/webhooks`).
fn below<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    if base.is_empty() {
        return Some(path);
    }
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}
