//! What the three documented webhook signature schemes share: HMAC-SHA256 in
//! hex, a constant-time comparison that also checks length, and a timestamp
//! tolerance in both directions.

use std::fmt;
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// Why a delivery's signature was not accepted.
#[derive(Debug)]
#[non_exhaustive]
pub enum VerifyError {
    /// A header the scheme needs is absent.
    MissingHeader(&'static str),
    /// A header is present but not in the documented format.
    MalformedHeader(&'static str),
    /// No signature in the header matches the payload and secret.
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
    /// The signature is valid but the payload is not the documented event envelope.
    InvalidPayload(serde_json::Error),
    /// The provider (named) documents no signing scheme, so nothing can be verified.
    SigningNotDocumented(&'static str),
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(h) => write!(f, "the {h} header is missing"),
            Self::MalformedHeader(h) => write!(f, "the {h} header is malformed"),
            Self::NoMatchingSignature => f.write_str("no signature matches the payload"),
            Self::TimestampTooOld { age } => write!(f, "the timestamp is {}s old", age.as_secs()),
            Self::SigningNotDocumented(provider) => {
                write!(
                    f,
                    "{provider} documents no signing scheme for its deliveries"
                )
            }
            Self::TimestampInFuture { ahead } => {
                write!(f, "the timestamp is {}s in the future", ahead.as_secs())
            }
            Self::InvalidPayload(e) => write!(f, "the payload is not the documented event: {e}"),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::InvalidPayload(e) => Some(e),
            _ => None,
        }
    }
}

fn mac(secret: &[u8], parts: &[&[u8]]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac
}

/// Lowercase hex of HMAC-SHA256(`secret`, the concatenated `parts`).
pub(crate) fn hmac_hex(secret: &[u8], parts: &[&[u8]]) -> String {
    mac(secret, parts)
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether `candidate` (hex) is the HMAC of `parts`: constant time, and an
/// empty, truncated or non-hex candidate never matches.
pub(crate) fn signature_matches(secret: &[u8], parts: &[&[u8]], candidate: &str) -> bool {
    let Some(bytes) = decode_hex(candidate) else {
        return false;
    };
    // verify_slice compares in constant time and rejects any other length.
    mac(secret, parts).verify_slice(&bytes).is_ok()
}

/// Strict hex: an even number of `0-9`, `a-f`, `A-F` and nothing else (no
/// sign, no whitespace), which `u8::from_str_radix` would let through.
fn decode_hex(text: &str) -> Option<Vec<u8>> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    bytes
        .chunks_exact(2)
        .map(|pair| Some(nibble(pair[0])? << 4 | nibble(pair[1])?))
        .collect()
}

/// Seconds since the Unix epoch, now.
#[cfg(any(feature = "billing-io", feature = "meum"))]
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Accepts `timestamp` if it is within `tolerance` of `now` either way;
/// `None` skips the check (for the schemes that sign a timestamp).
#[cfg(any(feature = "billing-io", feature = "meum"))]
pub(crate) fn check_timestamp(
    timestamp: i64,
    now: i64,
    tolerance: Option<Duration>,
) -> Result<(), VerifyError> {
    let Some(tolerance) = tolerance else {
        return Ok(());
    };
    let limit = tolerance.as_secs() as i64;
    if now - timestamp > limit {
        return Err(VerifyError::TimestampTooOld {
            age: Duration::from_secs((now - timestamp) as u64),
        });
    }
    if timestamp - now > limit {
        return Err(VerifyError::TimestampInFuture {
            ahead: Duration::from_secs((timestamp - now) as u64),
        });
    }
    Ok(())
}

/// The value of header `name`, as text.
pub(crate) fn header<'a>(
    headers: &'a HeaderMap,
    name: &'static str,
) -> Result<&'a str, VerifyError> {
    headers
        .get(name)
        .ok_or(VerifyError::MissingHeader(name))?
        .to_str()
        .map_err(|_| VerifyError::MalformedHeader(name))
}

#[cfg(test)]
mod tests {

    #[test]
    fn hex_is_strict() {
        assert_eq!(
            super::decode_hex("00ff7A"),
            Some(vec![0x00, 0xff, 0x7a]),
            "upper case is hex"
        );
        for bad in ["+f", "f+", "0", "abc", " 0f", "0f ", "0 ", "0x", "g0", "-1"] {
            assert_eq!(super::decode_hex(bad), None, "{bad:?}");
        }
        let mac = super::hmac_hex(b"k", &[b"m"]);
        assert!(super::signature_matches(b"k", &[b"m"], &mac));
        assert!(super::signature_matches(b"k", &[b"m"], &mac.to_uppercase()));
        let plus = format!("+{}", &mac[1..]);
        assert!(!super::signature_matches(b"k", &[b"m"], &plus));
    }

    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_case_2() {
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(
            hmac_hex(b"Jefe", &[b"what do ya want ", b"for nothing?"]),
            expected
        );
        assert!(signature_matches(
            b"Jefe",
            &[b"what do ya want for nothing?"],
            expected
        ));
        assert!(!signature_matches(
            b"Jefe",
            &[b"what do ya want for nothing?"],
            &expected[..62]
        ));
        assert!(!signature_matches(
            b"Jefe",
            &[b"what do ya want for nothing?"],
            ""
        ));
        assert!(!signature_matches(
            b"Jefe",
            &[b"what do ya want for nothing?"],
            &expected.replace('5', "g")
        ));
    }

    #[test]
    fn the_tolerance_holds_both_ways() {
        let five_minutes = Some(Duration::from_secs(300));
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
        assert!(check_timestamp(0, 1_000_000, None).is_ok());
    }
}
