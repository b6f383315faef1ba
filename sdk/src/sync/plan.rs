//! The plan: each desired endpoint compared with what its provider has.

use std::collections::BTreeSet;
use std::fmt;

use serde::Serialize;

use super::{Desired, DesiredEndpoint, Observed, Options, Records, normalise_url};
use crate::endpoints::{Capabilities, Endpoint};
use crate::provider::Provider;

/// What happens to one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Already as desired.
    Nothing,
    /// Already there for this URL, not yet managed: recorded, not changed.
    Adopt,
    /// Registered anew.
    Create,
    /// Changed in place.
    Update,
    /// Deleted and created again: the provider cannot update what changed.
    Replace,
    /// Deleted (pruning).
    Delete,
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Nothing => "nothing",
            Self::Adopt => "adopt",
            Self::Create => "create",
            Self::Update => "update",
            Self::Replace => "replace",
            Self::Delete => "delete",
        })
    }
}

/// What is known of an endpoint's signing secret after the change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretState {
    /// In the secrets file.
    Known,
    /// Not known: the provider returns it only at creation.
    Unknown,
    /// A new one, written to the secrets file when created.
    New,
    /// A new one replaces the old (`replace`): receivers must be given it.
    Rotated,
    /// The endpoint goes away.
    Gone,
}

impl SecretState {
    /// The plan's words for it.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Known => "secret known",
            Self::Unknown => "secret unknown: the provider returns it only at creation",
            Self::New => "new secret, written to the secrets file",
            Self::Rotated => {
                "rotates the signing secret: the new one is written to the secrets file"
            }
            Self::Gone => "endpoint removed",
        }
    }
}

/// One field that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// `events`, `description` or `enabled`.
    pub field: &'static str,
    /// As the provider has it.
    pub from: serde_json::Value,
    /// As desired.
    pub to: serde_json::Value,
}

/// One step of a [`Plan`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The provider.
    pub provider: Provider,
    /// The endpoint's URL.
    pub url: String,
    /// What happens.
    pub action: Action,
    /// The endpoint there now, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    /// Whether the endpoint is there and not yet in the secrets file (also
    /// with `update` or `replace`).
    pub adopt: bool,
    /// The fields that change.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// What is known of its secret afterwards.
    pub secret: SecretState,
    /// Why this step cannot be taken with these options; a plan with one is not applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// Facts a reader should know (a provider's limits, duplicates).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The desired entry (none for a deletion).
    #[serde(skip)]
    pub desired: Option<DesiredEndpoint>,
}

impl Item {
    /// Whether the step changes anything at the provider.
    pub fn changes_provider(&self) -> bool {
        !matches!(self.action, Action::Nothing | Action::Adopt)
    }
}

impl fmt::Display for Item {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match (self.adopt, self.action) {
            (true, Action::Update | Action::Replace) => format!("adopt and {}", self.action),
            _ => self.action.to_string(),
        };
        write!(f, "{action:<8} {} {}", self.provider, self.url)?;
        if let Some(id) = &self.endpoint_id {
            write!(f, " ({id})")?;
        }
        for change in &self.changes {
            write!(
                f,
                "\n    {}: {} -> {}",
                change.field, change.from, change.to
            )?;
        }
        write!(f, "\n    {}", self.secret.describe())?;
        for note in &self.notes {
            write!(f, "\n    note: {note}")?;
        }
        if let Some(why) = &self.refused {
            write!(f, "\n    refused: {why}")?;
        }
        Ok(())
    }
}

/// What [`apply`](super::apply()) would do, step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Every desired endpoint, then every deletion.
    pub items: Vec<Item>,
}

impl Plan {
    /// Whether applying it changes anything at a provider.
    pub fn has_changes(&self) -> bool {
        self.items.iter().any(Item::changes_provider)
    }

