//! `webhooks events replay`: deliver the events a receiver missed, from
//! the provider's event history, signed as the provider signs them.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use clap::{Args, Subcommand};
use serde_json::json;
use webhooks_sdk::Provider;
use webhooks_sdk::billing_io::recover::{CatchUpError, CheckpointFile, catch_up};
use webhooks_sdk::billing_io::{self, webhook::Webhook};
use webhooks_sdk::receive::MemoryReplayGuard;

use crate::{Failure, Format, Shared};

#[derive(Subcommand)]
pub enum Command {
    /// Deliver every event newer than the checkpoint to a URL, oldest first,
    /// signed with the endpoint's secret; the checkpoint advances after each
    /// 2xx, and the first failure stops the run (the next run resumes there).
    Replay(Replay),
}

#[derive(Args)]
pub struct Replay {
    /// The provider (only billing-io documents an event history).
    #[arg(long)]
    provider: Provider,
    /// The receiver's URL.
    #[arg(long)]
    to: String,
    /// A file holding the endpoint's signing secret (`whsec_…`).
    #[arg(long, value_name = "FILE")]
    secret_file: PathBuf,
    /// Where the newest event delivered is remembered (JSON; created if missing).
    #[arg(long, value_name = "FILE")]
    checkpoint: PathBuf,
}

/// Why a provider has nothing to replay from.
fn no_history(provider: Provider) -> String {
    let why = match provider {
        Provider::Commet => {
            "documents no event list, and does not replay events sent while an endpoint is disabled"
        }
        Provider::Meum => "lists delivery attempts (status, response code), not the events' bodies",
        _ => "documents no event history",
    };
    format!(
        "{} {why}: only billing-io's events can be replayed",
        provider.title()
    )
}

pub async fn run(command: Command, shared: &Shared) -> Result<ExitCode, Failure> {
    let Command::Replay(args) = command;
    if args.provider != Provider::BillingIo {
        return Err(Failure(no_history(args.provider)));
    }
    let secret = std::fs::read_to_string(&args.secret_file)
        .map_err(|e| format!("{}: {e}", args.secret_file.display()))?;
    let signer = Webhook::new([secret.trim()])?;
    let client = shared.typed_client::<billing_io::Client>(args.provider)?;
    let mut checkpoint = CheckpointFile::open(&args.checkpoint)?;
    // Fresh each run: the checkpoint carries what was delivered across runs.
    let guard = MemoryReplayGuard::new(100_000, Duration::from_secs(24 * 3600));
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let sent = std::cell::RefCell::new(Vec::new());
    let result = catch_up(&client, &mut checkpoint, &guard, |event| {
        let (http, signer, to) = (&http, &signer, &args.to);
        let body = serde_json::to_vec(&event).expect("an event serialises");
        let sent = &sent;
        async move {
            let headers = signer.sign(&body, SystemTime::now());
            let answer = http.post(to).headers(headers).body(body).send().await;
            let status = answer.as_ref().ok().map(|r| r.status().as_u16());
            let line =
                json!({"event_id": event.event_id, "type": event.type_.as_str(), "status": status});
            sent.borrow_mut().push(line);
            match answer {
                Ok(r) if r.status().is_success() => Ok(()),
                Ok(r) => Err(format!("the receiver answered {}", r.status())),
                Err(e) => Err(format!("no answer from the receiver: {e}")),
            }
        }
    })
    .await;
    let error = result.as_ref().err().map(CatchUpError::to_string);
    let sent = sent.into_inner();
    let text: Vec<String> = sent
        .iter()
        .map(|s| {
            format!(
                "{} {} -> {}",
                s["event_id"].as_str().unwrap_or_default(),
                s["type"].as_str().unwrap_or_default(),
                s["status"]
            )
        })
        .collect();
    match shared.format {
        Format::Json => println!("{:#}", json!({"sent": sent, "error": error})),
        Format::Text => {
            for line in &text {
                println!("{line}");
            }
        }
    }
    match error {
        None => Ok(ExitCode::SUCCESS),
        Some(why) => {
            eprintln!("error: {why}");
            Ok(ExitCode::FAILURE)
        }
    }
}
