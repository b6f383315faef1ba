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

#[cfg(feature = "endpoints")]
impl crate::endpoints::Endpoints for Client {
    fn provider(&self) -> crate::endpoints::Provider {
        crate::endpoints::Provider::Meum
    }

    /// meum.io documents no list, get or delete of endpoints.
    fn capabilities(&self) -> crate::endpoints::Capabilities {
        crate::endpoints::Capabilities {
            create: true,
            list: false,
            get: false,
            delete: false,
            set_enabled: true,
        }
    }

    /// The description, if any, becomes the endpoint's name.
    async fn create(
        &self,
        new: crate::endpoints::NewEndpoint,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let mut request = serde_json::json!({"url": new.url, "events": new.events});
        if let Some(name) = &new.description {
            request["name"] = serde_json::json!(name);
        }
        let body: types::CreateWebhookEndpointRequest = crate::endpoints::body(request)?;
        let created = self
            .create_webhook_endpoint()
            .body(body)
            .send()
            .await?
            .into_inner();
        Ok(crate::endpoints::Endpoint {
            id: created.id,
            url: created.url,
            events: created.events,
            enabled: true,
            description: created.name,
            secret: Some(created.secret),
        })
    }

    fn list(
        &self,
    ) -> futures_util::stream::BoxStream<
        '_,
        Result<crate::endpoints::Endpoint, crate::endpoints::Error>,
    > {
        crate::endpoints::unsupported_list(self.provider())
    }

    async fn get(&self, _id: &str) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        crate::endpoints::unsupported(self.provider(), crate::endpoints::Operation::Get)
    }

    async fn delete(&self, _id: &str) -> Result<(), crate::endpoints::Error> {
        crate::endpoints::unsupported(self.provider(), crate::endpoints::Operation::Delete)
    }

    async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let status = if enabled {
            types::EndpointStatus::Active
        } else {
            types::EndpointStatus::Disabled
        };
        let updated = self
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| b.status(status))
            .send()
            .await?
            .into_inner();
        // The response shows neither the status (it is the one just set) nor always the ID.
        Ok(crate::endpoints::Endpoint {
            id: updated.id.unwrap_or_else(|| id.to_string()),
            url: updated.url,
            events: updated.events,
            enabled,
            description: updated.name,
            secret: None,
        })
    }
}
