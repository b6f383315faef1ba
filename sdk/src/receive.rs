//! Receiving webhooks: verify a delivery, then read its event.
//!
//! Each signing provider has one verifier type, built once from one or more
//! secrets: [`billing_io::webhook::Webhook`](crate::billing_io::webhook::Webhook),
//! [`meum::webhook::Webhook`](crate::meum::webhook::Webhook) and
//! [`commet::webhook::Webhook`](crate::commet::webhook::Webhook), all a
//! [`Webhook<S>`] with the provider's [`Scheme`]. Verifying takes the raw body
//! and the request's headers, in that order, and gives a [`VerifiedDelivery`];
//! reading its event is a second step that cannot fail: an event type this
//! SDK does not know, or data in a shape it does not expect, is a value
//! ([`Event::Unknown`], [`Event::Unrecognised`]), never an error, so a
//! genuine delivery is never refused for being newer than this crate.
//!
//! ```
//! use webhooks_sdk::billing_io::webhook::Webhook;
//! use webhooks_sdk::receive::Event;
//!
//! // During a rotation, the new secret and the old one.
//! let webhook = Webhook::new(["whsec_new", "whsec_old"])?;
//! # let body = br#"{"event_id":"evt_1","type":"checkout.completed","checkout_id":"co_1","data":{"checkout_id":"co_1","status":"confirmed"}}"#;
//! # let headers = Webhook::new(["whsec_old"])?.sign(body, std::time::SystemTime::now());
//! let delivery = webhook.verify(body, &headers)?;
//! match delivery.event() {
//!     Event::Known(event) => println!("{} for {}", event.event_type, event.data.checkout_id),
//!     Event::Unknown(raw) => println!("a newer event type: {:?}", raw.event_type),
//!     Event::Unrecognised(raw) => println!("unexpected data: {:?}", raw.reason),
//!     _ => {}
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::signature::{hmac_hex, signature_matches};
use crate::{Provider, Secret};

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod replay;

pub use replay::{Claim, EventKey, MemoryReplayGuard, ReplayError, ReplayGuard};

/// The body size a receiver accepts by default (1 MiB); the providers'
/// payloads are a few KiB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// A request's headers, whatever the HTTP stack: `http` 1.x `HeaderMap`
/// (axum, hyper 1, reqwest) and lists of name/value pairs implement it;
/// implement it for your own stack's type in two lines.
///
/// ```
/// use webhooks_sdk::receive::Headers;
///
/// let pairs = [("X-Billing-Signature", "t=1,v1=ab")];
/// assert_eq!(pairs.header("x-billing-signature"), Some("t=1,v1=ab"));
/// ```
pub trait Headers {
    /// The first value of header `name` (compared without regard to ASCII
    /// case), if there is one and it is text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<H: Headers + ?Sized> Headers for &H {
    fn header(&self, name: &str) -> Option<&str> {
        (**self).header(name)
    }
}

/// How far a signed timestamp may be from the receiver's clock, either way.
///
/// A zero tolerance means zero (the timestamp must be this second): turning
/// the check off is [`Tolerance::Unchecked`], never a zero, unlike the
/// providers' own SDKs, where `0` means "off".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tolerance {
    /// Refuse a timestamp further than this from now, in the past or the future.
    Within(Duration),
    /// Accept any timestamp (replays are then only stopped by a [`ReplayGuard`]).
    Unchecked,
}

/// Why a verifier could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SetupError {
    /// No secret was given.
    NoSecret,
    /// One of the secrets is empty.
    EmptySecret,
    /// The provider documents no complete signing scheme (each provider's
    /// module says what its docs give), so nothing can be verified.
    SigningNotDocumented(Provider),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoSecret => f.write_str("a webhook verifier needs at least one secret"),
            Self::EmptySecret => f.write_str("a webhook secret is empty"),
            Self::SigningNotDocumented(provider) => write!(
                f,
                "{} does not document how its deliveries are signed",
                provider.title()
            ),
        }
    }
}

impl std::error::Error for SetupError {}

/// Why a delivery was not accepted as the provider's. It never says which
/// secret was tried.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    MissingHeader(&'static str),
    /// A header is present but not in the documented format.
    MalformedHeader(&'static str),
    /// No signature in the header matches the body with any of the secrets.
    NoMatchingSignature,
    /// The signed timestamp is older than the tolerance allows.
    TimestampTooOld {
        /// How old it is.
        age: Duration,
    },
    /// The signed timestamp is further in the future than the tolerance allows.
    TimestampInFuture {
        /// How far ahead it is.
        ahead: Duration,
    },
}

