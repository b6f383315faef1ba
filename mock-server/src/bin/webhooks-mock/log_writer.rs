//! Log lines written to stdout by a thread of their own, in batches: a
//! request pays for formatting its line and appending it to a shared
//! buffer, not for a write system call, an allocation or a wake-up of
//! another thread (one line per request at the default level).

use std::io::Write;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;
use webhooks_mock::app::RequestLine;

/// Bytes of lines that may wait; past it, the request that logs writes
/// them itself (so a stdout nobody reads slows requests rather than
/// losing lines or growing without end).
const BACKLOG: usize = 1 << 20;

/// How long lines may wait before they are written.
const BATCH_EVERY: Duration = Duration::from_millis(2);

/// A `MakeWriter` for tracing whose lines go to stdout in batches.
#[derive(Clone)]
pub struct BatchedStdout(Arc<Mutex<Vec<u8>>>);

impl BatchedStdout {
    /// Starts the writer thread.
    pub fn start() -> Self {
        let log = Self(Arc::default());
        let writer = log.clone();
        std::thread::spawn(move || {
            // Buffers are swapped, not dropped: a fresh one would grow again
            // into pages the kernel must zero.
            let mut spare = Vec::new();
            loop {
                std::thread::sleep(BATCH_EVERY);
                writer.write_out(&mut spare);
            }
        });
        log
    }

    /// Writes every line logged so far.
    pub fn flush(&self) {
        self.write_out(&mut Vec::new());
    }

    /// Writes the lines logged so far, taking them in exchange for `spare`
    /// (emptied, to be the next spare). stdout is locked before the lines
    /// are taken, so batches reach it in the order they were logged; a
    /// closed stdout (a parent that stopped reading) drops them instead of
    /// failing.
    fn write_out(&self, spare: &mut Vec<u8>) {
        let mut stdout = std::io::stdout().lock();
        std::mem::swap(&mut *self.lines(), spare);
        if !spare.is_empty() {
            let _ = stdout.write_all(spare).and_then(|()| stdout.flush());
        }
        spare.clear();
    }

