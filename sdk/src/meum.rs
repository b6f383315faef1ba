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
//! let id = created.id;
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
    api_version: None,
    idempotent_operations: [],
    retry_429_without_retry_after: true,
}

crate::error::error_body! {
    types::ErrorResponse,
    code: |e| Some(&e.error.code),
    message: |e| Some(&e.error.message),
    request_id: |_e| None,
    status: |_e| None,
    retry_429_without_retry_after: true,
}

impl<'a> builder::ListWebhookDeliveries<'a> {
    /// Every delivery attempt of the endpoint, passing the last item's `id`
    /// as `starting_after` page after page until a page comes back empty (the
    /// next page is requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::ItemStream<'a, types::WebhookDelivery, types::ErrorResponse> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: |builder, after: String| builder.starting_after(after),
                send: Self::send,
                split: |page: types::WebhookDeliveryList| crate::pagination::Page {
                    next: page.data.last().map(|d| d.id.clone()),
                    items: page.data,
                },
            },
        )
    }
}
