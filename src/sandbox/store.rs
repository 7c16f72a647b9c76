//! The sandbox's state file under `$XDG_STATE_HOME/lakeops/sandbox/`. Several lakeops may share
//! it (the console and headless commands beside it): each reads, changes and saves it under one
//! writer lock, saves atomically (a temporary file of its own, synced, renamed), and never saves
//! over a state another wrote since it last read — that one is adopted instead. A damaged file is
//! kept aside as `<name>.damaged-<time>` with a warning, never silently replaced.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use super::state::SimState;
use crate::local_files::{self, FileLock};
use crate::platform::PlatformError;

/// Save at most this often while running; changes and exit save at once.
pub(super) const SAVE_EVERY_MS: i64 = 30_000;

/// What loading found.
pub enum Loaded {
    Missing,
    State(Box<SimState>),
    /// The file did not parse: it was moved aside (the warning says where).
    Damaged {
        warning: String,
    },
}

pub struct Store {
    path: PathBuf,
    /// The file's modification time after our last read or write: a different one means
    /// another lakeops changed it.
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    modified: Option<Stamp>,
    last_save_wall_ms: i64,
}

impl Store {
    pub fn new(path: PathBuf) -> Store {
        Store { path, seen: Mutex::new(Seen::default()) }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Holds the writer lock while a read, change and save happen together.
    pub fn lock(&self) -> Result<FileLock, PlatformError> {
        FileLock::exclusive(&self.path).map_err(|e| io_failure(&self.path, "lock", &e))
    }

    /// Reads the saved state (call with the lock held).
    pub fn load(&self) -> Result<Loaded, PlatformError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Loaded::Missing),
            Err(e) => return Err(io_failure(&self.path, "read", &e)),
        };
        self.remember_modified();
        match serde_json::from_str(&text) {
            Ok(state) => Ok(Loaded::State(Box::new(state))),
            Err(e) => {
                let aside = local_files::suffixed(
                    &self.path,
                    &format!(".damaged-{}", chrono::Utc::now().format("%Y%m%dT%H%M%SZ")),
                );
                std::fs::rename(&self.path, &aside).map_err(|e| io_failure(&self.path, "move aside", &e))?;
                let warning = format!(
                    "the sandbox's saved state {} could not be read ({e}); it was kept as {} and the sandbox started afresh",
                    self.path.display(),
                    aside.display()
                );
                tracing::warn!("{warning}");
                Ok(Loaded::Damaged { warning })
            }
        }
    }

    /// Whether another process wrote the file since we last read or wrote it.
    pub fn changed_since_seen(&self) -> bool {
        let current = modified(&self.path);
        let known = self.seen.lock().ok().and_then(|s| s.modified);
        current.is_some() && current != known
    }

    /// Whether the file this process read or wrote is gone: another lakeops reset the sandbox (or
    /// someone deleted it). Our model is then the old one, not to be saved over the reset.
    pub fn reset_since_seen(&self) -> bool {
        let known = self.seen.lock().ok().and_then(|s| s.modified);
        known.is_some() && !self.path.exists()
    }

    /// After adopting a reset: nothing of ours is on disk any more.
    pub fn forget_seen(&self) {
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Seen::default();
        }
    }

    /// The saved state, if another process wrote it since we last looked (call with the lock held).
    pub fn load_if_changed(&self) -> Result<Option<SimState>, PlatformError> {
        if !self.changed_since_seen() {
            return Ok(None);
        }
        Ok(match self.load()? {
            Loaded::State(state) => Some(*state),
            Loaded::Missing | Loaded::Damaged { .. } => None,
        })
    }

    pub fn save_if_due(&self, state: &SimState, wall_ms: i64) -> Result<(), PlatformError> {
        let due = self.seen.lock().map(|s| wall_ms - s.last_save_wall_ms >= SAVE_EVERY_MS).unwrap_or(true);
        if due {
            self.save(state)?;
            if let Ok(mut seen) = self.seen.lock() {
                seen.last_save_wall_ms = wall_ms;
            }
        }
        Ok(())
    }

    /// Saves `state` atomically (call with the lock held, after adopting any newer state).
    pub fn save(&self, state: &SimState) -> Result<(), PlatformError> {
        if let Some(dir) = self.path.parent() {
            local_files::private_dir(dir).map_err(|e| io_failure(dir, "create", &e))?;
        }
        let text = serde_json::to_string(state).map_err(|e| PlatformError::failed("sandbox", e.to_string()))?;
        local_files::replace(&self.path, text.as_bytes()).map_err(|e| io_failure(&self.path, "write", &e))?;
        self.remember_modified();
        Ok(())
    }

    /// The local lake's folder, beside the state file.
    pub fn lake_dir(&self) -> PathBuf {
        self.path.with_extension("lake")
    }

    /// Deletes the saved state and the lake; the next run starts afresh. Returns whether
    /// there was a state.
    pub fn reset(&self) -> Result<bool, PlatformError> {
        let lake = self.lake_dir();
        match std::fs::remove_dir_all(&lake) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_failure(&lake, "delete", &e)),
        }
        match std::fs::remove_file(&self.path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(io_failure(&self.path, "delete", &e)),
        }
    }

    fn remember_modified(&self) {
        let m = modified(&self.path);
        if let Ok(mut seen) = self.seen.lock() {
            seen.modified = m;
        }
    }
}

/// What tells one save of the file from another: its modification time, size and (on Unix) its
/// inode, which every atomic replace changes.
fn modified(path: &std::path::Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some((meta.modified().ok()?, meta.len(), inode))
}

type Stamp = (SystemTime, u64, u64);

fn io_failure(path: &std::path::Path, what: &str, e: &std::io::Error) -> PlatformError {
    PlatformError::failed("sandbox", format!("cannot {what} {}: {e}", path.display()))
}
