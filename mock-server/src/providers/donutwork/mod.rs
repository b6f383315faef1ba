//! Donutwork: `GET/POST /webhooks.json`, `GET /webhooks/types.json`,
//! `GET/DELETE /webhooks/{webhookId}.json` under `/2026-02-01`.
//!
//! Any non-empty bearer key (no prefix is documented); IDs of 24 hex digits
//! (like Donutwork's other IDs); the token is shown at creation and as
//! `redacted` afterwards; `page`/`size` pagination; errors `{"error": "…"}`
//! with the documented messages. Donutwork documents no signing, so it sends
//! no events.

mod handlers;
pub mod wire;

use crate::kernel::routes::Routes;
use axum::http::StatusCode;

use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind};
use crate::kernel::operations::PathParams;
use crate::kernel::provider::{KeyPrefix, MockProvider, Mode, Security};
use crate::kernel::store::Collection;
pub use wire::SUPPORTED_EVENTS;
use wire::{Error, Webhook};

/// Donutwork.
pub struct Donutwork;

/// An error with Donutwork's message (its body has no code).
fn error(kind: ErrorKind, message: &str) -> ApiError<Donutwork> {
    ApiError::new(kind, "", message)
}

impl MockProvider for Donutwork {
    const NAME: &'static str = "donutwork";
    const TITLE: &'static str = "Donutwork";
    const BASE_PATH: &'static str = "/2026-02-01";
    const SPEC_FILE: &'static str = "donutwork.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/donutwork.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/donutwork.json");
    const SECURITY: Security = Security::bearer("BearerAuth");
    /// Any non-empty key: Donutwork documents no prefix.
    const KEYS: &'static [KeyPrefix] = &[KeyPrefix::new("", Mode::Live)];
    const CREATE: &'static str = "createWebhook";

    type TenantData = Collection<Webhook>;
    type ErrorBody = Error;

    /// `{"error": "<message>"}`.
    fn error_body(error: &ApiError<Self>, _status: StatusCode, _env: &Env) -> Error {
        Error {
            error: error.message.clone(),
        }
    }

    /// The messages Donutwork's pages print, where they print one.
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        match kind {
            ErrorKind::Unauthorized => ("", "Invalid token"),
            ErrorKind::NotFound => ("", "Webhook not found."),
            ErrorKind::Unprocessable => ("", "Some events are not available"),
            ErrorKind::RateLimited => ("", "Too many requests."),
            ErrorKind::Internal | ErrorKind::Unavailable => ("", "An unexpected error occurred."),
            _ => ("", "The request is invalid."),
        }
    }

    /// Its get and delete print different 404 messages.
    fn operation_error(
        operation_id: &str,
        kind: ErrorKind,
        _: &PathParams,
    ) -> Option<ApiError<Self>> {
        let message = match operation_id {
            "deleteWebhook" => handlers::DELETE_NOT_FOUND,
            _ => handlers::GET_NOT_FOUND,
        };
        (kind == ErrorKind::NotFound).then(|| error(kind, message))
    }

    fn router() -> Routes {
        handlers::router()
    }
}
