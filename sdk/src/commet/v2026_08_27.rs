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
//! same endpoints. The module is named after the version its spec was
//! written for, so its name stays true when Commet ships the next one;
//! `AnyClient` pinned to `2026-07-31` or later speaks it too.
//!
//! ```no_run
//! use webhooks_sdk::commet::{EventType, v2026_08_27::{Client, BASE_URL}};
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

#[path = "../generated/commet_v2026_08_27.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;

pub use generated::*;

pub use super::BASE_URL;

/// The `Commet-Version` this module's clients send unless told otherwise:
/// the version Commet's Python SDK 9.7.0 pins, whose contract (from
/// `2026-07-31`) these types describe.
pub const API_VERSION: &str = "2026-08-27";

crate::declare::declare_provider! {
    provider: Commet,
    base_url: BASE_URL,
    auth: Header("x-api-key"),
    api_version: ("commet-version", API_VERSION),
    idempotent_operations: [
        "create_webhook_endpoint",
        "update_webhook_endpoint",
        "test_webhook_endpoint",
    ],
    retry_429_without_retry_after: false,
    unwrap_envelope: true,
    error: types::ErrorResponse {
        code: |e| Some(&e.error.code),
        message: |e| Some(&e.error.message),
        request_id: |_e| None,
        status: |_e| None,
    },
    endpoints: {
        create: neutral::create,
        list: neutral::list,
        get: neutral::get,
        delete: neutral::delete,
        set_enabled: crate::endpoints::set_enabled_by_update,
        update: neutral::update,
    },
    webhook: super::webhook::Commet,
}

super::contract_operations!(list: types::WebhookList, resource: |answer| answer);
