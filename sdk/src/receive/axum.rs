//! An axum extractor that owns the raw body (feature `axum`): it reads the
//! body itself, with a size limit, verifies it with the secrets in the
//! router's state and hands the handler the verified delivery. A handler
//! cannot parse the body as JSON first (the classic mistake that re-encodes
//! it and breaks the signature), because it never gets the body.
//!
//! With a [`ReplayGuard`] in the [`Receiver`], add [`ReplayLayer`] to the
//! router: the extractor claims the signed event ID, a duplicate is answered
//! `200` without running the handler, and the layer, which sees the
//! handler's answer (an extractor cannot), marks the event processed only
//! on a 2xx, so a failed handler lets the provider's retry through.
//!
//! ```no_run
//! use axum::{Router, extract::FromRef, http::StatusCode, routing::post};
//! use webhooks_sdk::billing_io::webhook::{BillingIo, Event, Webhook};
//! use webhooks_sdk::receive::MemoryReplayGuard;
//! use webhooks_sdk::receive::axum::{Receiver, ReplayLayer, Verified};
//!
//! #[derive(Clone)]
//! struct App {
//!     billing: Receiver<BillingIo>,
//! }
//!
//! impl FromRef<App> for Receiver<BillingIo> {
//!     fn from_ref(app: &App) -> Self {
//!         app.billing.clone()
//!     }
//! }
//!
//! async fn on_billing(delivery: Verified<BillingIo>) -> StatusCode {
//!     match delivery.event() {
//!         Event::Known(event) => println!("{} {}", event.event_type, event.checkout_id),
//!         other => println!("not a typed event: {other:?}"),
//!     }
//!     StatusCode::OK // anything but 2xx lets billing.io retry
//! }
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let webhook = Webhook::new(["whsec_new", "whsec_old"])?;
//! let billing = Receiver::new(webhook).replay_guard(MemoryReplayGuard::default());
//! let app = Router::new()
//!     .route("/webhooks/billing-io", post(on_billing))
//!     .layer(ReplayLayer)
//!     .with_state(App { billing });
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(()) }
//! ```
//!
//! Refused deliveries get an empty body and never a 2xx: `400` for a
//! missing or malformed signature header, `401` for a signature that does
//! not match or a timestamp outside the tolerance, `413` for a body over the
//! limit (refused from `Content-Length` before it is read, or as soon as it
//! grows past the limit). A duplicate is `200`; a copy whose twin is being
//! processed right now `409` (the provider retries it); a guard whose
//! storage failed `503`.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use futures_util::future::BoxFuture;

use super::{
    Claim, DEFAULT_BODY_LIMIT, EventKey, ReplayError, ReplayGuard, Scheme, VerifiedDelivery,
    VerifyError, Webhook,
};

/// What the extractor needs for one provider's route: the verifier, the
/// body limit and, optionally, a replay guard. Put it in the router's state
/// (with `FromRef` when the state holds more). Cheap to clone.
pub struct Receiver<S: Scheme> {
    webhook: Webhook<S>,
    guard: Option<Arc<dyn DynGuard>>,
    body_limit: usize,
}

impl<S: Scheme> Clone for Receiver<S> {
    fn clone(&self) -> Self {
        Self {
            webhook: self.webhook.clone(),
            guard: self.guard.clone(),
            body_limit: self.body_limit,
        }
    }
}

impl<S: Scheme> std::fmt::Debug for Receiver<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("webhook", &self.webhook)
            .field("replay_guard", &self.guard.is_some())
            .field("body_limit", &self.body_limit)
            .finish()
    }
}

impl<S: Scheme> Receiver<S> {
    /// A receiver verifying with `webhook`, a body limit of
    /// [`DEFAULT_BODY_LIMIT`], and no replay guard.
    pub fn new(webhook: Webhook<S>) -> Self {
        Self {
            webhook,
            guard: None,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// Deduplicates deliveries on their signed event ID with `guard`; the
    /// router then needs [`ReplayLayer`].
    pub fn replay_guard(mut self, guard: impl ReplayGuard) -> Self {
        self.guard = Some(Arc::new(guard));
        self
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// The verifier.
    pub fn webhook(&self) -> &Webhook<S> {
        &self.webhook
    }
}

/// A verified delivery, as a handler receives it (dereferences to
/// [`VerifiedDelivery`]): `delivery.event()`, `delivery.event_id()`.
pub struct Verified<S: Scheme> {
    delivery: VerifiedDelivery<S::Event>,
}

impl<S: Scheme> Deref for Verified<S> {
    type Target = VerifiedDelivery<S::Event>;

    fn deref(&self) -> &Self::Target {
        &self.delivery
    }
}

impl<S: Scheme> std::fmt::Debug for Verified<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.delivery.fmt(f)
    }
}

impl<S: Scheme> Verified<S> {
    /// The verified delivery itself.
    pub fn into_inner(self) -> VerifiedDelivery<S::Event> {
        self.delivery
    }
}

/// Why the extractor answered instead of the handler.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The body is over the limit (413).
    TooLarge,
    /// The signature did not verify (400 malformed or unsigned, 401 otherwise).
    Refused(VerifyError),
    /// This event was processed already (200, the handler is not run).
    Duplicate,
    /// A copy of this event is being processed now (409).
    InFlight,
    /// The replay guard's storage failed (503).
    Unavailable(ReplayError),
    /// A replay guard is configured but the router lacks [`ReplayLayer`] (500).
    MissingReplayLayer,
}

