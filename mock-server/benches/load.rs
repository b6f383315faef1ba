//! `cargo bench -p webhooks-mock`, in the same run and against baselines
//! measured alongside:
//! - what a test pays per mock: start, first request and drop of an
//!   in-process `MockServer`, against wiremock-rs's `MockServer` with one
//!   mounted mock; and the resident memory of 100 idle mocks held at once;
//! - throughput: the `webhooks-mock` binary as users run it (all five
//!   providers on one port, default log level) and with billing.io alone at
//!   its real base path, against a bare axum server doing the minimum a mock
//!   must (parse a JSON body, store it in a map under a mutex, answer JSON),
//!   all driven by the same load generator: `wrk` (Debian's `wrk` package)
//!   when it is on the PATH, a generator that costs the servers' machine far
//!   less than they do, else a reqwest client in this process;
//! - latency, the mock's resident memory after 100,000 creates and after
//!   1,000,000 further requests, and the mock under slow deliveries.
//!
//! Figures and ratios, not assertions: the machine is shared.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Concurrent keep-alive connections (tasks).
const CONNECTIONS: usize = 10;
/// Requests per measured round of create and get.
const ROUNDS_OF: usize = 20_000;
/// Seconds per measured round when `wrk` drives the load.
const WRK_SECONDS: u64 = 2;
/// Rounds per server; each figure is the median of its rounds, and each
/// ratio the median of the rounds' ratios (the machine is shared: a server
/// is compared with the baseline measured just before it, not minutes apart).
const ROUNDS: usize = 5;
/// Endpoints the mock holds when its memory is first read.
const STORED: usize = 100_000;
/// Requests after that, before memory is read again.
const SUSTAINED: usize = 1_000_000;
const KEY: &str = "Bearer sk_test_bench";
/// The creation time the baseline and wiremock-rs answer with (the mock's is the time it is).
const CREATED_AT: &str = "2026-01-01T00:00:00Z";
/// Set in the environment of this program's own child that is the baseline.
const BASELINE_ENV: &str = "WEBHOOKS_BENCH_BASELINE";
/// Set in the environment of this program's own child that is wiremock-rs.
const WIREMOCK_ENV: &str = "WEBHOOKS_BENCH_WIREMOCK";

