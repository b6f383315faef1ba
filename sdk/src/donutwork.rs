//! Donutwork: list, create, fetch and delete webhook subscriptions, and list
//! the event types a company may subscribe to.
//!
//! Authenticates with `Authorization: Bearer <key>` (staging and production
//! keys are issued separately). The generated [`Client`], request builders
//! ([`builder`]) and models ([`types`]) come from `openapi/donutwork.yaml`;
//! the get, delete and types paths are our inference (see `INFERENCES.md`).
//!
//! Deliveries are not verified: Donutwork documents no signing.
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

#[path = "generated/donutwork.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

pub use generated::*;

/// Donutwork's production base URL (the API version is part of the path).
pub const BASE_URL: &str = "https://api.hub.donutwork.com/2026-02-01";

crate::declare::declare_provider! {
    provider: Donutwork,
    base_url: BASE_URL,
    auth: Bearer,
    idempotent_operations: [],
    retry_429_without_retry_after: true,
    error: types::Error {
        code: |_e| None,
        message: |e| Some(&e.error),
        request_id: |_e| None,
        status: |_e| None,
    },
    // Donutwork documents no update: webhooks cannot be paused.
    endpoints: {
        create: neutral::create,
        list: neutral::list,
        get: neutral::get,
        delete: neutral::delete,
    },
}

impl<'a> builder::ListWebhooks<'a> {
    /// Every webhook, page after page until `pages.max` (the next page is
    /// requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::pagination::ItemStream<'a, types::Webhook, types::Error> {
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
    pub fn stream(self) -> crate::pagination::ItemStream<'a, String, types::Error> {
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

/// The provider-neutral operations (`crate::endpoints`).
#[cfg(feature = "endpoints")]
mod neutral {
    use futures_util::stream::BoxStream;

    use super::{Client, types};
    use crate::endpoints::{Endpoint, Error, NewEndpoint, listed};

    /// The required `name` is the description, else the URL.
    pub async fn create(client: &Client, new: NewEndpoint) -> Result<Endpoint, Error> {
        let webhook = types::WebhookInput {
            name: new.description.clone().unwrap_or_else(|| new.url.clone()),
            description: new.description,
            url: new.url,
            events: types::EventNames::Array(new.events),
        };
        let created = client
            .create_webhook()
            .body_map(|b| b.webhook(webhook))
            .send()
            .await?;
        Ok(endpoint(created.into_inner(), true))
    }
    pub fn list(client: &Client) -> BoxStream<'_, Result<Endpoint, Error>> {
        listed(client.list_webhooks().stream(), |w| endpoint(w, false))
    }

    pub async fn get(client: &Client, id: &str) -> Result<Endpoint, Error> {
        let found = client.get_webhook().webhook_id(id).send().await?;
        Ok(endpoint(found.into_inner(), false))
    }

    pub async fn delete(client: &Client, id: &str) -> Result<(), Error> {
        client.delete_webhook().webhook_id(id).send().await?;
        Ok(())
    }

    /// The token is real only in the create response (`redacted` afterwards).
    fn endpoint(w: types::Webhook, created: bool) -> Endpoint {
        Endpoint {
            id: w.id,
            url: w.url,
            events: w.events,
            enabled: true,
            description: w.description,
            secret: w.token.filter(|_| created),
        }
    }
}

#[cfg(test)]
mod tests {
    /// Whichever TLS feature is on, a client for an HTTPS base URL builds.
    #[test]
    fn an_https_client_builds_with_the_tls_feature_chosen() {
        let client = super::Client::with_api_key(super::BASE_URL, "key");
        assert!(client.is_ok(), "{:?}", client.err());
    }
}
