//! Sending a request with safe retries, for every provider's client (the
//! generated code calls this through progenitor's `ClientHooks::exec`).
//!
//! A write the provider documents idempotency for gets a fresh UUID v4
//! `Idempotency-Key` unless the caller set one, and keeps it on every retry,
//! so a retried create can never create twice.

use std::time::Duration;

use progenitor_client::OperationInfo;
use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};
use reqwest::{Method, StatusCode};

use crate::client::{ClientSettings, RetryRules};

/// First backoff step; it doubles per retry.
const BACKOFF_BASE: Duration = Duration::from_millis(500);
/// Longest backoff between two attempts.
const BACKOFF_CAP: Duration = Duration::from_secs(8);
/// Longest wait a `Retry-After` can ask for.
pub(crate) const RETRY_AFTER_CAP: Duration = Duration::from_secs(60);

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Statuses worth another attempt: timeouts, rate limits, passing server faults.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 500 | 502 | 503 | 504)
}

/// Sends `request`, retrying as the client's settings and the provider's
/// rules allow, and reads an enveloped success body as the bare resource
/// where the provider's contract says to.
pub(crate) async fn execute(
    http: &reqwest::Client,
    settings: &ClientSettings,
    request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let response = send(http, settings, request, info).await?;
    if settings.unwrap_envelope && response.status().is_success() {
        return unwrap_envelope(response).await;
    }
    Ok(response)
}

/// A success body `{"success": true, "data": {…}}` as its `data` (Commet's
/// older contract, which its current Python SDK also unwraps), so a create
/// answered in the older shape keeps its `secretKey`. Lists keep their shape.
async fn unwrap_envelope(response: reqwest::Response) -> reqwest::Result<reqwest::Response> {
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let data = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .filter(|v| v["success"] == serde_json::Value::Bool(true) && v["data"].is_object())
        .map(|mut v| v["data"].take());
    let body = match data {
        Some(data) => bytes::Bytes::from(serde_json::to_vec(&data).expect("JSON serialises")),
        None => body,
    };
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.headers_mut() = headers;
    rebuilt
        .headers_mut()
        .remove(reqwest::header::CONTENT_LENGTH);
    Ok(reqwest::Response::from(rebuilt))
}

async fn send(
    http: &reqwest::Client,
    settings: &ClientSettings,
    mut request: reqwest::Request,
    info: &OperationInfo,
) -> reqwest::Result<reqwest::Response> {
    let rules = settings.rules;
    if rules.idempotent_operations.contains(&info.operation_id)
        && !request.headers().contains_key(IDEMPOTENCY_KEY)
    {
        let key = uuid_v4();
        request.headers_mut().insert(
            IDEMPOTENCY_KEY,
            HeaderValue::from_str(&key).expect("a UUID is a valid header value"),
        );
    }
    let replayable = match *request.method() {
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS => true,
        _ => request.headers().contains_key(IDEMPOTENCY_KEY),
    };
    let mut retries = 0;
    loop {
        let spare = (replayable && retries < settings.max_retries)
            .then(|| request.try_clone())
            .flatten();
        let result = http.execute(request).await;
        let Some(spare) = spare else {
            return result;
        };
        let (status, wait) = match &result {
            Ok(response) => {
                match wait_before_retry(response.status(), response.headers(), &rules, retries) {
                    Some(wait) => (Some(response.status().as_u16()), wait),
                    None => return result,
                }
            }
            Err(e) if e.is_connect() || e.is_timeout() || e.is_request() => {
                (None, backoff(retries))
            }
            Err(_) => return result,
        };
        retries += 1;
        tracing::debug!(
            operation = info.operation_id,
            attempt = retries + 1,
            status,
            wait_ms = wait.as_millis() as u64,
            "retrying"
        );
        drop(result);
        tokio::time::sleep(wait).await;
        request = spare;
    }
}

/// How long to wait before retrying an answer with this status, or `None`
/// when it is final.
fn wait_before_retry(
    status: StatusCode,
    headers: &HeaderMap,
    rules: &RetryRules,
    retries: u32,
) -> Option<Duration> {
    if !is_retryable_status(status) {
        return None;
    }
    let retry_after = retry_after(headers);
    if status == StatusCode::TOO_MANY_REQUESTS
        && retry_after.is_none()
        && !rules.retry_429_without_retry_after
    {
        return None;
    }
    Some(retry_after.unwrap_or_else(|| backoff(retries)))
}