    /// Each step that cannot be taken, with why, one line each.
    pub fn refusals(&self) -> Vec<String> {
        self.items
            .iter()
            .filter_map(|i| {
                let why = i.refused.as_ref()?;
                Some(format!("{} {}: {why}", i.provider, i.url))
            })
            .collect()
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            writeln!(f, "{item}")?;
        }
        let count = |a: Action| self.items.iter().filter(|i| i.action == a).count();
        write!(
            f,
            "{} to create, {} to update, {} to replace, {} to delete, {} to adopt, {} unchanged",
            count(Action::Create),
            count(Action::Update),
            count(Action::Replace),
            count(Action::Delete),
            self.items.iter().filter(|i| i.adopt).count(),
            count(Action::Nothing),
        )
    }
}

/// Compares `desired` with what the providers have (`observed`, one per
/// provider the file names) and what the secrets file knows (`records`),
/// within what each provider can do (`capabilities`).
pub fn plan(
    desired: &Desired,
    observed: &[Observed],
    capabilities: impl Fn(Provider) -> Capabilities,
    records: &Records,
    options: Options,
) -> Plan {
    let mut items = Vec::new();
    let mut matched = BTreeSet::new();
    for d in &desired.endpoints {
        let caps = capabilities(d.provider);
        let seen = observed.iter().find(|o| o.provider == d.provider);
        let url = normalise_url(&d.url);
        let at_url: Vec<&Endpoint> = seen
            .map(|o| &o.endpoints)
            .into_iter()
            .flatten()
            .filter(|e| normalise_url(&e.url) == url)
            .collect();
        let record = records.get(&d.key());
        // The one this tool created, if it is there; else the first.
        let current = at_url
            .iter()
            .find(|e| record.is_some_and(|r| r.endpoint_id.as_deref() == Some(&e.id)))
            .or(at_url.first())
            .copied();
        let mut item = Item {
            provider: d.provider,
            url: d.url.clone(),
            action: Action::Nothing,
            endpoint_id: current.map(|e| e.id.clone()),
            adopt: false,
            changes: Vec::new(),
            secret: SecretState::New,
            refused: None,
            notes: Vec::new(),
            desired: Some(d.clone()),
        };
        if seen.is_some_and(|o| !o.listed) {
            item.notes.push(format!(
                "{} documents no list operation: reconciled from the state file",
                d.provider.title()
            ));
        }
        for extra in at_url
            .iter()
            .filter(|e| Some(e.id.as_str()) != item.endpoint_id.as_deref())
        {
            if !options.prune {
                item.notes.push(format!(
                    "{} is another endpoint at this URL (--prune removes it)",
                    extra.id
                ));
            }
        }
        matched.extend(
            at_url
                .iter()
                .filter(|e| Some(&e.id) == item.endpoint_id.as_ref())
                .map(|e| (d.provider, e.id.clone())),
        );
        let cannot_pause = !d.enabled && !caps.update && !caps.set_enabled;
        if cannot_pause {
            item.refused = Some(format!(
                "{} documents no way to pause an endpoint",
                d.provider.title()
            ));
        }
        let pending = record.is_some_and(|r| r.unanswered_create.is_some());
        let ours = |e: &Endpoint| record.is_some_and(|r| r.endpoint_id.as_deref() == Some(&e.id));
        match current {
            None if pending && seen.is_some_and(|o| !o.listed) => {
                item.action = Action::Create;
                item.refused = Some(format!(
                    "an earlier create was sent and never answered, and {} lists no endpoints: \
                     check whether it exists, then remove its entry from the secrets file",
                    d.provider.title()
                ));
            }
            None => item.action = Action::Create,
            Some(existing) if pending && caps.idempotent_create && !ours(existing) => {
                item.action = Action::Create;
                item.notes.push(
                    "resumes a create whose answer was lost: its idempotency key answers the endpoint already made, with its secret"
                        .to_string(),
                );
            }
            Some(existing) => {
                item.changes = differences(d, existing);
                let ours = ours(existing);
                item.adopt = !ours;
                item.secret = if ours && record.is_some_and(|r| r.secret.is_some()) {
                    SecretState::Known
                } else {
                    SecretState::Unknown
                };
                if pending && !ours {
                    item.notes.push(
                        "a create's answer was lost: the endpoint found at this URL is adopted"
                            .to_string(),
                    );
                }
                let only_enabled = item.changes.iter().all(|c| c.field == "enabled");
                item.action = if item.changes.is_empty() {
                    if item.adopt {
                        Action::Adopt
                    } else {
                        Action::Nothing
                    }
                } else if caps.update || (only_enabled && caps.set_enabled) {
                    Action::Update
                } else {
                    Action::Replace
                };
                if item.action == Action::Replace {
                    item.secret = SecretState::Rotated;
                    if !caps.delete {
                        item.refused = Some(format!(
                            "{} can neither update nor delete this endpoint",
                            d.provider.title()
                        ));
                    } else if !options.allow_replace && item.refused.is_none() {
                        let fields: Vec<_> = item.changes.iter().map(|c| c.field).collect();
                        item.refused = Some(format!(
                            "{} cannot update {}: replacing the endpoint rotates its signing secret; pass --allow-replace",
                            d.provider.title(),
                            fields.join(", ")
                        ));
                    }
                }
            }
        }
        items.push(item);
    }
    if options.prune {
        let named = desired.providers();
        for seen in observed.iter().filter(|o| named.contains(&o.provider)) {
            let caps = capabilities(seen.provider);
            for e in seen
                .endpoints
                .iter()
                .filter(|e| !matched.contains(&(seen.provider, e.id.clone())))
            {
                items.push(pruned(seen.provider, e, caps));
            }
        }
    }
    Plan { items }
}

