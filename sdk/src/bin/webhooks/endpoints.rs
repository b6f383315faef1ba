//! `webhooks endpoints …`: one provider's endpoints, one operation at a time.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use futures_util::TryStreamExt;
use serde_json::json;
use webhooks_sdk::Provider;
use webhooks_sdk::endpoints::{Endpoint, Endpoints, NewEndpoint};

use crate::{Failure, Shared, write_secret_file};

#[derive(Subcommand)]
pub enum Command {
    /// Every endpoint.
    List(Which),
    /// One endpoint.
    Get(One),
    /// Register an endpoint; its signing secret goes to --secret-out.
    Create(Create),
    /// Remove an endpoint.
    Delete(One),
    /// Resume deliveries to an endpoint.
    Enable(One),
    /// Pause deliveries to an endpoint.
    Disable(One),
}

#[derive(Args)]
pub struct Which {
    /// The provider, by its name (billing-io, …; an unknown name is answered with the list).
    #[arg(long)]
    provider: Provider,
}

#[derive(Args)]
pub struct One {
    /// The endpoint's ID.
    id: String,
    #[command(flatten)]
    which: Which,
}

#[derive(Args)]
pub struct Create {
    #[command(flatten)]
    which: Which,
    /// Where events are delivered.
    #[arg(long)]
    url: String,
    /// An event type to subscribe to, in the provider's own names (repeatable).
    #[arg(long = "event", required = true)]
    events: Vec<String>,
    /// A label for people.
    #[arg(long)]
    description: Option<String>,
    /// The file the signing secret is written to (mode 0600): the provider
    /// returns it only now.
    #[arg(long, value_name = "FILE")]
    secret_out: PathBuf,
}

/// An endpoint as printed: everything but its secret.
fn shown(e: &Endpoint) -> serde_json::Value {
    json!({
        "id": e.id,
        "url": e.url,
        "events": e.events,
        "enabled": e.enabled,
        "description": e.description,
    })
}

fn line(e: &Endpoint) -> String {
    let state = if e.enabled { "enabled" } else { "disabled" };
    format!("{}  {}  {state}  {}", e.id, e.url, e.events.join(","))
}

pub async fn run(command: Command, shared: &Shared) -> Result<ExitCode, Failure> {
    match command {
        Command::List(which) => {
            let client = shared.client(which.provider)?;
            let all: Vec<Endpoint> = client.list().try_collect().await?;
            let text: Vec<String> = all.iter().map(line).collect();
            shared.print(text.join("\n"), all.iter().map(shown).collect());
        }
        Command::Get(one) => {
            let client = shared.client(one.which.provider)?;
            let found = client.get(&one.id).await?;
            shared.print(line(&found), shown(&found));
        }
        Command::Create(create) => {
            let client = shared.client(create.which.provider)?;
            let mut new = NewEndpoint::new(create.url, create.events);
            new.description = create.description;
            let created = client.create(new).await?;
            let written = match &created.secret {
                Some(secret) => {
                    write_secret_file(&create.secret_out, secret.expose())?;
                    format!("secret written to {}", create.secret_out.display())
                }
                None => "the provider returned no secret".to_string(),
            };
            let mut json = shown(&created);
            json["secret"] = json!(written);
            shared.print(format!("{}\n{written}", line(&created)), json);
        }
        Command::Delete(one) => {
            let client = shared.client(one.which.provider)?;
            client.delete(&one.id).await?;
            shared.print(format!("deleted {}", one.id), json!({ "deleted": one.id }));
        }
        Command::Enable(one) => set_enabled(shared, one, true).await?,
        Command::Disable(one) => set_enabled(shared, one, false).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn set_enabled(shared: &Shared, one: One, enabled: bool) -> Result<(), Failure> {
    let client = shared.client(one.which.provider)?;
    let changed = client.set_enabled(&one.id, enabled).await?;
    shared.print(line(&changed), shown(&changed));
    Ok(())
}
