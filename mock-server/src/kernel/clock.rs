//! The mock's time: the wall clock (delivery retries compressed), or a
//! manual clock that stands still until advanced, so a test of "billing.io
//! retries after 5 and 30 minutes" needs no sleeping.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chrono::{DateTime, SecondsFormat, Utc};
use tokio::sync::{Notify, oneshot};

/// Where a manual clock starts unless told otherwise: 2026-01-01T00:00:00Z.
pub const MANUAL_START: &str = "2026-01-01T00:00:00Z";

/// How the mock tells time.
pub struct Clock {
    manual: Option<Manual>,
    compression: u32,
}

/// A clock that moves only when advanced.
struct Manual {
    /// Milliseconds since the Unix epoch.
    now_ms: Mutex<i64>,
    /// Sleepers by deadline (and arrival, to keep their order).
    timers: Mutex<BTreeMap<(i64, u64), oneshot::Sender<Busy>>>,
    arrivals: AtomicU64,
    /// Timed tasks that are running (not waiting for the clock).
    busy: AtomicUsize,
    idle: Notify,
    /// One advance at a time.
    advancing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.manual {
            Some(_) => write!(f, "Clock::Manual({})", self.now_rfc3339_millis()),
            None => write!(f, "Clock::Wall(compression {})", self.compression),
        }
    }
}

impl Clock {
    /// The wall clock; delivery retry delays are divided by `compression`.
    pub fn wall(compression: u32) -> Self {
        Self {
            manual: None,
            compression: compression.max(1),
        }
    }

    /// A manual clock starting at `start`.
    pub fn manual(start: SystemTime) -> Self {
        Self {
            manual: Some(Manual {
                now_ms: Mutex::new(unix_millis(start)),
                timers: Mutex::default(),
                arrivals: AtomicU64::new(0),
                busy: AtomicUsize::new(0),
                idle: Notify::new(),
                advancing: tokio::sync::Mutex::new(()),
            }),
            compression: 1,
        }
    }

