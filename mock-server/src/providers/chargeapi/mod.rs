//! chargeapi.co: `POST/GET /webhook_endpoints`, `GET/POST /webhook_endpoints/{id}` under `/v1`.
//!
//! Keys `ch_sk_test_…` / `ch_sk_live_…` (reported as `livemode`); IDs `wh_`
//! and secrets `whsec_` + 32 alphanumerics, the secret in every response as
//! the docs show; newest-first pages linked by `next_page_url` /
//! `previous_page_url`; `Idempotency-Key` (≤ 255 chars) on POSTs. Charge
//! documents its `Charge-Signature` header but not what is signed or with
//! which algorithm, so the mock sends no events.

mod handlers;
pub mod wire;

use crate::kernel::routes::Routes;
use axum::http::StatusCode;

use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind};
use crate::kernel::operations::PathParams;
use crate::kernel::provider::{KeyPrefix, MockProvider, Mode, Security};
use crate::kernel::store::{Collection, IdempotencyKeys};
use wire::{Error, WebhookEndpoint};

/// chargeapi.co.
pub struct Chargeapi;

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    endpoints: Collection<WebhookEndpoint>,
    idempotency: IdempotencyKeys,
}

impl MockProvider for Chargeapi {
    const NAME: &'static str = "chargeapi";
    const TITLE: &'static str = "chargeapi.co";
    const BASE_PATH: &'static str = "/v1";
    const SPEC_FILE: &'static str = "chargeapi.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/chargeapi.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/chargeapi.json");
    const SECURITY: Security = Security::bearer("BearerAuth");
    const KEYS: &'static [KeyPrefix] = &[
        KeyPrefix::new("ch_sk_test_", Mode::Test),
        KeyPrefix::new("ch_sk_live_", Mode::Live),
    ];
    const CREATE: &'static str = "createWebhookEndpoint";

    type TenantData = TenantData;
    type ErrorBody = Error;

    /// Charge's flat error object.
    fn error_body(error: &ApiError<Self>, status: StatusCode, env: &Env) -> Error {
        let type_ = match status.as_u16() {
            401 => "authentication_error",
            429 => "rate_limit_error",
            500..=599 => "api_error",
            _ => "invalid_request_error",
        };
        Error {
            code: Some(error.code.clone()),
            doc_url: format!("https://docs.chargeapi.co/errors#{}", error.code),
            message: error.message.clone(),
            object: "error".into(),
            param: error.param.clone(),
            request: env.alnum("req_", 32),
            status: i64::from(status.as_u16()),
            type_: type_.into(),
        }
    }

    /// Charge prints its error types but few codes: the codes are ours, in its style.
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        match kind {
            ErrorKind::Unauthorized => ("api_key_invalid", "Invalid API key provided."),
            ErrorKind::NotFound => ("resource_missing", "No such resource."),
            ErrorKind::Conflict => (
                "idempotency_key_in_use",
                "This idempotency key was already used with a different request.",
            ),
            ErrorKind::RateLimited => ("rate_limit_exceeded", "Too many requests; slow down."),
            ErrorKind::Internal | ErrorKind::Unavailable => {
                ("api_error", "An unexpected error occurred.")
            }
            _ => ("invalid_request", "The request is invalid."),
        }
    }

    /// Its retrieve and update name the endpoint they did not find.
    fn operation_error(_: &str, kind: ErrorKind, path: &PathParams) -> Option<ApiError<Self>> {
        (kind == ErrorKind::NotFound).then(|| handlers::not_found(path.get("id")))
    }

    fn router() -> Routes {
        handlers::router()
    }
}
