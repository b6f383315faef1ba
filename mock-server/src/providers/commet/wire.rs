//! Commet's wire types: the docs' envelope around every resource, and what
//! the emitted spec is made from.

#[cfg(feature = "openapi")]
use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
#[cfg(feature = "openapi")]
use utoipa::openapi::RefOr;
#[cfg(feature = "openapi")]
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// The subscribable event types (API 2026-07-31).
pub const EVENT_TYPES: &[&str] = &[
    "subscription.created",
    "subscription.activated",
    "subscription.reactivated",
    "subscription.canceled",
    "subscription.updated",
    "subscription.plan_changed",
    "subscription.cancellation_scheduled",
    "subscription.cancellation_revoked",
    "subscription.plan_change_scheduled",
    "subscription.plan_change_revoked",
    "subscription.past_due",
    "subscription.pause_scheduled",
    "subscription.pause_updated",
    "subscription.pause_revoked",
    "subscription.paused",
    "subscription.resumed",
    "subscription.resume_failed",
    "trial.started",
    "trial.converted",
    "trial.expired",
    "trial.will_end",
    "trial.checkout_ready",
    "checkout.ready",
    "payment.received",
    "payment.failed",
    "payment.recovered",
    "payment.retry_failed",
    "payment.refunded",
    "payment.disputed",
    "payment.dispute_resolved",
    "payment_link.created",
    "payment_link.completed",
    "payment_link.failed",
    "payment_link.canceled",
    "invoice.created",
    "invoice.voided",
    "invoice.overdue",
    "invoice.upcoming",
    "payment_method.attached",
    "payment_method.updated",
    "customer.created",
    "customer.updated",
    "customer.state_changed",
    "plan_grant.created",
    "plan_grant.updated",
    "plan_grant.expired",
    "plan_grant.revoked",
    "credits.granted",
    "credits.purchased",
    "credits.low",
    "credits.depleted",
    "credits.expired",
    "balance.topped_up",
    "balance.low",
    "balance.depleted",
    "quota.threshold_reached",
    "quota.exceeded",
    "seats.updated",
    "seats.limit_reached",
    "addon.activated",
    "addon.deactivated",
    "usage.recorded",
    "payout.available",
    "payout.created",
    "payout.paid",
    "payout.failed",
];

/// A subscribable event type.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EventType(pub String);

#[cfg(feature = "openapi")]
impl PartialSchema for EventType {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("A subscribable event type."))
            .enum_values(Some(EVENT_TYPES.iter().copied()))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl ToSchema for EventType {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}

/// The endpoint's signing secret.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SigningSecret(pub String);

/// A new webhook endpoint.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhookRequest {
    /// Destination URL (HTTPS).
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uri", required = true, nullable = false)
    )]
    pub url: Option<String>,
    /// Events to subscribe to.
    #[cfg_attr(
        feature = "openapi",
        schema(min_items = 1, required = true, nullable = false)
    )]
    pub events: Option<Vec<EventType>>,
    /// A note.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub description: Option<String>,
    /// API version pin.
    #[cfg_attr(
        feature = "openapi",
        schema(nullable = false, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub api_version: Option<String>,
}

/// Absent stays `None`; `null` becomes `Some(None)`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// The fields to change.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateWebhookRequest {
    /// New URL.
    #[cfg_attr(feature = "openapi", schema(format = "uri", nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub url: Option<String>,
    /// New events.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub events: Option<Vec<EventType>>,
    /// New note; null clears it.
    #[serde(default, deserialize_with = "present")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, required = false))]
    pub description: Option<Option<String>>,
    /// Deliver or not.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub is_active: Option<bool>,
    /// New version pin.
    #[cfg_attr(
        feature = "openapi",
        schema(nullable = false, pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    )]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub api_version: Option<String>,
}

/// A webhook endpoint.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Webhook {
    /// Identifier.
    pub id: String,
    /// Destination URL.
    pub url: String,
    /// Subscribed events.
    pub events: Vec<String>,
    /// A note.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub description: Option<String>,
    /// Whether events are delivered.
    pub is_active: bool,
    /// Version pin.
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub api_version: Option<String>,
    /// Creation time.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub created_at: String,
    /// Always `webhook`.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub object: String,
    /// Live or sandbox.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub livemode: bool,
}

/// A webhook endpoint with its signing secret.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CreatedWebhook {
    /// The endpoint.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// The signing secret.
    #[serde(rename = "secretKey")]
    pub secret_key: SigningSecret,
}

/// Acknowledges a deletion.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeletedObject {
    /// The deleted endpoint.
    pub id: String,
    /// Always true.
    pub deleted: bool,
    /// The deleted object's type.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub object: String,
    /// Live or sandbox.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub livemode: bool,
}

