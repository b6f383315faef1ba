//! Donutwork's wire types: what its requests and responses look like, and
//! what the emitted spec is made from.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::openapi::RefOr;
#[cfg(feature = "openapi")]
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// The event names a company may subscribe to (the docs' example list).
pub const SUPPORTED_EVENTS: &[&str] = &[
    "RecurringPayments.charge.paid",
    "RecurringPayments.charge.failed",
];

/// Token of a subscription: real at creation, `redacted` later.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookToken(pub String);

/// Subscribed event names; a single name is accepted too. Each must be one
/// of `SUPPORTED_EVENTS`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum EventNames {
    /// Several names.
    Array(Vec<String>),
    /// One name.
    String(String),
}

/// An event name: one of the documented names.
#[cfg(feature = "openapi")]
fn event_name() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(SUPPORTED_EVENTS.iter().copied()))
}

#[cfg(feature = "openapi")]
impl PartialSchema for EventNames {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ArrayBuilder::new().min_items(Some(1)).items(event_name()))
            .item(event_name())
            .into()
    }
}

#[cfg(feature = "openapi")]
impl ToSchema for EventNames {}

/// The subscription to create.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// Display name.
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, required = true, nullable = false)
    )]
    pub name: Option<String>,
    /// Free text.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub description: Option<String>,
    /// HTTPS endpoint.
    #[cfg_attr(
        feature = "openapi",
        schema(
            format = "uri",
            pattern = "^https://",
            required = true,
            nullable = false
        )
    )]
    pub url: Option<String>,
    /// Event names.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub events: Option<EventNames>,
}

/// Create bodies wrap the resource in `webhook`.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookRequest {
    /// The subscription.
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub webhook: Option<WebhookInput>,
}

/// A webhook subscription.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Webhook {
    /// Unique identifier.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Free text.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub description: Option<String>,
    /// Where payloads go.
    pub url: String,
    /// Subscribed event names.
    pub events: Vec<String>,
    /// The token.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub token: WebhookToken,
}

/// Where a page sits.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Pages {
    /// This page, from 1.
    pub current: i64,
    /// The last page.
    pub max: i64,
}

/// One page of subscriptions.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookList {
    /// Always `Webhook`.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub entities: String,
    /// Subscriptions in all.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub count: i64,
    /// Page size used.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub per_page: i64,
    /// Page position.
    pub pages: Pages,
    /// This page's subscriptions.
    pub elements: Vec<Webhook>,
}

/// Acknowledges a deletion.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeletedWebhook {
    /// The deleted subscription.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub id: String,
    /// Always true.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub deleted: bool,
}

/// Every error body.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Error {
    /// What went wrong.
    pub error: String,
}

/// Query of the list operation.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListParams {
    /// Records per page.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, nullable = false)
    )]
    pub size: Option<i64>,
    /// Page index, from 1.
    #[cfg_attr(feature = "openapi", param(minimum = 1, nullable = false))]
    pub page: Option<i64>,
}
