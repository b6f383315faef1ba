//! Receiving webhooks: an axum handler that verifies billing.io's signature,
//! tested against the mock server, which delivers real signed events.
//!
//! Run it with `cargo run -p webhooks-sdk --example receive`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::mpsc;
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::billing_io::{self, webhook};

/// What the receiver needs: the endpoint's secret, and where to report events.
struct Receiver {
    secret: String,
    events: mpsc::Sender<webhook::Event>,
}

/// The handler: the raw body and headers in, 2xx only for a valid signature.
async fn receive(
    State(receiver): State<Arc<Receiver>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match webhook::verify_headers(
        &body,
        &headers,
        &receiver.secret,
        Some(webhook::DEFAULT_TOLERANCE),
    ) {
        Ok(event) => {
            let _ = receiver.events.send(event).await;
            StatusCode::OK
        }
        Err(why) => {
            eprintln!("rejected a delivery: {why}");
            StatusCode::BAD_REQUEST
        }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = MockServer::start().await?;
    let client =
        billing_io::Client::with_api_key(&mock.base_url(Provider::BillingIo), "sk_test_receiver")?;

    // The receiver listens on loopback: the mock delivers only there.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/webhooks/billing", listener.local_addr()?);
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url(&url)
                .events(vec![billing_io::EventType::CheckoutCompleted])
        })
        .send()
        .await?
        .into_inner();
    let secret = endpoint
        .secret
        .expect("the secret comes with the create response");
    println!("registered {} -> {url}", endpoint.webhook_id);

    let (tx, mut rx) = mpsc::channel(8);
    let app = axum::Router::new()
        .route("/webhooks/billing", post(receive))
        .with_state(Arc::new(Receiver {
            secret: secret.expose().to_string(),
            events: tx,
        }));
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Ask the mock to send a signed checkout.completed event.
    let triggered: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/__mock/billing-io/events", mock.addr()))
        .header("authorization", "Bearer sk_test_receiver")
        .json(&serde_json::json!({"type": "checkout.completed", "data": {"checkout_id": "co_example", "status": "confirmed"}}))
        .send()
        .await?
        .json()
        .await?;
    println!("triggered event {}", triggered["event"]["event_id"]);

    let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await?
        .ok_or("the receiver stopped")?;
    println!(
        "verified {} ({:?}) for checkout {:?}",
        event.event_id, event.type_, event.checkout_id
    );
    Ok(())
}
