//! The mock as a test harness, end to end: a seeded mock with a manual
//! clock, a fault the client's retry gets through, the journal asked what
//! arrived, an expectation checked, and a signed delivery to a receiver
//! that the provider retries on its schedule when the receiver fails.
//!
//! ```sh
//! cargo run -p webhooks-mock --example harness
//! ```

use std::time::Duration;

use webhooks_mock::deliveries::{DeliveryFilter, Trigger};
use webhooks_mock::{Clock, Fault, MockServer, Provider, RequestFilter};
use webhooks_sdk::billing_io::{Client, EventType};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A receiver that fails once, then accepts.
    let receiver = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/hooks/billing", receiver.local_addr()?);
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let seen = calls.clone();
    let app = axum::Router::new().fallback(move || {
        let first = seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0;
        async move {
            if first {
                axum::http::StatusCode::SERVICE_UNAVAILABLE
            } else {
                axum::http::StatusCode::OK
            }
        }
    });
    tokio::spawn(async move { axum::serve(receiver, app).await });

    let mock = MockServer::builder()
        .seed(7)
        .clock(Clock::manual())
        .start()
        .await?;
    let key = "sk_test_harness";
    let client = Client::builder(key)
        .base_url(mock.base_url(Provider::BillingIo))
        .max_retries(1)
        .build()?;

    mock.add_fault(Fault::new(Provider::BillingIo, 503, 1).operation("createWebhookEndpoint"))?;
    let creates = mock
        .expect(Provider::BillingIo, "createWebhookEndpoint")
        .exactly(2);
    let endpoint = client
        .create_webhook_endpoint()
        .body_map(|b| b.url(&url).events(vec![EventType::CheckoutCompleted]))
        .send()
        .await?
        .into_inner();
    println!(
        "created {} after a 503 (seed 7: the same ID every run)",
        endpoint.webhook_id
    );
    let refused = RequestFilter {
        status: Some(503),
        ..Default::default()
    };
    println!(
        "journal: {} request(s) answered 503, {} create(s) seen",
        mock.requests_matching(&refused).len(),
        creates.seen()
    );

    let sent = mock.trigger(Provider::BillingIo, key, Trigger::new("checkout.completed"))?;
    let filter = DeliveryFilter {
        event_id: Some(sent.event_id().into()),
        ..Default::default()
    };
    let first = mock
        .wait_for_deliveries(&filter, 1, Duration::from_secs(5))
        .await?;
    println!("first attempt answered {:?}", first[0].status_code);
    // billing.io retries after 5 minutes: move the manual clock past it.
    mock.advance(Duration::from_secs(5 * 60)).await?;
    let attempts = mock
        .wait_for_deliveries(&filter, 2, Duration::from_secs(5))
        .await?;
    println!(
        "retry at +5 min of mock time answered {:?}",
        attempts[1].status_code
    );
    mock.verify()?;
    Ok(())
}
