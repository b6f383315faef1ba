//! The reference webhook receiver: verifies, deduplicates and reads
//! deliveries from billing.io, meum.io and Commet, the way the SDK's axum
//! extractor does, and prints one JSON line per processed event on stdout.
//! Receivers in other languages can be compared with it.
//!
//! ```sh
//! BILLING_IO_WEBHOOK_SECRETS=whsec_new,whsec_old MEUM_WEBHOOK_SECRETS=… COMMET_WEBHOOK_SECRETS=… \
//!   cargo run -p webhooks-sdk --example receiver --features axum -- --addr 127.0.0.1:3000
//! ```
//!
//! It serves `POST /webhooks/billing-io`, `POST /webhooks/meum` and
//! `POST /webhooks/commet` (each only when its secrets are set: comma
//! separated, newest first) and prints, for every processed event,
//! `{"provider": "billing-io", "id": "…", "type": "…", "known": true}`
//! (`known`: the type and data read as a documented typed event). An event
//! of unknown type or unrecognised data is processed too (2xx, `known:
//! false`); a duplicate is answered 2xx and not printed again; a refused
//! delivery gets a 4xx and is not printed. Its address and every refusal go
//! to stderr; nothing else goes to stdout.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use webhooks_sdk::billing_io::webhook::BillingIo;
use webhooks_sdk::commet::webhook::Commet;
use webhooks_sdk::meum::webhook::Meum;
use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};
use webhooks_sdk::receive::{MemoryReplayGuard, Scheme, Webhook};

/// Prints the processed event as one JSON line.
async fn processed<S: Scheme>(delivery: Verified<S>) -> StatusCode {
    let event = delivery.neutral();
    let line = serde_json::json!({
        "provider": event.provider.name(),
        "id": event.id,
        "type": event.event_type,
        "known": event.known,
    });
    let mut stdout = std::io::stdout().lock();
    match writeln!(stdout, "{line}").and_then(|()| stdout.flush()) {
        Ok(()) => StatusCode::OK,
        // Not recorded: let the provider retry.
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// The route of one provider, if its secrets are set in `variable`.
fn route<S: Scheme>(
    variable: &str,
    guard: &Arc<MemoryReplayGuard>,
) -> Result<Option<Router>, String> {
    let Ok(secrets) = std::env::var(variable) else {
        eprintln!(
            "receiver: {variable} is not set; /webhooks/{} is not served",
            S::PROVIDER
        );
        return Ok(None);
    };
    let secrets: Vec<String> = secrets.split(',').map(|s| s.trim().to_string()).collect();
    let webhook = Webhook::<S>::new(secrets).map_err(|e| format!("{variable}: {e}"))?;
    let receiver = Receiver::new(webhook).replay_guard(guard.clone());
    let path = format!("/webhooks/{}", S::PROVIDER);
    Ok(Some(
        Router::new()
            .route(&path, post(processed::<S>))
            .with_state(receiver),
    ))
}

fn address() -> Result<SocketAddr, String> {
    let mut args = std::env::args().skip(1);
    let mut addr = "127.0.0.1:3000".to_string();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--addr" => addr = args.next().ok_or("--addr needs an address")?,
            other => {
                return Err(format!(
                    "unknown argument {other:?}; usage: receiver [--addr HOST:PORT]"
                ));
            }
        }
    }
    addr.parse().map_err(|e| format!("--addr {addr}: {e}"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
    match run().await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(why) => {
            eprintln!("receiver: {why}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let addr = address()?;
    // One guard for all three routes: its keys name the provider.
    let guard = Arc::new(MemoryReplayGuard::default());
    let mut app = Router::new();
    for route in [
        route::<BillingIo>("BILLING_IO_WEBHOOK_SECRETS", &guard)?,
        route::<Meum>("MEUM_WEBHOOK_SECRETS", &guard)?,
        route::<Commet>("COMMET_WEBHOOK_SECRETS", &guard)?,
    ]
    .into_iter()
    .flatten()
    {
        app = app.merge(route);
    }
    let app = app.layer(ReplayLayer);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("receiver: listening on http://{bound}");
    axum::serve(listener, app).await.map_err(|e| e.to_string())
}
