//! Commet's current contract (API versions from 2026-07-31): bare resources
//! (`Webhook`, `CreatedWebhook`, `DeletedObject`, `WebhookTest`), lists as
//! `{"object": "list", data, hasMore, nextCursor}`, update by PATCH, errors
//! as `{"error": {…}}`. Every request carries `Commet-Version:
//! `[`API_VERSION`]. The generated [`Client`], builders ([`builder`]) and
//! models ([`types`]) come from `openapi/commet-2026-08-27.yaml`; the
//! runtime (retries with `Idempotency-Key`, `.stream()`, [`crate::ApiError`])
//! and the verifier ([`super::webhook`]) are the same as [`super`]'s.
//!
//! Use this module for an account on Commet's current API (what Commet's
//! Python SDK 9.7.0 speaks); [`super`] speaks the docs page's enveloped
//! contract (`2026-07-11`, what its Node SDK 7.10.0 speaks). Both reach the
//! same endpoints.
//!
//! ```no_run
//! use webhooks_sdk::commet::{EventType, latest::{Client, BASE_URL}};
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
//!     .into_inner();
//! client
//!     .update_webhook_endpoint()
//!     .id(&created.id)
//!     .body_map(|body| body.is_active(false))
//!     .send()
//!     .await?;
//! # Ok(()) }
//! ```

pub use crate::generated::commet_latest::*;

pub use super::BASE_URL;

/// The `Commet-Version` this module's clients send unless told otherwise:
/// the version Commet's Python SDK 9.7.0 pins, whose contract (from
/// `2026-07-31`) these types describe.
pub const API_VERSION: &str = "2026-08-27";

crate::client::provider_client! {
    name: "Commet",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Header("x-api-key"),
    api_version: Some(("commet-version", API_VERSION)),
    idempotent_operations: [
        "create_webhook_endpoint",
        "update_webhook_endpoint",
        "test_webhook_endpoint",
    ],
    retry_429_without_retry_after: false,
    unwrap_envelope: true,
}

crate::error::error_body! {
    types::ErrorResponse,
    code: |e| Some(&e.error.code),
    message: |e| Some(&e.error.message),
    request_id: |_e| None,
    status: |_e| None,
    retry_429_without_retry_after: false,
}

impl<'a> builder::ListWebhookEndpoints<'a> {
    /// Every endpoint, following `nextCursor` page after page (the next page
    /// is requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::ItemStream<'a, types::Webhook, types::ErrorResponse> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::cursor::<String>,
                send: Self::send,
                split: |page: types::WebhookList| crate::pagination::Page {
                    next: page.next_cursor.filter(|_| page.has_more),
                    items: page.data,
                },
            },
        )
    }
}

impl crate::client::VersionedProvider for Client {}
