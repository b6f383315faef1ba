//! Signed events, for the providers that document their signing: what
//! differs (event types, envelope, subscribers, signature headers, retry
//! schedule, what an attempt changes) is a [`SignedEvents`] implementation;
//! the trigger and the fan-out to every subscribed endpoint are written once.

use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderMap;
use serde_json::{Value, json};

use super::deliveries::{Attempt, Delivery, Trigger};
use super::env::Env;
use super::error::{ApiError, invalid};
use super::provider::{
    EventHooks, MockProvider, Mode, ProviderState, SignedEvent, Tenant, authenticate,
};

/// An endpoint an event goes to.
#[derive(Debug, Clone)]
pub struct Subscriber {
    /// The endpoint's ID.
    pub endpoint_id: String,
    /// Where it receives events.
    pub url: String,
    /// Its signing secret.
    pub secret: String,
    /// The API version it is pinned to, if the provider pins endpoints.
    pub api_version: Option<String>,
}

/// One event: the same ID and body for every endpoint and every retry.
#[derive(Debug, Clone)]
pub struct Event {
    /// The event's ID.
    pub id: String,
    /// Its type, as the provider names it.
    pub event_type: String,
    /// The envelope as delivered.
    pub envelope: Value,
}

/// How a provider signs and delivers its events.
pub trait SignedEvents: MockProvider {
    /// Delays before each attempt (the first is usually zero), uncompressed.
    const RETRY_SCHEDULE: &'static [Duration];

    /// How delivery attempt IDs start (followed by 24 of `[0-9a-z]`).
    const ATTEMPT_ID_PREFIX: &'static str;

    /// Whether the trigger accepts this event type.
    fn accepts(event_type: &str) -> bool;

    /// A new event of `event_type` for this tenant, in the documented
    /// envelope, its ID and time from `env`.
    fn envelope(env: &Env, tenant: &Tenant, event_type: &str, data: Option<Value>) -> Event;

    /// The tenant's active endpoints subscribed to `event_type`.
    fn subscribers(data: &Self::TenantData, event_type: &str) -> Vec<Subscriber>;

    /// The attempts for one endpoint (where a provider's schedule depends
    /// on the endpoint's API version).
    fn schedule_for(_subscriber: &Subscriber) -> &'static [Duration] {
        Self::RETRY_SCHEDULE
    }

    /// Renders the event for an endpoint pinned to API `version` (the
    /// envelope's version field; no change where the provider has none).
    fn render_in(_envelope: &mut Value, _version: &str) {}

    /// The headers of one attempt at Unix time `now`, signed with `secret`.
    fn signed_headers(
        event: &Event,
        body: &[u8],
        secret: &str,
        now: i64,
    ) -> Vec<(&'static str, String)>;

    /// What an attempt changes in the provider's state (delivery logs).
    fn on_attempt(state: &ProviderState<Self>, tenant: &str, endpoint_id: &str, attempt: &Attempt) {
        let _ = (state, tenant, endpoint_id, attempt);
    }

    /// What a new event changes in the tenant's data, at position `seq`
    /// (an event history, where the provider keeps one).
    fn on_event(data: &mut Self::TenantData, seq: u64, event: &Event) {
        let _ = (data, seq, event);
    }

    /// What the end of a delivery changes (auto-disable after failures).
    fn on_done(state: &ProviderState<Self>, tenant: &str, endpoint_id: &str, delivered: bool) {
        let _ = (state, tenant, endpoint_id, delivered);
    }
}

/// The event operations of a [`SignedEvents`] provider, for its
/// [`MockProvider::EVENTS`].
pub const fn hooks<P: SignedEvents>() -> EventHooks<P> {
    EventHooks {
        sign: sign::<P>,
        trigger: trigger::<P>,
        sign_body: sign_body::<P>,
    }
}

/// The headers `P` sends with `body`, an event in its envelope (its ID and
/// type read from the envelope's `event_id` or `id`, and `type` or `event`), signed
/// with `secret` at Unix time `now`: any bytes can be signed, to test what a
/// receiver makes of them.
pub fn sign_body<P: SignedEvents>(
    body: &[u8],
    secret: &str,
    now: i64,
) -> Vec<(&'static str, String)> {
    let envelope = serde_json::from_slice::<Value>(body).unwrap_or(Value::Null);
    let text = |key: &str| envelope[key].as_str().unwrap_or_default().to_string();
    let id = match envelope.get("event_id") {
        Some(_) => text("event_id"),
        None => text("id"),
    };
    // Commet names the type `event`, the others `type`.
    let event_type = match envelope.get("type") {
        Some(_) => text("type"),
        None => text("event"),
    };
    let event = Event {
        id,
        event_type,
        envelope,
    };
    P::signed_headers(&event, body, secret, now)
}

