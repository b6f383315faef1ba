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
use serde_json::Value;

use crate::signature::{hmac_hex, signature_matches};
use crate::{Provider, Secret};

#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
mod errors;
mod event;
mod replay;

pub use errors::{SetupError, VerifyError};
pub use event::{
    Event, KnownEvent, NeutralEvent, RawEvent, ReadContext, ReadEvent, VerifiedDelivery,
};
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
        let array = [("X-Billing-Signature", "ef")];
        assert_eq!(array.header("x-billing-signature"), Some("ef"));
        assert_eq!(array.header("x-other"), None);
        // Borrowed headers work where a function takes any `Headers` by value.
        fn first<H: Headers>(headers: H, name: &str) -> Option<String> {
            headers.header(name).map(str::to_string)
        }
        assert_eq!(first(&pairs, "X-COMMET-SIGNATURE").as_deref(), Some("ab"));
        assert_eq!(first(&map, "x-other"), None);
        assert_eq!((pairs.len(), map.len()), (1, 1), "only borrowed");
    }

    #[cfg(feature = "billing-io")]
    #[test]
    fn a_verifier_shows_its_provider_and_how_many_secrets_never_which() {
        let webhook =
            Webhook::<crate::billing_io::webhook::BillingIo>::new(["whsec_new", "whsec_old"])
                .unwrap();
        let debug = format!("{webhook:?}");
        assert!(
            debug.contains("BillingIo") && debug.contains("[2 redacted]"),
            "{debug}"
        );
        assert!(!debug.contains("whsec"), "{debug}");
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
