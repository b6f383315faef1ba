//! Recovering the events a downtime lost.
//!
//! billing.io makes three attempts over 30 minutes, then marks a delivery
//! failed; its event history (`GET /events`) keeps every event, failed
//! deliveries included, "useful for replaying missed webhooks". [`catch_up`]
//! reads the events newer than a [`Checkpoint`], oldest first, and hands
//! each to your handler through the same [`ReplayGuard`] as live
//! deliveries, so an event that arrives live and is also listed is
//! processed once. The checkpoint advances only after the handler
//! succeeds: a run that stops (a failed handler, a crash) is resumed by the
//! next from the first event not handled.
//!
//! The other providers cannot be caught up this way: Commet documents that
//! events sent while an endpoint is disabled are not replayed, and lists no
//! events; meum.io lists an endpoint's delivery attempts (status, response
//! code), not the events' bodies, so it tells you what failed but not what
//! to process; the other two document no event history.
//!
//! ```
//! use webhooks_sdk::billing_io::recover::{CheckpointFile, catch_up};
//! use webhooks_sdk::receive::MemoryReplayGuard;
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let mock = webhooks_mock::MockServer::start().await?;
//! # let base_url = mock.base_url(webhooks_mock::Provider::BillingIo);
//! # let path = std::env::temp_dir().join(format!("checkpoint-doc-{}", std::process::id()));
//! use webhooks_sdk::billing_io::{BASE_URL, Client};
//! let client = Client::with_api_key(BASE_URL, "sk_live_…")?;
//! # let client = Client::with_api_key(&base_url, "sk_test_doc")?;
//! // The same guard your receiver uses (a shared database in production).
//! let guard = MemoryReplayGuard::new(10_000, std::time::Duration::from_secs(24 * 3600));
//! let mut checkpoint = CheckpointFile::open(&path)?;
//! let report = catch_up(&client, &mut checkpoint, &guard, |event| async move {
//!     println!("{} {}", event.event_id, event.type_);
//!     Ok::<(), std::io::Error>(())
//! })
//! .await?;
//! println!("{} handled, {} seen live already", report.handled.len(), report.already_processed.len());
//! # std::fs::remove_file(&path).ok();
//! # Ok(()) }
//! ```

use std::fmt;
use std::future::Future;
use std::path::PathBuf;

use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::{Client, types};
use crate::files::{FileError, read, write};
use crate::provider::Provider;
use crate::receive::{Claim, EventKey, ReplayError, ReplayGuard};

/// Where a catch-up stands: the newest event handled.
pub trait Checkpoint {
    /// The ID of the newest event handled (none: every listed event is new).
    fn last_event_id(&self) -> Option<&str>;

    /// Records that `event_id` was handled; called after its handler
    /// succeeded and before the next event is read.
    fn advance(&mut self, event_id: &str) -> Result<(), FileError>;
}

/// A checkpoint in memory (tests, or a store of your own between runs).
impl Checkpoint for Option<String> {
    fn last_event_id(&self) -> Option<&str> {
        self.as_deref()
    }

    fn advance(&mut self, event_id: &str) -> Result<(), FileError> {
        *self = Some(event_id.to_string());
        Ok(())
    }
}

/// A checkpoint in a JSON file (`{"last_event_id": "evt_…"}`), replaced
/// atomically and durably at every advance.
#[derive(Debug)]
pub struct CheckpointFile {
    path: PathBuf,
    saved: Saved,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Saved {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_event_id: Option<String>,
}

impl CheckpointFile {
    /// Reads it (a missing file: nothing handled yet).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, FileError> {
        let path = path.into();
        let saved = read(&path)?;
        Ok(Self { path, saved })
    }
}

impl Checkpoint for CheckpointFile {
    fn last_event_id(&self) -> Option<&str> {
        self.saved.last_event_id.as_deref()
    }

    fn advance(&mut self, event_id: &str) -> Result<(), FileError> {
        self.saved.last_event_id = Some(event_id.to_string());
        write(&self.path, &self.saved)
    }
}

/// What a catch-up did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatchUp {
    /// The events handed to the handler, oldest first.
    pub handled: Vec<String>,
    /// The events the guard had seen processed (delivered live), skipped.
    pub already_processed: Vec<String>,
    /// Whether the checkpoint's event was in the history; when it was not
    /// (none yet, or aged out), every listed event was taken as new.
    pub checkpoint_found: bool,
}

/// Why a catch-up stopped. Every event before it was handled and the
/// checkpoint stands after it: run again to resume.
#[derive(Debug)]
#[non_exhaustive]
pub enum CatchUpError<E> {
    /// Listing the events failed.
    List(progenitor_client::Error<types::ErrorResponse>),
    /// The replay guard's storage failed.
    Guard(ReplayError),
    /// The checkpoint could not be written.
    Checkpoint(FileError),
    /// A live copy of this event is being processed right now: run again later.
    InFlight(String),
    /// The handler failed for this event.
    Handler {
        /// The event.
        event_id: String,
        /// The handler's error.
        error: E,
    },
}

impl<E: fmt::Display> fmt::Display for CatchUpError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::List(e) => write!(f, "listing events: {e}"),
            Self::Guard(e) => write!(f, "replay guard: {e}"),
            Self::Checkpoint(e) => write!(f, "checkpoint: {e}"),
            Self::InFlight(id) => write!(f, "{id} is being processed live: run again later"),
            Self::Handler { event_id, error } => write!(f, "{event_id}: {error}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for CatchUpError<E> {}

/// Hands every event newer than `checkpoint` to `handle`, oldest first,
/// through `guard` (see the module docs), advancing the checkpoint after
/// each.
pub async fn catch_up<C, G, H, F, E>(
    client: &Client,
    checkpoint: &mut C,
    guard: &G,
    mut handle: H,
) -> Result<CatchUp, CatchUpError<E>>
where
    C: Checkpoint,
    G: ReplayGuard,
    H: FnMut(types::Event) -> F,
    F: Future<Output = Result<(), E>>,
{
    let mut report = CatchUp::default();
    // The history is newest first: read back to the checkpoint.
    let mut newer = Vec::new();
    let mut events = client.list_events().limit(100).stream();
    while let Some(event) = events.try_next().await.map_err(CatchUpError::List)? {
        if Some(event.event_id.as_str()) == checkpoint.last_event_id() {
            report.checkpoint_found = true;
            break;
        }
        newer.push(event);
    }
    for event in newer.into_iter().rev() {
        let id = event.event_id.clone();
        let key = EventKey::new(Provider::BillingIo, &id);
        match guard.claim(&key).await.map_err(CatchUpError::Guard)? {
            Claim::InFlight => return Err(CatchUpError::InFlight(id)),
            Claim::Processed => report.already_processed.push(id.clone()),
            Claim::Fresh => {
                let handled = handle(event).await;
                guard
                    .finish(&key, handled.is_ok())
                    .await
                    .map_err(CatchUpError::Guard)?;
                if let Err(error) = handled {
                    return Err(CatchUpError::Handler {
                        event_id: id,
                        error,
                    });
                }
                report.handled.push(id.clone());
            }
        }
        checkpoint.advance(&id).map_err(CatchUpError::Checkpoint)?;
    }
    Ok(report)
}
