//! The local journal: every action lakeops takes, one JSON line each, appended to
//! `$XDG_STATE_HOME/lakeops/journal.jsonl` (private, locked, rotated: `local_files`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::local_files::{Go, LineFile};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When lakeops acted, by this machine's clock: the journal is appended in this order.
    pub time: DateTime<Utc>,
    /// The platform's present when lakeops acted, when it was not this machine's: the sandbox's
    /// model time, which `--speed` runs faster and `LAKEOPS_SANDBOX_START` starts elsewhere. Its
    /// CloudTrail and its charts are in that time; [`Entry::at`] reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform_time: Option<DateTime<Utc>>,
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
    /// When lakeops acted in the platform's time, which its CloudTrail and charts are in.
    pub fn at(&self) -> DateTime<Utc> {
        self.platform_time.unwrap_or(self.time)
    }

    /// Whether the entry was written about the platform a session of `profile` on `backend`
    /// sees: the same backend, and on the sandbox the same profile (each profile's sandbox is
    /// its own platform; AWS profiles may share an account).
    pub fn concerns(&self, profile: &str, backend: &str) -> bool {
        self.backend == backend && (self.profile == profile || backend != crate::settings::Backend::Sandbox.as_str())
    }

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

    /// Appends one entry stamped now, and with `platform_now`, the platform's present, when it is
    /// not this machine's by a second or more.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        platform_now: DateTime<Utc>,
        profile: &str,
        backend: &str,
        action: &str,
        target: &str,
        detail: &str,
        outcome: &str,
    ) -> Result<(), String> {
        let time = Utc::now();
        let platform_time = ((platform_now - time).abs() >= chrono::Duration::seconds(1)).then_some(platform_now);
        self.append(&Entry {
            time,
            platform_time,
            profile: profile.into(),
            backend: backend.into(),
            action: action.into(),
            target: target.into(),
            detail: detail.into(),
            outcome: outcome.into(),
        })
    }

    /// Scalings and capacity-mode switches of `stream` done on the platform a session of
    /// `profile` on `backend` sees ([`current`]) in the 24 h of the platform's time before `now`,
    /// and a warning when damaged lines in that span may hide some.
    pub fn recent_changes(
        &self,
        profile: &str,
        backend: &str,
        stream: &str,
        now: DateTime<Utc>,
    ) -> Result<(u32, u32, Option<String>), String> {
        let read = self.since(now - chrono::Duration::hours(24), now)?;
        let current = current(&read.entries, profile, backend);
        let count = |action: &str| {
            current.iter().filter(|e| e.target == stream && e.action == action && e.succeeded()).count() as u32
        };
        Ok((count("reshard.update-shard-count"), count("reshard.update-stream-mode"), read.damage()))
    }

    /// The entries from `since` to `now` in the platform's time (whose present is `now`), in the
    /// journal's order, oldest first. A journal that cannot be read is an error, not an empty
    /// journal.
    ///
    /// The journal is in this machine's order: when the platform's clock is this machine's, it is
    /// read from the end back only as far as `since`; when it is not (a sandbox at `--speed`, or
    /// started elsewhere), whatever this machine's time of an entry it may be in the window, so
    /// the journal is read whole (it is capped at [`JOURNAL_CAP_BYTES`]).
    pub fn since(&self, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Read, String> {
        let same_clock = (now - Utc::now()).abs() < chrono::Duration::minutes(1);
        let back_to = if same_clock { since } else { DateTime::<Utc>::UNIX_EPOCH };
        let (mut entries, damaged) = read_since(&self.file, back_to, |e: &Entry| e.time)?;
        // Up to `now` (and a moment past it, as another lakeops may be appending).
        let until = now + chrono::Duration::minutes(1);
        entries.retain(|e| e.at() >= since && e.at() <= until);
        Ok(Read { entries, damaged })
    }
}

