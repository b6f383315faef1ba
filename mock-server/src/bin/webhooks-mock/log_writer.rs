//! Log lines written to stdout by a thread of their own, in batches: a
//! request pays for formatting its line and a channel send, not for a
//! write system call or a thread wake-up (one line per request at the
//! default level).

use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;

/// Lines waiting for the writer; a full queue makes requests wait rather
/// than lose lines.
const QUEUE: usize = 16_384;

/// How long lines may wait before they are written.
const BATCH_EVERY: Duration = Duration::from_millis(2);

enum Message {
    Line(Vec<u8>),
    /// Write everything queued so far, then answer.
    Flush(SyncSender<()>),
}

/// A `MakeWriter` for tracing whose lines go to stdout through one thread.
#[derive(Clone)]
pub struct BatchedStdout(SyncSender<Message>);

impl BatchedStdout {
    /// Starts the writer thread.
    pub fn start() -> Self {
        let (tx, rx) = sync_channel(QUEUE);
        std::thread::spawn(move || write_batches(rx));
        Self(tx)
    }

    /// Returns once every line logged so far is written.
    pub fn flush(&self) {
        let (done, wait) = sync_channel(1);
        if self.0.send(Message::Flush(done)).is_ok() {
            let _ = wait.recv();
        }
    }
}

/// Writes queued lines in batches every few milliseconds (a sleeping
/// writer costs a sender no wake-up); a closed stdout (a parent that
/// stopped reading) drops lines instead of failing.
fn write_batches(rx: Receiver<Message>) {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, std::io::stdout());
    loop {
        loop {
            match rx.try_recv() {
                Ok(Message::Line(line)) => {
                    let _ = out.write_all(&line);
                }
                Ok(Message::Flush(done)) => {
                    let _ = out.flush();
                    let _ = done.send(());
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    let _ = out.flush();
                    return;
                }
            }
        }
        let _ = out.flush();
        std::thread::sleep(BATCH_EVERY);
    }
}

/// One log event's text, sent to the writer thread when tracing drops it.
pub struct Line(Vec<u8>, SyncSender<Message>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let _ = self.1.send(Message::Line(std::mem::take(&mut self.0)));
    }
}

impl<'a> MakeWriter<'a> for BatchedStdout {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::with_capacity(128), self.0.clone())
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
        let time = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        write!(writer, "{time} {:>5} ", event.metadata().level())?;
        let mut fields = Fields {
            writer: &mut writer,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writeln!(writer)
    }
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
    fn the_request_line_is_the_bytes_tracing_would_write() {
        let ours = logged(true);
        assert_eq!(ours, logged(false));
        assert_eq!(
            ours[0],
            " INFO GET /billing-io/v1/webhooks/a%0Ab -> 200 (31 µs) provider=\"billing-io\""
        );
    }
}