fn main() {
    if std::env::var_os(BASELINE_ENV).is_some() {
        return baseline_server();
    }
    if std::env::var_os(WIREMOCK_ENV).is_some() {
        return wiremock_server();
    }
    if let Err(e) = run() {
        eprintln!("benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(per_mock())?;
    let baseline = Server::start(
        Command::new(std::env::current_exe().map_err(|e| e.to_string())?).env(BASELINE_ENV, "1"),
    )?;
    let wiremock = Server::start(
        Command::new(std::env::current_exe().map_err(|e| e.to_string())?).env(WIREMOCK_ENV, "1"),
    )?;
    let mut mock = Server::start(
        Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
            .args(["--addr", "127.0.0.1:0", "--provider", "billing-io"])
            .env_remove("RUST_LOG"),
    )?;
    // As users run it: all five providers, billing.io under its shared prefix.
    let default = Server::start(
        Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
            .args(["--addr", "127.0.0.1:0"])
            .env_remove("RUST_LOG"),
    )?;
    let mut default = default;
    default.addr = format!("{}/billing-io", default.addr);
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CONNECTIONS)
            .build()
            .map_err(|e| e.to_string())?;
        println!(
            "webhooks-mock (as run by default: all five providers; and billing.io alone), default \
             log level, against a bare axum baseline; {CONNECTIONS} keep-alive connections, {} cores, \
             median of {ROUNDS} rounds ({WRK_SECONDS} s each with wrk); a ratio is the median \
             of the rounds' ratios",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        let body = json!({"url": "https://example.com/hook", "events": ["checkout.completed"]});
        let wrk = on_path("wrk");
        println!(
            "load generator: {}",
            if wrk {
                "wrk (1 thread)"
            } else {
                "reqwest in this process (install Debian's `wrk` for figures of the servers alone)"
            }
        );
        let mut rounds: HashMap<_, Vec<Figures>> = HashMap::new();
        let mut ids = HashMap::new();
        let mut created_on_mock = 0;
        let servers = [&baseline, &default, &mock, &wiremock];
        for _ in 0..ROUNDS {
            // One operation on every server, then the next: each server's
            // figure lies seconds from the baseline's it is divided by.
            for server in servers {
                let url = format!("{}/v1/webhooks", server.addr);
                let create = if wrk {
                    wrk_on(server, "POST", &url, Some(&body.to_string()))?
                } else {
                    let body = body.clone();
                    measure_on(&http, server, ROUNDS_OF, move |http, _| {
                        http.post(&url).header("authorization", KEY).json(&body)
                    })
                    .await?
                };
                if std::ptr::eq(server, &mock) {
                    created_on_mock += create.count;
                }
                rounds.entry(("create", server.addr.clone())).or_default().push(create);
            }
            for server in servers {
                let id = match ids.get(&server.addr) {
                    Some(id) => id,
                    None => ids.entry(server.addr.clone()).or_insert(first_id(&http, server).await?),
                };
                let url = format!("{}/v1/webhooks/{id}", server.addr);
                let get = if wrk {
                    wrk_on(server, "GET", &url, None)?
                } else {
                    measure_on(&http, server, ROUNDS_OF, move |http, _| {
                        http.get(&url).header("authorization", KEY)
                    })
                    .await?
                };
                rounds.entry(("get", server.addr.clone())).or_default().push(get);
            }
        }
        // The median over rounds of `pick(server) / pick(baseline)`, each
        // round's pair measured seconds apart.
        let ratio = |op: &str, server: &Server, pick: fn(&Figures) -> f64| {
            let (ours, base) = (&rounds[&(op, server.addr.clone())], &rounds[&(op, baseline.addr.clone())]);
            median(ours.iter().zip(base).map(|(o, b)| pick(o) / pick(b)).collect())
        };
        let medians: HashMap<_, Figures> =
            rounds.iter().map(|(key, figures)| (key.clone(), median_figures(figures))).collect();
        println!("{:<34} {:>12} {:>12} {:>7}   mock p50 / p99", "operation", "baseline/s", "mock/s", "ratio");
        for (what, server) in [("all five", &default), ("billing.io alone", &mock)] {
            for op in ["create", "get"] {
                let (b, m) = (medians[&(op, baseline.addr.clone())], medians[&(op, server.addr.clone())]);
                println!(
                    "{:<34} {:>12.0} {:>12.0} {:>6.2}x   {:.2} / {:.2} ms",
                    format!("{op}, {what}"),
                    b.rate, m.rate, ratio(op, server, |f| f.rate), m.p50_ms, m.p99_ms
                );
            }
        }
        // What each server process spends per request (user + system, the
        // kernel's accounting), and what the load generator spends: the
        // ratio measures the server only while the generator costs less.
        println!();
        println!(
            "{:<34} {:>12} {:>12} {:>12} {:>7} {:>12}",
            "server CPU per request (µs)", "baseline", "wiremock-rs", "mock", "ratio", "generator"
        );
        for (what, server) in [("all five", &default), ("billing.io alone", &mock)] {
            for op in ["create", "get"] {
                let figure = |s: &Server| medians[&(op, s.addr.clone())];
                let (b, w, m) = (figure(&baseline), figure(&wiremock), figure(server));
                println!(
                    "{:<34} {:>12.1} {:>12.1} {:>12.1} {:>6.2}x {:>12.1}",
                    format!("{op}, {what}"),
                    b.server_us,
                    w.server_us,
                    m.server_us,
                    ratio(op, server, |f| f.server_us),
                    m.generator_us
                );
            }
        }
        println!();
        let base = format!("{}/v1", mock.addr);
        let id = ids[&mock.addr].clone();
        // Fill the mock up to STORED endpoints, then read its memory.
        let have = created_on_mock;
        let stored = have.max(STORED);
        let url = format!("{base}/webhooks");
        if have < STORED {
            measure(&http, STORED - have, {
                let body = body.clone();
                move |http, _| http.post(&url).header("authorization", KEY).json(&body)
            })
            .await?;
        }
        let after_creates = memory_kib(mock.child.id(), "VmRSS");
        let (page, cursor) = list_page(&http, &base).await?;
        let _ = page;
        let list = measure(&http, ROUNDS_OF, {
            let url = format!("{base}/webhooks?limit=25&cursor={cursor}");
            move |http, _| http.get(&url).header("authorization", KEY)
        })
        .await?;
        print_row(&format!("list (25 of {stored} stored, cursor)"), list);
        // Sustained load: gets, lists and idempotent replays, nothing new stored;
        // memory read after each quarter, to see whether it levels off.
        let mut quarters = Vec::new();
        let mut sustained = Vec::new();
        for _ in 0..4 {
            sustained.push(measure(&http, SUSTAINED / 4, {
                let get = format!("{base}/webhooks/{id}");
                let list = format!("{base}/webhooks?limit=25&cursor={cursor}");
                let create = format!("{base}/webhooks");
                let body = body.clone();
                move |http, n| match n % 10 {
                    0 => http.get(&list).header("authorization", KEY),
                    1 => http
                        .post(&create)
                        .header("authorization", KEY)
                        .header("idempotency-key", "5f0c6a8e-2b1d-4c3e-9a7f-1e2d3c4b5a69")
                        .json(&body),
                    _ => http.get(&get).header("authorization", KEY),
                }
            })
            .await?);
            quarters.push(memory_kib(mock.child.id(), "VmRSS"));
        }
        let sustained = sustained
            .into_iter()
            .min_by(|a, b| a.rate.total_cmp(&b.rate))
            .expect("four quarters");
        print_row("sustained mix (slowest 250,000)", sustained);
        let mib = |kib: Option<u64>| kib.map_or("n/a".to_string(), |k| format!("{:.1} MiB", k as f64 / 1024.0));
        println!(
            "mock resident memory: {} after {stored} creates; after each further 250,000 requests: {} (peak {})",
            mib(after_creates),
            quarters.iter().map(|q| mib(*q)).collect::<Vec<_>>().join(", "),
            mib(memory_kib(mock.child.id(), "VmHWM")),
        );
        for endpoints in [1, 100] {
            delivery_rate(&http, &mock, endpoints).await?;
        }
        slow_deliveries(&http, &mock, &id).await
    })?;
    mock.child.kill().map_err(|e| e.to_string())?;
    let _ = mock.child.wait();
    Ok(())
}

