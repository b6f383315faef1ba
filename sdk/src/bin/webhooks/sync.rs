//! `webhooks sync plan|apply`: make the registered endpoints match a file.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use futures_util::TryStreamExt;
use serde_json::json;
use webhooks_sdk::endpoints::Endpoints;
use webhooks_sdk::sync::{self, Desired, Observed, Options, Plan, SecretsFile, StateFile};
use webhooks_sdk::{AnyClient, Provider};

use crate::{Failure, Format, Shared};

#[derive(Subcommand)]
pub enum Command {
    /// Say what `apply` would change, and refuse what it may not do.
    Plan(PlanArgs),
    /// Make it so: each new secret is written to --secrets-out before the next change.
    Apply(ApplyArgs),
}

#[derive(Args)]
pub struct Common {
    /// The desired endpoints: a TOML file of `[[endpoint]]` tables with
    /// `provider`, `url`, `events` and optional `description` and `enabled`.
    #[arg(long, value_name = "FILE")]
    file: PathBuf,
    /// Where the endpoints of a provider that lists none (meum.io) are remembered.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Delete (or, where the provider cannot, disable) the endpoints the
    /// file does not name, at the providers it names.
    #[arg(long)]
    prune: bool,
    /// Allow replacing an endpoint whose provider cannot update what changed
    /// (this rotates its signing secret).
    #[arg(long)]
    allow_replace: bool,
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    common: Common,
    /// The secrets file `apply` writes (JSON keyed "<provider> <url>"), to
    /// say which secrets are known; without it every secret is unknown.
    #[arg(long, value_name = "FILE")]
    secrets_out: Option<PathBuf>,
    /// Exit 0 when nothing would change, 2 when something would, 1 on error.
    #[arg(long)]
    detailed_exitcode: bool,
}

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    common: Common,
    /// The secrets file (JSON keyed "<provider> <url>", mode 0600): each
    /// endpoint's ID and, once created, its signing secret.
    #[arg(long, value_name = "FILE")]
    secrets_out: PathBuf,
}

/// Everything a plan is made from.
struct Setup {
    clients: BTreeMap<Provider, AnyClient>,
    plan: Plan,
    state: Option<StateFile>,
}

async fn prepare(
    common: &Common,
    secrets: Option<&SecretsFile>,
    shared: &Shared,
) -> Result<Setup, Failure> {
    let text = std::fs::read_to_string(&common.file)
        .map_err(|e| format!("{}: {e}", common.file.display()))?;
    let desired: Desired =
        toml::from_str(&text).map_err(|e| format!("{}: {e}", common.file.display()))?;
    let problems = desired.problems();
    if !problems.is_empty() {
        return Err(Failure(format!(
            "{}: {}",
            common.file.display(),
            problems.join("; ")
        )));
    }
    let clients = shared.clients(desired.providers())?;
    let state = common.state.as_ref().map(StateFile::open).transpose()?;
    let mut observed = Vec::new();
    for (provider, client) in &clients {
        if client.capabilities().list {
            let endpoints = client
                .list()
                .try_collect()
                .await
                .map_err(|e| format!("listing {provider}'s endpoints: {e}"))?;
            observed.push(Observed::listed(*provider, endpoints));
        } else {
            let state = state.as_ref().ok_or_else(|| {
                format!(
                    "{} documents no list operation: pass --state FILE to remember its endpoints",
                    provider.title()
                )
            })?;
            observed.push(state.observed(*provider));
        }
    }
    let options = Options {
        prune: common.prune,
        allow_replace: common.allow_replace,
    };
    let empty = sync::Records::default();
    let records = secrets.map_or(&empty, SecretsFile::records);
    let plan = sync::plan(
        &desired,
        &observed,
        |p| clients[&p].capabilities(),
        records,
        options,
    );
    Ok(Setup {
        clients,
        plan,
        state,
    })
}

pub async fn run(command: Command, shared: &Shared) -> Result<ExitCode, Failure> {
    match command {
        Command::Plan(args) => {
            let secrets = args.secrets_out.map(SecretsFile::open).transpose()?;
            let setup = prepare(&args.common, secrets.as_ref(), shared).await?;
            let plan = setup.plan;
            let refusals = plan.refusals();
            shared.print(
                &plan,
                json!({
                    "changes": plan.has_changes(),
                    "items": plan.items,
                    "refusals": refusals,
                }),
            );
            if !refusals.is_empty() {
                for why in &refusals {
                    eprintln!("error: {why}");
                }
                return Ok(ExitCode::FAILURE);
            }
            Ok(if args.detailed_exitcode && plan.has_changes() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Apply(args) => {
            let mut secrets = SecretsFile::open(&args.secrets_out)?;
            let mut setup = prepare(&args.common, Some(&secrets), shared).await?;
            let text = shared.format == Format::Text;
            let applied = sync::apply(
                &setup.plan,
                &setup.clients,
                &mut secrets,
                setup.state.as_mut(),
                |outcome| {
                    if text {
                        println!("{outcome}");
                    }
                },
            )
            .await?;
            if !text {
                println!("{:#}", json!({ "outcomes": applied }));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
