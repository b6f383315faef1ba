//! The two files `sync` keeps: the secrets file (each endpoint's ID and
//! signing secret) and the state file (the endpoints of a provider that
//! lists none). Both are JSON objects keyed `"<provider> <url>"`, replaced
//! atomically and durably on every change, mode 0600.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use crate::files::FileError;
use crate::files::{read, write};

use crate::endpoints::Endpoint;
use crate::provider::Provider;
use crate::secret::Secret;

use super::Observed;

/// What the secrets file knows of one endpoint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The endpoint's ID at the provider (none while a create is unanswered).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    /// Its signing secret, when it was created by this tool.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<Secret>,
    /// A create was sent and its answer not yet recorded: its
    /// `Idempotency-Key` (empty where the provider takes none), which a
    /// later run sends again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unanswered_create: Option<String>,
}

/// The secrets file's entries, by `"<provider> <url>"`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Records(BTreeMap<String, Record>);

impl Records {
    /// The entry for `key`.
    pub fn get(&self, key: &str) -> Option<&Record> {
        self.0.get(key)
    }

    /// Sets the entry for `key`.
    pub fn insert(&mut self, key: String, record: Record) {
        self.0.insert(key, record);
    }
}

/// The secrets file: each managed endpoint's ID and, where this tool created
/// it, its signing secret. `Debug` shows no secret.
#[derive(Debug)]
pub struct SecretsFile {
    path: PathBuf,
    records: Records,
}

impl SecretsFile {
    /// Reads it (a missing file is an empty one).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, FileError> {
        let path = path.into();
        let records = Records(read(&path)?);
        Ok(Self { path, records })
    }

    /// What it holds.
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// Sets the entry for `key` (an empty record removes it) and writes the
    /// file before returning.
    pub fn set(&mut self, key: String, record: Record) -> Result<(), FileError> {
        if record == Record::default() {
            self.records.0.remove(&key);
        } else {
            self.records.insert(key, record);
        }
        write(&self.path, &self.records.0)
    }

    /// Removes the entry for `key` (if any) and writes the file.
    pub fn remove(&mut self, key: &str) -> Result<(), FileError> {
        if self.records.0.remove(key).is_some() {
            write(&self.path, &self.records.0)?;
        }
        Ok(())
    }
}

/// One endpoint as the state file remembers it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Remembered {
    id: String,
    events: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    enabled: bool,
}

/// The endpoints this tool made or changed at a provider that documents no
/// list operation (meum.io), as it last left them.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    endpoints: BTreeMap<String, Remembered>,
}

impl StateFile {
    /// Reads it (a missing file is an empty one).
    pub fn open(path: impl Into<PathBuf>) -> Result<Self, FileError> {
        let path = path.into();
        let endpoints = read(&path)?;
        Ok(Self { path, endpoints })
    }

    /// The endpoints remembered for `provider`, in place of its list.
    pub fn observed(&self, provider: Provider) -> Observed {
        let prefix = format!("{provider} ");
        let endpoints = self
            .endpoints
            .iter()
            .filter_map(|(key, e)| {
                Some(Endpoint {
                    id: e.id.clone(),
                    url: key.strip_prefix(&prefix)?.to_string(),
                    events: e.events.clone(),
                    enabled: e.enabled,
                    description: e.description.clone(),
                    secret: None,
                })
            })
            .collect();
        Observed {
            provider,
            endpoints,
            listed: false,
        }
    }

    /// Remembers `endpoint` under `key` and writes the file.
    pub fn remember(&mut self, key: String, endpoint: &Endpoint) -> Result<(), FileError> {
        let remembered = Remembered {
            id: endpoint.id.clone(),
            events: endpoint.events.clone(),
            description: endpoint.description.clone(),
            enabled: endpoint.enabled,
        };
        self.endpoints.insert(key, remembered);
        write(&self.path, &self.endpoints)
    }

    /// Forgets the endpoint under `key` and writes the file.
    pub fn forget(&mut self, key: &str) -> Result<(), FileError> {
        if self.endpoints.remove(key).is_some() {
            write(&self.path, &self.endpoints)?;
        }
        Ok(())
    }
}