/// How many mocks each side starts per round, and rounds (the median counts).
const STARTS: usize = 300;
const START_ROUNDS: usize = 3;
/// How many idle mocks are held at once to read their memory.
const HELD: usize = 100;

/// What a test pays per mock: start, one request, drop, against
/// wiremock-rs's server with one mounted mock; and the memory of 100 idle
/// mocks held at once.
async fn per_mock() -> Result<(), String> {
    use webhooks_mock::{MockServer, Provider};
    // A connection per server, as a test has: nothing pooled between them.
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .map_err(|e| e.to_string())?;
    let ours = |mock: &MockServer| format!("{}/webhooks", mock.base_url(Provider::BillingIo));
    let theirs = |server: &wiremock::MockServer| format!("{}/webhooks", server.uri());
    let mut per_round = (Vec::new(), Vec::new());
    for _ in 0..START_ROUNDS {
        let started = Instant::now();
        for _ in 0..STARTS {
            let mock = MockServer::start().await.map_err(|e| e.to_string())?;
            get_once(&http, ours(&mock)).await?;
            drop(mock);
        }
        per_round.0.push(started.elapsed() / STARTS as u32);
        let started = Instant::now();
        for _ in 0..STARTS {
            let server = wiremock::MockServer::start().await;
            wiremock::Mock::given(wiremock::matchers::any())
                .respond_with(
                    wiremock::ResponseTemplate::new(200).set_body_json(json!({"data": []})),
                )
                .mount(&server)
                .await;
            get_once(&http, theirs(&server)).await?;
            drop(server);
        }
        per_round.1.push(started.elapsed() / STARTS as u32);
    }
    let micros = |d: Duration| d.as_secs_f64() * 1e6;
    let median_of = |mut d: Vec<Duration>| {
        d.sort();
        d[d.len() / 2]
    };
    let medians = (median_of(per_round.0), median_of(per_round.1));
    println!(
        "start + first request + drop, per mock (median of {START_ROUNDS} rounds of {STARTS}): \
         webhooks-mock {:.0} µs, wiremock-rs {:.0} µs: {:.2}x",
        micros(medians.0),
        micros(medians.1),
        medians.0.as_secs_f64() / medians.1.as_secs_f64()
    );
    let held = |before: Option<u64>, after: Option<u64>| {
        after
            .zip(before)
            .map(|(a, b)| a.saturating_sub(b) as f64 / HELD as f64)
    };
    let before = memory_kib(std::process::id(), "VmRSS");
    let mut mocks = Vec::new();
    for _ in 0..HELD {
        let mock = MockServer::start().await.map_err(|e| e.to_string())?;
        get_once(&http, ours(&mock)).await?;
        mocks.push(mock);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ours = held(before, memory_kib(std::process::id(), "VmRSS"));
    drop(mocks);
    let before = memory_kib(std::process::id(), "VmRSS");
    let mut servers = Vec::new();
    for _ in 0..HELD {
        let server = wiremock::MockServer::start().await;
        get_once(&http, theirs(&server)).await?;
        servers.push(server);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let theirs = held(before, memory_kib(std::process::id(), "VmRSS"));
    // wiremock's Drop blocks on a tokio lock; dropped in a row they exhaust
    // the task's coop budget and spin, so each gets a fresh poll.
    for server in servers {
        drop(server);
        tokio::task::yield_now().await;
    }
    let kib = |k: Option<f64>| k.map_or("n/a".to_string(), |k| format!("{k:.0} KiB"));
    let ratio = ours
        .zip(theirs)
        .filter(|(_, theirs)| *theirs > 0.0)
        .map_or("n/a".to_string(), |(ours, theirs)| {
            format!("{:.2}x", ours / theirs)
        });
    println!(
        "resident memory per idle mock, {HELD} held (each answered one request): webhooks-mock {}, wiremock-rs {}: {ratio}",
        kib(ours),
        kib(theirs),
    );
    Ok(())
}

/// One `GET` with the bench's key (wiremock ignores it), body read.
async fn get_once(http: &reqwest::Client, url: String) -> Result<(), String> {
    let response = http
        .get(url)
        .header("authorization", KEY)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let _ = response.bytes().await;
    Ok(())
}

/// Deliveries per second from trigger to a receiver's 2xx, signed, for
/// `endpoints` endpoints of one tenant subscribed to the event: 2,000
/// deliveries, timed from the first trigger to the last 2xx.
async fn delivery_rate(
    http: &reqwest::Client,
    mock: &Server,
    endpoints: usize,
) -> Result<(), String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const DELIVERIES: usize = 2_000;
    let received = Arc::new(AtomicUsize::new(0));
    let (receiver, hook) = bind_receiver().await?;
    let counter = received.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |_body: axum::body::Bytes| {
            let counter = counter.clone();
            async move {
                counter.fetch_add(1, Ordering::SeqCst);
                axum::http::StatusCode::NO_CONTENT
            }
        }),
    );
    let served = tokio::spawn(async move { axum::serve(receiver, app).await });
    // A tenant of its own, so each event goes to these endpoints only.
    let key = format!("Bearer sk_test_rate_{endpoints}");
    let base = format!("{}/v1", mock.addr);
    for _ in 0..endpoints {
        http.post(format!("{base}/webhooks"))
            .header("authorization", &key)
            .json(&json!({"url": hook, "events": ["checkout.completed"]}))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?;
    }
    let events = DELIVERIES / endpoints;
    let trigger = format!("{}/__mock/billing-io/events", mock.addr);
    let started = Instant::now();
    for _ in 0..events {
        http.post(&trigger)
            .header("authorization", &key)
            .json(&json!({"type": "checkout.completed"}))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(|e| e.to_string())?;
    }
    let expected = events * endpoints;
    while received.load(Ordering::SeqCst) < expected {
        if started.elapsed() > Duration::from_secs(120) {
            served.abort();
            return Err(format!(
                "{} of {expected} deliveries arrived in 120 s",
                received.load(Ordering::SeqCst)
            ));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let seconds = started.elapsed().as_secs_f64();
    served.abort();
    println!(
        "{:<34} {:>12} {:>12.0} {:>7}   {:.0} events/s",
        format!("deliveries, {endpoints} endpoint(s)"),
        "",
        expected as f64 / seconds,
        "",
        events as f64 / seconds,
    );
    Ok(())
}

/// A listener for a receiver on a free port, and its `/hook` URL.
async fn bind_receiver() -> Result<(tokio::net::TcpListener, String), String> {
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let hook = format!(
        "http://{}/hook",
        receiver.local_addr().map_err(|e| e.to_string())?
    );
    Ok((receiver, hook))
}

/// Deliveries must not slow the API: a receiver that takes 500 ms per
/// delivery, a thousand events in flight, and gets measured again.
async fn slow_deliveries(http: &reqwest::Client, mock: &Server, id: &str) -> Result<(), String> {
    let base = format!("{}/v1", mock.addr);
    let (receiver, hook) = bind_receiver().await?;
    tokio::spawn(slow_receiver(receiver));
    // Another tenant, so the event goes to this one endpoint only.
    const DELIVERY_KEY: &str = "Bearer sk_test_deliveries";
    http.post(format!("{base}/webhooks"))
        .header("authorization", DELIVERY_KEY)
        .json(&json!({"url": hook, "events": ["checkout.completed"]}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let trigger = format!("{}/__mock/billing-io/events", mock.addr);
    let triggered = measure(http, 1000, move |http, _| {
        http.post(&trigger)
            .header("authorization", DELIVERY_KEY)
            .json(&json!({"type": "checkout.completed"}))
    })
    .await?;
    print_row("trigger an event (1,000)", triggered);
    let url = format!("{base}/webhooks/{id}");
    let get = measure(http, ROUNDS_OF, move |http, _| {
        http.get(&url).header("authorization", KEY)
    })
    .await?;
    print_row("get, 1,000 slow deliveries in flight", get);
    Ok(())
}

fn print_row(name: &str, f: Figures) {
    println!(
        "{name:<34} {:>12} {:>12.0} {:>7}   {:.2} / {:.2} ms{}",
        "",
        f.rate,
        "",
        f.p50_ms,
        f.p99_ms,
        if f.failed > 0 {
            format!("   ({} failed)", f.failed)
        } else {
            String::new()
        }
    );
}

/// The first endpoint a server lists.
async fn first_id(http: &reqwest::Client, server: &Server) -> Result<String, String> {
    let (page, _) = list_page(http, &format!("{}/v1", server.addr)).await?;
    page["data"][0]["webhook_id"]
        .as_str()
        .or_else(|| page[0]["webhook_id"].as_str())
        .map(str::to_string)
        .ok_or_else(|| format!("no endpoint listed by {}", server.addr))
}

/// The first page of one endpoint, and its next cursor.
async fn list_page(http: &reqwest::Client, base: &str) -> Result<(Value, String), String> {
    let page: Value = http
        .get(format!("{base}/webhooks?limit=1"))
        .header("authorization", KEY)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let cursor = page["next_cursor"].as_str().unwrap_or_default().to_string();
    Ok((page, cursor))
}

/// A server process printing `… http://ADDR` as its first line.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(command: &mut Command) -> Result<Self, String> {
        let mut child = command
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start a server: {e}"))?;
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines
            .next()
            .ok_or("no output")?
            .map_err(|e| e.to_string())?;
        let addr = first
            .rsplit(' ')
            .next()
            .ok_or("no address printed")?
            .to_string();
        // Keep reading (the mock logs every request) so it never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// The baseline: a bare axum server that parses a JSON body, stores it in a
/// map under a mutex and answers JSON; gets read it back. It answers the
/// documents the mock answers (the same fields, so the same bytes to encode
/// and send): no auth, no validation, no journal, the floor any mock stands on.
fn baseline_server() {
    use axum::extract::{Path, State};
    use axum::routing::{get, post};
    type Store = Arc<Mutex<HashMap<String, Value>>>;
    async fn create(
        State(store): State<Store>,
        axum::Json(mut body): axum::Json<Value>,
    ) -> (axum::http::StatusCode, axum::Json<Value>) {
        let mut map = store.lock().unwrap();
        let id = format!("we_{:024x}", map.len());
        body["webhook_id"] = json!(id);
        body["description"] = body.get("description").cloned().unwrap_or(Value::Null);
        body["status"] = json!("active");
        body["created_at"] = json!(CREATED_AT);
        map.insert(id, body.clone());
        // Shown once, as the mock shows an endpoint's signing secret.
        body["secret"] = json!(format!("whsec_{:024x}", map.len()));
        (axum::http::StatusCode::CREATED, axum::Json(body))
    }
    async fn read(
        State(store): State<Store>,
        Path(id): Path<String>,
    ) -> Result<axum::Json<Value>, axum::http::StatusCode> {
        store
            .lock()
            .unwrap()
            .get(&id)
            .cloned()
            .map(axum::Json)
            .ok_or(axum::http::StatusCode::NOT_FOUND)
    }
    async fn list(State(store): State<Store>) -> axum::Json<Value> {
        let first = store.lock().unwrap().values().next().cloned();
        axum::Json(json!({"data": first.into_iter().collect::<Vec<_>>()}))
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a port");
        println!(
            "baseline listening on http://{}",
            listener.local_addr().expect("an address")
        );
        let app = axum::Router::new()
            .route("/v1/webhooks", post(create).get(list))
            .route("/v1/webhooks/{id}", get(read))
            .with_state(Store::default());
        axum::serve(listener, app).await.expect("serves");
    });
}

/// Throughput, latency and CPU of one measured run.
#[derive(Debug, Clone, Copy)]
struct Figures {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    failed: usize,
    /// Requests sent.
    count: usize,
    /// The server process's CPU time per request, in µs (when measured on one).
    server_us: f64,
    /// This process's (the load generator's) CPU time per request, in µs.
    generator_us: f64,
}

/// The middle of `values` (the upper middle of an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Each figure's median over some rounds.
fn median_figures(rounds: &[Figures]) -> Figures {
    let median_of = |pick: fn(&Figures) -> f64| median(rounds.iter().map(pick).collect());
    Figures {
        rate: median_of(|f| f.rate),
        p50_ms: median_of(|f| f.p50_ms),
        p99_ms: median_of(|f| f.p99_ms),
        failed: rounds.iter().map(|f| f.failed).sum(),
        count: rounds.iter().map(|f| f.count).sum(),
        server_us: median_of(|f| f.server_us),
        generator_us: median_of(|f| f.generator_us),
    }
}

/// [`measure`] against `server`, with each side's CPU time per request.
async fn measure_on<F>(
    http: &reqwest::Client,
    server: &Server,
    total: usize,
    make: F,
) -> Result<Figures, String>
where
    F: Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let pid = server.child.id();
    let (server_before, own_before) = (cpu_ticks(&pid.to_string()), cpu_ticks("self"));
    let mut figures = measure(http, total, make).await?;
    let per_request = |before: Option<u64>, after: Option<u64>| match (before, after) {
        // Clock ticks are 100 a second on Linux (USER_HZ): 10,000 µs each.
        (Some(b), Some(a)) => a.saturating_sub(b) as f64 * 10_000.0 / total as f64,
        _ => f64::NAN,
    };
    figures.server_us = per_request(server_before, cpu_ticks(&pid.to_string()));
    figures.generator_us = per_request(own_before, cpu_ticks("self"));
    Ok(figures)
}

/// A process's CPU time so far (user + system, in clock ticks), from
/// `/proc/<pid>/stat` (Linux).
fn cpu_ticks(pid: &str) -> Option<u64> {
    stat_fields(pid, [14, 15])
}

/// The CPU time (clock ticks) of this process's children that have ended
/// and been waited for: a `wrk` run, once it is over.
fn children_ticks() -> Option<u64> {
    stat_fields("self", [16, 17])
}

/// The sum of two numeric fields of `/proc/<pid>/stat` (1-based, as `man proc` numbers them).
fn stat_fields(pid: &str, which: [usize; 2]) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // After the command name (in parentheses) come fields 3 onwards.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let field = |i: usize| fields.get(i - 3)?.parse::<u64>().ok();
    Some(field(which[0])? + field(which[1])?)
}

