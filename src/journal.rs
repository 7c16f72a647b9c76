//! The local journal: every action lakeops takes, one JSON line each, appended to
//! `$XDG_STATE_HOME/lakeops/journal.jsonl` (private, locked, rotated: `local_files`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::local_files::{Go, LineFile};
use crate::model::LastDay;

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

    /// Whether the entry was written by a session of `scope`'s profile on its backend (a
    /// sandbox's reset and the stream of the same name on AWS are other platforms).
    pub fn concerns(&self, scope: Scope) -> bool {
        self.backend == scope.backend && self.profile == scope.profile
    }

    /// Whether it is a sandbox's reset, done: what came before it is another platform's history.
    fn is_reset(&self) -> bool {
        let reset = crate::model::Change::Sandbox(crate::model::SandboxChange::Reset);
        self.backend == crate::settings::Backend::Sandbox.as_str() && self.action == reset.action() && self.succeeded()
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

/// When lakeops acted: this machine's time and the platform's, read together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub time: DateTime<Utc>,
    pub platform: DateTime<Utc>,
}

impl Stamp {
    /// Now, on this machine and on the platform whose present `platform` is.
    pub fn now(platform: DateTime<Utc>) -> Stamp {
        Stamp { time: Utc::now(), platform }
    }
}

/// Whose entries a read is about: a session's profile on its backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope<'a> {
    pub profile: &'a str,
    pub backend: &'a str,
}

/// How far before a window the journal is read: entries a little older than it may follow
/// entries in it (two lakeops append out of order by a moment; two beside one sandbox at
/// different `--speed`s stamp its time each as far as it last read it).
const SLACK: chrono::Duration = chrono::Duration::hours(1);

/// The longest word a journal line records whole: an ARN (at most 2,048 characters) fits.
pub const RECORDED_WORD_CHARS: usize = 2_048;

pub struct Journal {
    file: LineFile,
}

impl Journal {
    pub fn new(path: PathBuf) -> Journal {
        Journal { file: LineFile::new(path, JOURNAL_CAP_BYTES, "the journal") }
    }

    /// Appends `entry`, each word of its text at most [`RECORDED_WORD_CHARS`] characters: a name
    /// pasted by mistake is recorded recognisably, in a line the audit can show.
    pub fn append(&self, entry: &Entry) -> Result<(), String> {
        let cut = |text: &str| crate::model::text::long_words_cut(text, RECORDED_WORD_CHARS).into_owned();
        let entry = Entry {
            target: cut(&entry.target),
            detail: cut(&entry.detail),
            outcome: cut(&entry.outcome),
            action: cut(&entry.action),
            ..entry.clone()
        };
        let line = serde_json::to_string(&entry).map_err(|e| e.to_string())?;
        self.file.append(&line)
    }

