//! Endpoints at two providers through one API: `AnyClient` picks the
//! provider at run time, and the same code registers, lists, pauses where
//! the provider allows it, and removes. Runs against the mock in-process.
//!
//! `cargo run -p webhooks-sdk --example any_client`

use futures_util::TryStreamExt;
use webhooks_sdk::ApiError;
use webhooks_sdk::endpoints::{Endpoints, Error, NewEndpoint};
use webhooks_sdk::{AnyClient, Provider};

/// A customer's connection to one provider, as a platform might store it.
struct Connection {
    provider: &'static str,
    api_key: &'static str,
    events: &'static [&'static str],
}

const CONNECTIONS: &[Connection] = &[
    Connection {
        provider: "billing-io",
        api_key: "sk_test_example",
        events: &["checkout.completed"],
    },
    Connection {
        provider: "commet",
        api_key: "ck_sandbox_example",
        events: &["subscription.created", "payment.failed"],
    },
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = webhooks_mock::MockServer::start().await?;
    for connection in CONNECTIONS {
        let provider: Provider = connection.provider.parse()?;
        let base =
            mock.base_url(webhooks_mock::Provider::from_name(provider.name()).ok_or("unknown")?);
        let client = AnyClient::with_api_key(provider, &base, connection.api_key)?;
        let endpoint = client
            .create(
                NewEndpoint::new(
                    "https://example.com/hooks",
                    connection.events.iter().copied(),
                )
                .description("orders"),
            )
            .await?;
        println!(
            "{provider}: created {} ({})",
            endpoint.id,
            endpoint.events.join(", ")
        );
        if let Some(secret) = &endpoint.secret {
            println!(
                "{provider}:   store its signing secret ({} characters)",
                secret.expose().len()
            );
        }
        let all: Vec<_> = client.list().try_collect().await?;
        println!("{provider}: {} endpoint(s) listed", all.len());
        match client.set_enabled(&endpoint.id, false).await {
            Ok(paused) => println!("{provider}: paused, enabled = {}", paused.enabled),
            Err(Error::Unsupported { .. }) => {
                println!("{provider}: cannot pause endpoints (undocumented)")
            }
            Err(e) => println!("{provider}: {} ({:?})", e, e.http_status()),
        }
        client.delete(&endpoint.id).await?;
        println!("{provider}: deleted {}", endpoint.id);
    }
    Ok(())
}
