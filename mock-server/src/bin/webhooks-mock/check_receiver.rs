//! `webhooks-mock check-receiver`: grades a webhook receiver in any language
//! with the deliveries it must accept and the ones it must refuse.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use webhooks_mock::Provider;
use webhooks_mock::deliveries::check::{Expected, ReceiverCheck};

use crate::send::Format;

/// `check-receiver`: one delivery per case, each judged.
#[derive(Args)]
pub struct CheckReceiverArgs {
    /// Whose deliveries the receiver takes (billing-io, meum or commet: the
    /// providers that document how they sign).
    #[arg(long, value_parser = crate::provider())]
    provider: Provider,
    /// The receiver's URL (loopback hosts only, unless --allow-remote).
    #[arg(long)]
    url: String,
    /// The endpoint's signing secret, read from a file (one line).
    #[arg(long, value_name = "PATH")]
    secret_file: PathBuf,
    /// The previous secret the receiver still accepts during a rotation
    /// (adds the `valid_previous_secret` case).
    #[arg(long, value_name = "PATH")]
    previous_secret_file: Option<PathBuf>,
    /// Check a receiver that is not on a loopback host (off: the mock sends
    /// nothing off this machine unless told).
    #[arg(long)]
    allow_remote: bool,
    /// text, or json: one JSON document on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn read_secret(path: &PathBuf) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let secret = text.trim().to_string();
    if secret.is_empty() {
        return Err(format!("{}: the file holds no secret", path.display()));
    }
    Ok(secret)
}

/// Runs the check; exit 0 when every case passes, 1 otherwise.
pub async fn check_receiver(args: CheckReceiverArgs) -> ExitCode {
    let run = async {
        let mut check =
            ReceiverCheck::new(args.provider, &args.url, read_secret(&args.secret_file)?);
        if let Some(path) = &args.previous_secret_file {
            check = check.previous_secret(read_secret(path)?);
        }
        if args.allow_remote {
            check = check.allow_remote();
        }
        check.run().await
    };
    let report = match run.await {
        Ok(report) => report,
        Err(why) => {
            eprintln!("webhooks-mock check-receiver: {why}");
            return ExitCode::FAILURE;
        }
    };
    match args.format {
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("the report serialises")
        ),
        Format::Text => {
            for case in &report.cases {
                let expected = match case.expected {
                    Expected::Accept => "accept",
                    Expected::Reject => "reject",
                    Expected::AcceptOrReject => "accept or reject",
                    Expected::Skip => "skip",
                };
                let got = case
                    .status
                    .map_or_else(|| "no answer".to_string(), |s| s.to_string());
                match case.passed {
                    None => println!("skip  {:<22} {}", case.name, case.why),
                    Some(true) => println!("pass  {:<22} {expected}: {got}", case.name),
                    Some(false) => {
                        println!(
                            "FAIL  {:<22} {expected}, got {got}: {}",
                            case.name, case.why
                        )
                    }
                }
            }
            println!(
                "{} passed, {} failed, {} skipped",
                report.passed, report.failed, report.skipped
            );
        }
    }
    if report.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
