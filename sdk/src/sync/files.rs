//! The two files `sync` keeps: the secrets file (each endpoint's ID and
//! signing secret) and the state file (the endpoints of a provider that
//! lists none). Both are JSON objects keyed `"<provider> <url>"`, replaced
//! atomically and durably on every change, mode 0600.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

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

/// Why a file could not be read or written.
#[derive(Debug)]
pub struct FileError {
    path: PathBuf,
    why: String,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.why)
    }
}

impl std::error::Error for FileError {}

fn failed(path: &Path, why: impl fmt::Display) -> FileError {
    FileError {
        path: path.to_path_buf(),
        why: why.to_string(),
    }
}

/// A JSON object file, or an empty one where there is none yet.
fn read<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, FileError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| failed(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(failed(path, e)),
    }
}

/// Replaces `path` with `value`: a file beside it, written, synced, renamed
/// over it, and the directory synced, so a crash leaves the old or the new
/// file, never a part. Mode 0600 (owner only) where there are modes.
fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(|e| failed(path, e))?;
    bytes.push(b'\n');
    let name = path
        .file_name()
        .ok_or_else(|| failed(path, "not a file name"))?;
    let temporary = path.with_file_name(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temporary).and_then(|mut file| {
        file.write_all(&bytes)?;
        file.sync_all()
    });
    written
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&temporary);
            failed(path, e)
        })?;
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        std::fs::File::open(directory)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| failed(path, e))?;
    }
    Ok(())
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
