//! What the three documented webhook signature schemes share: HMAC-SHA256 in
//! hex, and a constant-time comparison that also checks length.
//!
//! The mock signs with its own implementation on purpose (it must not
//! depend on the SDK it tests); a test pins both to the same known answers
//! worked out with openssl (`tests/it/receiving.rs`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

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
}
