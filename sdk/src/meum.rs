//! meum.io: create and update webhook endpoints, and read their deliveries.
//!
//! Authenticates with a store-scoped `Authorization: Bearer sk_live_…` key.
//! The generated [`Client`], request builders ([`builder`]) and models
//! ([`types`]) come from `openapi/meum.yaml`.
//!
//! ```no_run
//! use webhooks_sdk::meum::{Client, BASE_URL};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::with_api_key(BASE_URL, "sk_live_…")?;
//! let created = client
//!     .create_webhook_endpoint()
//!     .body_map(|body| {
//!         body.name("Production webhook".to_string())
//!             .url("https://api.example.com/webhooks/meum")
//!             .events(vec!["invoice.created".into(), "invoice.paid".into()])
//!     })
//!     .send()
//!     .await?
//!     .into_inner();
//! let id = created.id.expect("returned at creation");
//! let deliveries = client.list_webhook_deliveries().id(id).limit(20).send().await?;
//! # let _ = deliveries;
//! # Ok(()) }
//! ```

pub use crate::generated::meum::*;

pub mod webhook;

/// meum.io's production base URL.
pub const BASE_URL: &str = "https://api.meum.io";

crate::client::provider_client! {
    name: "meum.io",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Bearer,
    version_header: None,
}
