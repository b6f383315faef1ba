//! `webhooks`: manage the webhook endpoints of every provider the SDK
//! knows from the command line, one at a time (`endpoints`) or from a file
//! (`sync plan|apply`).
//!
//! API keys come from `WEBHOOKS_<PROVIDER>_API_KEY` or `--api-key-file`,
//! never from an argument; secrets go to files, never to the terminal.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use webhooks_sdk::{AnyClient, Provider};

mod endpoints;
mod events;
mod sync;

/// Manage webhook endpoints at five billing providers: one at a time, or
/// all of them from a file without duplicates or lost secrets.
#[derive(Parser)]
#[command(version, after_help = KEYS)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    shared: Shared,
}

const KEYS: &str = "\
API keys: WEBHOOKS_<PROVIDER>_API_KEY, the provider's name in capitals with `_` for `-`
(WEBHOOKS_BILLING_IO_API_KEY, WEBHOOKS_COMMET_API_KEY, ...), or --api-key-file.
Secrets are written to files (mode 0600), never printed.";

/// Options every command takes, before or after the subcommand.
#[derive(Args, Clone)]
struct Shared {
    /// Send a provider's requests elsewhere (the mock): PROVIDER=URL, repeatable.
    #[arg(long = "base-url", value_name = "PROVIDER=URL", global = true, value_parser = per_provider)]
    base_urls: Vec<(Provider, String)>,
    /// Read a provider's API key from a file: PROVIDER=FILE, repeatable.
    #[arg(long = "api-key-file", value_name = "PROVIDER=FILE", global = true, value_parser = per_provider)]
    api_key_files: Vec<(Provider, String)>,
    /// Text for people, or one JSON document on standard output.
    #[arg(long, value_enum, default_value_t = Format::Text, global = true)]
    format: Format,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// List, fetch, create, delete, enable or disable one provider's endpoints.
    #[command(subcommand)]
    Endpoints(endpoints::Command),
    /// Make the registered endpoints match a TOML file of `[[endpoint]]` tables.
    #[command(subcommand)]
    Sync(sync::Command),
    /// Recover the events a receiver missed from the provider's event history.
    #[command(subcommand)]
    Events(events::Command),
}

fn per_provider(value: &str) -> Result<(Provider, String), String> {
    let (provider, rest) = value
        .split_once('=')
        .ok_or_else(|| format!("expected PROVIDER=VALUE, got {value:?}"))?;
    Ok((
        provider.parse().map_err(|e| format!("{e}"))?,
        rest.to_string(),
    ))
}

impl Shared {
    /// A client for `provider` with its key from the environment or a file.
    fn client(&self, provider: Provider) -> Result<AnyClient, String> {
        let (key, base_url) = self.key_and_base_url(provider)?;
        AnyClient::builder(provider, key)
            .base_url(base_url)
            .build()
            .map_err(|e| format!("{provider}: {e}"))
    }

    /// The typed client `C` of `provider`, as [`Self::client`] builds it.
    fn typed_client<C: Clone + 'static>(&self, provider: Provider) -> Result<C, String> {
        let any = self.client(provider)?;
        any.typed::<C>()
            .cloned()
            .ok_or_else(|| format!("{provider}: not this client type"))
    }

    /// `provider`'s API key and base URL.
    fn key_and_base_url(&self, provider: Provider) -> Result<(String, &str), String> {
        let variable = format!(
            "WEBHOOKS_{}_API_KEY",
            provider.name().to_uppercase().replace('-', "_")
        );
        let from_file = self
            .api_key_files
            .iter()
            .rev()
            .find(|(p, _)| *p == provider);
        let key = match from_file {
            Some((_, path)) => std::fs::read_to_string(path)
                .map(|k| k.trim().to_string())
                .map_err(|e| format!("{path}: {e}"))?,
            None => std::env::var(&variable).map_err(|_| {
                format!(
                    "no API key for {provider}: set {variable} or pass --api-key-file {provider}=FILE"
                )
            })?,
        };
        let base_url = self
            .base_urls
            .iter()
            .rev()
            .find(|(p, _)| *p == provider)
            .map_or(provider.base_url(), |(_, url)| url.as_str());
        Ok((key, base_url))
    }

    /// Clients for each of `providers`.
    fn clients(
        &self,
        providers: impl IntoIterator<Item = Provider>,
    ) -> Result<BTreeMap<Provider, AnyClient>, String> {
        providers
            .into_iter()
            .map(|p| Ok((p, self.client(p)?)))
            .collect()
    }

    /// Prints a result: `text` for people, or `json` as one document.
    fn print(&self, text: impl std::fmt::Display, json: serde_json::Value) {
        match self.format {
            Format::Text => println!("{text}"),
            Format::Json => println!("{json:#}"),
        }
    }
}

/// A failure: one line on standard error (and, with `--format json`, a
/// JSON document on standard output), exit code 1.
struct Failure(String);

impl<T: std::fmt::Display> From<T> for Failure {
    fn from(e: T) -> Self {
        Self(e.to_string())
    }
}

/// Where a command's secret goes: a file of its own, mode 0600.
fn write_secret_file(path: &PathBuf, secret: &str) -> Result<(), String> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .and_then(|mut f| {
            f.write_all(secret.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()
        })
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a Tokio runtime starts");
    let shared = cli.shared.clone();
    let result = runtime.block_on(async {
        match cli.command {
            Command::Endpoints(command) => endpoints::run(command, &cli.shared).await,
            Command::Sync(command) => sync::run(command, &cli.shared).await,
            Command::Events(command) => events::run(command, &cli.shared).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(Failure(why)) => {
            eprintln!("error: {why}");
            if shared.format == Format::Json {
                println!("{:#}", serde_json::json!({ "error": why }));
            }
            ExitCode::FAILURE
        }
    }
}
