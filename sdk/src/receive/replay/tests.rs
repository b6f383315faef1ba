//! The replay guard's boundaries: in flight, time to live, capacity, eviction order.

use super::*;

fn key(id: &str) -> EventKey {
    EventKey::new(Provider::BillingIo, id)
}

#[test]
fn a_processed_key_is_a_duplicate_and_a_released_one_is_fresh_again() {
    let guard = MemoryReplayGuard::default();
    let now = Instant::now();
    assert_eq!(guard.claim_now(&key("a"), now), Claim::Fresh);
    assert_eq!(guard.claim_now(&key("a"), now), Claim::InFlight);
    guard.finish_now(&key("a"), false);
    assert_eq!(guard.claim_now(&key("a"), now), Claim::Fresh, "released");
    guard.finish_now(&key("a"), true);
    assert_eq!(guard.claim_now(&key("a"), now), Claim::Processed);
    assert_eq!(
        guard.claim_now(&EventKey::new(Provider::Commet, "a"), now),
        Claim::Fresh,
        "another provider's ID is another key"
    );
}

#[test]
fn it_is_bounded_in_size_and_time() {
    let guard = MemoryReplayGuard::new(2, Duration::from_secs(60));
    let now = Instant::now();
    for id in ["a", "b", "c"] {
        assert_eq!(guard.claim_now(&key(id), now), Claim::Fresh);
        guard.finish_now(&key(id), true);
    }
    assert_eq!(guard.len(), 2);
    assert_eq!(
        guard.claim_now(&key("a"), now),
        Claim::Fresh,
        "the oldest went first"
    );
    guard.finish_now(&key("a"), true);
    let later = now + Duration::from_secs(61);
    assert_eq!(guard.claim_now(&key("c"), later), Claim::Fresh, "expired");
}

/// Through the trait, as the extractor's layer drives it: a processed
/// key is a duplicate at once (not a claim in flight), a released one is
/// fresh again for the provider's retry.
#[tokio::test]
async fn finishing_through_the_trait_marks_processed_or_releases() {
    let guard = MemoryReplayGuard::default();
    let done = ReplayGuard::claim(&guard, &key("done")).await.unwrap();
    assert_eq!(done, Claim::Fresh);
    ReplayGuard::finish(&guard, &key("done"), true)
        .await
        .unwrap();
    assert_eq!(
        ReplayGuard::claim(&guard, &key("done")).await.unwrap(),
        Claim::Processed
    );
    assert_eq!(
        ReplayGuard::claim(&guard, &key("failed")).await.unwrap(),
        Claim::Fresh
    );
    ReplayGuard::finish(&guard, &key("failed"), false)
        .await
        .unwrap();
    assert_eq!(
        ReplayGuard::claim(&guard, &key("failed")).await.unwrap(),
        Claim::Fresh
    );
}

#[test]
fn a_full_guard_forgets_exactly_the_oldest() {
    let guard = MemoryReplayGuard::new(2, Duration::from_secs(60));
    assert!(guard.is_empty());
    let now = Instant::now();
    for id in ["a", "b"] {
        guard.claim_now(&key(id), now);
        guard.finish_now(&key(id), true);
    }
    assert!(!guard.is_empty());
    assert_eq!(guard.len(), 2, "full, nothing forgotten yet");
    assert_eq!(guard.claim_now(&key("a"), now), Claim::Processed);
    assert_eq!(guard.claim_now(&key("c"), now), Claim::Fresh);
    assert_eq!(
        guard.claim_now(&key("b"), now),
        Claim::Processed,
        "the newer stays"
    );
    assert_eq!(
        guard.claim_now(&key("a"), now),
        Claim::Fresh,
        "the oldest went"
    );
}

#[test]
fn a_key_is_forgotten_exactly_at_its_time_to_live() {
    let ttl = Duration::from_secs(60);
    let guard = MemoryReplayGuard::new(10, ttl);
    let now = Instant::now();
    guard.claim_now(&key("a"), now);
    guard.finish_now(&key("a"), true);
    let just_before = now + ttl - Duration::from_millis(1);
    assert_eq!(guard.claim_now(&key("a"), just_before), Claim::Processed);
    assert_eq!(guard.claim_now(&key("a"), now + ttl), Claim::Fresh);
}

#[test]
fn an_abandoned_claim_times_out() {
    let guard = MemoryReplayGuard::default().in_flight_timeout(Duration::from_secs(10));
    let now = Instant::now();
    assert_eq!(guard.claim_now(&key("a"), now), Claim::Fresh);
    assert_eq!(
        guard.claim_now(&key("a"), now + Duration::from_secs(9)),
        Claim::InFlight
    );
    assert_eq!(
        guard.claim_now(&key("a"), now + Duration::from_secs(11)),
        Claim::Fresh
    );
}