/// Delivers a new event to every subscribed endpoint of the caller in the
/// background (and its duplicates, signed as old as asked, after the asked
/// delay), keeping it to resend; answers the event and where it goes.
pub fn trigger<P: SignedEvents>(
    state: &Arc<ProviderState<P>>,
    headers: &HeaderMap,
    request: &Trigger,
) -> Result<Value, ApiError<P>> {
    let tenant = authenticate::<P>(headers)?;
    let event_type = request.event_type.as_str();
    if !P::accepts(event_type) {
        return Err(invalid(
            "type",
            format!("Unknown event type '{event_type}'."),
        ));
    }
    let event = P::envelope(&state.env, &tenant, event_type, request.data.clone());
    let subscribers = {
        let mut tenants = state.tenants.lock();
        let seq = tenants.next_seq();
        let data = tenants.of(&tenant.key);
        P::on_event(data, seq, &event);
        P::subscribers(data, event_type)
    };
    let deliverer = &state.deliverer;
    let endpoints: Vec<String> = subscribers.iter().map(|s| s.endpoint_id.clone()).collect();
    let deliveries: Vec<Value> = subscribers
        .iter()
        .map(|s| json!({"endpoint_id": s.endpoint_id, "url": s.url}))
        .collect();
    let (age, delay) = (
        Duration::from_secs(request.signature_age_seconds),
        Duration::from_millis(request.delay_ms),
    );
    for subscriber in subscribers {
        for copy in 0..=request.duplicate {
            let mut delivery = tracked::<P>(state, &tenant.key, &event, subscriber.clone());
            delivery.copy = copy;
            delivery.signature_age = age;
            delivery.first_delay = delay;
            deliverer.spawn(delivery);
        }
    }
    let (state, key, recorded) = (state.clone(), tenant.key.clone(), event.clone());
    deliverer.record_event(
        &event.id,
        Arc::new(move |copy| {
            let subscribers = state
                .tenants
                .lock()
                .get(&key)
                .map(|data| P::subscribers(data, &recorded.event_type))
                .unwrap_or_default();
            subscribers
                .into_iter()
                .filter(|s| endpoints.contains(&s.endpoint_id))
                .map(|s| {
                    let mut delivery = tracked::<P>(&state, &key, &recorded, s);
                    delivery.copy = copy;
                    delivery
                })
                .collect()
        }),
    );
    Ok(json!({"event": event.envelope, "deliveries": deliveries}))
}

/// `event` for one endpoint of `tenant`, on the endpoint's schedule, its
/// attempts told to the provider's state (delivery logs, auto-disable).
fn tracked<P: SignedEvents>(
    state: &Arc<ProviderState<P>>,
    tenant: &str,
    event: &Event,
    subscriber: Subscriber,
) -> Delivery {
    let schedule = P::schedule_for(&subscriber);
    let mut delivery = delivery::<P>(event, subscriber.clone(), schedule);
    let (on_attempt, on_done) = (state.clone(), state.clone());
    let (tenant_a, endpoint_a) = (tenant.to_string(), subscriber.endpoint_id.clone());
    let (tenant_d, endpoint_d) = (tenant.to_string(), subscriber.endpoint_id);
    delivery.on_attempt =
        Box::new(move |attempt| P::on_attempt(&on_attempt, &tenant_a, &endpoint_a, attempt));
    delivery.on_done =
        Box::new(move |delivered| P::on_done(&on_done, &tenant_d, &endpoint_d, delivered));
    delivery
}

/// A new event signed with `secret` at this moment, as `P` documents (a
/// sandbox-mode event where the envelope says which).
pub fn sign<P: SignedEvents>(
    env: &Env,
    event_type: &str,
    data: Option<Value>,
    secret: &str,
) -> Result<SignedEvent, ApiError<P>> {
    if !P::accepts(event_type) {
        return Err(invalid(
            "type",
            format!("Unknown event type '{event_type}'."),
        ));
    }
    let tenant = Tenant {
        key: String::new(),
        mode: Mode::Test,
    };
    let event = P::envelope(env, &tenant, event_type, data);
    let body = serde_json::to_vec(&event.envelope).expect("serialisable");
    let headers = P::signed_headers(&event, &body, secret, env.unix_now());
    Ok(SignedEvent {
        id: event.id,
        body,
        headers,
    })
}

/// `event` for one endpoint, signed as `P` documents, attempted on
/// `schedule`; nothing in `P`'s state changes with its attempts.
pub fn delivery<P: SignedEvents>(
    event: &Event,
    to: Subscriber,
    schedule: &'static [Duration],
) -> Delivery {
    let body = match &to.api_version {
        Some(version) => {
            let mut envelope = event.envelope.clone();
            P::render_in(&mut envelope, version);
            serde_json::to_vec(&envelope)
        }
        None => serde_json::to_vec(&event.envelope),
    }
    .expect("serialisable");
    let (signed, secret, event_for_headers) = (body.clone(), to.secret, event.clone());
    Delivery {
        provider: P::NAME,
        endpoint_id: to.endpoint_id,
        url: to.url,
        event_id: event.id.clone(),
        event_type: event.event_type.clone(),
        body,
        headers: Box::new(move |now| P::signed_headers(&event_for_headers, &signed, &secret, now)),
        schedule,
        attempt_prefix: P::ATTEMPT_ID_PREFIX,
        on_attempt: Box::new(|_| {}),
        on_done: Box::new(|_| {}),
        signature_age: Duration::ZERO,
        first_delay: Duration::ZERO,
        copy: 0,
    }
}