/// `Retry-After` as seconds or an HTTP date, at most [`RETRY_AFTER_CAP`].
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let wait = match value.parse::<u64>() {
        Ok(seconds) => Duration::from_secs(seconds),
        // IMF-fixdate, and the obsolete RFC 850 and asctime forms RFC 9110 also asks for.
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(std::time::SystemTime::now())
                .unwrap_or(Duration::ZERO)
        }
    };
    Some(wait.min(RETRY_AFTER_CAP))
}

/// Full jitter: a uniform wait between zero and the capped exponential step.
fn backoff(retries: u32) -> Duration {
    let step = BACKOFF_BASE
        .saturating_mul(1u32.checked_shl(retries).unwrap_or(u32::MAX))
        .min(BACKOFF_CAP);
    let random = u64::from_le_bytes(random_bytes());
    step.mul_f64((random >> 11) as f64 / (1u64 << 53) as f64)
}

/// Bytes from the OS's random source.
fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0; N];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    bytes
}

/// A random (version 4) UUID in its usual text form.
fn uuid_v4() -> String {
    uuid_text(random_bytes::<16>(), 4)
}

/// 16 bytes as a UUID of `version` (RFC 9562 variant) in its usual text form.
pub(crate) fn uuid_text(mut b: [u8; 16], version: u8) -> String {
    b[6] = (b[6] & 0x0f) | (version << 4);
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, retry_after.parse().unwrap());
        map
    }

    #[test]
    fn retry_after_reads_seconds_and_dates_and_is_capped() {
        assert_eq!(retry_after(&headers("3")), Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&headers("3600")), Some(RETRY_AFTER_CAP));
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(
            retry_after(&headers("Fri, 01 Jan 2100 00:00:00 GMT")),
            Some(RETRY_AFTER_CAP),
            "a date far ahead is capped"
        );
        // The three forms RFC 9110 asks recipients to read (its own example
        // instant, in the past: wait no longer).
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(retry_after(&headers(form)), Some(Duration::ZERO), "{form}");
        }
        assert_eq!(retry_after(&headers("Wed, 21 Oct 2015 07:28:00 CET")), None);
        assert_eq!(retry_after(&headers("21 Oct 2015")), None);
        assert_eq!(retry_after(&headers("soon")), None);
        assert_eq!(retry_after(&HeaderMap::new()), None);
    }

    #[test]
    fn backoff_stays_under_its_doubling_cap() {
        for retries in 0..40 {
            let cap = BACKOFF_BASE
                .saturating_mul(1u32.checked_shl(retries).unwrap_or(u32::MAX))
                .min(BACKOFF_CAP);
            for _ in 0..50 {
                assert!(backoff(retries) <= cap);
            }
        }
    }

    #[test]
    fn backoff_waits_some_time() {
        let longest = (0..20).map(|_| backoff(3)).max().unwrap();
        assert!(longest > Duration::ZERO, "jittered, but not always zero");
    }

    #[test]
    fn uuids_carry_their_version_and_variant_whatever_the_bytes() {
        assert_eq!(
            uuid_text([0; 16], 4),
            "00000000-0000-4000-8000-000000000000"
        );
        assert_eq!(
            uuid_text([0xff; 16], 4),
            "ffffffff-ffff-4fff-bfff-ffffffffffff"
        );
        assert_eq!(
            uuid_text([0x5a; 16], 8),
            "5a5a5a5a-5a5a-8a5a-9a5a-5a5a5a5a5a5a"
        );
    }

    #[test]
    fn generated_keys_are_distinct_v4_uuids() {
        let (a, b) = (uuid_v4(), uuid_v4());
        assert_ne!(a, b);
        for key in [a, b] {
            assert_eq!(key.len(), 36);
            assert_eq!(
                (&key[14..15], &key[8..9], &key[13..14]),
                ("4", "-", "-"),
                "{key}"
            );
            assert!(matches!(&key[19..20], "8" | "9" | "a" | "b"), "{key}");
        }
    }

    #[test]
    fn only_documented_transient_statuses_are_retried() {
        let lenient = RetryRules {
            idempotent_operations: &[],
            retry_429_without_retry_after: true,
        };
        let strict = RetryRules {
            retry_429_without_retry_after: false,
            ..lenient
        };
        let none = HeaderMap::new();
        for status in [408, 429, 500, 502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                wait_before_retry(status, &none, &lenient, 0).is_some(),
                "{status}"
            );
        }
        for status in [400, 401, 403, 404, 409, 422, 501] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(
                wait_before_retry(status, &none, &lenient, 0).is_none(),
                "{status}"
            );
        }
        let too_many = StatusCode::TOO_MANY_REQUESTS;
        assert_eq!(wait_before_retry(too_many, &none, &strict, 0), None);
        assert_eq!(
            wait_before_retry(too_many, &headers("2"), &strict, 0),
            Some(Duration::from_secs(2))
        );
    }
}
