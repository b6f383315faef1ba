//! Applying a [`Plan`]: one step at a time, each new secret written to the
//! secrets file before the next step starts.

use std::collections::BTreeMap;
use std::fmt;

use futures_util::TryStreamExt;
use serde::Serialize;

use super::files::{FileError, Record, SecretsFile, StateFile};
use super::{
    Action, DesiredEndpoint, Item, Plan, SecretState, idempotency_key, key, normalise_url,
};
use crate::endpoints::{Capabilities, Endpoint, EndpointUpdate, Endpoints, Error, NewEndpoint};
use crate::error::ApiError;
use crate::provider::Provider;

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The provider.
    pub provider: Provider,
    /// The endpoint's URL.
    pub url: String,
    /// What was done.
    pub action: Action,
    /// The endpoint's ID afterwards (the deleted one's for a deletion).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    /// What is known of its secret now.
    pub secret: SecretState,
    /// Anything that did not go as planned but ended well.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:<8} {} {}", self.action, self.provider, self.url)?;
        if let Some(id) = &self.endpoint_id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.secret.describe())?;
        if let Some(note) = &self.note {
            write!(f, " ({note})")?;
        }
        Ok(())
    }
}

/// Why [`apply`] stopped. Every step before it is done and recorded; a
/// later run resumes from what the providers and the files then say.
#[derive(Debug)]
#[non_exhaustive]
pub enum ApplyError {
    /// The plan has steps that cannot be taken (see [`Plan::refusals`]); nothing was done.
    Refused(Vec<String>),
    /// No client was given for this provider.
    NoClient(Provider),
    /// The provider lists no endpoints, and no state file was given.
    NoStateFile(Provider),
    /// The provider refused or did not answer.
    Provider {
        /// The provider.
        provider: Provider,
        /// The endpoint's URL.
        url: String,
        /// The step.
        action: Action,
        /// Its error.
        error: Error,
    },
    /// The secrets or state file could not be written.
    File(FileError),
}

impl fmt::Display for ApplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(why) => write!(f, "the plan cannot be applied: {}", why.join("; ")),
            Self::NoClient(p) => write!(f, "no client for {p}"),
            Self::NoStateFile(p) => write!(
                f,
                "{} documents no list operation: pass a state file to remember its endpoints",
                p.title()
            ),
            Self::Provider {
                provider,
                url,
                action,
                error,
            } => {
                write!(f, "{action} {provider} {url}: {error}")
            }
            Self::File(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ApplyError {}

impl From<FileError> for ApplyError {
    fn from(e: FileError) -> Self {
        Self::File(e)
    }
}

/// Where a step writes what it learns.
struct Books<'a> {
    secrets: &'a mut SecretsFile,
    state: Option<&'a mut StateFile>,
}

/// Takes every step of `plan` in order, with the client of each provider
/// in `clients`, recording each endpoint (and each new secret, before the
/// next step) in `secrets`, and in `state` the endpoints of a provider that
/// lists none. `done` hears of each step as it finishes.
pub async fn apply<C: Endpoints + Sync>(
    plan: &Plan,
    clients: &BTreeMap<Provider, C>,
    secrets: &mut SecretsFile,
    state: Option<&mut StateFile>,
    mut done: impl FnMut(&Outcome),
) -> Result<Vec<Outcome>, ApplyError> {
    let refusals = plan.refusals();
    if !refusals.is_empty() {
        return Err(ApplyError::Refused(refusals));
    }
    let mut books = Books { secrets, state };
    let mut outcomes = Vec::new();
    for item in &plan.items {
        let client = clients
            .get(&item.provider)
            .ok_or(ApplyError::NoClient(item.provider))?;
        let caps = client.capabilities();
        if !caps.list && books.state.is_none() && item.action != Action::Nothing {
            return Err(ApplyError::NoStateFile(item.provider));
        }
        let outcome = step(client, caps, item, &mut books).await?;
        done(&outcome);
        outcomes.push(outcome);
    }
    Ok(outcomes)
}

