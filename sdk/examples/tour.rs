//! A tour of the SDK against a local stand-in for each provider (wiremock on
//! 127.0.0.1, answering with the examples from the providers' docs): create
//! an endpoint, page through a list, read a typed error, and see that
//! secrets stay out of `Debug` output.
//!
//! Run it with `cargo run -p webhooks-sdk --example tour`.

use serde_json::{Value, json};
use webhooks_sdk::{billing_io, chargeapi, commet, donutwork, meum};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Answers `verb path` with `status` and `body` on `server`.
async fn answer(server: &MockServer, verb: &str, route: &str, status: u16, body: Value) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .mount(server)
        .await;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    let base = server.uri();

    // billing.io: the create example from its docs, then a 404.
    answer(&server, "POST", "/webhooks", 201, json!({
        "webhook_id": "we_a1b2c3d4e5f6a7b8c9d0e1f2", "url": "https://your-app.com/webhooks/billing",
        "events": ["checkout.completed", "checkout.expired"], "secret": "whsec_a1b2c3d4e5f6a7b8c9d0e1f2",
        "status": "active", "created_at": "2025-01-15T12:00:00Z"
    }))
    .await;
    answer(&server, "GET", "/webhooks/we_missing", 404, json!({"error": {
        "type": "not_found", "code": "checkout_not_found", "message": "No checkout found with ID co_abc123.", "param": "checkout_id"
    }}))
    .await;
    let billing = billing_io::Client::with_api_key(&base, "sk_test_tour")?;
    let endpoint = billing
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("https://your-app.com/webhooks/billing").events(vec![
                billing_io::EventType::CheckoutCompleted,
                billing_io::EventType::CheckoutExpired,
            ])
        })
        .send()
        .await?
        .into_inner();
    println!("billing.io created {:?}", endpoint.webhook_id);
    println!("  Debug output hides the secret: {:?}", endpoint.secret);
    match billing
        .get_webhook_endpoint()
        .webhook_id("we_missing")
        .send()
        .await
    {
        Err(billing_io::Error::ErrorResponse(e)) => {
            println!(
                "  a missing endpoint: {} {} ({})",
                e.status(),
                e.error.code,
                e.error.message
            )
        }
        other => println!("  unexpected: {other:?}"),
    }

    // Charge: a page of endpoints, with the API version pinned.
    answer(&server, "GET", "/webhook_endpoints", 200, json!({
        "data": [{"id": "wh_BGEvrcAAB2Yh06o3XeLANGwlG0snV36F", "object": "webhook_endpoint", "created": "2026-03-03T14:05:23.789Z",
                  "enabled_events": ["report.succeeded"], "livemode": false, "status": "enabled",
                  "url": "https://example.com/webhook/endpoint", "secret": "whsec_tour"}],
        "next_page_url": null, "previous_page_url": null
    }))
    .await;
    let charge = chargeapi::Client::builder("ch_sk_test_tour")
        .base_url(&base)
        .api_version("2026-03-01")
        .build()?;
    let page = charge
        .list_webhook_endpoints()
        .limit(10)
        .send()
        .await?
        .into_inner();
    for e in &page.data {
        println!(
            "Charge endpoint {:?} created {:?}",
            e.id,
            e.created.as_ref().and_then(|c| c.to_datetime())
        );
    }

    // Donutwork: the supported event types.
    answer(
        &server,
        "GET",
        "/webhooks/types.json",
        200,
        json!([
            "RecurringPayments.charge.paid",
            "RecurringPayments.charge.failed"
        ]),
    )
    .await;
    let donut = donutwork::Client::with_api_key(&base, "donut-tour-key")?;
    println!(
        "Donutwork event types: {:?}",
        donut.list_webhook_types().send().await?.into_inner()
    );

    // meum.io: the create example (its secret is shown once).
    answer(&server, "POST", "/v1/webhook-endpoints", 201, json!({
        "id": "wh_0123456789abcdefghij", "name": "Production webhook", "url": "https://api.example.com/webhooks/meum",
        "secret": "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "secret_prefix": "01234567",
        "events": ["invoice.created", "invoice.paid"], "message": "Save this secret now. It will not be shown again."
    }))
    .await;
    let meum = meum::Client::with_api_key(&base, "sk_live_tour")?;
    let created = meum
        .create_webhook_endpoint()
        .body_map(|b| {
            b.name("Production webhook".to_string())
                .url("https://api.example.com/webhooks/meum")
                .events(vec![
                    "invoice.created".to_string(),
                    "invoice.paid".to_string(),
                ])
        })
        .send()
        .await?
        .into_inner();
    println!(
        "meum.io: {} (secret starts {:?})",
        created.message.unwrap_or_default(),
        created.secret_prefix
    );

    // Commet: the envelope {"success": true, "data": ...}. Its POST /webhooks
    // would clash with billing.io's, so it gets a server of its own.
    let commet_server = MockServer::start().await;
    answer(&commet_server, "POST", "/webhooks", 201, json!({"success": true, "data": {
        "id": "wh_tour", "url": "http://example.com", "events": ["subscription.created"], "description": null,
        "isActive": true, "apiVersion": null, "createdAt": "2026-03-25T14:30:00Z", "secretKey": "whsec_tour",
        "object": "webhook", "livemode": false
    }}))
    .await;
    let commet = commet::Client::with_api_key(&commet_server.uri(), "ck_sandbox_tour")?;
    let created = commet
        .create_webhook_endpoint()
        .body_map(|b| {
            b.url("http://example.com")
                .events(vec![commet::EventType::SubscriptionCreated])
        })
        .send()
        .await?
        .into_inner();
    println!(
        "Commet created {} (active: {}), secret {:?}",
        created.data.id, created.data.is_active, created.data.secret_key
    );
    Ok(())
}