impl VerifyError {
    /// Whether the request is malformed or unsigned (a 400), rather than
    /// signed wrongly or too long ago (a 401).
    pub fn is_malformed(&self) -> bool {
        matches!(self, Self::MissingHeader(_) | Self::MalformedHeader(_))
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "the {h} header is missing"),
            Self::MalformedHeader(h) => write!(f, "the {h} header is malformed"),
            Self::NoMatchingSignature => f.write_str("no signature matches the body"),
            Self::TimestampTooOld { age } => write!(f, "the timestamp is {}s old", age.as_secs()),
            Self::TimestampInFuture { ahead } => {
                write!(f, "the timestamp is {}s in the future", ahead.as_secs())
            }
        }
    }
}

impl std::error::Error for VerifyError {}

/// What the signature headers of one delivery say.
#[doc(hidden)]
pub struct Signed<'h> {
    /// The signed timestamp as sent (the exact text is what was signed) and
    /// as Unix seconds, where the scheme signs one.
    pub timestamp: Option<(&'h str, i64)>,
    /// Every signature offered (several during a provider-side rotation).
    pub signatures: Vec<&'h str>,
}

/// Where a provider's event envelope keeps its ID, type and time.
#[doc(hidden)]
pub struct Envelope {
    /// The event ID, the same on every retry (the replay key).
    pub id: &'static str,
    /// The event type.
    pub event_type: &'static str,
    /// When the event happened.
    pub created_at: &'static str,
}

pub(crate) mod private {
    pub trait Sealed {}
}

/// A provider's documented signing scheme. Implemented by this crate for
/// billing.io, meum.io and Commet only.
pub trait Scheme: private::Sealed + Send + Sync + 'static {
    /// The provider.
    const PROVIDER: Provider;
    /// The documented tolerance; [`Tolerance::Unchecked`] where no timestamp is signed.
    const TOLERANCE: Tolerance;
    /// The event a verified delivery reads as.
    type Event: ReadEvent;
    #[doc(hidden)]
    const ENVELOPE: Envelope;
    #[doc(hidden)]
    /// Whether the signed message is `{timestamp}.{body}` (else the body alone).
    const SIGNS_TIMESTAMP: bool;
    #[doc(hidden)]
    /// The signature and timestamp the headers carry.
    fn signed(headers: &dyn Headers) -> Result<Signed<'_>, VerifyError>;
    #[doc(hidden)]
    /// The headers the provider sends with `body`, signed with `signature`
    /// at Unix time `timestamp`, and the event's fields from `event`.
    fn headers(
        body: &[u8],
        signature: String,
        timestamp: i64,
        event: Option<&Value>,
    ) -> Vec<(&'static str, String)>;
}

/// A scheme that signs a timestamp, so a tolerance applies.
pub trait SignsTimestamp: Scheme {}

/// Verifies one provider's deliveries: built once from its secrets (two or
/// more during a rotation; a delivery verifies if any matches, each
/// candidate a full constant-time check), then [`verify`](Self::verify)
/// for each delivery. Cheap to clone; `Debug` never shows a secret.
pub struct Webhook<S: Scheme> {
    inner: Arc<Inner>,
    scheme: PhantomData<fn() -> S>,
}

struct Inner {
    secrets: Vec<Secret>,
    tolerance: Tolerance,
}

impl<S: Scheme> Clone for Webhook<S> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            scheme: PhantomData,
        }
    }
}

impl<S: Scheme> fmt::Debug for Webhook<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("provider", &S::PROVIDER)
            .field(
                "secrets",
                &format_args!("[{} redacted]", self.inner.secrets.len()),
            )
            .field("tolerance", &self.inner.tolerance)
            .finish()
    }
}

impl<S: Scheme> Webhook<S> {
    /// A verifier for these secrets, newest first (the first one signs, in
    /// [`sign`](Self::sign)), with the provider's documented tolerance.
    pub fn new<I, T>(secrets: I) -> Result<Self, SetupError>
    where
        I: IntoIterator<Item = T>,
        T: Into<Secret>,
    {
        let secrets: Vec<Secret> = secrets.into_iter().map(Into::into).collect();
        if secrets.is_empty() {
            return Err(SetupError::NoSecret);
        }
        if secrets.iter().any(|s| s.expose().is_empty()) {
            return Err(SetupError::EmptySecret);
        }
        Ok(Self {
            inner: Arc::new(Inner {
                secrets,
                tolerance: S::TOLERANCE,
            }),
            scheme: PhantomData,
        })
    }

    /// The provider whose deliveries this verifies.
    pub fn provider(&self) -> Provider {
        S::PROVIDER
    }

