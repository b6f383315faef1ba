//! The seam between the kernel and a provider: everything that differs
//! between providers is said once, in a [`MockProvider`] implementation.

use std::sync::Arc;

use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;
use serde_json::Value;

pub use super::security::{KeyIn, Security};

use super::deliveries::{Deliverer, Trigger};
use super::env::Env;
use super::error::{ApiError, ErrorKind, RateLimitHeaders};
use super::operations::PathParams;
use super::registry::{ProviderStates, Reset};
use super::routes::Routes;
use super::store::Shared;

/// Test (sandbox) or live mode, from the key's prefix where the provider has both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Sandbox / test keys.
    Test,
    /// Production / live keys.
    Live,
}

/// The caller, identified by its API key: each key is its own tenant.
#[derive(Debug, Clone)]
pub struct Tenant {
    /// The API key itself (never logged: the journal redacts it).
    pub key: String,
    /// The key's mode.
    pub mode: Mode,
}

/// A form of API key a provider accepts: a prefix (followed by at least one
/// more character) and the mode it stands for.
#[derive(Debug, Clone, Copy)]
pub struct KeyPrefix {
    /// The prefix (`sk_test_`; empty for a provider that documents none).
    pub prefix: &'static str,
    /// The mode of keys with it.
    pub mode: Mode,
}

impl KeyPrefix {
    /// Keys starting `prefix`, in `mode`.
    pub const fn new(prefix: &'static str, mode: Mode) -> Self {
        Self { prefix, mode }
    }
}

/// One provider's API as the mock serves it.
pub trait MockProvider: Sized + Send + Sync + 'static {
    /// The name on the command line, in URLs and in the journal.
    const NAME: &'static str;
    /// The provider's own name for people (`billing.io`), on the docs page.
    const TITLE: &'static str;
    /// The path of the provider's real base URL (`/v1`; empty for the root).
    const BASE_PATH: &'static str;
    /// The hand-written spec's file name under `openapi/`.
    const SPEC_FILE: &'static str;
    /// The hand-written spec (`openapi/<name>.yaml`), whose examples the
    /// emitted document carries.
    const SPEC: &'static str;
    /// The spec the mock emits (`openapi/emitted/<name>.json`, written by
    /// `cargo xtask generate` from the handlers' annotations): what routes,
    /// checks and documents its requests.
    const EMITTED: &'static str;
    /// How the API key is presented, under the security scheme's name in
    /// the spec.
    const SECURITY: Security;
    /// The key forms it accepts, longest prefix first where one starts another.
    const KEYS: &'static [KeyPrefix];
    /// The `operationId` that creates an endpoint (what fixtures call).
    const CREATE: &'static str;
    /// The rate-limit headers the provider documents on a 429, if any.
    const RATE_LIMIT_HEADERS: Option<RateLimitHeaders> = None;
    /// The version header, and the version a request sends in it to be
    /// answered in this contract, where a provider answers each version in
    /// its own (Commet); `None` elsewhere.
    const VERSION: Option<(&'static str, &'static str)> = None;

    /// What one tenant (API key) has stored.
    type TenantData: Default + Send + 'static;
    /// The documented error body (the type the emitted spec describes).
    type ErrorBody: Serialize;

    /// The documented error body of `error`, answered with `status` by a
    /// mock with `env` (for a request ID in the body).
    fn error_body(error: &ApiError<Self>, status: StatusCode, env: &Env) -> Self::ErrorBody;

    /// The provider's code and message for an error of `kind` when nothing
    /// more precise is known (`Prefer`, faults, unknown routes and methods).
    fn error_code(kind: ErrorKind) -> (&'static str, &'static str);

    /// The error operation `operation_id` itself answers with `kind`, where
    /// it has one of its own (an operation's 404, which names what was not
    /// found), given the request's path parameters: an injected error of
    /// that status reads exactly like the real one. `None`: [`Self::error_code`].
    fn operation_error(
        _operation_id: &str,
        _kind: ErrorKind,
        _path: &PathParams,
    ) -> Option<ApiError<Self>> {
        None
    }

    /// The provider's routes (relative to its base path), each handler
    /// bound to the operation named like it.
    fn router() -> Routes;

    /// A second contract on the same paths and store, if the provider has
    /// one (`None` for all but Commet), for a provider mounted under `prefix`.
    fn alternate(_prefix: &str) -> Option<Alternate> {
        None
    }

    /// The hand-written specs the validation proxy checks this provider's
    /// traffic against, the most specific first: a request is for the first
    /// that applies to it.
    #[cfg_attr(not(feature = "proxy"), allow(dead_code))] // read by the proxy alone
    fn hand_written() -> Vec<HandWritten> {
        vec![HandWritten {
            file: Self::SPEC_FILE,
            spec: Self::SPEC,
            applies: |_| true,
        }]
    }

    /// Adds this provider's state to a new mock's (and that of any other
    /// contract sharing its store).
    fn add_state(states: &mut ProviderStates) {
        let state = ProviderState::<Self>::new(states);
        states.insert(Self::NAME, Arc::new(state));
    }

    /// How its events are signed and triggered, where it documents signing
    /// (`Some(kernel::signed_events::hooks::<Self>())` for a [`SignedEvents`](super::signed_events::SignedEvents) provider).
    const EVENTS: Option<EventHooks<Self>> = None;

    /// A new `event_type` event with `data` in the provider's envelope,
    /// signed with `secret` now, its ID and time from `env`.
    fn sign(
        env: &Env,
        event_type: &str,
        data: Option<Value>,
        secret: &str,
    ) -> Result<SignedEvent, ApiError<Self>> {
        match Self::EVENTS {
            Some(events) => (events.sign)(env, event_type, data, secret),
            None => Err(not_documented()),
        }
    }

    /// Delivers a signed event to the subscribed endpoints of the caller
    /// named by `headers` (the admin trigger); without signing the mock
    /// sends nothing.
    fn trigger(
        state: &Arc<ProviderState<Self>>,
        headers: &HeaderMap,
        request: &Trigger,
    ) -> Result<Value, ApiError<Self>> {
        match Self::EVENTS {
            Some(events) => (events.trigger)(state, headers, request),
            None => Err(not_documented()),
        }
    }
}