#[test]
fn a_claim_is_abandoned_exactly_at_the_in_flight_timeout() {
    let timeout = Duration::from_secs(10);
    let guard = MemoryReplayGuard::default().in_flight_timeout(timeout);
    let now = Instant::now();
    guard.claim_now(&key("a"), now);
    let just_before = now + timeout - Duration::from_millis(1);
    assert_eq!(guard.claim_now(&key("a"), just_before), Claim::InFlight);
    assert_eq!(guard.claim_now(&key("a"), now + timeout), Claim::Fresh);
}

/// A failed handler's event, claimed again later, is kept for the time
/// to live of its new claim, not of the first.
#[test]
fn a_retried_event_lives_from_its_last_claim() {
    let ttl = Duration::from_secs(60);
    let guard = MemoryReplayGuard::new(10, ttl);
    let now = Instant::now();
    guard.claim_now(&key("a"), now);
    guard.finish_now(&key("a"), false);
    let retry = now + Duration::from_secs(50);
    assert_eq!(guard.claim_now(&key("a"), retry), Claim::Fresh);
    guard.finish_now(&key("a"), true);
    assert_eq!(
        guard.claim_now(&key("a"), now + ttl),
        Claim::Processed,
        "the first claim's expiry does not forget the retry"
    );
    assert_eq!(guard.claim_now(&key("a"), retry + ttl), Claim::Fresh);
}

/// A full guard forgets the oldest live claim, never a newer claim of an
/// event whose first claim was released.
#[test]
fn a_full_guard_forgets_by_last_claim() {
    let guard = MemoryReplayGuard::new(2, Duration::from_secs(60));
    let t = Instant::now();
    let s = Duration::from_secs(1);
    guard.claim_now(&key("a"), t);
    guard.finish_now(&key("a"), false);
    guard.claim_now(&key("b"), t + s);
    guard.finish_now(&key("b"), true);
    guard.claim_now(&key("a"), t + 2 * s);
    guard.finish_now(&key("a"), true);
    assert_eq!(guard.claim_now(&key("c"), t + 3 * s), Claim::Fresh);
    assert_eq!(
        guard.claim_now(&key("a"), t + 3 * s),
        Claim::Processed,
        "claimed last: kept"
    );
    assert_eq!(guard.len(), 2);
    assert_eq!(
        guard.claim_now(&key("b"), t + 4 * s),
        Claim::Fresh,
        "the oldest live claim went"
    );
}

/// Releasing and claiming one event again and again (a receiver that
/// keeps failing) leaves the guard bounded and evicting in order.
#[test]
fn many_retries_of_one_event_keep_the_guard_bounded_and_in_order() {
    let guard = MemoryReplayGuard::new(3, Duration::from_secs(3600));
    let t = Instant::now();
    let at = |n: u64| t + Duration::from_millis(n);
    for id in ["a", "b"] {
        guard.claim_now(&key(id), at(0));
        guard.finish_now(&key(id), true);
    }
    for n in 1..=50 {
        assert_eq!(guard.claim_now(&key("x"), at(n)), Claim::Fresh);
        guard.finish_now(&key("x"), false);
    }
    guard.claim_now(&key("x"), at(51));
    guard.finish_now(&key("x"), true);
    assert_eq!(guard.claim_now(&key("c"), at(52)), Claim::Fresh);
    assert_eq!(guard.len(), 3, "full: the oldest went");
    assert_eq!(guard.claim_now(&key("b"), at(53)), Claim::Processed);
    assert_eq!(guard.claim_now(&key("x"), at(53)), Claim::Processed);
    assert_eq!(
        guard.claim_now(&key("a"), at(53)),
        Claim::Fresh,
        "a was the oldest"
    );
    let places = guard.order_len();
    assert!(places <= 2 * 3 + 1, "stale places are dropped: {places}");
}

#[test]
fn keys_name_the_provider_and_the_event_and_debug_shows_the_size() {
    let key = EventKey::new(Provider::BillingIo, "evt_1");
    assert_eq!(key.as_str(), "billing-io:evt_1");
    assert_eq!(key.to_string(), "billing-io:evt_1");
    let guard = MemoryReplayGuard::new(7, Duration::from_secs(60));
    guard.claim_now(&key, Instant::now());
    let debug = format!("{guard:?}");
    assert!(
        debug.contains("keys: 1") && debug.contains("capacity: 7"),
        "{debug}"
    );
}

#[test]
fn concurrent_claims_of_one_key_let_exactly_one_through() {
    let guard = std::sync::Arc::new(MemoryReplayGuard::default());
    let fresh = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..16 {
            scope.spawn(|| {
                if guard.claim_now(&key("same"), Instant::now()) == Claim::Fresh {
                    fresh.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(fresh.into_inner(), 1);
}
