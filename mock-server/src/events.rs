//! `webhooks-mock send` and `webhooks-mock trigger`: signed test events
//! from the command line, for receivers in any language.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use serde_json::Value;
use webhooks_mock::Provider;

/// `send`: one signed event, POSTed once.
#[derive(Args)]
pub struct SendArgs {
    /// Whose envelope and signature to use (billing-io, meum, commet; the
    /// others do not document how their deliveries are signed).
    #[arg(long, value_parser = crate::provider)]
    provider: Provider,
    /// The endpoint's signing secret.
    #[arg(long)]
    secret: String,
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
}

/// `trigger`: a running mock delivers to a tenant's endpoints.
#[derive(Args)]
pub struct TriggerArgs {
    /// Where the mock listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// The provider whose endpoints get the event.
    #[arg(long, value_parser = crate::provider)]
    provider: Provider,
    /// The tenant's API key (as registered with the mock).
    #[arg(long)]
    api_key: String,
    /// The event type, in the provider's own names.
    event_type: String,
    /// The event's data, as JSON.
    #[arg(long, conflicts_with = "data_file")]
    data: Option<String>,
    /// The event's data, as JSON read from a file.
    #[arg(long)]
    data_file: Option<PathBuf>,
    /// The mock's admin token, if it requires one (a mock on a shared address).
    #[arg(long, env = "WEBHOOKS_MOCK_ADMIN_TOKEN", hide_env_values = true)]
    admin_token: Option<String>,
}

/// One clear line on stderr, and exit code 1.
fn fail(why: impl std::fmt::Display) -> ExitCode {
    eprintln!("webhooks-mock: {why}");
    ExitCode::FAILURE
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

/// Signs the event, POSTs it once, prints what was sent and answered; 0 on
/// a 2xx answer, 1 otherwise.
pub async fn send(args: SendArgs) -> ExitCode {
    let url = match reqwest::Url::parse(&args.url) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => url,
        Ok(_) => return fail(format!("--url {}: not an http(s) URL", args.url)),
        Err(e) => return fail(format!("--url {}: {e}", args.url)),
    };
    if !args.allow_remote && !webhooks_mock::is_loopback_url(&url) {
        return fail(format!(
            "--url {url}: not a loopback host; pass --allow-remote to send there"
        ));
    }
    let data = match data(args.data, args.data_file) {
        Ok(data) => data,
        Err(why) => return fail(why),
    };
    let event = match args
        .provider
        .sign_event(&args.event_type, data, &args.secret)
    {
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
    println!("POST {url} -> {status}");
    for (name, value) in &event.headers {
        println!("  {name}: {value}");
    }
    println!("  body: {}", String::from_utf8_lossy(&event.body));
    let answer = response.text().await.unwrap_or_default();
    println!("answer: {answer}");
    if status.is_success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Asks a running mock to deliver, and prints where the event goes.
pub async fn trigger(args: TriggerArgs) -> ExitCode {
    let data = match data(args.data, args.data_file) {
        Ok(data) => data,
        Err(why) => return fail(why),
    };
    let http = match http() {
        Ok(http) => http,
        Err(why) => return fail(why),
    };
    let url = format!(
        "http://{}/__mock/{}/events",
        args.addr,
        args.provider.name()
    );
    let (header, value) = args.provider.auth_header(&args.api_key);
    let mut body = serde_json::json!({"type": args.event_type});
    if let Some(data) = data {
        body["data"] = data;
    }
    let response = match http
        .post(&url)
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
    let deliveries = answer["deliveries"].as_array().cloned().unwrap_or_default();
    println!(
        "event {} delivered to {} endpoint(s)",
        answer["event"]["id"]
            .as_str()
            .or(answer["event"]["event_id"].as_str())
            .unwrap_or("?"),
        deliveries.len()
    );
    for delivery in deliveries {
        println!(
            "  {}  {}",
            delivery["endpoint_id"].as_str().unwrap_or("?"),
            delivery["url"].as_str().unwrap_or("?")
        );
    }
    println!("attempts: GET http://{}/__mock/deliveries", args.addr);
    ExitCode::SUCCESS
}
