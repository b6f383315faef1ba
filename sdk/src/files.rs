//! JSON files the SDK keeps for its user (sync's secrets and state, a
//! catch-up's checkpoint): read whole, replaced atomically and durably.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

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
pub(crate) fn read<T: serde::de::DeserializeOwned + Default>(path: &Path) -> Result<T, FileError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| failed(path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(T::default()),
        Err(e) => Err(failed(path, e)),
    }
}

/// Replaces `path` with `value`: a file beside it, written, synced, renamed
/// over it, and the directory synced, so a crash leaves the old or the new
/// file, never a part. Mode 0600 (owner only) where there are modes.
pub(crate) fn write<T: Serialize>(path: &Path, value: &T) -> Result<(), FileError> {
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
