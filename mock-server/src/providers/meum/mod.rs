//! meum.io: `POST /v1/webhook-endpoints`, `PATCH /v1/webhook-endpoints/{id}`,
//! `GET /v1/webhook-endpoints/{id}/deliveries`, `GET /v1/webhook-deliveries/{id}`.
//!
//! Store-scoped `sk_live_…` keys; IDs `wh_` + 24 of `[0-9a-z]` (the
//! documented pattern); a 64-hex secret with its 8-character prefix, shown
//! only at creation; errors `{"error": {code, message}}` (our inference);
//! signed events, whose attempts its deliveries operations list.

mod handlers;
mod signed_events;
pub mod wire;

use crate::kernel::routes::Routes;
use axum::http::StatusCode;

use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind};
use crate::kernel::operations::PathParams;
use crate::kernel::provider::{EventHooks, KeyPrefix, MockProvider, Mode, Security};
use crate::kernel::store::Collection;
use wire::{
    EndpointStatus, ErrorResponse, ErrorResponseError, WebhookDeliveryDetail, WebhookEndpoint,
};

/// Events an endpoint gets when it names none (meum's defaults).
pub const DEFAULT_EVENTS: &[&str] = &[
    "invoice.created",
    "invoice.paid",
    "invoice.underpaid",
    "invoice.failed",
    "invoice.expired",
    "invoice.cancelled",
    "webhook.test",
];

/// meum.io.
pub struct Meum;

/// A stored endpoint: the public view plus what is never shown again.
#[derive(Debug, Clone)]
pub struct StoredEndpoint {
    /// What the API shows.
    pub view: WebhookEndpoint,
    /// The signing secret (for deliveries).
    pub secret: String,
    /// Whether deliveries are paused.
    pub status: EndpointStatus,
}

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<StoredEndpoint>,
    deliveries: Collection<WebhookDeliveryDetail>,
}

impl MockProvider for Meum {
    const NAME: &'static str = "meum";
    const TITLE: &'static str = "meum.io";
    const BASE_PATH: &'static str = "";
    const SPEC_FILE: &'static str = "meum.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/meum.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/meum.json");
    const SECURITY: Security = Security::bearer("bearerAuth");
    /// Store-scoped live keys: meum.io documents no other.
    const KEYS: &'static [KeyPrefix] = &[KeyPrefix::new("sk_live_", Mode::Live)];
    const CREATE: &'static str = "createWebhookEndpoint";
    const EVENTS: Option<EventHooks<Self>> = Some(crate::kernel::signed_events::hooks::<Self>());

    type TenantData = TenantData;
    type ErrorBody = ErrorResponse;

    /// `{"error": {code, message}}` (our inference).
    fn error_body(error: &ApiError<Self>, _status: StatusCode, _env: &Env) -> ErrorResponse {
        ErrorResponse {
            error: ErrorResponseError {
                code: error.code.clone(),
                message: error.message.clone(),
            },
        }
    }

    /// meum.io's upper-case codes (`INSUFFICIENT_SCOPE` is documented; the rest follow it).
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        match kind {
            ErrorKind::Unauthorized => ("UNAUTHORIZED", "Missing or invalid API key."),
            ErrorKind::Forbidden => (
                "INSUFFICIENT_SCOPE",
                "The API key lacks the scope for this route.",
            ),
            ErrorKind::NotFound => ("NOT_FOUND", "The requested resource does not exist."),
            ErrorKind::RateLimited => ("RATE_LIMITED", "Too many requests."),
            ErrorKind::Internal | ErrorKind::Unavailable => {
                ("INTERNAL_ERROR", "An unexpected error occurred.")
            }
            _ => ("BAD_REQUEST", "The request is invalid."),
        }
    }

    /// Its operations say which kind of record they did not find.
    fn operation_error(
        operation_id: &str,
        kind: ErrorKind,
        _: &PathParams,
    ) -> Option<ApiError<Self>> {
        let what = match operation_id {
            "getWebhookDelivery" => "Webhook delivery",
            _ => "Webhook endpoint",
        };
        (kind == ErrorKind::NotFound).then(|| handlers::not_found(what))
    }

    fn router() -> Routes {
        handlers::router()
    }
}