impl Rejection {
    /// The status the extractor answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Refused(e) if e.is_malformed() => StatusCode::BAD_REQUEST,
            Self::Refused(_) => StatusCode::UNAUTHORIZED,
            Self::Duplicate => StatusCode::OK,
            Self::InFlight => StatusCode::CONFLICT,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::MissingReplayLayer => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooLarge => f.write_str("the body is over the limit"),
            Self::Refused(e) => write!(f, "refused: {e}"),
            Self::Duplicate => f.write_str("a duplicate of a processed event"),
            Self::InFlight => f.write_str("a copy of this event is being processed"),
            Self::Unavailable(e) => write!(f, "the replay guard failed: {e}"),
            Self::MissingReplayLayer => f.write_str(
                "a replay guard is configured but the router lacks webhooks_sdk::receive::axum::ReplayLayer",
            ),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match &self {
            Self::Duplicate => tracing::debug!("webhook delivery: {self}"),
            _ => tracing::warn!("webhook delivery: {self}"),
        }
        self.status().into_response()
    }
}

impl<S, St> FromRequest<St> for Verified<S>
where
    S: Scheme,
    Receiver<S>: FromRef<St>,
    St: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &St) -> Result<Self, Rejection> {
        let receiver = Receiver::<S>::from_ref(state);
        let (parts, body) = request.into_parts();
        let declared = parts
            .headers
            .get(axum::http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
        if declared.is_some_and(|length| length > receiver.body_limit) {
            return Err(Rejection::TooLarge);
        }
        let body = axum::body::to_bytes(body, receiver.body_limit)
            .await
            .map_err(|_| Rejection::TooLarge)?;
        let delivery = receiver
            .webhook
            .verify(&body, &parts.headers)
            .map_err(Rejection::Refused)?;
        if let (Some(guard), Some(key)) = (&receiver.guard, delivery.replay_key()) {
            let slot = parts
                .extensions
                .get::<ClaimSlot>()
                .ok_or(Rejection::MissingReplayLayer)?;
            match guard.claim(&key).await.map_err(Rejection::Unavailable)? {
                Claim::Fresh => slot.hold(guard.clone(), key),
                Claim::Processed => return Err(Rejection::Duplicate),
                Claim::InFlight => return Err(Rejection::InFlight),
            }
        }
        Ok(Self { delivery })
    }
}

/// [`ReplayGuard`] behind a pointer (its futures boxed), for the state.
trait DynGuard: Send + Sync {
    fn claim<'a>(&'a self, key: &'a EventKey) -> BoxFuture<'a, Result<Claim, ReplayError>>;
    fn finish<'a>(
        &'a self,
        key: &'a EventKey,
        processed: bool,
    ) -> BoxFuture<'a, Result<(), ReplayError>>;
}

impl<G: ReplayGuard> DynGuard for G {
    fn claim<'a>(&'a self, key: &'a EventKey) -> BoxFuture<'a, Result<Claim, ReplayError>> {
        Box::pin(ReplayGuard::claim(self, key))
    }

    fn finish<'a>(
        &'a self,
        key: &'a EventKey,
        processed: bool,
    ) -> BoxFuture<'a, Result<(), ReplayError>> {
        Box::pin(ReplayGuard::finish(self, key, processed))
    }
}

/// A claim the handler's answer will finish: the guard and the key.
type PendingClaim = (Arc<dyn DynGuard>, EventKey);

/// Where the extractor leaves its claim for [`ReplayLayer`] to finish.
#[derive(Clone, Default)]
struct ClaimSlot(Arc<Mutex<Option<PendingClaim>>>);

impl ClaimSlot {
    fn hold(&self, guard: Arc<dyn DynGuard>, key: EventKey) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some((guard, key));
    }

    fn take(&self) -> Option<PendingClaim> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }
}

/// Finishes the extractor's replay claims once the handler has answered:
/// processed on a 2xx, released otherwise. A tower layer, for
/// `Router::layer`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReplayLayer;

impl<Svc> tower_layer::Layer<Svc> for ReplayLayer {
    type Service = ReplayService<Svc>;

    fn layer(&self, inner: Svc) -> Self::Service {
        ReplayService { inner }
    }
}

/// The service of [`ReplayLayer`].
#[derive(Debug, Clone)]
pub struct ReplayService<Svc> {
    inner: Svc,
}

impl<Svc, B, ResBody> tower_service::Service<http::Request<B>> for ReplayService<Svc>
where
    Svc: tower_service::Service<http::Request<B>, Response = http::Response<ResBody>>,
    Svc::Future: Send + 'static,
    Svc::Error: Send + 'static,
    ResBody: Send + 'static,
{
    type Response = http::Response<ResBody>;
    type Error = Svc::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let slot = ClaimSlot::default();
        request.extensions_mut().insert(slot.clone());
        let answered = self.inner.call(request);
        Box::pin(async move {
            let result = answered.await;
            if let Some((guard, key)) = slot.take() {
                let processed = matches!(&result, Ok(r) if r.status().is_success());
                if let Err(e) = guard.finish(&key, processed).await {
                    tracing::warn!("webhook delivery {key}: the replay guard failed: {e}");
                }
            }
            result
        })
    }
}
