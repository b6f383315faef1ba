//! Identifiers and secrets: random, or from a generator seeded with `--seed`
//! so that the same requests in the same order give the same answers.

use std::sync::Mutex;

const HEX: &[u8] = b"0123456789abcdef";
const LOWER_ALNUM: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const ALNUM: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Where a mock's IDs come from.
#[derive(Debug)]
pub enum Ids {
    /// The operating system's randomness.
    Random,
    /// A generator seeded with `seed` (xoshiro256**): the same sequence
    /// on every run and machine.
    Seeded {
        /// The seed.
        seed: u64,
        /// The generator's state.
        state: Mutex<[u64; 4]>,
    },
}

impl Ids {
    /// IDs from a generator seeded with `seed`.
    pub fn seeded(seed: u64) -> Self {
        let mut mix = seed;
        let state = [(); 4].map(|()| splitmix64(&mut mix));
        Self::Seeded {
            seed,
            state: Mutex::new(state),
        }
    }

    /// The seed, if the IDs are seeded.
    pub fn seed(&self) -> Option<u64> {
        match self {
            Self::Random => None,
            Self::Seeded { seed, .. } => Some(*seed),
        }
    }

    /// `prefix` followed by `len` characters drawn from `alphabet`, in one allocation.
    fn prefixed(&self, prefix: &str, alphabet: &[u8], len: usize) -> String {
        let mut text = String::with_capacity(prefix.len() + len);
        text.push_str(prefix);
        match self {
            Self::Random => os_random(&mut text, alphabet, len),
            Self::Seeded { state, .. } => {
                let mut state = state.lock().unwrap_or_else(|p| p.into_inner());
                text.extend((0..len).map(|_| pick(alphabet, xoshiro(&mut state))));
            }
        }
        text
    }

    /// `len` characters drawn from `alphabet` that depend only on the seed
    /// and `parts` (random without a seed): for IDs made by tasks that run
    /// in no fixed order, such as delivery attempts.
    pub fn derived(&self, parts: &[&str], alphabet: &[u8], len: usize) -> String {
        let Some(seed) = self.seed() else {
            let mut text = String::with_capacity(len);
            os_random(&mut text, alphabet, len);
            return text;
        };
        // FNV-1a over the parts, then a generator seeded with it.
        let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
        for part in parts {
            for byte in part.bytes().chain([0]) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
            }
        }
        let Self::Seeded { state, .. } = Self::seeded(hash) else {
            unreachable!("seeded() seeds")
        };
        let mut state = state.into_inner().unwrap_or_else(|p| p.into_inner());
        (0..len)
            .map(|_| pick(alphabet, xoshiro(&mut state)))
            .collect()
    }

    /// `prefix` followed by `len` lowercase hex digits.
    pub fn hex(&self, prefix: &str, len: usize) -> String {
        self.prefixed(prefix, HEX, len)
    }

    /// `prefix` followed by `len` characters of `[0-9a-z]`.
    pub fn lower_alnum(&self, prefix: &str, len: usize) -> String {
        self.prefixed(prefix, LOWER_ALNUM, len)
    }

    /// `prefix` followed by `len` characters of `[0-9A-Za-z]`.
    pub fn alnum(&self, prefix: &str, len: usize) -> String {
        self.prefixed(prefix, ALNUM, len)
    }

    /// A derived (see [`Ids::derived`]) `prefix` + `len` of `[0-9a-z]`.
    pub fn derived_lower_alnum(&self, prefix: &str, parts: &[&str], len: usize) -> String {
        format!("{prefix}{}", self.derived(parts, LOWER_ALNUM, len))
    }
}

fn pick(alphabet: &[u8], value: u64) -> char {
    // Modulo bias is irrelevant for mock identifiers.
    alphabet[(value % alphabet.len() as u64) as usize] as char
}

/// `len` characters from `alphabet`, from OS randomness fetched 4 KiB at a
/// time (one system call per ~100 IDs).
fn os_random(text: &mut String, alphabet: &[u8], len: usize) {
    thread_local! {
        static POOL: std::cell::RefCell<(Vec<u8>, usize)> =
            const { std::cell::RefCell::new((Vec::new(), 0)) };
    }
    POOL.with(|pool| {
        let (bytes, used) = &mut *pool.borrow_mut();
        if bytes.len() - *used < len {
            bytes.resize(4096.max(len), 0);
            getrandom::fill(bytes).expect("the OS random source works");
            *used = 0;
        }
        let drawn = &bytes[*used..*used + len];
        *used += len;
        // As bytes, not chars (pushing a char encodes it): the alphabets are ASCII.
        for chunk in drawn.chunks(64) {
            let mut picked = [0; 64];
            for (to, &from) in picked.iter_mut().zip(chunk) {
                *to = pick(alphabet, u64::from(from)) as u8;
            }
            text.push_str(
                std::str::from_utf8(&picked[..chunk.len()]).expect("the alphabets are ASCII"),
            );
        }
    })
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn xoshiro(s: &mut [u64; 4]) -> u64 {
    let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_have_the_documented_shape() {
        let id = Ids::Random.lower_alnum("id_", 24);
        assert!(
            id.len() == 27
                && id[3..]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c.is_ascii_lowercase())
        );
        assert_ne!(Ids::Random.hex("", 64), Ids::Random.hex("", 64));
    }

    #[test]
    fn a_seed_repeats_its_sequence_and_another_seed_does_not() {
        let draw = |seed| {
            let ids = Ids::seeded(seed);
            [
                ids.hex("we_", 24),
                ids.alnum("whsec_", 32),
                ids.lower_alnum("", 8),
            ]
        };
        assert_eq!(draw(7), draw(7));
        assert_ne!(draw(7), draw(8));
        let ids = Ids::seeded(7);
        assert_eq!(
            ids.derived(&["evt_1", "wh_1"], HEX, 8),
            ids.derived(&["evt_1", "wh_1"], HEX, 8)
        );
        assert_ne!(
            ids.derived(&["evt_1", "wh_1"], HEX, 8),
            ids.derived(&["evt_1", "wh_2"], HEX, 8)
        );
    }
}