    /// Appends a request's line, byte for byte as [`RequestLines`] formats
    /// its `tracing` event, without the event: the mock hands the line here
    /// (`MockServerBuilder::request_log`).
    pub fn request_line(&self, line: &RequestLine<'_>) {
        thread_local! {
            static TEXT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        // Written outside the lock, which the other workers' lines wait for.
        TEXT.with_borrow_mut(|text| {
            text.clear();
            text.extend_from_slice(&rfc3339_micros(std::time::SystemTime::now()));
            text.extend_from_slice(b"  INFO ");
            line.write_message(text);
            // Provider names need none of the escaping `Debug` would do.
            for part in [" provider=\"", line.provider, "\"\n"] {
                text.extend_from_slice(part.as_bytes());
            }
            let _ = Line(self).write(text);
        });
    }

    fn lines(&self) -> MutexGuard<'_, Vec<u8>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Appends one event's text (tracing formats an event whole, then writes it once).
pub struct Line<'a>(&'a BatchedStdout);

impl Write for Line<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut lines = self.0.lines();
        if lines.len() + buf.len() > BACKLOG {
            drop(lines);
            self.0.flush();
            lines = self.0.lines();
        }
        lines.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for BatchedStdout {
    type Writer = Line<'a>;

    fn make_writer(&'a self) -> Line<'a> {
        Line(self)
    }
}

/// The event format: tracing's own, except for the one line per request,
/// written straight (time, level, message, fields) to the same bytes
/// tracing would write without colours. tracing's general path (its
/// timestamp, its escaping visitor) was a fifth of a request's CPU.
pub struct RequestLines<F>(pub F);

impl<S, N, F> FormatEvent<S, N> for RequestLines<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        let plain = !writer.has_ansi_escapes()
            && event.metadata().target() == webhooks_mock::app::REQUEST_LOG_TARGET
            && ctx.lookup_current().is_none();
        if !plain {
            return self.0.format_event(ctx, writer, event);
        }
        write_time(&mut writer, std::time::SystemTime::now())?;
        writer.write_str(match *event.metadata().level() {
            Level::ERROR => " ERROR ",
            Level::WARN => "  WARN ",
            Level::INFO => "  INFO ",
            Level::DEBUG => " DEBUG ",
            Level::TRACE => " TRACE ",
        })?;
        let mut fields = Fields {
            writer: &mut writer,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

/// Writes `time` as RFC 3339 in UTC with microseconds
/// (`2026-12-03T13:03:18.171527Z`), as chrono would, without allocating.
fn write_time(writer: &mut Writer<'_>, time: std::time::SystemTime) -> std::fmt::Result {
    let text = rfc3339_micros(time);
    writer.write_str(std::str::from_utf8(&text).map_err(|_| std::fmt::Error)?)
}

/// `time` as RFC 3339 in UTC with microseconds, as chrono writes it.
fn rfc3339_micros(time: std::time::SystemTime) -> [u8; 27] {
    thread_local! {
        /// The second last written and its text: a second's lines share all but the micros.
        static SECOND: std::cell::Cell<(u64, [u8; 27])> =
            const { std::cell::Cell::new((u64::MAX, [0; 27])) };
    }
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let seconds = since.as_secs();
    let put = |text: &mut [u8; 27], at: usize, width: usize, mut value: u64| {
        for i in (at..at + width).rev() {
            text[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    let mut text = SECOND.with(|second| match second.get() {
        (cached, text) if cached == seconds => text,
        _ => {
            let (days, of_day) = ((seconds / 86_400) as i64, seconds % 86_400);
            let (year, month, day) = civil_from_days(days);
            let mut text = *b"0000-00-00T00:00:00.000000Z";
            put(&mut text, 0, 4, year as u64);
            put(&mut text, 5, 2, month);
            put(&mut text, 8, 2, day);
            put(&mut text, 11, 2, of_day / 3600);
            put(&mut text, 14, 2, of_day / 60 % 60);
            put(&mut text, 17, 2, of_day % 60);
            second.set((seconds, text));
            text
        }
    });
    put(&mut text, 20, 6, u64::from(since.subsec_micros()));
    text
}

/// The proleptic Gregorian date of a day counted from 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u64, u64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u64;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u64;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Writes the message as it is and each other field as ` name=value`
/// (`Debug`, so strings are quoted), as tracing's default visitor does;
/// the request line's fields are the mock's own, so nothing needs escaping.
struct Fields<'a, 'w> {
    writer: &'a mut Writer<'w>,
    result: std::fmt::Result,
}

impl Visit for Fields<'_, '_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if self.result.is_ok() {
            self.result = if field.name() == "message" {
                write!(self.writer, "{value:?}")
            } else {
                write!(self.writer, " {}={value:?}", field.name())
            };
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        // A text Debug would write unchanged (a provider's name) is written straight.
        let plain = value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' || b == b' ');
        if !plain || field.name() == "message" {
            return self.record_debug(field, &value);
        }
        if self.result.is_ok() {
            self.result = [" ", field.name(), "=\"", value, "\""]
                .into_iter()
                .try_for_each(|part| self.writer.write_str(part));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::fmt::MakeWriter;

    use super::RequestLines;

    /// A writer into a shared buffer.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'a> MakeWriter<'a> for Buffer {
        type Writer = Buffer;
        fn make_writer(&'a self) -> Buffer {
            self.clone()
        }
    }

    /// What one request line and one other event become, time left out.
    fn logged(straight: bool) -> Vec<String> {
        let buffer = Buffer::default();
        let builder = tracing_subscriber::fmt()
            .with_writer(buffer.clone())
            .with_ansi(false);
        let emit = || {
            tracing::info!(
                target: webhooks_mock::app::REQUEST_LOG_TARGET,
                provider = "billing-io",
                "{} {} -> {} ({} µs)",
                "GET",
                "/billing-io/v1/webhooks/a%0Ab",
                200,
                31
            );
            // A field Debug would escape takes the general path.
            tracing::info!(target: webhooks_mock::app::REQUEST_LOG_TARGET, provider = "we\"ird\\", "x");
            tracing::warn!(key = "va\"lue", "something \u{1b}[31melse");
        };
        if straight {
            let subscriber = builder
                .event_format(RequestLines(
                    tracing_subscriber::fmt::format().with_target(false),
                ))
                .finish();
            tracing::subscriber::with_default(subscriber, emit);
        } else {
            let subscriber = builder.with_target(false).finish();
            tracing::subscriber::with_default(subscriber, emit);
        }
        let text = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| {
                let (time, rest) = line.split_once(' ').unwrap();
                chrono::DateTime::parse_from_rfc3339(time).expect("an RFC 3339 time first");
                rest.to_string()
            })
            .collect()
    }

    #[test]
    fn times_are_written_as_chrono_writes_them() {
        use std::time::{Duration, UNIX_EPOCH};
        // The epoch, leap days of 2000 and 2024, the last microsecond of a
        // year, 2100; a second written twice (its text is kept), then the next.
        let seconds = [
            0,
            951_782_400,
            1_709_164_800,
            1_798_761_599,
            4_102_444_800,
            4_102_444_800,
            4_102_444_801,
        ];
        for (second, micros) in seconds
            .into_iter()
            .zip([0, 7, 123_456, 999_999, 500_000, 42, 1])
        {
            let time = UNIX_EPOCH + Duration::from_secs(second) + Duration::from_micros(micros);
            let mut ours = String::new();
            super::write_time(
                &mut tracing_subscriber::fmt::format::Writer::new(&mut ours),
                time,
            )
            .unwrap();
            let chrono = chrono::DateTime::<chrono::Utc>::from(time)
                .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
            assert_eq!(ours, chrono);
        }
    }

    #[test]
    fn a_line_handed_over_is_the_bytes_of_its_tracing_event() {
        let log = super::BatchedStdout(Default::default());
        log.request_line(&webhooks_mock::app::RequestLine {
            method: &axum::http::Method::GET,
            path: "/billing-io/v1/webhooks/a%0Ab",
            status: 200,
            micros: 31,
            provider: "billing-io",
        });
        let text = String::from_utf8(log.lines().clone()).unwrap();
        let (time, rest) = text.split_once(' ').unwrap();
        chrono::DateTime::parse_from_rfc3339(time).expect("an RFC 3339 time first");
        assert_eq!(rest, format!("{}\n", logged(true)[0]));
    }

    #[test]
    fn the_request_line_is_the_bytes_tracing_would_write() {
        let ours = logged(true);
        assert_eq!(ours, logged(false));
        assert_eq!(
            ours[0],
            " INFO GET /billing-io/v1/webhooks/a%0Ab -> 200 (31 µs) provider=\"billing-io\""
        );
    }
}
