//! Log lines written to stdout by a thread of their own, in batches: a
//! request pays for formatting its line and a channel send, not for a
//! write system call or a thread wake-up (one line per request at the
//! default level).

use std::io::Write;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};
use std::time::Duration;

use tracing_subscriber::fmt::MakeWriter;

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