/// The step that removes an endpoint the file does not name.
fn pruned(provider: Provider, e: &Endpoint, caps: Capabilities) -> Item {
    let mut item = Item {
        provider,
        url: e.url.clone(),
        action: Action::Delete,
        endpoint_id: Some(e.id.clone()),
        adopt: false,
        changes: Vec::new(),
        secret: SecretState::Gone,
        refused: None,
        notes: Vec::new(),
        desired: None,
    };
    if !caps.delete {
        if caps.update || caps.set_enabled {
            item.notes.push(format!(
                "{} documents no delete: disabled instead",
                provider.title()
            ));
            item.secret = SecretState::Unknown;
            item.action = if e.enabled {
                Action::Update
            } else {
                Action::Nothing
            };
            if e.enabled {
                item.changes.push(Change {
                    field: "enabled",
                    from: true.into(),
                    to: false.into(),
                });
            }
        } else {
            item.refused = Some(format!(
                "{} can neither delete nor disable an endpoint",
                provider.title()
            ));
        }
    }
    item
}

/// The fields of `existing` that differ from `d`: events as sets, the
/// description only where the file gives one.
fn differences(d: &DesiredEndpoint, existing: &Endpoint) -> Vec<Change> {
    let mut changes = Vec::new();
    let want: BTreeSet<&str> = d.events.iter().map(String::as_str).collect();
    let have: BTreeSet<&str> = existing.events.iter().map(String::as_str).collect();
    if want != have {
        changes.push(Change {
            field: "events",
            from: have.into_iter().collect::<Vec<_>>().into(),
            to: want.into_iter().collect::<Vec<_>>().into(),
        });
    }
    if let Some(description) = &d.description
        && existing.description.as_ref() != Some(description)
    {
        changes.push(Change {
            field: "description",
            from: existing.description.clone().into(),
            to: description.clone().into(),
        });
    }
    if d.enabled != existing.enabled {
        changes.push(Change {
            field: "enabled",
            from: existing.enabled.into(),
            to: d.enabled.into(),
        });
    }
    changes
}
