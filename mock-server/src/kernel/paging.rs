//! Page sizes and cursors, the pieces of every provider's pagination.

use super::error::{ApiError, invalid};
use super::store::Collection;

/// A page size or number: `default` when absent, the provider's 400 outside `min..=max`.
pub fn bounded<P>(
    param: &str,
    value: Option<i64>,
    default: i64,
    min: i64,
    max: i64,
) -> Result<usize, ApiError<P>> {
    let value = value.unwrap_or(default);
    if !(min..=max).contains(&value) {
        return Err(invalid(
            param,
            format!("'{param}' must be between {min} and {max}."),
        ));
    }
    Ok(value as usize)
}

/// An opaque cursor for the position `seq`.
pub fn encode_cursor(seq: u64) -> String {
    format!("cur_{seq:016x}")
}

/// The position a cursor stands for; only the form [`encode_cursor`] writes
/// (16 lower-case hex digits) is one, never a `+` or upper-case variant of it.
pub fn decode_cursor(cursor: &str) -> Option<u64> {
    let hex = cursor.strip_prefix("cur_")?;
    let issued = hex.len() == 16 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    issued.then(|| u64::from_str_radix(hex, 16).ok())?
}

/// One page of a cursor-paginated list: up to `limit` records older than
/// the `cursor` (all when absent or empty), newest first, and the cursor of
/// the next page when more follow; a cursor the mock did not issue is the
/// provider's 400.
pub fn cursor_page<'a, R, P>(
    records: Option<&'a Collection<R>>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<&'a R>, Option<String>), ApiError<P>> {
    cursor_page_where(records, cursor, limit, |_| true)
}

/// [`cursor_page`] over the records `keep` accepts (a list's filters).
pub fn cursor_page_where<'a, R, P>(
    records: Option<&'a Collection<R>>,
    cursor: Option<&str>,
    limit: usize,
    keep: impl Fn(&R) -> bool,
) -> Result<(Vec<&'a R>, Option<String>), ApiError<P>> {
    let before = match cursor {
        None | Some("") => None,
        Some(cursor) => Some(
            decode_cursor(cursor).ok_or_else(|| invalid("cursor", "The cursor is not valid."))?,
        ),
    };
    let Some(records) = records else {
        return Ok((Vec::new(), None));
    };
    let (page, more) = records.newest_first_where(before, limit, keep);
    let next = more.then(|| encode_cursor(page.last().map_or(0, |(s, _)| *s)));
    Ok((page.into_iter().map(|(_, r)| r).collect(), next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_cursors_decode() {
        for seq in [0, 1, 0xabc, u64::MAX] {
            assert_eq!(decode_cursor(&encode_cursor(seq)), Some(seq));
        }
        for forged in [
            "cur_+000000000000001",
            "cur_000000000000000A",
            "cur_000000000000000",
            "cur_00000000000000001",
            "cur_-000000000000001",
            " cur_0000000000000001",
            "0000000000000001",
        ] {
            assert_eq!(decode_cursor(forged), None, "{forged}");
        }
    }
}
