//! `webhooks-mock send` and `webhooks-mock trigger`: signed test events
//! from the command line, for receivers in any language. With `--format
//! json`, stdout is one JSON document (what was sent, each delivery's status
//! and the receiver's answer) and everything else goes to stderr.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Args;
use serde_json::{Value, json};
use webhooks_mock::Provider;

/// How a command reports.
#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Format {
    /// Lines for people.
    Text,
    /// One JSON document on stdout, for scripts.
    Json,
}

/// `send`: one signed event, POSTed once.
#[derive(Args)]
pub struct SendArgs {
    /// Whose envelope and signature to use (billing-io, meum, commet; the
    /// others do not document how their deliveries are signed).
    #[arg(long, value_parser = crate::provider())]
    provider: Provider,
    /// The endpoint's signing secret (better from the environment or a file:
    /// arguments show in the process list).
    #[arg(
        long,
        env = "WEBHOOKS_MOCK_SECRET",
        hide_env_values = true,
        conflicts_with = "secret_file"
    )]
    secret: Option<String>,
    /// The signing secret, read from a file (one line).
    #[arg(long, value_name = "PATH")]
    secret_file: Option<PathBuf>,
    /// The receiver's URL (loopback hosts only, unless --allow-remote).
    #[arg(long)]
    url: String,
    /// The event type, in the provider's own names (such as checkout.completed).
    event_type: String,
    /// The event's data, as JSON (the provider's default data without it).
    #[arg(long, conflicts_with = "data_file")]
    data: Option<String>,
    /// The event's data, as JSON read from a file.
    #[arg(long)]
    data_file: Option<PathBuf>,
    /// Allow a receiver that is not on a loopback host.
    #[arg(long)]
    allow_remote: bool,
    /// text, or json: one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `trigger`: a running mock delivers to a tenant's endpoints.
#[derive(Args)]
pub struct TriggerArgs {
    /// Where the mock listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The provider whose endpoints get the event.
    #[arg(long, value_parser = crate::provider())]
    provider: Provider,
    /// The tenant's API key, as registered with the mock (better from the
    /// environment or a file: arguments show in the process list).
    #[arg(
        long,
        env = "WEBHOOKS_MOCK_API_KEY",
        hide_env_values = true,
        conflicts_with = "api_key_file"
    )]
    api_key: Option<String>,
    /// The tenant's API key, read from a file (one line).
    #[arg(long, value_name = "PATH")]
    api_key_file: Option<PathBuf>,
    /// The event type, in the provider's own names.
    event_type: String,
    /// The event's data, as JSON.
    #[arg(long, conflicts_with = "data_file")]
    data: Option<String>,
    /// The event's data, as JSON read from a file.
    #[arg(long)]
    data_file: Option<PathBuf>,
    /// How long to wait for each delivery's first attempt, to report its
    /// status and the receiver's answer (0: report only where it goes).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    wait: u64,
    /// The mock's admin token, if it requires one (a mock on a shared address).
    #[arg(long, env = "WEBHOOKS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
    /// text, or json: one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// One clear line on stderr, and exit code 1.
fn fail(why: impl std::fmt::Display) -> ExitCode {
    eprintln!("webhooks-mock: {why}");
    ExitCode::FAILURE
}

/// A secret given inline (or by the environment), or read from a file.
fn secret(inline: Option<String>, file: Option<PathBuf>, what: &str) -> Result<String, String> {
    let value = match (inline, file) {
        (Some(value), _) => value,
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the {what} file {}: {e}", path.display()))?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
        (None, None) => {
            return Err(format!(
                "no {what}: give it in the environment, with its --…-file option, or inline"
            ));
        }
    };
    if value.is_empty() {
        return Err(format!("the {what} is empty"));
    }
    Ok(value)
}

/// `--data` or `--data-file`, parsed.
fn data(inline: Option<String>, file: Option<PathBuf>) -> Result<Option<Value>, String> {
    let text = match (inline, file) {
        (Some(text), _) => text,
        (None, Some(path)) => std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read --data-file {}: {e}", path.display()))?,
        (None, None) => return Ok(None),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("the event data is not JSON: {e}"))
}

fn http() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        // A signed event goes where it was told, never where a 3xx points.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| format!("cannot build the HTTP client: {e}"))
}

/// A body as JSON when it is JSON, else as text.
fn body_value(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes).unwrap_or_else(|_| json!(String::from_utf8_lossy(bytes)))
}

/// Prints one JSON document on stdout.
fn print_json(report: &Value) {
    println!(
        "{}",
        serde_json::to_string_pretty(report).expect("JSON serialises")
    );
}

