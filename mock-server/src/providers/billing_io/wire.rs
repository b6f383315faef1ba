//! billing.io's wire types: what its requests and responses look like, and
//! what the emitted spec is made from.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// A subscribable (and triggerable) event type: every name billing.io
/// documents, from its OpenAPI, its webhooks guide or its Python SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum EventType {
    /// `checkout.created` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.created")]
    CheckoutCreated,
    /// `checkout.payment_detected` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.payment_detected")]
    CheckoutPaymentDetected,
    /// `checkout.confirming` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.confirming")]
    CheckoutConfirming,
    /// `checkout.completed` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.completed")]
    CheckoutCompleted,
    /// `checkout.expired` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.expired")]
    CheckoutExpired,
    /// `checkout.failed` (OpenAPI, guide, SDK).
    #[serde(rename = "checkout.failed")]
    CheckoutFailed,
    /// `customer.created` (SDK).
    #[serde(rename = "customer.created")]
    CustomerCreated,
    /// `customer.updated` (SDK).
    #[serde(rename = "customer.updated")]
    CustomerUpdated,
    /// `payment_method.created` (SDK).
    #[serde(rename = "payment_method.created")]
    PaymentMethodCreated,
    /// `payment_method.deleted` (SDK).
    #[serde(rename = "payment_method.deleted")]
    PaymentMethodDeleted,
    /// `subscription.created` (SDK).
    #[serde(rename = "subscription.created")]
    SubscriptionCreated,
    /// `subscription.renewed` (guide, SDK).
    #[serde(rename = "subscription.renewed")]
    SubscriptionRenewed,
    /// `subscription.past_due` (guide).
    #[serde(rename = "subscription.past_due")]
    SubscriptionPastDue,
    /// `subscription.paused` (guide).
    #[serde(rename = "subscription.paused")]
    SubscriptionPaused,
    /// `subscription.canceled` (guide).
    #[serde(rename = "subscription.canceled")]
    SubscriptionCanceled,
    /// `subscription.cancelled` (SDK).
    #[serde(rename = "subscription.cancelled")]
    SubscriptionCancelled,
    /// `subscription.expired` (SDK).
    #[serde(rename = "subscription.expired")]
    SubscriptionExpired,
    /// `payout.created` (SDK).
    #[serde(rename = "payout.created")]
    PayoutCreated,
    /// `payout.executed` (SDK).
    #[serde(rename = "payout.executed")]
    PayoutExecuted,
    /// `payout.settled` (guide).
    #[serde(rename = "payout.settled")]
    PayoutSettled,
    /// `payout.failed` (guide, SDK).
    #[serde(rename = "payout.failed")]
    PayoutFailed,
}

/// Whether deliveries are made to an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum WebhookStatus {
    /// Deliveries are made.
    Active,
    /// Deliveries are paused.
    Disabled,
}

/// HMAC signing secret (`whsec_…`), returned only at creation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SigningSecret(pub String);

/// A new webhook endpoint.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// HTTPS URL that receives the events (sandbox keys may use HTTP).
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uri", required = true, nullable = false)
    )]
    pub url: Option<String>,
    /// The event types to subscribe to.
    #[cfg_attr(
        feature = "openapi",
        schema(min_items = 1, required = true, nullable = false)
    )]
    pub events: Option<Vec<EventType>>,
    /// A label for people.
    #[cfg_attr(feature = "openapi", schema(max_length = 256, nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub description: Option<String>,
}

/// A registered webhook endpoint.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookEndpoint {
    /// Unique identifier (`we_…`).
    pub webhook_id: String,
    /// Where events are delivered.
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: String,
    /// The subscribed event types.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub events: Vec<EventType>,
    /// The signing secret, only in the create response.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub secret: Option<SigningSecret>,
    /// A label for people.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub description: Option<String>,
    /// Whether deliveries are made.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub status: WebhookStatus,
    /// When the endpoint was created.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

/// One page of webhook endpoints.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookEndpointList {
    /// The endpoints on this page.
    pub data: Vec<WebhookEndpoint>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor for the next page; null on the last page.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub next_cursor: Option<String>,
}

/// The broad class of an error.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorType {
    /// 400.
    InvalidRequest,
    /// 401.
    AuthenticationError,
    /// 404.
    NotFound,
    /// 409.
    IdempotencyConflict,
    /// 429.
    RateLimited,
    /// 500.
    InternalError,
}

/// What went wrong.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponseError {
    /// The broad class.
    #[serde(rename = "type")]
    pub type_: ErrorType,
    /// A machine-readable code.
    pub code: String,
    /// A human-readable explanation.
    pub message: String,
    /// The parameter at fault.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub param: Option<String>,
}

/// The error envelope of every failed request.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the list operation.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    #[cfg_attr(feature = "openapi", param(nullable = false))]
    pub cursor: Option<String>,
    /// How many endpoints to return.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, default = 25, nullable = false)
    )]
    pub limit: Option<i64>,
}

/// An event, as its webhook deliveries carry it.
// For the emitted spec alone: the event history answers the stored JSON.
#[cfg(feature = "openapi")]
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// Unique identifier (`evt_…`).
    pub event_id: String,
    /// The event type.
    #[serde(rename = "type")]
    pub type_: EventType,
    /// The checkout the event is about (`co_…`).
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub checkout_id: Option<String>,
    /// The object the event is about (for `checkout.*` events, the whole Checkout).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
    /// When the event happened.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
}

/// One page of events, newest first.
// For the emitted spec alone, as `Event`.
#[cfg(feature = "openapi")]
#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    /// The events on this page.
    pub data: Vec<Event>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor for the next page; null on the last page.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub next_cursor: Option<String>,
}

/// Query of the event list.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct EventListParams {
    /// Opaque cursor from a previous page's `next_cursor`.
    #[cfg_attr(feature = "openapi", param(nullable = false))]
    pub cursor: Option<String>,
    /// How many events to return.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, default = 25, nullable = false)
    )]
    pub limit: Option<i64>,
    /// Only events of this type.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", param(rename = "type", nullable = false))]
    pub type_: Option<EventType>,
    /// Only events about this checkout (`co_…`).
    #[cfg_attr(feature = "openapi", param(nullable = false))]
    pub checkout_id: Option<String>,
}