    /// Whether it moves only when advanced.
    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    /// Now, in mock time.
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.now_millis().max(0).unsigned_abs())
    }

    /// Now as Unix milliseconds.
    pub fn now_millis(&self) -> i64 {
        match &self.manual {
            Some(manual) => *lock(&manual.now_ms),
            None => unix_millis(SystemTime::now()),
        }
    }

    /// Now as Unix seconds.
    pub fn unix_now(&self) -> i64 {
        self.now_millis().div_euclid(1000)
    }

    /// Now as RFC 3339 UTC with seconds (`2025-01-15T12:00:00Z`).
    pub fn now_rfc3339(&self) -> String {
        rfc3339(self.unix_now())
    }

    /// Now as RFC 3339 UTC with milliseconds (`…T14:05:23.789Z`).
    pub fn now_rfc3339_millis(&self) -> String {
        rfc3339_millis(self.now_millis())
    }

    /// Marks a timed task (a delivery) as running until the guard is
    /// dropped: a manual clock's advance waits for it before moving on.
    pub fn busy(self: &Arc<Self>) -> Busy {
        if let Some(manual) = &self.manual {
            manual.busy.fetch_add(1, Ordering::SeqCst);
            Busy(Some(self.clone()))
        } else {
            Busy(None)
        }
    }

    /// Waits `delay` of mock time: on the wall clock `delay / compression`;
    /// on a manual clock until an advance passes `now + delay`. The task is
    /// not busy while it waits; the returned guard marks it busy again.
    pub async fn sleep(self: &Arc<Self>, delay: Duration, busy: Busy) -> Busy {
        let Some(manual) = &self.manual else {
            tokio::time::sleep(delay / self.compression).await;
            return busy;
        };
        let (tx, rx) = oneshot::channel();
        {
            let deadline =
                *lock(&manual.now_ms) + i64::try_from(delay.as_millis()).unwrap_or(i64::MAX / 2);
            let arrival = manual.arrivals.fetch_add(1, Ordering::SeqCst);
            lock(&manual.timers).insert((deadline, arrival), tx);
        }
        // Registered before it stops being busy: an advance cannot miss it.
        drop(busy);
        match rx.await {
            Ok(busy) => busy,
            // The clock went away (the mock stopped): nothing more will happen.
            Err(_) => std::future::pending().await,
        }
    }

    /// Moves a manual clock forward by `by`: every timed task whose time
    /// comes runs at exactly that time, in order, each finishing its step
    /// (an attempt made, the next one scheduled) before the clock moves on.
    /// Returns the new time; a wall clock cannot be advanced.
    pub async fn advance(self: &Arc<Self>, by: Duration) -> Result<SystemTime, String> {
        let Some(manual) = &self.manual else {
            return Err(
                "the mock runs on the wall clock; start it with --clock manual to advance it"
                    .into(),
            );
        };
        let _one_at_a_time = manual.advancing.lock().await;
        let target = *lock(&manual.now_ms) + i64::try_from(by.as_millis()).unwrap_or(i64::MAX / 2);
        self.idle().await;
        loop {
            let due = {
                let mut timers = lock(&manual.timers);
                let next = timers
                    .keys()
                    .next()
                    .copied()
                    .filter(|(at, _)| *at <= target);
                next.and_then(|key| timers.remove(&key).map(|tx| (key.0, tx)))
            };
            let Some((at, waker)) = due else {
                break;
            };
            {
                let mut now = lock(&manual.now_ms);
                *now = (*now).max(at);
            }
            if waker.send(self.busy()).is_ok() {
                self.idle().await;
            }
        }
        *lock(&manual.now_ms) = target;
        Ok(self.now())
    }

    /// Waits until no timed task is running.
    async fn idle(&self) {
        let Some(manual) = &self.manual else {
            return;
        };
        loop {
            let notified = manual.idle.notified();
            if manual.busy.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

/// A timed task at work (see [`Clock::busy`]).
pub struct Busy(Option<Arc<Clock>>);

impl Drop for Busy {
    fn drop(&mut self) {
        if let Some(manual) = self.0.as_ref().and_then(|c| c.manual.as_ref())
            && manual.busy.fetch_sub(1, Ordering::SeqCst) == 1
        {
            manual.idle.notify_waiters();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|p| p.into_inner())
}

fn unix_millis(at: SystemTime) -> i64 {
    match at.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Unix seconds as RFC 3339 UTC (`2025-01-15T12:00:00Z`).
pub fn rfc3339(secs: i64) -> String {
    utc(DateTime::from_timestamp(secs, 0), SecondsFormat::Secs)
}

/// Unix milliseconds as RFC 3339 UTC with milliseconds (`…T14:05:23.789Z`).
pub fn rfc3339_millis(millis: i64) -> String {
    utc(
        DateTime::from_timestamp_millis(millis),
        SecondsFormat::Millis,
    )
}

fn utc(at: Option<DateTime<Utc>>, format: SecondsFormat) -> String {
    // Out of chrono's range (±262,000 years) only for a corrupt clock.
    at.unwrap_or(DateTime::<Utc>::MAX_UTC)
        .to_rfc3339_opts(format, true)
}

/// Reads an RFC 3339 time (`2026-01-01T00:00:00Z`, with optional fractional
/// seconds and a `±HH:MM` offset instead of `Z`).
pub fn parse_rfc3339(text: &str) -> Result<SystemTime, String> {
    let at = DateTime::parse_from_rfc3339(text)
        .map_err(|_| format!("{text:?} is not an RFC 3339 time (such as {MANUAL_START})"))?;
    if at.timestamp() < 0 {
        return Err(format!("{text:?} is before 1970"));
    }
    Ok(SystemTime::from(at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_format_and_parse_as_rfc3339() {
        assert_eq!(rfc3339(1_736_942_400), "2025-01-15T12:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(
            rfc3339_millis(1_772_546_723_789),
            "2026-03-03T14:05:23.789Z"
        );
        let start = parse_rfc3339(MANUAL_START).unwrap();
        assert_eq!(rfc3339(unix_millis(start) / 1000), MANUAL_START);
        assert_eq!(
            parse_rfc3339("2026-03-03T15:05:23.789+01:00").unwrap(),
            parse_rfc3339("2026-03-03T14:05:23.789Z").unwrap()
        );
        for bad in [
            "2026-01-01",
            "2026-13-01T00:00:00Z",
            "yesterday",
            "2026-01-01T00:00:00",
            "2026-01-01T00:00:00+1",
        ] {
            assert!(parse_rfc3339(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_manual_clock_wakes_sleepers_exactly_at_their_time_in_order() {
        let clock = Arc::new(Clock::manual(parse_rfc3339(MANUAL_START).unwrap()));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (task_clock, task_seen) = (clock.clone(), seen.clone());
        let busy = clock.busy();
        tokio::spawn(async move {
            let mut busy = busy;
            for delay in [300, 1500] {
                busy = task_clock.sleep(Duration::from_secs(delay), busy).await;
                lock(&task_seen).push(task_clock.unix_now());
            }
            drop(busy);
        });
        let start = clock.unix_now();
        clock.advance(Duration::from_secs(299)).await.unwrap();
        assert!(lock(&seen).is_empty(), "nothing before its time");
        clock.advance(Duration::from_secs(3600)).await.unwrap();
        assert_eq!(
            *lock(&seen),
            [start + 300, start + 1800],
            "each at its own time"
        );
        assert_eq!(clock.unix_now(), start + 3899);
        assert!(
            Arc::new(Clock::wall(1))
                .advance(Duration::from_secs(1))
                .await
                .is_err()
        );
    }
}