async fn step<C: Endpoints + Sync>(
    client: &C,
    caps: Capabilities,
    item: &Item,
    books: &mut Books<'_>,
) -> Result<Outcome, ApplyError> {
    let key = key(item.provider, &item.url);
    let failed = |error| ApplyError::Provider {
        provider: item.provider,
        url: item.url.clone(),
        action: item.action,
        error,
    };
    let mut outcome = Outcome {
        provider: item.provider,
        url: item.url.clone(),
        action: item.action,
        endpoint_id: item.endpoint_id.clone(),
        secret: item.secret,
        note: None,
    };
    let id = item.endpoint_id.as_deref().unwrap_or_default();
    match (item.action, &item.desired) {
        (Action::Create | Action::Replace, Some(d)) => {
            let replaces = (item.action == Action::Replace).then_some(id);
            let (created, secret, note) = create(client, caps, d, replaces, books).await?;
            if let Some(old) = replaces {
                client.delete(old).await.map_err(failed)?;
            }
            outcome.endpoint_id = Some(created.id);
            outcome.secret = secret;
            outcome.note = note;
        }
        (Action::Update, desired) => {
            let changed = |field| item.changes.iter().any(|c| c.field == field);
            let desired = desired.as_ref();
            let change = EndpointUpdate {
                events: desired
                    .map(|d| d.events.clone())
                    .filter(|_| changed("events")),
                description: desired
                    .and_then(|d| d.description.clone())
                    .filter(|_| changed("description")),
                // Pruning where the provider cannot delete: disabled.
                enabled: Some(desired.is_some_and(|d| d.enabled)).filter(|_| changed("enabled")),
            };
            let updated = if caps.update {
                client.update(id, change).await
            } else {
                client.set_enabled(id, change.enabled.unwrap_or(true)).await
            }
            .map_err(failed)?;
            if item.adopt {
                adopt(books, &key, id)?;
            }
            if let Some(state) = books.state.as_deref_mut().filter(|_| !caps.list) {
                let enabled = desired.is_some_and(|d| d.enabled);
                state.remember(
                    key,
                    &Endpoint {
                        url: item.url.clone(),
                        enabled,
                        ..updated
                    },
                )?;
            }
        }
        (Action::Adopt, _) => adopt(books, &key, id)?,
        (Action::Delete, _) => {
            client.delete(id).await.map_err(failed)?;
            let recorded = books
                .secrets
                .records()
                .get(&key)
                .and_then(|r| r.endpoint_id.as_deref());
            if recorded == Some(id) {
                books.secrets.remove(&key)?;
            }
            if let Some(state) = books.state.as_deref_mut().filter(|_| !caps.list) {
                state.forget(&key)?;
            }
        }
        _ => {}
    }
    Ok(outcome)
}

/// Records an endpoint found at the provider, its secret unknown.
fn adopt(books: &mut Books<'_>, key: &str, id: &str) -> Result<(), FileError> {
    let record = Record {
        endpoint_id: Some(id.to_string()),
        ..Record::default()
    };
    books.secrets.set(key.to_string(), record)
}

/// Creates `d` (replacing the endpoint `replaces`, if given): the create is
/// marked unanswered in the secrets file first, and its answer (the ID and
/// the secret) written there before this returns.
async fn create<C: Endpoints + Sync>(
    client: &C,
    caps: Capabilities,
    d: &DesiredEndpoint,
    replaces: Option<&str>,
    books: &mut Books<'_>,
) -> Result<(Endpoint, SecretState, Option<String>), ApplyError> {
    let key = d.key();
    let before = books
        .secrets
        .records()
        .get(&key)
        .cloned()
        .unwrap_or_default();
    let idempotency = match &before.unanswered_create {
        Some(sent) => sent.clone(),
        None if caps.idempotent_create => {
            idempotency_key(d, replaces.or(before.endpoint_id.as_deref()))
        }
        None => String::new(),
    };
    let mut new = NewEndpoint::new(d.url.clone(), d.events.clone());
    new.description = d.description.clone();
    if !idempotency.is_empty() {
        new = new.idempotency_key(idempotency.clone());
    }
    books.secrets.set(
        key.clone(),
        Record {
            unanswered_create: Some(idempotency),
            ..before.clone()
        },
    )?;
    let failed = |error| ApplyError::Provider {
        provider: d.provider,
        url: d.url.clone(),
        action: if replaces.is_some() {
            Action::Replace
        } else {
            Action::Create
        },
        error,
    };
    let (mut created, secret, note) = match client.create(new).await {
        Ok(created) => {
            let secret = created.secret.clone();
            let state = if secret.is_some() {
                SecretState::New
            } else {
                SecretState::Unknown
            };
            let record = Record {
                endpoint_id: Some(created.id.clone()),
                secret,
                unanswered_create: None,
            };
            books.secrets.set(key.clone(), record)?;
            (created, state, None)
        }
        // No answer at all, and no key to ask again with: look for it by URL.
        Err(error) if error.http_status().is_none() && !caps.idempotent_create && caps.list => {
            let url = normalise_url(&d.url);
            let found = client
                .list()
                .try_filter(|e| {
                    std::future::ready(
                        normalise_url(&e.url) == url && Some(e.id.as_str()) != replaces,
                    )
                })
                .try_next()
                .await;
            let Ok(Some(found)) = found else {
                // Not there: the create did not happen.
                books.secrets.set(key, before)?;
                return Err(failed(error));
            };
            adopt(books, &key, &found.id)?;
            let note =
                "the create's answer was lost; the endpoint was found by its URL".to_string();
            (found, SecretState::Unknown, Some(note))
        }
        Err(error) => {
            if error.http_status().is_some() {
                // Answered with a refusal: nothing was made, nothing is pending.
                books.secrets.set(key, before)?;
            }
            return Err(failed(error));
        }
    };
    if !d.enabled {
        created = if caps.update {
            let change = EndpointUpdate {
                enabled: Some(false),
                ..EndpointUpdate::default()
            };
            client.update(&created.id, change).await
        } else {
            client.set_enabled(&created.id, false).await
        }
        .map_err(failed)?;
    }
    if let Some(state) = books.state.as_deref_mut().filter(|_| !caps.list) {
        state.remember(
            key,
            &Endpoint {
                url: d.url.clone(),
                ..created.clone()
            },
        )?;
    }
    Ok((created, secret, note))
}
