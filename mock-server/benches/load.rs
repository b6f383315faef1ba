//! `cargo bench -p webhooks-mock`: starts the `webhooks-mock` binary on
//! 127.0.0.1, drives it with many concurrent keep-alive connections, and
//! prints requests/s and p50/p99 latency for create, get and list (with
//! 10,000 stored endpoints), and the server's peak memory. Figures, not
//! assertions: the machine is shared.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// Concurrent connections (tasks, each keeping its connection alive).
const CONNECTIONS: usize = 64;
/// Requests per measured read operation.
const REQUESTS: usize = 20_000;
/// Endpoints created (and so stored before the reads).
const STORED: usize = 10_000;
const KEY: &str = "Bearer sk_test_bench";

fn main() {
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
    let mut server = Server::start()?;
    let base = format!("{}/v1", server.addr);
    runtime.block_on(async {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(CONNECTIONS)
            .build()
            .map_err(|e| e.to_string())?;
        println!(
            "webhooks-mock, billing.io routes, {CONNECTIONS} keep-alive connections ({} cores)",
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        let body = json!({"url": "https://example.com/hook", "events": ["checkout.completed"]});
        let create_url = format!("{base}/webhooks");
        let created = measure("create", &http, STORED, {
            let url = create_url.clone();
            move |http: &reqwest::Client, _| {
                http.post(&url).header("authorization", KEY).json(&body)
            }
        })
        .await?;
        if created < STORED {
            return Err(format!("only {created} endpoints were created"));
        }
        let page: Value = http
            .get(format!("{base}/webhooks?limit=1"))
            .header("authorization", KEY)
            .send()
            .await
            .map_err(|e| e.to_string())?
            .json()
            .await
            .map_err(|e| e.to_string())?;
        let id = page["data"][0]["webhook_id"]
            .as_str()
            .ok_or("no endpoint listed")?
            .to_string();
        let cursor = page["next_cursor"].as_str().unwrap_or_default().to_string();
        measure("get", &http, REQUESTS, {
            let url = format!("{base}/webhooks/{id}");
            move |http: &reqwest::Client, _| http.get(&url).header("authorization", KEY)
        })
        .await?;
        measure("list (25 of 10,000 stored, cursor)", &http, REQUESTS, {
            let url = format!("{base}/webhooks?limit=25&cursor={cursor}");
            move |http: &reqwest::Client, _| http.get(&url).header("authorization", KEY)
        })
        .await?;
        // Deliveries must not slow the API: a receiver that takes 500 ms per
        // delivery, a thousand events in flight, and the reads measured again.
        let receiver = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let hook = format!(
            "http://{}/hook",
            receiver.local_addr().map_err(|e| e.to_string())?
        );
        tokio::spawn(slow_receiver(receiver));
        // Another tenant, so the event goes to this one endpoint only.
        const DELIVERY_KEY: &str = "Bearer sk_test_deliveries";
        http.post(format!("{base}/webhooks"))
            .header("authorization", DELIVERY_KEY)
            .json(&json!({"url": hook, "events": ["checkout.completed"]}))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let trigger = format!("{}/__mock/billing-io/events", server.addr);
        measure(
            "trigger an event (1,000)",
            &http,
            1000,
            move |http: &reqwest::Client, _| {
                http.post(&trigger)
                    .header("authorization", DELIVERY_KEY)
                    .json(&json!({"type": "checkout.completed"}))
            },
        )
        .await?;
        measure("get, 1,000 slow deliveries in flight", &http, REQUESTS, {
            let url = format!("{base}/webhooks/{id}");
            move |http: &reqwest::Client, _| http.get(&url).header("authorization", KEY)
        })
        .await?;
        match peak_memory_kib(server.child.id()) {
            Some(kib) => println!(
                "server peak memory (VmHWM, journal of every request included): {:.1} MiB",
                kib as f64 / 1024.0
            ),
            None => println!("server peak memory: not available on this platform"),
        }
        Ok::<(), String>(())
    })?;
    server.child.kill().map_err(|e| e.to_string())?;
    let _ = server.child.wait();
    Ok(())
}

/// The `webhooks-mock` binary serving billing.io at its real base path.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start() -> Result<Self, String> {
        let mut child = Command::new(env!("CARGO_BIN_EXE_webhooks-mock"))
            .args(["--addr", "127.0.0.1:0", "--provider", "billing-io"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start webhooks-mock: {e}"))?;
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
        // Keep reading so the server never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Ok(Self { child, addr })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// Sends `total` requests from [`CONNECTIONS`] tasks and prints the figures;
/// returns how many succeeded.
async fn measure<F>(
    name: &str,
    http: &reqwest::Client,
    total: usize,
    make: F,
) -> Result<usize, String>
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
    println!(
        "{name:<36} {:>8.0} req/s   p50 {:>7.2} ms   p99 {:>7.2} ms   ({ok}/{total} ok)",
        total as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
    );
    Ok(ok)
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

/// A process's peak resident memory (Linux `VmHWM`), in KiB.
fn peak_memory_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