/// The outcome of a test delivery.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookTest {
    /// Whether the endpoint answered 2xx.
    pub success: bool,
    /// The delivery's ID.
    pub delivery_id: String,
    /// When it was sent.
    #[cfg_attr(feature = "openapi", schema(format = DateTime))]
    pub delivered_at: String,
    /// Always `webhook_delivery`.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub object: String,
    /// Live or sandbox.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub livemode: bool,
}

/// An envelope the emitted spec describes (the handlers write it generically: `Contract::one`).
macro_rules! envelope {
    ($name:ident, $data:ty, $doc:literal) => {
        #[doc = $doc]
        #[cfg(feature = "openapi")]
        #[derive(Debug, Serialize, ToSchema)]
        pub struct $name {
            /// Always true.
            pub success: bool,
            /// The payload.
            pub data: $data,
        }
    };
}

envelope!(
    CreatedWebhookResponse,
    CreatedWebhook,
    "Success envelope around a created endpoint."
);
envelope!(
    WebhookResponse,
    Webhook,
    "Success envelope around an endpoint."
);
envelope!(
    DeletedObjectResponse,
    DeletedObject,
    "Success envelope around a deletion stub."
);
envelope!(
    WebhookTestResponse,
    WebhookTest,
    "Success envelope around a test's outcome."
);

/// Success envelope around a page of endpoints.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookListResponse {
    /// Always true.
    pub success: bool,
    /// The endpoints.
    pub data: Vec<Webhook>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub next_cursor: Option<String>,
}

/// What went wrong.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponseError {
    /// Error class.
    #[serde(rename = "type")]
    pub type_: String,
    /// Machine-readable code.
    pub code: String,
    /// Human-readable explanation.
    pub message: String,
    /// The parameter at fault.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub param: Option<String>,
    /// More detail.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub details: Value,
    /// Where the code is documented.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub doc_url: String,
}

/// Error envelope.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ErrorResponse {
    /// Always false.
    pub success: bool,
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// Query of the list operation.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListParams {
    /// Cursor from the previous page.
    #[cfg_attr(feature = "openapi", param(nullable = false))]
    pub cursor: Option<String>,
    /// How many endpoints to return.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, default = 25, nullable = false)
    )]
    pub limit: Option<i64>,
}

/// `object: "list"`.
#[cfg(feature = "openapi")]
fn list_object() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(["list"]))
}

/// The `object` of a list.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ListObject {
    /// `list`.
    List,
}

/// A page of endpoints in the current contract (2026-07-31 on).
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookList {
    /// Always `list`.
    #[cfg_attr(feature = "openapi", schema(schema_with = list_object))]
    pub object: ListObject,
    /// The endpoints.
    pub data: Vec<Webhook>,
    /// Whether another page follows.
    pub has_more: bool,
    /// Cursor of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub next_cursor: Option<String>,
}

/// The current contract's error body: the seed's envelope without `success`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = ErrorResponse))]
pub struct BareErrorResponse {
    /// What went wrong.
    pub error: ErrorResponseError,
}

/// The `Commet-Version` header of the seed contract's operations: a version
/// before 2026-07-31 (read by the contract selector; declared for the spec).
#[derive()]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Header))]
#[allow(dead_code)]
pub struct CommetVersion {
    /// The API version to answer in (`YYYY-MM-DD`), instead of the
    /// organization's; a create without `apiVersion` pins the new endpoint to it.
    #[cfg_attr(
        feature = "openapi",
        param(
            rename = "Commet-Version",
            pattern = r"^(([01][0-9]{3}|20[01][0-9]|202[0-5])-[0-9]{2}-[0-9]{2}|2026-0[0-6]-[0-9]{2}|2026-07-([0-2][0-9]|30))$",
            nullable = false
        )
    )]
    commet_version: Option<String>,
}

/// The `Commet-Version` header of the current contract's operations: a
/// version from 2026-07-31 on.
#[derive()]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Header))]
#[allow(dead_code)]
pub struct CurrentCommetVersion {
    /// The API version to answer in (`YYYY-MM-DD`), instead of the
    /// organization's; a create without `apiVersion` pins the new endpoint to it.
    #[cfg_attr(
        feature = "openapi",
        param(
            rename = "Commet-Version",
            pattern = r"^(2026-07-(3[1-9]|[4-9][0-9])|2026-(0[89]|[1-9][0-9])-[0-9]{2}|(202[7-9]|20[3-9][0-9]|2[1-9][0-9]{2}|[3-9][0-9]{3})-[0-9]{2}-[0-9]{2})$",
            nullable = false
        )
    )]
    commet_version: Option<String>,
}