    /// Verifies a delivery now: `body` is the raw request body, byte for
    /// byte (never a re-encoded JSON value), `headers` the request's headers.
    pub fn verify(
        &self,
        body: &[u8],
        headers: &impl Headers,
    ) -> Result<VerifiedDelivery<S::Event>, VerifyError> {
        self.verify_at(body, headers, SystemTime::now())
    }

    /// [`verify`](Self::verify) as if the time were `now`.
    pub fn verify_at(
        &self,
        body: &[u8],
        headers: &impl Headers,
        now: SystemTime,
    ) -> Result<VerifiedDelivery<S::Event>, VerifyError> {
        let signed = S::signed(headers)?;
        let timestamp = signed.timestamp.filter(|_| S::SIGNS_TIMESTAMP);
        let parts: Vec<&[u8]> = match timestamp {
            Some((text, _)) => vec![text.as_bytes(), b".", body],
            None => vec![body],
        };
        // Every secret against every signature: no early exit that would say which matched.
        let mut matched = false;
        for secret in &self.inner.secrets {
            for candidate in &signed.signatures {
                matched |= signature_matches(secret.expose().as_bytes(), &parts, candidate);
            }
        }
        if !matched {
            return Err(VerifyError::NoMatchingSignature);
        }
        let signed_at = match timestamp {
            Some((_, seconds)) => {
                check_timestamp(seconds, unix(now), self.inner.tolerance)?;
                Some(UNIX_EPOCH + Duration::from_secs(seconds.max(0).unsigned_abs()))
            }
            None => None,
        };
        Ok(VerifiedDelivery::new::<S>(
            Bytes::copy_from_slice(body),
            signed_at,
        ))
    }

    /// The headers the provider would send with `body` at `at`, signed
    /// with the first (newest) secret: for your own tests.
    pub fn sign(&self, body: &[u8], at: SystemTime) -> http::HeaderMap {
        let timestamp = unix(at);
        let t = timestamp.to_string();
        let parts: Vec<&[u8]> = if S::SIGNS_TIMESTAMP {
            vec![t.as_bytes(), b".", body]
        } else {
            vec![body]
        };
        let signature = hmac_hex(self.inner.secrets[0].expose().as_bytes(), &parts);
        let event = serde_json::from_slice::<Value>(body).ok();
        let mut map = http::HeaderMap::new();
        for (name, value) in S::headers(body, signature, timestamp, event.as_ref()) {
            if let Ok(value) = http::HeaderValue::from_str(&value) {
                map.insert(name, value);
            }
        }
        map
    }
}

/// A verifier of any scheme, read through [`NeutralEvent`] (for `AnyWebhook`).
#[cfg(feature = "endpoints")]
pub(crate) trait NeutralVerifier: Send + Sync + fmt::Debug {
    fn verify_at(
        &self,
        body: &[u8],
        headers: &dyn Headers,
        now: SystemTime,
    ) -> Result<VerifiedDelivery<NeutralEvent>, VerifyError>;
}

#[cfg(feature = "endpoints")]
impl<S: Scheme> NeutralVerifier for Webhook<S> {
    fn verify_at(
        &self,
        body: &[u8],
        headers: &dyn Headers,
        now: SystemTime,
    ) -> Result<VerifiedDelivery<NeutralEvent>, VerifyError> {
        Ok(Webhook::verify_at(self, body, &headers, now)?.into_neutral())
    }
}

impl<S: SignsTimestamp> Webhook<S> {
    /// Replaces the documented tolerance (see [`Tolerance`] for turning the
    /// check off). Commet signs no timestamp, so its verifier has no such setting.
    pub fn tolerance(self, tolerance: Tolerance) -> Self {
        Self {
            inner: Arc::new(Inner {
                secrets: self.inner.secrets.clone(),
                tolerance,
            }),
            scheme: PhantomData,
        }
    }
}

fn unix(at: SystemTime) -> i64 {
    at.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn check_timestamp(timestamp: i64, now: i64, tolerance: Tolerance) -> Result<(), VerifyError> {
    let Tolerance::Within(limit) = tolerance else {
        return Ok(());
    };
    let limit = i64::try_from(limit.as_secs()).unwrap_or(i64::MAX);
    let gap = now.saturating_sub(timestamp);
    if gap > limit {
        return Err(VerifyError::TimestampTooOld {
            age: Duration::from_secs(gap.unsigned_abs()),
        });
    }
    if -gap > limit {
        return Err(VerifyError::TimestampInFuture {
            ahead: Duration::from_secs(gap.unsigned_abs()),
        });
    }
    Ok(())
}

/// The text of `event`'s field `key`, empty when it has none (for the
/// headers a provider copies from its envelope).
#[cfg(any(feature = "meum", feature = "commet"))]
pub(crate) fn text_field(event: Option<&Value>, key: &str) -> String {
    event
        .and_then(|e| e.get(key))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The header value of `name`, or why the scheme cannot use it.
pub(crate) fn required<'h>(
    headers: &'h dyn Headers,
    name: &'static str,
) -> Result<&'h str, VerifyError> {
    headers.header(name).ok_or(VerifyError::MissingHeader(name))
}

