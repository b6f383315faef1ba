//! Endpoints as code: make the endpoints registered at the providers match
//! a desired set, idempotently, without losing a signing secret.
//!
//! [`plan`] compares what a file asks for ([`Desired`]) with what each
//! provider has ([`Observed`]) and says what would change: `create`,
//! `update`, `replace` (delete and create, where the provider cannot update
//! that field: the endpoint gets a new secret), `delete` (only when pruning),
//! `adopt` (an endpoint already there for the URL, now managed) or nothing.
//! [`apply`] makes it so; applied twice, the second run changes nothing.
//!
//! What each provider allows follows from its
//! [`Capabilities`](crate::endpoints::Capabilities) (update or replace,
//! delete or disable, list or a state file, an idempotent create or finding
//! a lost create again by URL); the [guide](crate::guide::sync) has the table.
//!
//! **Matching** is by provider and URL, compared in the WHATWG URL
//! serialisation ([`normalise_url`]): scheme and host in lower case, the
//! default port dropped, an empty path written `/`; the path, query and a
//! trailing slash are kept as they are, because the providers deliver to
//! the URL as given.
//!
//! **Secrets** are returned by every provider only at creation. [`apply`]
//! writes each new one to the [`SecretsFile`] (atomically, durably, mode
//! 0600) before it starts the next change; nothing else ever holds one (the
//! plan, its `Debug` output, the logs). An adopted endpoint's secret is
//! unknown unless the secrets file already has it.
//!
//! **A create whose answer is lost** (a crash, a reset connection): where
//! the provider documents idempotency keys, every create carries a key
//! derived from the desired entry, so a retry, in this run or the next, is
//! answered with the first endpoint and its secret. Where it does not, the
//! endpoint is found again by URL and adopted, its secret unknown; meum.io,
//! which lists nothing, gets its create marked in the state file first, and
//! an unfinished mark stops the next plan for that endpoint instead of
//! creating a second one.
//!
//! ```
//! use webhooks_sdk::Provider;
//! use webhooks_sdk::endpoints::{Capabilities, Endpoint};
//! use webhooks_sdk::sync::{Action, Desired, Observed, Options, Records, plan};
//!
//! let desired: Desired = serde_json::from_value(serde_json::json!({"endpoint": [
//!     {"provider": "billing-io", "url": "https://example.com/hooks", "events": ["checkout.completed"]}
//! ]}))?;
//! let observed = [Observed::listed(Provider::BillingIo, vec![])];
//! let caps = |_: Provider| Capabilities {
//!     create: true, list: true, get: true, delete: true,
//!     set_enabled: false, update: false, idempotent_create: true,
//! };
//! let plan = plan(&desired, &observed, caps, &Records::default(), Options::default());
//! assert_eq!(plan.items[0].action, Action::Create);
//! assert!(plan.has_changes());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::endpoints::Endpoint;
use crate::provider::Provider;

mod apply;
mod files;
mod plan;

pub use apply::{ApplyError, Outcome, apply};
pub use files::{FileError, Record, Records, SecretsFile, StateFile};
pub use plan::{Action, Change, Item, Plan, SecretState, plan};

/// The endpoints a file asks for: `[[endpoint]]` tables in TOML.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Desired {
    /// Each desired endpoint.
    #[serde(rename = "endpoint", default)]
    pub endpoints: Vec<DesiredEndpoint>,
}

/// One desired endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DesiredEndpoint {
    /// The provider, by its [name](Provider::name) (`billing-io`, …).
    pub provider: Provider,
    /// Where events are delivered; with the provider, what identifies it.
    pub url: String,
    /// The event types, in the provider's own names (order does not matter).
    pub events: Vec<String>,
    /// A label for people; left as the provider has it when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether deliveries are made (default `true`).
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

impl DesiredEndpoint {
    /// The key of this endpoint in the secrets and state files: `"<provider> <url>"`.
    pub fn key(&self) -> String {
        key(self.provider, &self.url)
    }
}

/// `"<provider> <url>"`, the URL normalised: how the secrets and state files name an endpoint.
pub fn key(provider: Provider, url: &str) -> String {
    format!("{provider} {}", normalise_url(url))
}

/// The URL as matching compares it (see the module docs); a string that
/// does not parse as a URL is compared as written.
pub fn normalise_url(url: &str) -> String {
    reqwest::Url::parse(url.trim()).map_or_else(|_| url.trim().to_string(), String::from)
}

impl Desired {
    /// Every problem with the file: a URL that is not absolute, an entry
    /// without events, two entries for the same endpoint.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen = BTreeSet::new();
        for d in &self.endpoints {
            if reqwest::Url::parse(&d.url).is_err() {
                problems.push(format!("{} {}: not an absolute URL", d.provider, d.url));
            }
            if d.events.is_empty() {
                problems.push(format!("{} {}: no events", d.provider, d.url));
            }
            if !seen.insert(d.key()) {
                problems.push(format!("{}: listed twice", d.key()));
            }
        }
        problems
    }

    /// The providers the file names, each once.
    pub fn providers(&self) -> BTreeSet<Provider> {
        self.endpoints.iter().map(|d| d.provider).collect()
    }
}

/// What a provider has now.
#[derive(Debug, Clone)]
pub struct Observed {
    /// The provider.
    pub provider: Provider,
    /// Its endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Read from the provider's list, or (where it lists nothing) from the state file.
    pub listed: bool,
}

impl Observed {
    /// Endpoints read from the provider's own list.
    pub fn listed(provider: Provider, endpoints: Vec<Endpoint>) -> Self {
        Self {
            provider,
            endpoints,
            listed: true,
        }
    }
}

/// What [`plan`] may propose.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Delete (or, where the provider cannot delete, disable) endpoints the
    /// file does not name, at the providers it names.
    pub prune: bool,
    /// Allow `replace`, which gives the endpoint a new signing secret.
    pub allow_replace: bool,
}

/// An `Idempotency-Key` for creating `d`: the same for the same entry, so
/// a create retried after a lost answer (in this run or the next) is the
/// same request; different once the endpoint it last made (`previous`) or
/// the one it replaces is gone, so a later create is not answered with a
/// deleted endpoint. A UUID (billing.io requires one), from SHA-256.
pub fn idempotency_key(d: &DesiredEndpoint, previous: Option<&str>) -> String {
    use sha2::{Digest, Sha256};
    let mut events: Vec<&str> = d.events.iter().map(String::as_str).collect();
    events.sort_unstable();
    events.dedup();
    let material = serde_json::json!([
        "webhooks-sync/1",
        d.provider.name(),
        normalise_url(&d.url),
        events,
        d.description,
        d.enabled,
        previous,
    ]);
    let digest = Sha256::digest(material.to_string().as_bytes());
    let bytes: [u8; 16] = digest[..16].try_into().expect("32 bytes");
    // Version 8: a UUID of the application's own making.
    crate::retry::uuid_text(bytes, 8)
}

#[cfg(test)]
mod tests;
