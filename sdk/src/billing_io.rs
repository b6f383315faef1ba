//! billing.io: register, list, fetch and delete webhook endpoints.
//!
//! Authenticates with `Authorization: Bearer sk_live_…` (production) or
//! `sk_test_…` (sandbox); both use [`BASE_URL`]. The generated [`Client`],
//! request builders ([`builder`]) and models ([`types`]) come from
//! `openapi/billing-io.yaml`.
//!
//! ```no_run
//! use webhooks_sdk::billing_io::{Client, EventType, BASE_URL};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::with_api_key(BASE_URL, "sk_test_…")?;
//! let endpoint = client
//!     .create_webhook_endpoint()
//!     .body_map(|body| {
//!         body.url("https://your-app.com/webhooks/billing")
//!             .events(vec![EventType::CheckoutCompleted, EventType::CheckoutExpired])
//!             .description(Some("Production webhook".try_into().unwrap()))
//!     })
//!     .send()
//!     .await?
//!     .into_inner();
//! // The signing secret is returned only now: store it.
//! let secret = endpoint.secret.expect("returned at creation");
//! # let _ = secret.expose();
//! # Ok(()) }
//! ```

pub use crate::generated::billing_io::*;

pub mod webhook;

/// billing.io's production (and sandbox) base URL.
pub const BASE_URL: &str = "https://api.billing.io/v1";

crate::client::provider_client! {
    name: "billing.io",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Bearer,
    version_header: None,
}

crate::open_enum::open_enum! {
    /// An event type an endpoint can subscribe to.
    pub enum EventType {
        CheckoutCreated = "checkout.created",
        CheckoutPaymentDetected = "checkout.payment_detected",
        CheckoutConfirming = "checkout.confirming",
        CheckoutCompleted = "checkout.completed",
        CheckoutExpired = "checkout.expired",
        CheckoutFailed = "checkout.failed",
    }
}

crate::open_enum::open_enum! {
    /// Whether deliveries are being made to an endpoint.
    pub enum WebhookStatus {
        Active = "active",
        Disabled = "disabled",
    }
}

crate::open_enum::open_enum! {
    /// The broad class of an error (`error.type`).
    pub enum ErrorType {
        InvalidRequest = "invalid_request",
        AuthenticationError = "authentication_error",
        NotFound = "not_found",
        IdempotencyConflict = "idempotency_conflict",
        RateLimited = "rate_limited",
        InternalError = "internal_error",
    }
}
