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
    api_version: None,
    idempotent_operations: ["create_webhook_endpoint"],
    retry_429_without_retry_after: true,
}

crate::error::error_body! {
    types::ErrorResponse,
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
    retry_429_without_retry_after: true,
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
    pub fn stream(self) -> crate::ItemStream<'a, types::WebhookEndpoint, types::ErrorResponse> {
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

#[cfg(feature = "endpoints")]
impl crate::endpoints::Endpoints for Client {
    fn provider(&self) -> crate::endpoints::Provider {
        crate::endpoints::Provider::BillingIo
    }

    /// billing.io documents no update: endpoints cannot be paused.
    fn capabilities(&self) -> crate::endpoints::Capabilities {
        crate::endpoints::Capabilities {
            create: true,
            list: true,
            get: true,
            delete: true,
            set_enabled: false,
        }
    }

    async fn create(
        &self,
        new: crate::endpoints::NewEndpoint,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let body: types::CreateWebhookRequest = crate::endpoints::body(
            serde_json::json!({"url": new.url, "events": new.events, "description": new.description}),
        )?;
        let created = self.create_webhook_endpoint().body(body).send().await?;
        Ok(endpoint(created.into_inner()))
    }

    fn list(
        &self,
    ) -> futures_util::stream::BoxStream<
        '_,
        Result<crate::endpoints::Endpoint, crate::endpoints::Error>,
    > {
        use futures_util::StreamExt;
        self.list_webhook_endpoints()
            .stream()
            .map(|item| Ok(endpoint(item?)))
            .boxed()
    }

    async fn get(&self, id: &str) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        Ok(endpoint(
            self.get_webhook_endpoint()
                .webhook_id(id)
                .send()
                .await?
                .into_inner(),
        ))
    }

    async fn delete(&self, id: &str) -> Result<(), crate::endpoints::Error> {
        self.delete_webhook_endpoint().webhook_id(id).send().await?;
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

#[cfg(feature = "endpoints")]
fn endpoint(e: types::WebhookEndpoint) -> crate::endpoints::Endpoint {
    crate::endpoints::Endpoint {
        enabled: e.status != Some(WebhookStatus::Disabled),
        id: e.webhook_id,
        url: e.url,
        events: e.events.iter().map(|t| t.as_str().to_string()).collect(),
        description: e.description,
        secret: e.secret,
    }
}