/// Signs the event, POSTs it once, reports what was sent and answered; 0
/// on a 2xx answer, 1 otherwise.
pub async fn send(args: SendArgs) -> ExitCode {
    let url = match reqwest::Url::parse(&args.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Ok(_) => return fail(format!("--url {}: not an http(s) URL", args.url)),
        Err(e) => return fail(format!("--url {}: {e}", args.url)),
    };
    if !args.allow_remote && !webhooks_mock::deliveries::is_loopback_url(&url) {
        return fail(format!(
            "--url {url}: not a loopback host; pass --allow-remote to send there"
        ));
    }
    let secret = match secret(args.secret, args.secret_file, "secret") {
        Ok(secret) => secret,
        Err(why) => return fail(why),
    };
    let data = match data(args.data, args.data_file) {
        Ok(data) => data,
        Err(why) => return fail(why),
    };
    let event = match args.provider.sign_event(&args.event_type, data, &secret) {
        Ok(event) => event,
        Err(why) => return fail(format!("{}: {why}", args.provider.name())),
    };
    let http = match http() {
        Ok(http) => http,
        Err(why) => return fail(why),
    };
    let mut request = http.post(url.clone()).body(event.body.clone());
    for (name, value) in &event.headers {
        request = request.header(*name, value);
    }
    tracing::debug!(event = %event.id, %url, "sending");
    let response = match request.send().await {
        Ok(response) => response,
        Err(e) => return fail(format!("POST {url}: {e}")),
    };
    let status = response.status();
    let answer = response.text().await.unwrap_or_default();
    match args.format {
        Format::Json => {
            let headers: serde_json::Map<String, Value> = event
                .headers
                .iter()
                .map(|(name, value)| (name.to_string(), json!(value)))
                .collect();
            print_json(&json!({
                "provider": args.provider.name(),
                "event_id": event.id,
                "sent": {"url": url.as_str(), "headers": headers, "body": body_value(&event.body)},
                "deliveries": [{
                    "url": url.as_str(),
                    "status": status.as_u16(),
                    "ok": status.is_success(),
                    "answer": answer,
                }],
            }));
        }
        Format::Text => {
            println!("POST {url} -> {status}");
            for (name, value) in &event.headers {
                println!("  {name}: {value}");
            }
            println!("  body: {}", String::from_utf8_lossy(&event.body));
            println!("answer: {answer}");
        }
    }
    if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Asks a running mock to deliver, waits for each delivery's first
/// attempt (up to `--wait`), and reports where the event went and how the
/// receivers answered; 0 once the mock accepted the event.
pub async fn trigger(args: TriggerArgs) -> ExitCode {
    let api_key = match secret(args.api_key, args.api_key_file, "API key") {
        Ok(key) => key,
        Err(why) => return fail(why),
    };
    let data = match data(args.data, args.data_file) {
        Ok(data) => data,
        Err(why) => return fail(why),
    };
    let http = match http() {
        Ok(http) => http,
        Err(why) => return fail(why),
    };
    let admin = |request: reqwest::RequestBuilder| match &args.admin_token {
        Some(token) => request.header(webhooks_mock::app::ADMIN_TOKEN_HEADER, token),
        None => request,
    };
    let url = format!(
        "http://{}/__mock/{}/events",
        args.addr,
        args.provider.name()
    );
    let (header, value) = args.provider.auth_header(&api_key);
    let mut body = json!({"type": args.event_type});
    if let Some(data) = data {
        body["data"] = data;
    }
    let response = match admin(http.post(&url))
        .header(header, value)
        .json(&body)
        .send()
        .await
    {
        Ok(response) => response,
        Err(e) => return fail(format!("POST {url}: {e} (is the mock running there?)")),
    };
    let status = response.status();
    let answer: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return fail(format!("the mock answered {status}: {answer}"));
    }
    let event_id = answer["event"]["event_id"]
        .as_str()
        .or(answer["event"]["id"].as_str())
        .unwrap_or_default()
        .to_string();
    let targets = answer["deliveries"].as_array().cloned().unwrap_or_default();
    let attempts_url = format!("http://{}/__mock/deliveries?event_id={event_id}", args.addr);
    let attempts = first_attempts(&http, &admin, &attempts_url, targets.len(), args.wait).await;
    let deliveries: Vec<Value> = targets
        .iter()
        .map(|target| {
            let attempt = attempts
                .iter()
                .find(|a| a["endpoint_id"] == target["endpoint_id"]);
            json!({
                "endpoint_id": target["endpoint_id"],
                "url": target["url"],
                "status": attempt.map_or(Value::Null, |a| a["status_code"].clone()),
                "error": attempt.map_or(Value::Null, |a| a["error"].clone()),
                "answer": attempt.map_or(Value::Null, |a| a["answer"].clone()),
            })
        })
        .collect();
    match args.format {
        Format::Json => print_json(&json!({
            "provider": args.provider.name(),
            "event_id": event_id,
            "event": answer["event"],
            "deliveries": deliveries,
            "attempts": attempts_url,
        })),
        Format::Text => {
            println!(
                "event {event_id} delivered to {} endpoint(s)",
                deliveries.len()
            );
            for delivery in &deliveries {
                let outcome = match (&delivery["status"], &delivery["error"]) {
                    (Value::Number(status), _) => format!("-> {status}"),
                    (_, Value::String(error)) => format!("-> {error}"),
                    _ => "(no attempt yet)".to_string(),
                };
                println!(
                    "  {}  {}  {outcome}",
                    delivery["endpoint_id"].as_str().unwrap_or("?"),
                    delivery["url"].as_str().unwrap_or("?"),
                );
            }
            println!("attempts: GET {attempts_url}");
        }
    }
    ExitCode::SUCCESS
}

/// The attempts recorded for the event, once there is one per delivery or
/// `wait` seconds have passed (the first of each endpoint comes first).
async fn first_attempts(
    http: &reqwest::Client,
    admin: &impl Fn(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
    url: &str,
    deliveries: usize,
    wait: u64,
) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(wait);
    loop {
        let attempts: Vec<Value> = match admin(http.get(url)).send().await {
            Ok(response) => response.json().await.unwrap_or_default(),
            Err(e) => {
                tracing::warn!("cannot read the attempts at {url}: {e}");
                Vec::new()
            }
        };
        let endpoints: std::collections::HashSet<String> = attempts
            .iter()
            .map(|a| a["endpoint_id"].to_string())
            .collect();
        if endpoints.len() >= deliveries || Instant::now() >= deadline {
            return attempts;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
