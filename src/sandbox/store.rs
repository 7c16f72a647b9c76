//! The sandbox's state file under `$XDG_STATE_HOME/lakeops/sandbox/`, written atomically.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::SystemTime;

use super::state::SimState;
use crate::platform::PlatformError;

/// Save at most this often while running; changes and exit save at once.
const SAVE_EVERY_MS: i64 = 30_000;

pub struct Store {
    path: PathBuf,
    /// The file's modification time after our last read or write: a different one means
    /// another lakeops changed it.
    seen: Mutex<Seen>,
}

#[derive(Default)]
struct Seen {
    modified: Option<SystemTime>,
    last_save_wall_ms: i64,
}

impl Store {
    pub fn new(path: PathBuf) -> Store {
        Store { path, seen: Mutex::new(Seen::default()) }
    }

    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    pub fn load(&self) -> Result<Option<SimState>, PlatformError> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_failure(&self.path, "read", &e)),
        };
        self.remember_modified();
        // A damaged or outdated file starts the sandbox afresh rather than stopping lakeops.
        Ok(serde_json::from_str(&text).ok())
    }

    /// The saved state, if another process wrote it since we last looked.
    pub fn load_if_changed(&self) -> Result<Option<SimState>, PlatformError> {
        let current = modified(&self.path);
        let known = self.seen.lock().ok().and_then(|s| s.modified);
        if current.is_some() && current != known {
            return self.load();
        }
        Ok(None)
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

    pub fn save(&self, state: &SimState) -> Result<(), PlatformError> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io_failure(dir, "create", &e))?;
        }
        let text = serde_json::to_string(state).map_err(|e| PlatformError::failed("sandbox", e.to_string()))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, text).map_err(|e| io_failure(&tmp, "write", &e))?;
        std::fs::rename(&tmp, &self.path).map_err(|e| io_failure(&self.path, "replace", &e))?;
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

fn modified(path: &std::path::Path) -> Option<SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

fn io_failure(path: &std::path::Path, what: &str, e: &std::io::Error) -> PlatformError {
    PlatformError::failed("sandbox", format!("cannot {what} {}: {e}", path.display()))
}
