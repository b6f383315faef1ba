//! billing.io: `POST/GET /webhooks`, `GET/DELETE /webhooks/{webhook_id}`,
//! `GET /events`, `GET /events/{event_id}` under `/v1`.
//!
//! Keys `sk_test_…` (sandbox: `http://` URLs allowed) and `sk_live_…`
//! (HTTPS only); IDs `we_` + 24 hex, secrets `whsec_` + 24 hex, returned only
//! at creation; cursor pagination; `Idempotency-Key` (a UUID) on create;
//! signed events, kept in an event history.

mod event_history;
mod handlers;
mod signed_events;
pub mod wire;

use crate::kernel::routes::Routes;
use axum::http::StatusCode;
use std::collections::HashMap;

use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind, RateLimitHeaders};
use crate::kernel::operations::PathParams;
use crate::kernel::provider::{EventHooks, KeyPrefix, MockProvider, Mode, Security};
use crate::kernel::store::{Collection, IdempotencyKeys};
use wire::{ErrorResponse, ErrorResponseError, ErrorType, WebhookEndpoint};

/// billing.io.
pub struct BillingIo;

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<WebhookEndpoint>,
    /// Signing secrets by endpoint ID: shown once, kept for deliveries.
    secrets: HashMap<String, String>,
    idempotency: IdempotencyKeys,
    /// Every event triggered for the tenant, as delivered (`GET /events`).
    events: Collection<serde_json::Value>,
}

impl MockProvider for BillingIo {
    const NAME: &'static str = "billing-io";
    const TITLE: &'static str = "billing.io";
    const BASE_PATH: &'static str = "/v1";
    const SPEC_FILE: &'static str = "billing-io.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/billing-io.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/billing-io.json");
    const SECURITY: Security = Security::bearer("BearerAuth");
    const KEYS: &'static [KeyPrefix] = &[
        KeyPrefix::new("sk_test_", Mode::Test),
        KeyPrefix::new("sk_live_", Mode::Live),
    ];
    const CREATE: &'static str = "createWebhookEndpoint";
    const EVENTS: Option<EventHooks<Self>> = Some(crate::kernel::signed_events::hooks::<Self>());
    const RATE_LIMIT_HEADERS: Option<RateLimitHeaders> = Some(RateLimitHeaders {
        limit: "x-ratelimit-limit",
        remaining: "x-ratelimit-remaining",
        reset: "x-ratelimit-reset",
        reset_is_unix_time: true,
    });

    type TenantData = TenantData;
    type ErrorBody = ErrorResponse;

    /// `{"error": {type, code, message, param}}`.
    fn error_body(error: &ApiError<Self>, status: StatusCode, _env: &Env) -> ErrorResponse {
        let type_ = match status.as_u16() {
            401 => ErrorType::AuthenticationError,
            404 => ErrorType::NotFound,
            409 => ErrorType::IdempotencyConflict,
            429 => ErrorType::RateLimited,
            500..=599 => ErrorType::InternalError,
            _ => ErrorType::InvalidRequest,
        };
        ErrorResponse {
            error: ErrorResponseError {
                type_,
                code: error.code.clone(),
                message: error.message.clone(),
                param: error.param.clone(),
            },
        }
    }

    /// The codes and messages of billing.io's error guide and OpenAPI examples.
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        match kind {
            ErrorKind::Unauthorized => ("api_key_invalid", "The API key provided is invalid."),
            ErrorKind::NotFound => ("not_found", "The requested resource does not exist."),
            ErrorKind::Conflict => (
                "idempotency_key_reused",
                "This idempotency key was already used with different parameters.",
            ),
            ErrorKind::RateLimited => (
                "too_many_requests",
                "Rate limit exceeded. Retry after 30 seconds.",
            ),
            ErrorKind::Internal => ("internal_server_error", "An unexpected error occurred."),
            ErrorKind::Unavailable => (
                "service_unavailable",
                "The service is briefly unavailable; retry later.",
            ),
            _ => ("invalid_request", "The request is invalid."),
        }
    }

    /// Its gets and delete name the endpoint or event they did not find.
    fn operation_error(
        operation: &str,
        kind: ErrorKind,
        path: &PathParams,
    ) -> Option<ApiError<Self>> {
        (kind == ErrorKind::NotFound).then(|| match operation {
            "getEvent" => event_history::not_found(path.get("event_id")),
            _ => handlers::not_found(path.get("webhook_id")),
        })
    }

    fn router() -> Routes {
        handlers::router().merge(event_history::router())
    }
}
