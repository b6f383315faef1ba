//! Random identifiers and secrets in each provider's documented format.

const HEX: &[u8] = b"0123456789abcdef";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// `len` random characters drawn from `alphabet`.
pub fn random(alphabet: &[u8], len: usize) -> String {
    thread_local! {
        // OS randomness fetched 4 KiB at a time: one system call per ~100 IDs.
        static POOL: std::cell::RefCell<(Vec<u8>, usize)> =
            const { std::cell::RefCell::new((Vec::new(), 0)) };
    }
    POOL.with(|pool| {
        let (bytes, used) = &mut *pool.borrow_mut();
        (0..len)
            .map(|_| {
                if *used == bytes.len() {
                    bytes.resize(4096, 0);
                    getrandom::fill(bytes).expect("the OS random source works");
                    *used = 0;
                }
                let b = bytes[*used];
                *used += 1;
                // Modulo bias is irrelevant for mock identifiers.
                alphabet[b as usize % alphabet.len()] as char
            })
            .collect()
    })
}

/// `prefix` followed by `len` lowercase hex digits.
pub fn hex(prefix: &str, len: usize) -> String {
    format!("{prefix}{}", random(HEX, len))
}

/// `prefix` followed by `len` characters of `[0-9a-z]`.
pub fn lower_alnum(prefix: &str, len: usize) -> String {
    format!("{prefix}{}", random(LOWER_ALNUM, len))
}

/// `prefix` followed by `len` characters of `[0-9A-Za-z]`.
pub fn alnum(prefix: &str, len: usize) -> String {
    format!("{prefix}{}", random(ALNUM, len))
}

/// The current time as RFC 3339 UTC with seconds (`2025-01-15T12:00:00Z`).
pub fn now_rfc3339() -> String {
    rfc3339(unix_now())
}

/// The current time as Unix seconds.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// The current time as RFC 3339 UTC with milliseconds (`…T14:05:23.789Z`).
pub fn now_rfc3339_millis() -> String {
    let millis = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let seconds = rfc3339(millis.div_euclid(1000));
    format!(
        "{}.{:03}Z",
        seconds.trim_end_matches('Z'),
        millis.rem_euclid(1000)
    )
}

/// Unix seconds as RFC 3339 UTC.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_matches_known_instants() {
        // A documented example instant, the epoch, and a leap day.
        assert_eq!(rfc3339(1_736_942_400), "2025-01-15T12:00:00Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn formats_have_the_documented_shape() {
        let id = lower_alnum("id_", 24);
        assert!(
            id.len() == 27
                && id[3..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert_ne!(hex("", 64), hex("", 64));
    }
}