/// A delivery whose signature verified: the raw body, the signed event ID
/// (the key to deduplicate on: never an unsigned header), and the signed
/// timestamp where the scheme has one. Read the event with [`event`](Self::event).
#[derive(Clone)]
pub struct VerifiedDelivery<E> {
    context: ReadContext,
    body: Bytes,
    json: Option<Value>,
    signed_at: Option<SystemTime>,
    event: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for VerifiedDelivery<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedDelivery")
            .field("provider", &self.context.provider)
            .field("event_id", &self.event_id())
            .field("signed_at", &self.signed_at)
            .field("bytes", &self.body.len())
            .finish()
    }
}

impl<E: ReadEvent> VerifiedDelivery<E> {
    fn new<S: Scheme<Event = E>>(body: Bytes, signed_at: Option<SystemTime>) -> Self {
        let json = serde_json::from_slice(&body).ok();
        Self {
            context: ReadContext {
                provider: S::PROVIDER,
                envelope: &S::ENVELOPE,
                known: <S::Event as ReadEvent>::is_known,
            },
            body,
            json,
            signed_at,
            event: PhantomData,
        }
    }

    /// The event, read from the verified body. Never fails: see [`Event`].
    pub fn event(&self) -> E {
        E::read(self.json.as_ref(), &self.context)
    }
}

impl<E> VerifiedDelivery<E> {
    /// Who sent it.
    pub fn provider(&self) -> Provider {
        self.context.provider
    }

    /// The body, byte for byte as signed.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as JSON, if it is JSON.
    pub fn json(&self) -> Option<&Value> {
        self.json.as_ref()
    }

    /// The event's ID from the signed body (billing.io `event_id`, meum.io
    /// and Commet `id`), the same on every retry: the key to deduplicate on.
    pub fn event_id(&self) -> Option<&str> {
        self.json.as_ref()?.get(self.context.envelope.id)?.as_str()
    }

    /// The signed timestamp, where the scheme signs one (not Commet's).
    pub fn signed_at(&self) -> Option<SystemTime> {
        self.signed_at
    }

    /// The key a [`ReplayGuard`] deduplicates this delivery on, if the
    /// signed body carries an event ID.
    pub fn replay_key(&self) -> Option<EventKey> {
        self.event_id()
            .map(|id| EventKey::new(self.context.provider, id))
    }

    /// The provider-neutral view of the event.
    pub fn neutral(&self) -> NeutralEvent {
        NeutralEvent::read(self.json.as_ref(), &self.context)
    }

    /// The same delivery read through the provider-neutral [`NeutralEvent`].
    pub fn into_neutral(self) -> VerifiedDelivery<NeutralEvent> {
        VerifiedDelivery {
            context: self.context,
            body: self.body,
            json: self.json,
            signed_at: self.signed_at,
            event: PhantomData,
        }
    }
}

/// What reading a delivery's body needs to know about its provider.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub struct ReadContext {
    provider: Provider,
    envelope: &'static Envelope,
    /// Whether a body reads as the provider's documented typed event.
    known: fn(&Value) -> bool,
}

/// How a verified body is read as an event ([`Event`] of a provider's
/// typed envelope, or [`NeutralEvent`]).
pub trait ReadEvent: Sized {
    /// The event, from the body's JSON (`None` when it is not JSON).
    #[doc(hidden)]
    fn read(json: Option<&Value>, context: &ReadContext) -> Self;
    /// Whether a body reads as a documented typed event.
    #[doc(hidden)]
    fn is_known(json: &Value) -> bool;
}

/// A documented event, as one provider's typed envelope.
pub trait KnownEvent: DeserializeOwned {
    /// The envelope field that names the type.
    const TYPE_FIELD: &'static str;
    /// Whether `event_type` is one the provider documents.
    fn is_documented(event_type: &str) -> bool;
    /// The event's type, as sent.
    fn event_type(&self) -> &str;
}

/// A verified delivery's event, read.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event<K> {
    /// A documented event type in its documented shape.
    Known(K),
    /// An event type this SDK does not know (one the provider added later,
    /// or a body without a type): the raw JSON.
    Unknown(RawEvent),
    /// A documented event type whose body is not in the documented shape:
    /// the raw JSON, and why it did not parse.
    Unrecognised(RawEvent),
}

