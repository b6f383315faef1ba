//! Donutwork: list, create, fetch and delete webhook subscriptions, and list
//! the event types a company may subscribe to.
//!
//! Authenticates with `Authorization: Bearer <key>` (staging and production
//! keys are issued separately). The generated [`Client`], request builders
//! ([`builder`]) and models ([`types`]) come from `openapi/donutwork.yaml`;
//! the get, delete and types paths are our inference (see the README).
//!
//! ```no_run
//! use webhooks_sdk::donutwork::{Client, BASE_URL};
//! use webhooks_sdk::donutwork::types::{EventNames, WebhookInput};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::with_api_key(BASE_URL, "your-api-key")?;
//! let webhook = client
//!     .create_webhook()
//!     .body_map(|body| {
//!         body.webhook(WebhookInput {
//!             name: "Billing Events".into(),
//!             description: Some("Receive invoice and payment updates".into()),
//!             url: "https://example.com/webhooks/billing".into(),
//!             events: EventNames::Array(vec!["RecurringPayments.charge.paid".into()]),
//!         })
//!     })
//!     .send()
//!     .await?
//!     .into_inner();
//! let types = client.list_webhook_types().send().await?.into_inner();
//! # let _ = (webhook, types);
//! # Ok(()) }
//! ```

pub use crate::generated::donutwork::*;

/// Donutwork's production base URL (the API version is part of the path).
pub const BASE_URL: &str = "https://api.hub.donutwork.com/2026-02-01";

crate::client::provider_client! {
    name: "Donutwork",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Bearer,
    api_version: None,
    idempotent_operations: [],
    retry_429_without_retry_after: true,
}

crate::error::error_body! {
    types::Error,
    code: |_e| None,
    message: |e| Some(&e.error),
    request_id: |_e| None,
    status: |_e| None,
    retry_429_without_retry_after: true,
}

impl<'a> builder::ListWebhooks<'a> {
    /// Every webhook, page after page until `pages.max` (the next page is
    /// requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::ItemStream<'a, types::Webhook, types::Error> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::page::<std::num::NonZeroU64>,
                send: Self::send,
                split: |list: types::WebhookList| crate::pagination::Page {
                    next: (list.pages.current < list.pages.max)
                        .then(|| u64::try_from(list.pages.current + 1).ok())
                        .flatten()
                        .and_then(std::num::NonZeroU64::new),
                    items: list.elements,
                },
            },
        )
    }
}

impl<'a> builder::ListWebhookTypes<'a> {
    /// Every event name, as a stream like the other lists (Donutwork
    /// answers with one unpaginated array).
    pub fn stream(self) -> crate::ItemStream<'a, String, types::Error> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: |builder, _: ()| builder,
                send: Self::send,
                split: |names: Vec<String>| crate::pagination::Page {
                    items: names,
                    next: None,
                },
            },
        )
    }
}

#[cfg(feature = "endpoints")]
impl crate::endpoints::Endpoints for Client {
    fn provider(&self) -> crate::endpoints::Provider {
        crate::endpoints::Provider::Donutwork
    }

    /// Donutwork documents no update: webhooks cannot be paused.
    fn capabilities(&self) -> crate::endpoints::Capabilities {
        crate::endpoints::Capabilities {
            create: true,
            list: true,
            get: true,
            delete: true,
            set_enabled: false,
        }
    }

    /// The required `name` is the description, else the URL.
    async fn create(
        &self,
        new: crate::endpoints::NewEndpoint,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let name = new.description.clone().unwrap_or_else(|| new.url.clone());
        let body: types::CreateWebhookRequest =
            crate::endpoints::body(serde_json::json!({"webhook": {
                "name": name, "description": new.description, "url": new.url, "events": new.events,
            }}))?;
        let created = self.create_webhook().body(body).send().await?.into_inner();
        Ok(endpoint(created, true))
    }

    fn list(
        &self,
    ) -> futures_util::stream::BoxStream<
        '_,
        Result<crate::endpoints::Endpoint, crate::endpoints::Error>,
    > {
        use futures_util::StreamExt;
        self.list_webhooks()
            .stream()
            .map(|item| Ok(endpoint(item?, false)))
            .boxed()
    }

    async fn get(&self, id: &str) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        Ok(endpoint(
            self.get_webhook().webhook_id(id).send().await?.into_inner(),
            false,
        ))
    }

    async fn delete(&self, id: &str) -> Result<(), crate::endpoints::Error> {
        self.delete_webhook().webhook_id(id).send().await?;
        Ok(())
    }

    async fn set_enabled(
        &self,
        _id: &str,
        _enabled: bool,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        crate::endpoints::unsupported(self.provider(), crate::endpoints::Operation::SetEnabled)
    }
}

/// The token is real only in the create response (`redacted` afterwards).
#[cfg(feature = "endpoints")]
fn endpoint(w: types::Webhook, created: bool) -> crate::endpoints::Endpoint {
    crate::endpoints::Endpoint {
        id: w.id,
        url: w.url,
        events: w.events,
        enabled: true,
        description: w.description,
        secret: w.token.filter(|_| created),
    }
}
