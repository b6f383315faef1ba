//! Receiving webhooks: an axum receiver built with the SDK's extractor,
//! tested against the mock server, which delivers real signed events.
//!
//! Run it with `cargo run -p webhooks-sdk --example receive --features axum`.

use axum::Router;
use axum::http::StatusCode;
use axum::routing::post;
use tokio::sync::mpsc;
use webhooks_mock::deliveries::Trigger;
use webhooks_mock::{MockServer, Provider};
use webhooks_sdk::billing_io::webhook::{BillingIo, Event, Webhook};
use webhooks_sdk::billing_io::{self, EventType};
use webhooks_sdk::receive::MemoryReplayGuard;
use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};

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
        .body_map(|b| b.url(&url).events(vec![EventType::CheckoutCompleted]))
        .send()
        .await?
        .into_inner();
    let secret = endpoint
        .secret
        .expect("the secret comes with the create response");
    println!("registered {} -> {url}", endpoint.webhook_id);

    // The extractor reads the raw body, verifies it, and skips duplicates.
    let receiver =
        Receiver::new(Webhook::new([secret])?).replay_guard(MemoryReplayGuard::default());
    let (tx, mut rx) = mpsc::channel(8);
    let app = Router::new()
        .route(
            "/webhooks/billing",
            post(move |delivery: Verified<BillingIo>| async move {
                let _ = tx.send(delivery.event()).await;
                StatusCode::OK
            }),
        )
        .layer(ReplayLayer)
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // Ask the mock to send a signed checkout.completed event.
    let data = serde_json::json!({"checkout_id": "co_example", "status": "confirmed"});
    let triggered = mock.trigger(
        Provider::BillingIo,
        "sk_test_receiver",
        Trigger::new("checkout.completed").data(data),
    )?;
    println!("triggered event {}", triggered.event_id());

    let event = tokio::time::timeout(std::time::Duration::from_secs(10), rx.recv())
        .await?
        .ok_or("the receiver stopped")?;
    match event {
        Event::Known(event) => println!(
            "verified {} ({}) for checkout {}",
            event.event_id, event.event_type, event.data.checkout_id
        ),
        other => println!("verified, but not a typed event: {other:?}"),
    }
    Ok(())
}
