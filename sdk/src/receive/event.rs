//! A verified delivery, and reading its event: a step that never fails
//! (an unknown type or unexpected data is a value, not an error).

use std::fmt;
use std::marker::PhantomData;
use std::time::SystemTime;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::{Envelope, EventKey, Scheme};
use crate::Provider;

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
    pub(super) fn new<S: Scheme<Event = E>>(body: Bytes, signed_at: Option<SystemTime>) -> Self {
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

    /// The key a [`ReplayGuard`](super::ReplayGuard) deduplicates this delivery on, if the
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

#[cfg(all(test, feature = "billing-io"))]
mod tests {
    use std::time::SystemTime;

    use crate::billing_io::webhook::Webhook;
    use crate::receive::EventKey;

    /// What a handler reads of a verified delivery: the bytes as signed,
    /// their JSON, the key to deduplicate on, and a `Debug` without the body.
    #[test]
    fn a_verified_delivery_gives_its_bytes_json_and_replay_key() {
        let webhook = Webhook::new(["whsec_event"]).unwrap();
        let body = br#"{"event_id": "evt_1", "type": "checkout.completed", "note": "private"}"#;
        let headers = webhook.sign(body, SystemTime::now());
        let delivery = webhook.verify(body, &headers).unwrap();
        assert_eq!(delivery.body(), body);
        assert_eq!(delivery.json().unwrap()["type"], "checkout.completed");
        let key = delivery.replay_key().unwrap();
        assert_eq!(key, EventKey::new(crate::Provider::BillingIo, "evt_1"));
        let debug = format!("{delivery:?}");
        assert!(
            debug.contains("evt_1") && debug.contains(&body.len().to_string()),
            "{debug}"
        );
        assert!(!debug.contains("private"), "{debug}");

        let not_json = b"not json";
        let headers = webhook.sign(not_json, SystemTime::now());
        let delivery = webhook.verify(not_json, &headers).unwrap();
        assert_eq!((delivery.json(), delivery.replay_key()), (None, None));
    }

    /// The typed read: a documented type with its data is known; an
    /// undocumented type is unknown; a documented type whose data does not
    /// read is unrecognised, with why; the neutral view agrees on `known`.
    #[test]
    fn events_read_as_known_unknown_or_unrecognised() {
        let webhook = Webhook::new(["whsec_event"]).unwrap();
        let read = |body: serde_json::Value| {
            let body = body.to_string();
            let headers = webhook.sign(body.as_bytes(), SystemTime::now());
            webhook.verify(body.as_bytes(), &headers).unwrap()
        };
        let checkout = serde_json::json!({"checkout_id": "co_1", "status": "confirmed"});
        let known = read(serde_json::json!({
            "event_id": "evt_1", "type": "checkout.completed", "checkout_id": "co_1", "data": checkout,
        }));
        assert!(known.event().is_known() && known.neutral().known);
        assert_eq!(known.event().event_type(), Some("checkout.completed"));
        let unknown = read(serde_json::json!({
            "event_id": "evt_2", "type": "checkout.refunded", "checkout_id": "co_1", "data": checkout,
        }));
        assert!(matches!(unknown.event(), super::Event::Unknown(_)));
        assert_eq!(unknown.event().event_type(), Some("checkout.refunded"));
        assert!(!unknown.neutral().known);
        let unrecognised =
            read(serde_json::json!({"event_id": "evt_3", "type": "checkout.completed"}));
        let event = unrecognised.event();
        assert!(matches!(&event, super::Event::Unrecognised(raw) if raw.reason.is_some()));
        assert!(!event.is_known() && !unrecognised.neutral().known);
        assert_eq!(event.event_type(), Some("checkout.completed"));
    }
}
