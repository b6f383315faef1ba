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
