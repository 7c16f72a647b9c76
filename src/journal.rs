//! The local journal: every action lakeops takes, one JSON line each, appended to
//! `$XDG_STATE_HOME/lakeops/journal.jsonl` (private, locked, rotated: `local_files`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::local_files::{Go, LineFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub time: DateTime<Utc>,
    pub profile: String,
    pub backend: String,
    /// What was done, e.g. `sandbox.fault`, `reshard.update-shard-count`.
    pub action: String,
    pub target: String,
    pub detail: String,
    /// `done`, `done: …`, `started: …`, `landed …`, `<stack> ended <status> …`, `refused: …`,
    /// `failed: …`, `did not land: …`, `unknown: …`, a query's `FAILED: …`.
    pub outcome: String,
}

impl Entry {
    /// Whether the action happened as asked: the platform made the change (its answer, or reading
    /// back after a lost one, says so), or a followed operation ended well.
    pub fn succeeded(&self) -> bool {
        let o = self.outcome.as_str();
        // Not known to have ended well ("unknown: lakeops ended while query … ran").
        if o.starts_with("unknown") {
            return false;
        }
        if o.contains(" ended ") {
            return !["FAILED", "ROLLBACK", " failed: "].iter().any(|bad| o.contains(bad));
        }
        o == "done" || o.starts_with("done:") || o.starts_with("started:") || o.starts_with("landed ")
    }
}

/// The journal's size before it rotates to `journal.jsonl.1` (about 20,000 actions).
pub const JOURNAL_CAP_BYTES: u64 = 4 * 1024 * 1024;

/// Entries read back, with how many lines in that span were not entries (damaged, or cut by a
/// crash), so a reader can say so rather than count short.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    /// Oldest first.
    pub entries: Vec<Entry>,
    pub damaged: usize,
}

impl Read {
    /// The warning a reader shows for damaged lines, if any.
    pub fn damage(&self) -> Option<String> {
        (self.damaged > 0).then(|| format!("{} damaged line(s) of the journal were skipped", self.damaged))
    }
}

/// Reads `file` newest first back to `since` (a little before, as two lakeops may append out
/// of order by a moment) and returns what parses as `T`, oldest first.
pub fn read_since<T: serde::de::DeserializeOwned>(
    file: &LineFile,
    since: DateTime<Utc>,
    time: impl Fn(&T) -> DateTime<Utc>,
) -> Result<(Vec<T>, usize), String> {
    let slack = since - chrono::Duration::minutes(1);
    let (mut found, mut damaged) = (Vec::new(), 0);
    file.newest_first(|line| match serde_json::from_str::<T>(line) {
        Ok(item) if time(&item) < slack => Go::Stop,
        Ok(item) => {
            if time(&item) >= since {
                found.push(item);
            }
            Go::On
        }
        Err(_) => {
            damaged += 1;
            Go::On
        }
    })?;
    found.reverse();
    Ok((found, damaged))
}

pub struct Journal {
    file: LineFile,
}

impl Journal {
    pub fn new(path: PathBuf) -> Journal {
        Journal { file: LineFile::new(path, JOURNAL_CAP_BYTES, "the journal") }
    }