/// The caller, from its key in the request's headers: one of `P`'s key
/// forms, else `P`'s 401.
pub fn authenticate<P: MockProvider>(headers: &HeaderMap) -> Result<Tenant, ApiError<P>> {
    let key = P::SECURITY.key(headers).unwrap_or_default();
    P::KEYS
        .iter()
        .find(|form| key.len() > form.prefix.len() && key.starts_with(form.prefix))
        .map(|form| Tenant {
            key: key.to_string(),
            mode: form.mode,
        })
        .ok_or_else(|| ApiError::of_kind(ErrorKind::Unauthorized))
}

impl<P: MockProvider> ApiError<P> {
    /// An error of `kind` with the provider's own code and message for it,
    /// where nothing more precise is known (injected errors, unknown routes).
    pub fn of_kind(kind: ErrorKind) -> Self {
        let (code, message) = P::error_code(kind);
        Self::new(kind, code, message)
    }
}

/// Signs a new event (the time and IDs to use, type, data, secret).
pub type SignFn<P> = fn(&Env, &str, Option<Value>, &str) -> Result<SignedEvent, ApiError<P>>;

/// Delivers a new event (state, the caller's headers, what to deliver).
pub type TriggerFn<P> =
    fn(&Arc<ProviderState<P>>, &HeaderMap, &Trigger) -> Result<Value, ApiError<P>>;

/// The headers of one signed delivery, by name.
pub type SignedHeaders = Vec<(&'static str, String)>;

/// A signing provider's event operations.
pub struct EventHooks<P: MockProvider> {
    /// Signs a new event.
    pub sign: SignFn<P>,
    /// Delivers a new event to the caller's subscribed endpoints.
    pub trigger: TriggerFn<P>,
    /// The headers of `body` (an event in the provider's envelope) signed
    /// with `secret` at a Unix time.
    pub sign_body: fn(&[u8], &str, i64) -> SignedHeaders,
}

/// The answer of a provider that does not document how its deliveries are signed.
pub(crate) fn not_documented<P: MockProvider>() -> ApiError<P> {
    ApiError::new(
        ErrorKind::BadRequest,
        "deliveries_not_documented",
        format!(
            "{} does not document how its deliveries are signed, so the mock sends none.",
            P::NAME
        ),
    )
}

/// An event signed as its provider documents, ready to POST.
#[derive(Debug, Clone)]
pub struct SignedEvent {
    /// The event's ID.
    pub id: String,
    /// The body, byte for byte as signed.
    pub body: Vec<u8>,
    /// The headers to send with it (content type and signature included).
    pub headers: Vec<(&'static str, String)>,
}

/// A provider's state in one mock: its tenants' data, and the mock's time,
/// IDs and deliverer, which its handlers use.
pub struct ProviderState<P: MockProvider> {
    /// Every tenant's data, behind one lock (shared with another contract
    /// of the same provider, see [`MockProvider::alternate`]).
    pub tenants: Arc<Shared<P::TenantData>>,
    /// The mock's time and IDs.
    pub env: Env,
    /// The mock's deliverer.
    pub deliverer: Arc<Deliverer>,
}

impl<P: MockProvider> ProviderState<P> {
    /// Empty state in the mock `states` belong to.
    pub fn new(states: &ProviderStates) -> Self {
        Self {
            tenants: Arc::default(),
            env: states.env.clone(),
            deliverer: states.deliverer.clone(),
        }
    }

    /// `other`'s store, seen through contract `P`.
    pub fn sharing<Q: MockProvider<TenantData = P::TenantData>>(other: &ProviderState<Q>) -> Self {
        Self {
            tenants: other.tenants.clone(),
            env: other.env.clone(),
            deliverer: other.deliverer.clone(),
        }
    }
}

impl<P: MockProvider> Reset for ProviderState<P> {
    fn reset(&self, key: Option<&str>) {
        self.tenants.reset(key);
    }
}

/// A hand-written spec of a provider, and which requests it describes.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(not(feature = "proxy"), allow(dead_code))] // read by the proxy alone
pub struct HandWritten {
    /// Its file name under `openapi/`.
    pub file: &'static str,
    /// Its text.
    pub spec: &'static str,
    /// Whether a request with these headers is for this contract.
    pub applies: fn(&axum::http::HeaderMap) -> bool,
}

/// Whether a request is for an [`Alternate`] contract; `Err` is the answer
/// to send at once (boxed: a response is large).
pub type Selects =
    dyn Fn(&axum::extract::Request) -> Result<bool, Box<axum::response::Response>> + Send + Sync;

/// Another contract a provider serves on the same paths and store, chosen
/// per request (Commet's API versions). Built by [`MockProvider::alternate`]
/// with `kernel::app::contract`.
pub struct Alternate {
    /// Its routes, with their own injected failures and fallbacks.
    pub router: axum::Router,
    /// Whether a request is for it; `Err` answers the request at once (a
    /// malformed version).
    pub selects: Arc<Selects>,
    /// Where its emitted spec is served, relative to the provider's prefix.
    pub spec_path: &'static str,
    /// Its name on the docs page.
    pub title: &'static str,
    /// Its emitted spec.
    pub spec: Arc<Value>,
}
