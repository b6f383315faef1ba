//! Commet: create, list, fetch, update, test and delete webhook endpoints.
//!
//! Authenticates with `x-api-key: <key>` (sandbox keys start `ck_sandbox_`).
//! Set [`ClientBuilder::api_version`](crate::ClientBuilder::api_version) to
//! send `Commet-Version`; otherwise none is sent. Bodies use the docs'
//! envelope `{"success": true, "data": …}`. The generated [`Client`], request
//! builders ([`builder`]) and models ([`types`]) come from
//! `openapi/commet.yaml`.
//!
//! ```no_run
//! use webhooks_sdk::commet::{Client, BASE_URL};
//! use webhooks_sdk::commet::types::EventType;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::with_api_key(BASE_URL, "ck_sandbox_xxxxxxxxx")?;
//! let created = client
//!     .create_webhook_endpoint()
//!     .body_map(|body| {
//!         body.url("https://example.com/webhooks/commet")
//!             .events(vec![EventType::SubscriptionCreated])
//!     })
//!     .send()
//!     .await?
//!     .into_inner()
//!     .data;
//! let test = client.test_webhook_endpoint().id(&created.id).send().await?.into_inner();
//! println!("test delivery {} succeeded: {}", test.data.delivery_id, test.data.success);
//! # Ok(()) }
//! ```

pub use crate::generated::commet::*;

pub mod webhook;

/// Commet's base URL (sandbox and live alike; the key picks the mode).
pub const BASE_URL: &str = "https://commet.co/api/v1";

crate::client::provider_client! {
    name: "Commet",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Header("x-api-key"),
    version_header: Some("commet-version"),
}

impl crate::client::VersionedProvider for Client {}