    pub fn append(&self, entry: &Entry) -> Result<(), String> {
        let line = serde_json::to_string(entry).map_err(|e| e.to_string())?;
        self.file.append(&line)
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

    /// Scalings and capacity-mode switches of `stream` done under `profile` in the last 24 h,
    /// and a warning when damaged lines in that span may hide some.
    pub fn recent_changes(&self, profile: &str, stream: &str) -> Result<(u32, u32, Option<String>), String> {
        let read = self.since(Utc::now() - chrono::Duration::hours(24))?;
        // A sandbox started afresh (`lakeops sandbox reset`) has a fresh stream: what the journal
        // says of the one before is not its history.
        let reset = crate::model::Change::Sandbox(crate::model::SandboxChange::Reset);
        let fresh_since = read
            .entries
            .iter()
            .filter(|e| e.profile == profile && e.backend == crate::settings::Backend::Sandbox.as_str())
            .filter(|e| e.action == reset.action() && e.succeeded())
            .map(|e| e.time)
            .max();
        let count = |action: &str| {
            read.entries
                .iter()
                .filter(|e| fresh_since.is_none_or(|reset| e.time > reset))
                .filter(|e| e.profile == profile && e.target == stream && e.action == action && e.succeeded())
                .count() as u32
        };
        Ok((count("reshard.update-shard-count"), count("reshard.update-stream-mode"), read.damage()))
    }

    /// The entries from `since` on, oldest first, read from the end of the journal back only
    /// that far. A journal that cannot be read is an error, not an empty journal.
    pub fn since(&self, since: DateTime<Utc>) -> Result<Read, String> {
        let (entries, damaged) = read_since(&self.file, since, |e: &Entry| e.time)?;
        Ok(Read { entries, damaged })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hours_ago: i64, action: &str) -> Entry {
        Entry {
            time: Utc::now() - chrono::Duration::hours(hours_ago),
            profile: "prod".into(),
            backend: "aws".into(),
            action: action.into(),
            target: "events".into(),
            detail: String::new(),
            outcome: "done".into(),
        }
    }

    #[test]
    fn an_entry_succeeded_when_the_change_was_made_or_ended_well() {
        let with = |outcome: &str| Entry { outcome: outcome.into(), ..entry(0, "x") }.succeeded();
        for made in [
            "done",
            "done: execution exec-1 started",
            "started: q-1",
            "landed (confirmed by reading back: s is UPDATING); its answer was lost: timeout",
            "clickstream ended UPDATE_COMPLETE (3 of 3 resources)",
        ] {
            assert!(with(made), "{made}");
        }
        for not in [
            "refused: read-only mode",
            "failed: AccessDenied",
            "did not land: …",
            "unknown: …",
            "unknown: lakeops ended while query q1 ran, without cancelling it: it may still be running",
            "FAILED: syntax error",
            "clickstream ended UPDATE_ROLLBACK_COMPLETE: Bucket failed: denied",
            "donefor",
        ] {
            assert!(!with(not), "{not}");
        }
    }

    #[test]
    fn the_last_day_is_counted_from_the_end_and_damage_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::new(path.clone());
        for hours in [30, 25, 20, 3] {
            journal.append(&entry(hours, "reshard.update-shard-count")).unwrap();
        }
        journal.append(&entry(2, "reshard.update-stream-mode")).unwrap();
        assert_eq!(journal.recent_changes("prod", "events").unwrap(), (2, 1, None));
        // A line cut by a crash, then more entries.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"time\":\"2026-"))
            .unwrap();
        journal.append(&entry(1, "reshard.update-shard-count")).unwrap();
        let (scalings, switches, damage) = journal.recent_changes("prod", "events").unwrap();
        assert_eq!((scalings, switches), (3, 1));
        assert!(damage.unwrap().contains("1 damaged line"));
        let since = journal.since(Utc::now() - chrono::Duration::hours(4)).unwrap();
        assert_eq!(since.entries.len(), 3, "oldest first, only the span asked for");
        assert!(since.entries.windows(2).all(|w| w[0].time <= w[1].time));
    }

    /// A sandbox reset starts the count afresh for its profile: the stream is a new one.
    #[test]
    fn a_sandbox_reset_starts_the_count_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        for hours in [5, 4] {
            journal.append(&entry(hours, "reshard.update-shard-count")).unwrap();
        }
        let reset = |hours| Entry { backend: "sandbox".into(), ..entry(hours, "sandbox.reset") };
        let refused = Entry { outcome: "refused: read-only mode".into(), ..reset(3) };
        journal.append(&refused).unwrap();
        assert_eq!(journal.recent_changes("prod", "events").unwrap().0, 2, "a refused reset reset nothing");
        journal.append(&Entry { profile: "staging".into(), ..reset(3) }).unwrap();
        assert_eq!(journal.recent_changes("prod", "events").unwrap().0, 2, "another profile's sandbox");
        journal.append(&entry(3, "sandbox.reset")).unwrap();
        assert_eq!(journal.recent_changes("prod", "events").unwrap().0, 2, "not a sandbox's: a name on AWS too");
        journal.append(&reset(2)).unwrap();
        journal.append(&entry(1, "reshard.update-shard-count")).unwrap();
        assert_eq!(journal.recent_changes("prod", "events").unwrap().0, 1, "only the fresh stream's scaling");
    }
}