/// A verified event the SDK could not read as a typed one.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    /// The type the body names, if it names one.
    pub event_type: Option<String>,
    /// The whole body as JSON (`null` when the body is not JSON).
    pub json: Value,
    /// Why it did not read as the documented shape (for unrecognised data).
    pub reason: Option<String>,
}

impl<K: KnownEvent> Event<K> {
    /// Whether the type and data read as a documented typed event.
    pub fn is_known(&self) -> bool {
        matches!(self, Self::Known(_))
    }

    /// The event's type, as sent, if the body names one.
    pub fn event_type(&self) -> Option<&str> {
        match self {
            Self::Known(event) => Some(event.event_type()),
            Self::Unknown(raw) | Self::Unrecognised(raw) => raw.event_type.as_deref(),
        }
    }
}

impl<K: KnownEvent> ReadEvent for Event<K> {
    fn read(json: Option<&Value>, _: &ReadContext) -> Self {
        let Some(json) = json else {
            return Self::Unrecognised(RawEvent {
                event_type: None,
                json: Value::Null,
                reason: Some("the body is not JSON".into()),
            });
        };
        let event_type = json.get(K::TYPE_FIELD).and_then(Value::as_str);
        let raw = |reason: Option<String>| RawEvent {
            event_type: event_type.map(str::to_string),
            json: json.clone(),
            reason,
        };
        match event_type {
            Some(t) if K::is_documented(t) => match K::deserialize(json) {
                Ok(event) => Self::Known(event),
                Err(e) => Self::Unrecognised(raw(Some(e.to_string()))),
            },
            _ => Self::Unknown(raw(None)),
        }
    }

    fn is_known(json: &Value) -> bool {
        let event_type = json.get(K::TYPE_FIELD).and_then(Value::as_str);
        event_type.is_some_and(K::is_documented) && K::deserialize(json).is_ok()
    }
}

/// Any provider's event, read the same way (what [`crate::verify`] gives).
#[derive(Debug, Clone, PartialEq)]
pub struct NeutralEvent {
    /// Who sent it.
    pub provider: Provider,
    /// The event's ID from the signed body, the same on every retry.
    pub id: Option<String>,
    /// Its type, in the provider's own names.
    pub event_type: Option<String>,
    /// When it happened, as the provider wrote it.
    pub created_at: Option<String>,
    /// The event's data (`null` when there is none).
    pub data: Value,
    /// Whether its type and data read as the provider's documented typed event.
    pub known: bool,
}

impl ReadEvent for NeutralEvent {
    fn read(json: Option<&Value>, context: &ReadContext) -> Self {
        let envelope = context.envelope;
        let text = |key: &str| {
            json.and_then(|j| j.get(key))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Self {
            provider: context.provider,
            id: text(envelope.id),
            event_type: text(envelope.event_type),
            created_at: text(envelope.created_at),
            data: json
                .and_then(|j| j.get("data"))
                .cloned()
                .unwrap_or(Value::Null),
            known: json.is_some_and(context.known),
        }
    }

    fn is_known(_: &Value) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lists_are_read_without_regard_to_case() {
        let pairs = vec![("X-Commet-Signature".to_string(), "ab".to_string())];
        assert_eq!(pairs.header("x-commet-signature"), Some("ab"));
        assert_eq!(pairs.header("x-other"), None);
        let mut map = http::HeaderMap::new();
        map.insert("x-commet-signature", "cd".parse().unwrap());
        assert_eq!(map.header("X-Commet-Signature"), Some("cd"));
    }

    #[test]
    fn the_tolerance_holds_both_ways_and_zero_is_zero() {
        let five_minutes = Tolerance::Within(Duration::from_secs(300));
        assert!(check_timestamp(1000, 1300, five_minutes).is_ok());
        assert!(check_timestamp(1300, 1000, five_minutes).is_ok());
        assert!(matches!(
            check_timestamp(1000, 1301, five_minutes),
            Err(VerifyError::TimestampTooOld { .. })
        ));
        assert!(matches!(
            check_timestamp(1301, 1000, five_minutes),
            Err(VerifyError::TimestampInFuture { .. })
        ));
        let zero = Tolerance::Within(Duration::ZERO);
        assert!(check_timestamp(1000, 1000, zero).is_ok());
        assert!(
            check_timestamp(1000, 1001, zero).is_err(),
            "zero is not off"
        );
        assert!(check_timestamp(0, 1_000_000, Tolerance::Unchecked).is_ok());
    }
}
