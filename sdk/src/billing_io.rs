//! billing.io: register, list, fetch and delete webhook endpoints; read the
//! event history and catch up on missed events ([`recover`]).
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

#[path = "generated/billing_io.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod recover;
pub mod webhook;

pub use generated::*;

/// billing.io's production (and sandbox) base URL.
pub const BASE_URL: &str = "https://api.billing.io/v1";

crate::declare::declare_provider! {
    provider: BillingIo,
    base_url: BASE_URL,
    auth: Bearer,
    idempotent_operations: ["create_webhook_endpoint"],
    retry_429_without_retry_after: true,
    error: types::ErrorResponse {
        code: |e| Some(&e.error.code),
        message: |e| Some(&e.error.message),
        request_id: |_e| None,
        status: |e| match e.error.type_ {
            ErrorType::InvalidRequest => Some(reqwest::StatusCode::BAD_REQUEST),
            ErrorType::AuthenticationError => Some(reqwest::StatusCode::UNAUTHORIZED),
            ErrorType::NotFound => Some(reqwest::StatusCode::NOT_FOUND),
            ErrorType::IdempotencyConflict => Some(reqwest::StatusCode::CONFLICT),
            ErrorType::RateLimited => Some(reqwest::StatusCode::TOO_MANY_REQUESTS),
            ErrorType::InternalError | ErrorType::Unknown(_) => None,
        },
    },
    // billing.io documents no update: endpoints cannot be paused.
    endpoints: {
        create: neutral::create,
        list: neutral::list,
        get: neutral::get,
        delete: neutral::delete,
    },
    webhook: webhook::BillingIo,
}

impl<'a> builder::ListWebhookEndpoints<'a> {
    /// Every endpoint, following `next_cursor` page after page (the next page
    /// is requested only when the caller has pulled the current one).
    ///
    /// ```no_run
    /// use futures_util::TryStreamExt;
    /// # async fn run(client: webhooks_sdk::billing_io::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let endpoints: Vec<_> = client.list_webhook_endpoints().limit(100).stream().try_collect().await?;
    /// # let _ = endpoints; Ok(()) }
    /// ```
    pub fn stream(
        self,
    ) -> crate::pagination::ItemStream<'a, types::WebhookEndpoint, types::ErrorResponse> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::cursor::<String>,
                send: Self::send,
                split: |page: types::WebhookEndpointList| crate::pagination::Page {
                    next: page.next_cursor.filter(|_| page.has_more),
                    items: page.data,
                },
            },
        )
    }
}

impl<'a> builder::ListEvents<'a> {
    /// Every event, newest first, following `next_cursor` page after page
    /// (the next page is requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::pagination::ItemStream<'a, types::Event, types::ErrorResponse> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::cursor::<String>,
                send: Self::send,
                split: |page: types::EventList| crate::pagination::Page {
                    next: page.next_cursor.filter(|_| page.has_more),
                    items: page.data,
                },
            },
        )
    }
}

crate::open_enum::open_enum! {
    /// An event type an endpoint can subscribe to: every name billing.io
    /// documents (its OpenAPI's six `checkout.*`, its webhooks guide, its
    /// Python SDK `billingio` 2.0.0).
    pub enum EventType {
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutCreated = "checkout.created",
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutPaymentDetected = "checkout.payment_detected",
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutConfirming = "checkout.confirming",
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutCompleted = "checkout.completed",
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutExpired = "checkout.expired",
        /// Documented by: OpenAPI, guide, SDK.
        CheckoutFailed = "checkout.failed",
        /// Documented by: SDK.
        CustomerCreated = "customer.created",
        /// Documented by: SDK.
        CustomerUpdated = "customer.updated",
        /// Documented by: SDK.
        PaymentMethodCreated = "payment_method.created",
        /// Documented by: SDK.
        PaymentMethodDeleted = "payment_method.deleted",
        /// Documented by: SDK.
        SubscriptionCreated = "subscription.created",
        /// Documented by: guide, SDK.
        SubscriptionRenewed = "subscription.renewed",
        /// Documented by: guide.
        SubscriptionPastDue = "subscription.past_due",
        /// Documented by: guide.
        SubscriptionPaused = "subscription.paused",
        /// Documented by: guide.
        SubscriptionCanceled = "subscription.canceled",
        /// Documented by: SDK.
        SubscriptionCancelled = "subscription.cancelled",
        /// Documented by: SDK.
        SubscriptionExpired = "subscription.expired",
        /// Documented by: SDK.
        PayoutCreated = "payout.created",
        /// Documented by: SDK.
        PayoutExecuted = "payout.executed",
        /// Documented by: guide.
        PayoutSettled = "payout.settled",
        /// Documented by: guide, SDK.
        PayoutFailed = "payout.failed",
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

/// The provider-neutral operations (`crate::endpoints`).
#[cfg(feature = "endpoints")]
mod neutral {
    use futures_util::stream::BoxStream;

    use super::{Client, WebhookStatus, types};
    use crate::endpoints::{Endpoint, Error, NewEndpoint, checked, listed};

    pub async fn create(client: &Client, new: NewEndpoint) -> Result<Endpoint, Error> {
        let description = checked("description", new.description)?;
        let events: Vec<_> = new.events.into_iter().map(super::EventType::from).collect();
        let mut request = client
            .create_webhook_endpoint()
            .body_map(|b| b.url(new.url).events(events).description(description));
        if let Some(key) = new.idempotency_key {
            // billing.io's keys are UUIDs.
            let key: uuid::Uuid = key
                .parse()
                .map_err(|e| Error::InvalidRequest(format!("idempotency_key: {e}")))?;
            request = request.idempotency_key(key);
        }
        let created = request.send().await?;
        Ok(endpoint(created.into_inner()))
    }
    pub fn list(client: &Client) -> BoxStream<'_, Result<Endpoint, Error>> {
        listed(client.list_webhook_endpoints().stream(), endpoint)
    }

    pub async fn get(client: &Client, id: &str) -> Result<Endpoint, Error> {
        let found = client.get_webhook_endpoint().webhook_id(id).send().await?;
        Ok(endpoint(found.into_inner()))
    }

    pub async fn delete(client: &Client, id: &str) -> Result<(), Error> {
        client
            .delete_webhook_endpoint()
            .webhook_id(id)
            .send()
            .await?;
        Ok(())
    }

    fn endpoint(e: types::WebhookEndpoint) -> Endpoint {
        Endpoint {
            enabled: e.status != Some(WebhookStatus::Disabled),
            id: e.webhook_id,
            url: e.url,
            events: e.events.iter().map(|t| t.as_str().to_string()).collect(),
            description: e.description,
            secret: e.secret,
        }
    }
}
