//! Charge's wire types: what its requests and responses look like, and what
//! the emitted spec is made from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::openapi::RefOr;
#[cfg(feature = "openapi")]
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
#[cfg(feature = "openapi")]
use utoipa::{IntoParams, PartialSchema, ToSchema};

/// Whether an endpoint receives events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum EndpointStatus {
    /// Events are delivered.
    Enabled,
    /// Events are not delivered.
    Disabled,
}

/// Secret used to sign the events sent to this endpoint (`whsec_…`).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SigningSecret(pub String);

/// When the object was created: RFC 3339 with milliseconds, as every current
/// page of the docs and every real response show (the seed page's Unix
/// seconds are accepted by the spec and the SDK too).
#[derive(Debug, Clone, Serialize)]
pub struct Created(pub String);

#[cfg(feature = "openapi")]
impl PartialSchema for Created {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
            )
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64))),
            )
            .into()
    }
}

#[cfg(feature = "openapi")]
impl ToSchema for Created {}

/// Key-value pairs for your own structured data.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Metadata(pub BTreeMap<String, String>);

/// A list of event types, none empty (`charge.succeeded`, …).
#[cfg(feature = "openapi")]
fn event_types() -> utoipa::openapi::schema::ArrayBuilder {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Type};
    ArrayBuilder::new().items(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1)),
    )
}

/// At least one event type.
#[cfg(feature = "openapi")]
fn subscribed_event_types() -> utoipa::openapi::schema::ArrayBuilder {
    event_types().min_items(Some(1))
}

/// A new webhook endpoint.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookEndpointRequest {
    /// Public HTTPS URL that receives the event POSTs.
    #[cfg_attr(
        feature = "openapi",
        schema(format = "uri", required = true, nullable = false)
    )]
    pub url: Option<String>,
    /// Event types to subscribe to.
    #[cfg_attr(feature = "openapi", schema(schema_with = subscribed_event_types, required = true, nullable = false))]
    pub enabled_events: Option<Vec<String>>,
    /// A note for your own reference.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub description: Option<String>,
    /// API version to render this endpoint's events with.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub api_version: Option<String>,
    /// Your own key-value pairs.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub metadata: Option<Metadata>,
}

/// The fields to change.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookEndpointRequest {
    /// The full new list of event types.
    #[cfg_attr(feature = "openapi", schema(schema_with = event_types, nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub enabled_events: Option<Vec<String>>,
    /// Enable or disable deliveries.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub status: Option<EndpointStatus>,
    /// A note for your own reference.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub description: Option<String>,
    /// Your own key-value pairs.
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    #[serde(default, deserialize_with = "crate::kernel::extract::non_null")]
    pub metadata: Option<Metadata>,
}

/// A Webhook Endpoint object.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookEndpoint {
    /// Unique identifier.
    pub id: String,
    /// Always `webhook_endpoint`.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub object: String,
    /// API version of the events; null means the account's.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub api_version: Option<String>,
    /// The application the endpoint belongs to.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub application: Option<String>,
    /// Creation time.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub created: Created,
    /// An optional note.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub description: Option<String>,
    /// The event types delivered.
    pub enabled_events: Vec<String>,
    /// Live or test mode.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub livemode: bool,
    /// Your own key-value pairs.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub metadata: Metadata,
    /// The signing secret.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub secret: SigningSecret,
    /// Whether events are delivered.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub status: EndpointStatus,
    /// The URL that receives the POSTs.
    #[cfg_attr(feature = "openapi", schema(format = "uri"))]
    pub url: String,
}

/// One page of webhook endpoints.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WebhookEndpointList {
    /// The endpoints, newest first.
    pub data: Vec<WebhookEndpoint>,
    /// The next page; null on the last.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub next_page_url: Option<String>,
    /// The previous page; null on the first.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub previous_page_url: Option<String>,
}

/// The error object.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Error {
    /// Machine-readable code.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub code: Option<String>,
    /// Where the code is documented.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub doc_url: String,
    /// Human-readable explanation.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub message: String,
    /// Always `error`.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub object: String,
    /// The parameter at fault.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub param: Option<String>,
    /// The request's ID.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub request: String,
    /// The HTTP status.
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub status: i64,
    /// The error's class.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub type_: String,
}

/// Query of the list operation.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "openapi", derive(IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct ListParams {
    /// How many endpoints to return.
    #[cfg_attr(
        feature = "openapi",
        param(minimum = 1, maximum = 100, default = 10, nullable = false)
    )]
    pub limit: Option<i64>,
    /// Opaque page token from `next_page_url` / `previous_page_url`.
    #[cfg_attr(feature = "openapi", param(nullable = false))]
    pub page: Option<String>,
}
