//! The local journal: every action lakeops takes, one JSON line each, appended to
//! `$XDG_STATE_HOME/lakeops/journal.jsonl`.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub time: DateTime<Utc>,
    pub profile: String,
    pub backend: String,
    /// What was done, e.g. `sandbox.fault`, `reshard.update-shard-count`.
    pub action: String,
    pub target: String,
    pub detail: String,
    /// `done`, `refused: …`, `failed: …`.
    pub outcome: String,
}

/// Appends `value` as one JSON line to `path` (named `what` in errors), creating the folder.
pub fn append_json_line(path: &std::path::Path, value: &impl Serialize, what: &str) -> Result<(), String> {
    let line = serde_json::to_string(value).map_err(|e| e.to_string())?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {what} {}: {e}", path.display()))?;
    writeln!(file, "{line}").map_err(|e| format!("cannot write {what} {}: {e}", path.display()))
}

pub struct Journal {
    path: PathBuf,
}

impl Journal {
    pub fn new(path: PathBuf) -> Journal {
        Journal { path }
    }

    pub fn append(&self, entry: &Entry) -> Result<(), String> {
        append_json_line(&self.path, entry, "the journal")
    }

    /// Appends one entry stamped now.
    pub fn record(
        &self,
        profile: &str,
        backend: &str,
        action: &str,
        target: &str,
        detail: &str,
        outcome: &str,
    ) -> Result<(), String> {
        self.append(&Entry {
            time: Utc::now(),
            profile: profile.into(),
            backend: backend.into(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            outcome: outcome.into(),
        })
    }

    /// Scalings and capacity-mode switches of `stream` done under `profile` in the last 24 h.
    pub fn recent_changes(&self, profile: &str, stream: &str) -> Result<(u32, u32), String> {
        let day_ago = Utc::now() - chrono::Duration::hours(24);
        let entries = self.entries()?;
        let count = |action: &str| {
            entries
                .iter()
                .filter(|e| {
                    e.time >= day_ago
                        && e.profile == profile
                        && e.target == stream
                        && e.action == action
                        && e.outcome == "done"
                })
                .count() as u32
        };
        Ok((count("reshard.update-shard-count"), count("reshard.update-stream-mode")))
    }

    /// Every entry, oldest first (none before the first is written); a line that is not an
    /// entry is skipped. A journal that cannot be read is an error, not an empty journal.
    pub fn entries(&self) -> Result<Vec<Entry>, String> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("cannot read the journal {}: {e}", self.path.display())),
        }
    }
}
