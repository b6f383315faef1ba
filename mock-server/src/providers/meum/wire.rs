//! meum.io's wire types: what its requests and responses look like, and
//! what the emitted spec is made from.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, ToSchema};

/// A public object ID (`wh_…`, `whd_…`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(
    feature = "openapi",
    schema(pattern = r"^(inv_|txn_|plink_|wh_|whd_|evt_|int_)[0-9a-z]{20,32}$")
)]
pub struct PublicId(pub String);

/// Signing secret (64 hex characters), shown once.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SigningSecret(pub String);

/// Deliver or pause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "UPPERCASE")]
pub enum EndpointStatus {
    /// Deliver events.
    Active,
    /// Pause deliveries.
    Disabled,
}

/// A new webhook endpoint.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpointRequest {
    /// HTTPS URL that accepts POSTs.
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uri", required = true, nullable = false)
    )]
    pub url: Option<String>,
    /// Dashboard label.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, default = "Default", nullable = false)
    )]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub name: Option<String>,
    /// Events to send.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub events: Option<Vec<String>>,
}

/// The response right after creating an endpoint.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedWebhookEndpoint {
    /// Endpoint ID.
    pub id: PublicId,
    /// Display name.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub name: String,
    /// Destination URL.
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: String,
    /// The signing secret.
    pub secret: SigningSecret,
    /// The secret's first characters.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub secret_prefix: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Reminder to save the secret.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub message: String,
}

/// Partial update.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpointRequest {
    /// New name.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub name: Option<String>,
    /// New URL.
    #[cfg_attr(feature = "openapi", schema(format = "uri", nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub url: Option<String>,
    /// New events.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub events: Option<Vec<String>>,
    /// Deliver or pause.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub status: Option<EndpointStatus>,
}

/// A registered endpoint.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookEndpoint {
    /// Endpoint ID.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub id: PublicId,
    /// Display name.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub name: String,
    /// Destination URL.
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: String,
    /// The secret's first characters.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub secret_prefix: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// Owned by an integration.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub managed: bool,
    /// Last delivery time.
    #[cfg_attr(feature = "openapi", schema(format = DateTime, required = false))]
    pub last_delivery_at: Option<String>,
    /// Last delivery outcome.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub last_delivery_status: Option<String>,
    /// Consecutive failures.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub failure_count: i64,
    /// Creation time.
    #[cfg_attr(feature = "openapi", schema(format = DateTime, required = false))]
    pub created_at: String,
}

/// One delivery attempt.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookDelivery {
    /// Attempt ID.
    pub id: String,
    /// Event ID.
    pub event_id: String,
    /// 1, then counting retries.
    pub attempt_number: i64,
    /// The endpoint's HTTP status; null without a response.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub status_code: Option<i64>,
    /// When it was attempted.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub attempted_at: String,
}

/// A page of delivery attempts.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookDeliveryList {
    /// The attempts.
    pub data: Vec<WebhookDelivery>,
}

/// One delivery attempt with its endpoint.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookDeliveryDetail {
    /// The attempt.
    #[serde(flatten)]
    pub delivery: WebhookDelivery,
    /// The endpoint it went to.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub webhook_endpoint_id: PublicId,
}

/// What went wrong.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponseError {
    /// Machine-readable code.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
}

/// Every error body.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponse {
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the deliveries list.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DeliveriesParams {
    /// How many attempts to return.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, default = 20, nullable = false)
    )]
    pub limit: Option<i64>,
    /// The last item's `id` from the previous page: any delivery ID the API
    /// issued (`whd_…` or a UUID), so no pattern.
    #[cfg_attr(feature = "openapi", param(value_type = Option<String>, nullable = false))]
    pub starting_after: Option<String>,
}
