//! Commet: `POST/GET /webhooks`, `GET/PUT/DELETE /webhooks/{id}`,
//! `POST /webhooks/{id}/test` under `/api/v1`.
//!
//! `x-api-key: ck_sandbox_…`, `ck_live_…`, restricted `rk_…` or an older
//! `ck_…` key; `http://` URLs for any key, as the docs' own example registers
//! one; bodies in the docs' envelope `{"success": …, "data"/"error": …}`;
//! secrets (the mock's `whsec_` + 32) only at creation; cursor pagination; `Idempotency-Key` on writes; signed
//! events. The test operation really POSTs a signed `webhook.test` event to
//! the endpoint.

mod handlers;
mod operations;
mod signed_events;
mod v2026_08_27;
pub mod wire;

pub use v2026_08_27::CommetCurrent;

use std::sync::Arc;

use crate::kernel::routes::Routes;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::kernel::env::Env;
use crate::kernel::error::{ApiError, ErrorKind, RateLimitHeaders};
use crate::kernel::operations::PathParams;
use crate::kernel::provider::{
    Alternate, EventHooks, HandWritten, KeyIn, KeyPrefix, MockProvider, Mode, ProviderState,
    Security,
};
use crate::kernel::registry::ProviderStates;
use crate::kernel::store::{Collection, IdempotencyKeys};
pub use wire::EVENT_TYPES;
use wire::{ErrorResponse, ErrorResponseError, Webhook};

/// The API version of a key that never chose one, and of a request that
/// names none: the seed page's contract (Commet's Node SDK 7.10.0 pins it).
pub const DEFAULT_API_VERSION: &str = "2026-07-11";

/// Commet.
pub struct Commet;

/// An endpoint as stored: what the API shows, and what it never shows again.
#[derive(Debug, Clone)]
struct StoredWebhook {
    webhook: Webhook,
    secret: String,
    /// Consecutive events that failed to deliver (three disable the endpoint).
    failed_events: u32,
}

/// One tenant's data.
#[derive(Default)]
pub struct TenantData {
    webhooks: Collection<StoredWebhook>,
    idempotency: IdempotencyKeys,
}

impl MockProvider for Commet {
    const NAME: &'static str = "commet";
    const TITLE: &'static str = "Commet";
    const BASE_PATH: &'static str = "/api/v1";
    const SPEC_FILE: &'static str = "commet.yaml";
    const SPEC: &'static str = include_str!("../../../openapi/commet.yaml");
    const EMITTED: &'static str = include_str!("../../../openapi/emitted/commet.json");
    const SECURITY: Security = Security {
        name: "ApiKeyAuth",
        key_in: KeyIn::Header("x-api-key"),
    };
    /// Full-access `ck_` and restricted `rk_` keys, sandbox or live; an
    /// older `ck_` key without a mode stays valid (as live: the docs do not say).
    const KEYS: &'static [KeyPrefix] = &[
        KeyPrefix::new("ck_sandbox_", Mode::Test),
        KeyPrefix::new("rk_sandbox_", Mode::Test),
        KeyPrefix::new("ck_live_", Mode::Live),
        KeyPrefix::new("rk_live_", Mode::Live),
        KeyPrefix::new("ck_", Mode::Live),
    ];
    const CREATE: &'static str = "createWebhookEndpoint";
    const VERSION: Option<(&'static str, &'static str)> =
        Some(("Commet-Version", DEFAULT_API_VERSION));
    const EVENTS: Option<EventHooks<Self>> = Some(crate::kernel::signed_events::hooks::<Self>());
    const RATE_LIMIT_HEADERS: Option<RateLimitHeaders> = Some(RateLimitHeaders {
        limit: "ratelimit-limit",
        remaining: "ratelimit-remaining",
        reset: "ratelimit-reset",
        reset_is_unix_time: false,
    });

    type TenantData = TenantData;
    type ErrorBody = ErrorResponse;

    /// `{"success": false, "error": {type, code, message, param?, details, doc_url}}`;
    /// field-level problems are `validation_error`s with `details: [{field, message}]`.
    fn error_body(error: &ApiError<Self>, status: StatusCode, _env: &Env) -> ErrorResponse {
        ErrorResponse {
            success: false,
            error: error_detail(
                DEFAULT_API_VERSION,
                &error.code,
                &error.message,
                error.param.as_ref(),
                status,
            ),
        }
    }

    /// The codes of Commet's error pages.
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str) {
        match kind {
            ErrorKind::Unauthorized => ("unauthorized", "Missing or invalid x-api-key header."),
            ErrorKind::Forbidden => ("forbidden", "This API key may not do that."),
            ErrorKind::NotFound => ("not_found", "The requested resource does not exist."),
            ErrorKind::Conflict => (
                "idempotency_key_mismatch",
                "This Idempotency-Key was already used with a different request.",
            ),
            ErrorKind::RateLimited => (
                "rate_limited",
                "Too many requests; retry after Retry-After.",
            ),
            ErrorKind::Internal | ErrorKind::Unavailable => {
                ("internal_error", "An unexpected error occurred.")
            }
            _ => ("validation_error", "The request is invalid."),
        }
    }

    /// Its operations' 404 is `webhook_not_found`.
    fn operation_error(_: &str, kind: ErrorKind, _: &PathParams) -> Option<ApiError<Self>> {
        (kind == ErrorKind::NotFound).then(operations::not_found)
    }

    fn router() -> Routes {
        handlers::router()
    }

    /// The current contract (2026-07-31 on) on the same paths.
    fn alternate(prefix: &str) -> Option<Alternate> {
        Some(v2026_08_27::alternate(prefix))
    }

    /// The current contract for a request pinned to it, else the seed's.
    fn hand_written() -> Vec<HandWritten> {
        let current = HandWritten {
            applies: |headers| v2026_08_27::pins_current(headers).unwrap_or(false),
            ..CommetCurrent::hand_written()[0]
        };
        let seed = HandWritten {
            file: Self::SPEC_FILE,
            spec: Self::SPEC,
            applies: |_| true,
        };
        vec![current, seed]
    }

    /// Both contracts read and write one store.
    fn add_state(states: &mut ProviderStates) {
        let seed = Arc::new(ProviderState::<Self>::new(states));
        let current = ProviderState::<CommetCurrent>::sharing(&seed);
        states.insert(Self::NAME, seed);
        states.insert(CommetCurrent::NAME, Arc::new(current));
    }
}