/// Whether a program is on the PATH.
fn on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(name).is_file()))
}

/// [`WRK_SECONDS`] of `method url` (with `body` as JSON) from `wrk` on one
/// thread and [`CONNECTIONS`] connections, with the server's CPU time and
/// wrk's own per request.
fn wrk_on(server: &Server, method: &str, url: &str, body: Option<&str>) -> Result<Figures, String> {
    let script = std::env::temp_dir().join(format!("webhooks-bench-{}.lua", std::process::id()));
    let mut lua = format!("wrk.method = {method:?}\nwrk.headers[\"Authorization\"] = {KEY:?}\n");
    if let Some(body) = body {
        lua.push_str(&format!(
            "wrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = {body:?}\n"
        ));
    }
    std::fs::write(&script, lua).map_err(|e| e.to_string())?;
    let pid = server.child.id().to_string();
    let (server_before, wrk_before) = (cpu_ticks(&pid), children_ticks());
    let output = Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{WRK_SECONDS}s"),
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let (server_after, wrk_after) = (cpu_ticks(&pid), children_ticks());
    let _ = std::fs::remove_file(&script);
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!(
            "wrk failed: {text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    // "123456 requests in 3.00s, …", "Requests/sec: …", latency percentiles.
    let requests: f64 = text
        .lines()
        .find_map(|l| {
            l.trim()
                .split_once(" requests in ")
                .map(|(n, _)| n.trim().parse().ok())
        })
        .flatten()
        .ok_or_else(|| format!("no request count from wrk: {text}"))?;
    let word_after = |label: &str| {
        text.lines().find_map(|l| {
            l.trim()
                .strip_prefix(label)
                .map(|rest| rest.trim().to_string())
        })
    };
    let rate = word_after("Requests/sec:")
        .and_then(|r| r.parse().ok())
        .unwrap_or(f64::NAN);
    let failed = word_after("Non-2xx or 3xx responses:")
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let millis = |label: &str| word_after(label).map_or(f64::NAN, |t| wrk_millis(&t));
    let per_request = |before: Option<u64>, after: Option<u64>| match (before, after) {
        // Clock ticks are 100 a second on Linux (USER_HZ): 10,000 µs each.
        (Some(b), Some(a)) => a.saturating_sub(b) as f64 * 10_000.0 / requests,
        _ => f64::NAN,
    };
    Ok(Figures {
        rate,
        p50_ms: millis("50%"),
        p99_ms: millis("99%"),
        failed,
        count: requests as usize,
        server_us: per_request(server_before, server_after),
        generator_us: per_request(wrk_before, wrk_after),
    })
}

/// wrk's latency text (`812.00us`, `1.20ms`, `2.00s`) in milliseconds.
fn wrk_millis(text: &str) -> f64 {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (text, f64::NAN)
    };
    number.parse::<f64>().map_or(f64::NAN, |n| n * factor)
}

