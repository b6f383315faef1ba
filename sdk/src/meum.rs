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

#[path = "generated/meum.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod webhook;

pub use generated::*;

/// meum.io's production base URL.
pub const BASE_URL: &str = "https://api.meum.io";

crate::declare::declare_provider! {
    provider: Meum,
    base_url: BASE_URL,
    auth: Bearer,
    idempotent_operations: [],
    retry_429_without_retry_after: true,
    error: types::ErrorResponse {
        code: |e| Some(&e.error.code),
        message: |e| Some(&e.error.message),
        request_id: |_e| None,
        status: |_e| None,
    },
    // meum.io documents no list, get or delete of endpoints.
    endpoints: {
        create: neutral::create,
        set_enabled: crate::endpoints::set_enabled_by_update,
        update: neutral::update,
    },
    webhook: webhook::Meum,
}

impl<'a> builder::ListWebhookDeliveries<'a> {
    /// Every delivery attempt of the endpoint, passing the last item's `id`
    /// as `starting_after` page after page until a page comes back empty (the
    /// next page is requested only when the caller has pulled the current one).
    pub fn stream(
        self,
    ) -> crate::pagination::ItemStream<'a, types::WebhookDelivery, types::ErrorResponse> {
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

/// The provider-neutral operations (`crate::endpoints`).
#[cfg(feature = "endpoints")]
mod neutral {
    use super::{Client, types};
    use crate::endpoints::{Endpoint, EndpointUpdate, Error, NewEndpoint, checked};

    /// The description, if any, becomes the endpoint's name.
    pub async fn create(client: &Client, new: NewEndpoint) -> Result<Endpoint, Error> {
        let name: Option<types::CreateWebhookEndpointRequestName> =
            checked("description", new.description)?;
        let created = client
            .create_webhook_endpoint()
            .body_map(|b| {
                let b = b.url(new.url).events(new.events);
                match name {
                    Some(name) => b.name(name),
                    None => b,
                }
            })
            .send()
            .await?
            .into_inner();
        Ok(Endpoint {
            id: created.id,
            url: created.url,
            events: created.events,
            enabled: true,
            description: created.name,
            secret: Some(created.secret),
        })
    }

    /// The description, if any, becomes the endpoint's name.
    pub async fn update(
        client: &Client,
        id: &str,
        change: EndpointUpdate,
    ) -> Result<Endpoint, Error> {
        let name: Option<types::UpdateWebhookEndpointRequestName> =
            checked("description", change.description)?;
        let status = change.enabled.map(|enabled| {
            if enabled {
                types::EndpointStatus::Active
            } else {
                types::EndpointStatus::Disabled
            }
        });
        let updated = client
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| {
                b.status(status)
                    .name(name)
                    .events(change.events.unwrap_or_default())
            })
            .send()
            .await?
            .into_inner();
        // The response shows neither the status (it is the one just set) nor always the ID.
        Ok(Endpoint {
            id: updated.id.unwrap_or_else(|| id.to_string()),
            url: updated.url,
            events: updated.events,
            enabled: change.enabled.unwrap_or(true),
            description: updated.name,
            secret: None,
        })
    }
}
