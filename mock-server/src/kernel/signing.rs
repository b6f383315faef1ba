//! HMAC-SHA256, the primitive every documented signature scheme uses.
//!
//! Written apart from the SDK's verifier on purpose: the mock must not
//! depend on the SDK it tests, and two implementations of each scheme
//! check each other. A test pins both to the same known answers worked out
//! with openssl (`the_mock_and_the_sdk_sign_to_the_same_known_answers` in
//! `tests/it/receiving.rs`).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Lowercase hex of HMAC-SHA256(`secret`, `message`).
pub fn hmac_sha256_hex(secret: &[u8], message: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(message);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn matches_a_known_answer() {
        // RFC 4231 test case 2.
        assert_eq!(
            super::hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