/// wiremock-rs as a server process answering the same operations with fixed
/// bodies (what a peer's mock does per request: match and answer).
fn wiremock_server() {
    use wiremock::matchers::{method, path, path_regex};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let addr = listener.local_addr().expect("an address");
        let server = MockServer::builder().listener(listener).start().await;
        let endpoint = json!({"webhook_id": "we_0123456789abcdef01234567", "url": "https://example.com/hook",
                              "events": ["checkout.completed"], "description": null, "status": "active",
                              "created_at": CREATED_AT});
        let mut created = endpoint.clone();
        created["secret"] = json!("whsec_0123456789abcdef01234567");
        Mock::given(method("POST"))
            .and(path("/v1/webhooks"))
            .respond_with(ResponseTemplate::new(201).set_body_json(&created))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/v1/webhooks"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [endpoint], "has_more": false})))
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path_regex("^/v1/webhooks/[^/]+$"))
            .respond_with(ResponseTemplate::new(200).set_body_json(&endpoint))
            .mount(&server)
            .await;
        println!("wiremock listening on http://{addr}");
        std::future::pending::<()>().await;
    });
}

/// Sends `total` requests from [`CONNECTIONS`] tasks; returns the figures.
async fn measure<F>(http: &reqwest::Client, total: usize, make: F) -> Result<Figures, String>
where
    F: Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync + 'static,
{
    let make = Arc::new(make);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..CONNECTIONS {
        let http = http.clone();
        let make = make.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut ok = 0;
            for n in (worker..total).step_by(CONNECTIONS) {
                let sent = Instant::now();
                if let Ok(response) = make(&http, n).send().await {
                    if response.status().is_success() {
                        ok += 1;
                    }
                    let _ = response.bytes().await;
                }
                latencies.push(sent.elapsed());
            }
            (latencies, ok)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::with_capacity(total);
    let mut ok = 0;
    for task in tasks {
        let (l, n) = task.await.map_err(|e| e.to_string())?;
        latencies.extend(l);
        ok += n;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let at = |q: f64| latencies[((latencies.len() as f64 * q) as usize).min(latencies.len() - 1)];
    Ok(Figures {
        rate: total as f64 / elapsed.as_secs_f64(),
        p50_ms: at(0.50).as_secs_f64() * 1000.0,
        p99_ms: at(0.99).as_secs_f64() * 1000.0,
        failed: total - ok,
        count: total,
        server_us: f64::NAN,
        generator_us: f64::NAN,
    })
}

/// Accepts connections and answers each request after 500 ms.
async fn slow_receiver(listener: tokio::net::TcpListener) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    while let Ok((mut stream, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = vec![0u8; 64 * 1024];
            let _ = stream.read(&mut buf).await;
            tokio::time::sleep(Duration::from_millis(500)).await;
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                .await;
        });
    }
}

/// A figure of a process's memory in KiB (Linux `VmRSS`, `VmHWM`).
fn memory_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status
        .lines()
        .find(|l| l.starts_with(&format!("{field}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
