//! Commet's signed events: `X-Commet-Signature` is the hex HMAC-SHA256 of
//! the raw body (no timestamp is signed); the event's type, ID and time
//! travel in their own headers. Eight attempts (over about four hours, or
//! eight for an endpoint pinned to the seed's contract), and three events in
//! a row that fail disable the endpoint.

use std::time::Duration;

use serde_json::{Value, json};

use super::{Commet, TenantData};
use crate::kernel::env::Env;
use crate::kernel::provider::{Mode, ProviderState, Tenant};
use crate::kernel::signed_events::{Event, SignedEvents, Subscriber};
use crate::kernel::signing;

/// Eight attempts: at once, then after 1 min, 5 min, 15 min, 30 min, 1 h,
/// 1 h and 1 h ("capped at 1 hour", about 4 h in all), as Commet's current
/// packaged docs say.
const SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(900),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(3600),
    Duration::from_secs(3600),
];

/// The older page's schedule (gaps up to 4 h, about 8 h in all), kept for
/// endpoints pinned to a version before the current contract.
const SEED_SCHEDULE: &[Duration] = &[
    Duration::ZERO,
    Duration::from_secs(60),
    Duration::from_secs(300),
    Duration::from_secs(900),
    Duration::from_secs(1800),
    Duration::from_secs(3600),
    Duration::from_secs(7200),
    Duration::from_secs(14400),
];

impl SignedEvents for Commet {
    const RETRY_SCHEDULE: &'static [Duration] = SCHEDULE;
    /// the `whd_` style; Commet documents no delivery ID format.
    const ATTEMPT_ID_PREFIX: &'static str = "whd_";

    fn accepts(event_type: &str) -> bool {
        super::EVENT_TYPES.contains(&event_type)
    }

    fn envelope(env: &Env, tenant: &Tenant, event_type: &str, data: Option<Value>) -> Event {
        let id = env.alnum("whev_", 24);
        let envelope = json!({
            "id": id,
            "event": event_type,
            "timestamp": env.now_rfc3339_millis(),
            "organizationId": "00000000-0000-4000-8000-000000000000",
            "mode": if tenant.mode == Mode::Live { "live" } else { "sandbox" },
            // The account's version; an endpoint's pin replaces it (`render_in`).
            "apiVersion": super::DEFAULT_API_VERSION,
            "data": data.unwrap_or_else(|| json!({})),
        });
        Event {
            id,
            event_type: event_type.to_string(),
            envelope,
        }
    }

    fn subscribers(data: &TenantData, event_type: &str) -> Vec<Subscriber> {
        data.webhooks
            .values()
            .filter(|w| w.webhook.is_active && w.webhook.events.iter().any(|e| e == event_type))
            .map(|w| Subscriber {
                endpoint_id: w.webhook.id.clone(),
                url: w.webhook.url.clone(),
                secret: w.secret.clone(),
                api_version: w.webhook.api_version.clone(),
            })
            .collect()
    }

    fn schedule_for(subscriber: &Subscriber) -> &'static [Duration] {
        let version = subscriber.api_version.as_deref();
        match super::Version::of(version.unwrap_or(super::DEFAULT_API_VERSION)) {
            Some(super::Version::Current) => SCHEDULE,
            _ => SEED_SCHEDULE,
        }
    }

    fn render_in(envelope: &mut Value, version: &str) {
        envelope["apiVersion"] = json!(version);
    }

    fn signed_headers(
        event: &Event,
        body: &[u8],
        secret: &str,
        _now: i64,
    ) -> Vec<(&'static str, String)> {
        let timestamp = event.envelope["timestamp"].as_str().unwrap_or_default();
        vec![
            ("content-type", "application/json".to_string()),
            (
                "x-commet-signature",
                signing::hmac_sha256_hex(secret.as_bytes(), body),
            ),
            ("x-commet-event", event.event_type.clone()),
            ("x-commet-event-id", event.id.clone()),
            ("x-commet-timestamp", timestamp.to_string()),
        ]
    }

    fn on_done(state: &ProviderState<Self>, tenant: &str, endpoint_id: &str, delivered: bool) {
        let mut tenants = state.tenants.lock();
        if let Some(stored) = tenants.of(tenant).webhooks.get_mut(endpoint_id) {
            stored.failed_events = if delivered {
                0
            } else {
                stored.failed_events + 1
            };
            if stored.failed_events >= 3 {
                stored.webhook.is_active = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned(version: Option<&str>) -> Subscriber {
        Subscriber {
            endpoint_id: "wh_1".into(),
            url: "http://127.0.0.1:9/h".into(),
            secret: "whsec_1".into(),
            api_version: version.map(str::to_string),
        }
    }

    #[test]
    fn the_current_schedule_is_capped_at_an_hour_and_seed_pins_keep_the_older_one() {
        let total = |s: &[Duration]| s.iter().sum::<Duration>();
        let current = Commet::schedule_for(&pinned(Some("2026-08-27")));
        assert_eq!(current.len(), 8);
        assert_eq!(current.iter().max(), Some(&Duration::from_secs(3600)));
        assert_eq!(
            total(current),
            Duration::from_secs(60 + 300 + 900 + 1800 + 3 * 3600)
        );
        for older in [Some("2026-07-11"), Some("2026-07-30"), None] {
            let schedule = Commet::schedule_for(&pinned(older));
            assert_eq!(schedule.len(), 8, "{older:?}");
            assert_eq!(
                schedule.last(),
                Some(&Duration::from_secs(4 * 3600)),
                "{older:?}"
            );
        }
        assert_eq!(Commet::schedule_for(&pinned(Some("2026-07-31"))), current);
    }

    #[test]
    fn an_events_api_version_is_the_endpoints_pin() {
        let tenant = Tenant {
            key: "ck_sandbox_x".into(),
            mode: Mode::Test,
        };
        let event = Commet::envelope(&Env::wall(), &tenant, "subscription.created", None);
        assert_eq!(
            event.envelope["apiVersion"],
            super::super::DEFAULT_API_VERSION
        );
        let mut pinned = event.envelope.clone();
        Commet::render_in(&mut pinned, "2026-08-27");
        assert_eq!(pinned["apiVersion"], "2026-08-27");
        assert_eq!(pinned["id"], event.envelope["id"], "the same event");
    }
}