/// `error` as Commet writes it: field-level problems are `validation_error`s
/// with `details: [{field, message}]`.
fn error_detail(
    version: &str,
    code: &str,
    message: &str,
    param: Option<&String>,
    status: StatusCode,
) -> ErrorResponseError {
    let type_ = match status.as_u16() {
        401 | 403 => "authentication_error",
        404 | 405 => "not_found_error",
        409 => "conflict_error",
        429 => "rate_limit_error",
        500..=599 => "internal_error",
        _ => "validation_error",
    };
    let (code, details) = match (param, code) {
        (
            Some(field),
            "invalid_parameter"
            | "missing_required_field"
            | "unknown_field"
            | "invalid_type"
            | "unknown_parameter",
        ) => (
            "validation_error",
            json!([{"field": field, "message": message}]),
        ),
        (_, code) => (code, Value::Null),
    };
    ErrorResponseError {
        type_: type_.into(),
        code: code.into(),
        message: message.to_string(),
        param: param.cloned(),
        details,
        // The documented form: the API version in the path, a `.md` page.
        doc_url: format!("https://commet.co/docs/api-reference/{version}/errors/{code}.md"),
    }
}

/// The two contracts Commet's API versions speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// Up to 2026-07-30: the seed page's envelope and PUT.
    Seed,
    /// From 2026-07-31: bare resources, list objects, PATCH.
    Current,
}

impl Version {
    /// The first version of the current contract.
    pub const CURRENT_FROM: &'static str = "2026-07-31";

    /// The contract of `version`, or the provider's 400 naming `param` if
    /// it is not a version (`YYYY-MM-DD`).
    pub fn parse<C>(version: &str, param: &str) -> Result<Self, ApiError<C>> {
        Self::of(version).ok_or_else(|| {
            crate::kernel::error::invalid(
                param,
                format!("'{version}' is not an API version (YYYY-MM-DD)."),
            )
        })
    }

    /// The contract of `YYYY-MM-DD`; `None` if it is not a date of that form.
    pub fn of(version: &str) -> Option<Self> {
        let bytes = version.as_bytes();
        let well_formed = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !well_formed {
            return None;
        }
        Some(if version >= Self::CURRENT_FROM {
            Self::Current
        } else {
            Self::Seed
        })
    }
}