    /// Appends one entry stamped `at`: this machine's time, and the platform's when it is not
    /// this machine's by a second or more.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &self,
        at: Stamp,
        profile: &str,
        backend: &str,
        action: &str,
        target: &str,
        detail: &str,
        outcome: &str,
    ) -> Result<(), String> {
        let Stamp { time, platform } = at;
        let platform_time = ((platform - time).abs() >= chrono::Duration::seconds(1)).then_some(platform);
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

    /// Scalings and capacity-mode switches of `stream` done by `scope` on the platform it sees
    /// now ([`Journal::current`]) in the 24 h of the platform's time before `now`, and a warning
    /// when damaged lines in that span may hide some.
    pub fn recent_changes(
        &self,
        scope: Scope,
        stream: &str,
        now: DateTime<Utc>,
    ) -> Result<(LastDay, LastDay, Option<String>), String> {
        let read = self.current(scope, now - chrono::Duration::hours(24), now)?;
        let last_day = |action: &str| {
            let done = read.entries.iter().filter(|e| e.target == stream && e.action == action && e.succeeded());
            LastDay::new(now.timestamp(), done.map(|e| e.at().timestamp()))
        };
        Ok((last_day("reshard.update-shard-count"), last_day("reshard.update-stream-mode"), read.damage()))
    }

    /// `scope`'s entries from `since` to `now` in the platform's time (whose present is `now`),
    /// in the journal's order, oldest first: what it did, as the audit shows it. A journal that
    /// cannot be read is an error, not an empty journal.
    pub fn since(&self, scope: Scope, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Read, String> {
        self.read(scope, since, now, false)
    }

    /// As [`Journal::since`], on the sandbox only after its last reset (`lakeops sandbox reset`
    /// starts a fresh platform: what came before is not its history, and its times are not
    /// comparable with the fresh one's): what the charts mark and the scalings count.
    pub fn current(&self, scope: Scope, since: DateTime<Utc>, now: DateTime<Utc>) -> Result<Read, String> {
        self.read(scope, since, now, true)
    }

    /// Reads the journal from its end back to the window's start.
    ///
    /// The journal is in this machine's order, and a platform's time only goes on in it (a
    /// sandbox's model time too, at any `--speed`), but for a reset. So the read stops at the
    /// first of `scope`'s entries older than the window (with [`SLACK`]), at a reset when `fresh`,
    /// and, when the platform's clock is this machine's, at any entry older than the window.
    fn read(&self, scope: Scope, since: DateTime<Utc>, now: DateTime<Utc>, fresh: bool) -> Result<Read, String> {
        let same_clock = (now - Utc::now()).abs() < chrono::Duration::minutes(1);
        // Up to `now`, and a moment past it, as another lakeops may be appending.
        let before = since.checked_sub_signed(SLACK).unwrap_or(since);
        let until = now.checked_add_signed(chrono::Duration::minutes(1)).unwrap_or(now);
        let (mut entries, mut damaged) = (Vec::new(), 0);
        self.file.newest_first(|line| match serde_json::from_str::<Entry>(line) {
            Err(_) => {
                damaged += 1;
                Go::On
            }
            Ok(e) if same_clock && e.time < before => Go::Stop,
            Ok(e) if !e.concerns(scope) => Go::On,
            Ok(e) if e.at() < before || (fresh && e.is_reset()) => Go::Stop,
            Ok(e) => {
                if e.at() >= since && e.at() <= until {
                    entries.push(e);
                }
                Go::On
            }
        })?;
        entries.reverse();
        Ok(Read { entries, damaged })
    }
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

    /// A name pasted by mistake is recorded in a line the audit can show, still recognisable.
    #[test]
    fn a_word_too_long_is_recorded_cut() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::new(path.clone());
        let pasted = format!("run-{}", "x".repeat(100_000));
        let arn = format!("arn:aws:states:eu-west-1:123456789012:execution:{}", "n".repeat(1_900));
        journal.append(&Entry { target: pasted.clone(), detail: arn.clone(), ..entry(0, "workflows.stop") }).unwrap();
        let line = std::fs::read_to_string(&path).unwrap();
        assert!(line.len() < 6_000, "{} bytes", line.len());
        let read: Entry = serde_json::from_str(line.trim_end()).unwrap();
        assert!(
            read.target.starts_with("run-xx") && read.target.ends_with("xx (100004 characters)"),
            "{}",
            read.target
        );
        assert_eq!(read.detail, arn, "an ARN is recorded whole");
    }

    const PROD: Scope = Scope { profile: "prod", backend: "aws" };
    const LAB: Scope = Scope { profile: "prod", backend: "sandbox" };

    #[test]
    fn the_last_day_is_counted_from_the_end_and_damage_is_said() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let journal = Journal::new(path.clone());
        for hours in [30, 25, 20, 3] {
            journal.append(&entry(hours, "reshard.update-shard-count")).unwrap();
        }
        journal.append(&entry(2, "reshard.update-stream-mode")).unwrap();
        let (scalings, switches, damage) = journal.recent_changes(PROD, "events", Utc::now()).unwrap();
        assert_eq!((scalings.count(), switches.count(), damage), (2, 1, None));
        // The oldest of the two is 20 hours old: the count falls under 2 in 4 hours.
        let four_hours = (Utc::now() + chrono::Duration::hours(4)).timestamp();
        assert!((scalings.under_limit_at(2).unwrap() - four_hours).abs() <= 2, "{scalings:?}");
        assert_eq!(scalings.under_limit_at(3), None);
        // A line cut by a crash, then more entries.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"time\":\"2026-"))
            .unwrap();
        journal.append(&entry(1, "reshard.update-shard-count")).unwrap();
        let (scalings, switches, damage) = journal.recent_changes(PROD, "events", Utc::now()).unwrap();
        assert_eq!((scalings.count(), switches.count()), (3, 1));
        assert!(damage.unwrap().contains("1 damaged line"));
        let since = journal.since(PROD, Utc::now() - chrono::Duration::hours(4), Utc::now()).unwrap();
        assert_eq!(since.entries.len(), 3, "oldest first, only the span asked for");
        assert!(since.entries.windows(2).all(|w| w[0].time <= w[1].time));
    }

    /// A sandbox reset starts the count afresh for its profile: the stream is a new one.
    #[test]
    fn a_sandbox_reset_starts_the_count_afresh() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        let on_sandbox = |hours, action: &str| Entry { backend: "sandbox".into(), ..entry(hours, action) };
        let count = || journal.recent_changes(LAB, "events", Utc::now()).unwrap().0.count();
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
        assert_eq!(journal.recent_changes(PROD, "events", Utc::now()).unwrap().0.count(), 1, "AWS's own");
        let staging = Scope { profile: "staging", backend: "aws" };
        assert_eq!(
            journal.recent_changes(staging, "events", Utc::now()).unwrap().0.count(),
            0,
            "another AWS profile's"
        );
        // The audit still shows what was done before the reset.
        let all = journal.since(LAB, Utc::now() - chrono::Duration::hours(6), Utc::now()).unwrap();
        assert_eq!(all.entries.len(), 5, "two scalings, the refused reset, the reset, a scaling: {all:?}");
    }

    /// A sandbox whose time is not this machine's (`--speed`, `LAKEOPS_SANDBOX_START`): its
    /// entries are stamped with its time, and a window in its time finds them wherever they are
    /// in the journal.
    #[test]
    fn a_window_in_the_sandboxs_time_finds_entries_stamped_with_it() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        let march = DateTime::parse_from_rfc3339("2026-03-20T14:30:00Z").unwrap().to_utc();
        journal
            .record(Stamp::now(march), "prod", "sandbox", "reshard.update-shard-count", "events", "", "done")
            .unwrap();
        journal
            .record(Stamp::now(Utc::now()), "prod", "aws", "reshard.update-shard-count", "events", "", "done")
            .unwrap();
        let read =
            journal.since(LAB, march - chrono::Duration::hours(1), march + chrono::Duration::minutes(5)).unwrap();
        assert_eq!(read.entries.len(), 1, "{:?}", read.entries);
        assert_eq!(read.entries[0].at(), march);
        assert!(read.entries[0].time > march, "this machine's time kept beside it");
        assert_eq!(journal.recent_changes(LAB, "events", march).unwrap().0.count(), 1);
        // On this machine's clock, the AWS entry alone; it has no platform time of its own.
        let read = journal.since(PROD, Utc::now() - chrono::Duration::hours(1), Utc::now()).unwrap();
        assert_eq!(read.entries.len(), 1);
        assert_eq!((read.entries[0].profile.as_str(), read.entries[0].platform_time), ("prod", None));
    }

    /// A sandbox run fast, then reset: the reset is stamped with the old model time, hours ahead
    /// of the fresh sandbox's, and the entries before it must not count again as the fresh time
    /// passes theirs.
    #[test]
    fn a_reset_ahead_of_the_fresh_sandboxs_time_still_ends_the_old_history() {
        let dir = tempfile::tempdir().unwrap();
        let journal = Journal::new(dir.path().join("journal.jsonl"));
        let now = Utc::now();
        let hours = chrono::Duration::hours;
        let at = |ahead, action: &str| Entry {
            backend: "sandbox".into(),
            platform_time: Some(now + hours(ahead)),
            ..entry(0, action)
        };
        journal.append(&Entry { backend: "sandbox".into(), ..entry(0, "reshard.update-shard-count") }).unwrap();
        journal.append(&at(3, "reshard.update-shard-count")).unwrap();
        journal.append(&at(4, "sandbox.reset")).unwrap();
        journal.append(&Entry { backend: "sandbox".into(), ..entry(0, "glue.start-job-run") }).unwrap();
        let current = journal.current(LAB, now - hours(1), now + hours(5)).unwrap();
        let actions: Vec<&str> = current.entries.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["glue.start-job-run"]);
        assert_eq!(journal.recent_changes(LAB, "events", now + hours(5)).unwrap().0.count(), 0);
    }
}