/// The entries about the platform a session of `profile` on `backend` sees now: those it
/// [concerns](Entry::concerns), and on the sandbox only those after its last reset (`lakeops
/// sandbox reset` starts a fresh platform: what came before is not its history).
pub fn current<'a>(entries: &'a [Entry], profile: &str, backend: &str) -> Vec<&'a Entry> {
    let reset = crate::model::Change::Sandbox(crate::model::SandboxChange::Reset);
    let concerned: Vec<&Entry> = entries.iter().filter(|e| e.concerns(profile, backend)).collect();
    let fresh_since = concerned
        .iter()
        .filter(|e| e.backend == crate::settings::Backend::Sandbox.as_str())
        .filter(|e| e.action == reset.action() && e.succeeded())
        .map(|e| e.at())
        .max();
    concerned.into_iter().filter(|e| fresh_since.is_none_or(|reset| e.at() > reset)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hours_ago: i64, action: &str) -> Entry {
        Entry {
            time: Utc::now() - chrono::Duration::hours(hours_ago),
            platform_time: None,
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
        assert_eq!(journal.recent_changes("prod", "aws", "events", Utc::now()).unwrap(), (2, 1, None));
        // A line cut by a crash, then more entries.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"time\":\"2026-"))
            .unwrap();
        journal.append(&entry(1, "reshard.update-shard-count")).unwrap();
        let (scalings, switches, damage) = journal.recent_changes("prod", "aws", "events", Utc::now()).unwrap();
        assert_eq!((scalings, switches), (3, 1));
        assert!(damage.unwrap().contains("1 damaged line"));
        let since = journal.since(Utc::now() - chrono::Duration::hours(4), Utc::now()).unwrap();
        assert_eq!(since.entries.len(), 3, "oldest first, only the span asked for");
        assert!(since.entries.windows(2).all(|w| w[0].time <= w[1].time));
    }

    /// A sandbox reset starts the count afresh for its profile: the stream is a new one.
    #[test]
    fn a_sandbox_reset_starts_the_count_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        let on_sandbox = |hours, action: &str| Entry { backend: "sandbox".into(), ..entry(hours, action) };
        let count = || journal.recent_changes("prod", "sandbox", "events", Utc::now()).unwrap().0;
        for hours in [5, 4] {
            journal.append(&on_sandbox(hours, "reshard.update-shard-count")).unwrap();
        }
        journal.append(&entry(4, "reshard.update-shard-count")).unwrap();
        assert_eq!(count(), 2, "the AWS stream of the same name is another platform");
        let refused = Entry { outcome: "refused: read-only mode".into(), ..on_sandbox(3, "sandbox.reset") };
        journal.append(&refused).unwrap();
        assert_eq!(count(), 2, "a refused reset reset nothing");
        journal.append(&Entry { profile: "staging".into(), ..on_sandbox(3, "sandbox.reset") }).unwrap();
        assert_eq!(count(), 2, "another profile's sandbox");
        journal.append(&entry(3, "sandbox.reset")).unwrap();
        assert_eq!(count(), 2, "not a sandbox's");
        journal.append(&on_sandbox(2, "sandbox.reset")).unwrap();
        journal.append(&on_sandbox(1, "reshard.update-shard-count")).unwrap();
        assert_eq!(count(), 1, "only the fresh stream's scaling");
        assert_eq!(journal.recent_changes("prod", "aws", "events", Utc::now()).unwrap().0, 1, "AWS's own");
    }

    /// A sandbox whose time is not this machine's (`--speed`, `LAKEOPS_SANDBOX_START`): its
    /// entries are stamped with its time, and a window in its time finds them wherever they are
    /// in the journal.
    #[test]
    fn a_window_in_the_sandboxs_time_finds_entries_stamped_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        let march = DateTime::parse_from_rfc3339("2026-03-20T14:30:00Z").unwrap().to_utc();
        journal.record(march, "lab", "sandbox", "reshard.update-shard-count", "events", "", "done").unwrap();
        journal.record(Utc::now(), "prod", "aws", "reshard.update-shard-count", "events", "", "done").unwrap();
        let read = journal.since(march - chrono::Duration::hours(1), march + chrono::Duration::minutes(5)).unwrap();
        assert_eq!(read.entries.len(), 1, "{:?}", read.entries);
        assert_eq!(read.entries[0].at(), march);
        assert!(read.entries[0].time > march, "this machine's time kept beside it");
        assert_eq!(journal.recent_changes("lab", "sandbox", "events", march).unwrap().0, 1);
        // On this machine's clock, the AWS entry alone; it has no platform time of its own.
        let read = journal.since(Utc::now() - chrono::Duration::hours(1), Utc::now()).unwrap();
        assert_eq!(read.entries.len(), 1);
        assert_eq!((read.entries[0].profile.as_str(), read.entries[0].platform_time), ("prod", None));
    }
}
