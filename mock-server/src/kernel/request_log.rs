//! The one line logged per request: its parts, its message, and where it
//! goes (a `tracing` event, or a program's own [`RequestLog`]).

use std::sync::Arc;

use axum::http::Method;

/// The `tracing` target of the one line logged per request (under
/// `webhooks_mock`, so `RUST_LOG=webhooks_mock=warn` silences it too).
pub const REQUEST_LOG_TARGET: &str = "webhooks_mock::request";

/// The one line logged per request, as the journal sees it.
#[derive(Debug, Clone, Copy)]
pub struct RequestLine<'a> {
    /// The request's method.
    pub method: &'a Method,
    /// The path it was sent to.
    pub path: &'a str,
    /// The answer's status (0: the connection was closed unanswered).
    pub status: u16,
    /// How long the answer took, in microseconds.
    pub micros: u64,
    /// The provider's name.
    pub provider: &'static str,
}

impl RequestLine<'_> {
    /// Appends the message, `GET /v1/webhooks -> 200 (31 µs)`, written by
    /// hand: formatting its four parts cost more than the rest of the line.
    pub fn write_message(&self, out: &mut Vec<u8>) {
        for part in [self.method.as_str(), " ", self.path, " -> "] {
            out.extend_from_slice(part.as_bytes());
        }
        push_number(out, u64::from(self.status));
        out.extend_from_slice(b" (");
        push_number(out, self.micros);
        out.extend_from_slice(" µs)".as_bytes());
    }

    /// The message as text.
    pub fn message(&self) -> String {
        let mut out = Vec::with_capacity(self.path.len() + 40);
        self.write_message(&mut out);
        String::from_utf8(out).unwrap_or_default()
    }
}

/// Where the one line per request goes instead of a `tracing` event (see
/// [`MockServerBuilder::request_log`](crate::MockServerBuilder::request_log)).
#[derive(Clone)]
pub struct RequestLog(pub Arc<dyn Fn(&RequestLine<'_>) + Send + Sync>);

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RequestLog(..)")
    }
}

/// Appends `n` in decimal.
fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

#[cfg(test)]
mod tests {
    use axum::http::Method;

    #[test]
    fn the_request_line_reads_as_formatted() {
        for (status, micros) in [
            (200, 0),
            (404, 9),
            (201, 31),
            (0, 18_446_744_073_709_551_615),
        ] {
            let line = super::RequestLine {
                method: &Method::GET,
                path: "/v1/webhooks/a%0Ab",
                status,
                micros,
                provider: "p",
            };
            assert_eq!(
                line.message(),
                format!("GET /v1/webhooks/a%0Ab -> {status} ({micros} µs)")
            );
        }
    }
}
