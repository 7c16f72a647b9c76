//! Change markers: the changes drawn on the time axis of every chart, so "what changed before the
//! graph moved?" is answered where the graph is. They come from three places: CloudTrail's
//! writes (the snapshot's page of the last hour), lakeops' own journal, and the stack's events.
//! Which events count as a change, how they are kept and where one sits on a chart are decided
//! here, once.

use chrono::{DateTime, Duration, Utc};

use crate::journal::Entry;
use crate::model::AuditEvent;
use crate::model::StackEvent;

/// How far back markers are kept: the widest chart window (24 h).
pub const KEPT_HOURS: i64 = 24;
/// At most this many markers are kept, the newest.
pub const KEPT: usize = 500;

/// Writes that run work rather than change the platform: the platform's schedules, its analysts
/// and its Lambda make them all day (each run shows in the view of its work: `:glue`,
/// `:workflows`, `:athena` …). They are changes when lakeops made them: an operator's action is
/// always marked.
const RUNS_WORK: &[&str] = &[
    "CreateLogStream",
    "CreateLogGroup",
    "PutLogEvents",
    "StartQueryExecution",
    "StopQueryExecution",
    "CreateNamedQuery",
    "StartJobRun",
    "BatchStopJobRun",
    "StartCrawler",
    "StartExecution",
    "StopExecution",
    "StartWorkflowRun",
    "StartTaskExecution",
    "StartFlow",
    "CreateIngestion",
    "AddJobFlowSteps",
    "CancelSteps",
];

/// Where a change was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A write CloudTrail recorded; `:audit` shows it.
    CloudTrail,
    /// An action in lakeops' own journal; `:audit` shows it too.
    Journal,
    /// A stack operation's start or end, from CloudFormation's stack events; `:stack` shows it.
    Stack,
}

/// One change on the time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeMark {
    pub time: DateTime<Utc>,
    pub origin: Origin,
    /// The user or role, `lakeops (profile)`, or the stack.
    pub who: String,
    /// The call (UpdateFunctionCode), the journal's action, or the stack's status.
    pub what: String,
    pub resource: String,
}

impl ChangeMark {
    /// "14:02 ci-deployer UpdateFunctionCode clickstream-ingest".
    pub fn label(&self) -> String {
        let resource = if self.resource.is_empty() { String::new() } else { format!(" {}", self.resource) };
        format!("{} {} {}{resource}", self.time.format("%H:%M"), self.who, self.what)
    }

    /// Whether this mark is `event` of `:audit`'s list.
    pub fn is_event(&self, event: &AuditEvent) -> bool {
        self.origin != Origin::Stack
            && event.time == self.time
            && event.name == self.what
            && event.resource == self.resource
            && event.from_journal == (self.origin == Origin::Journal)
    }
}

/// Whether `event` changed the platform: a write that succeeded and, unless lakeops made it, did
/// more than run work ([`RUNS_WORK`]). A query lakeops started is marked from its journal, which
/// keeps its statement (a SELECT is no change, a DROP is), not from CloudTrail's
/// StartQueryExecution, which does not.
pub fn is_change(event: &AuditEvent) -> bool {
    let query = !event.from_journal && QUERIES.contains(&event.name.as_str());
    let ours = event.by_lakeops && !query;
    !event.read_only && event.error_code.is_none() && (ours || !RUNS_WORK.contains(&event.name.as_str()))
}

/// CloudTrail's calls of a query, which say nothing of its statement.
const QUERIES: &[&str] = &["StartQueryExecution", "StopQueryExecution"];

/// The changes among CloudTrail's events (or the journal's, made events by
/// [`crate::ops::audit::from_journal`]).
pub fn from_audit(events: &[AuditEvent]) -> Vec<ChangeMark> {
    events
        .iter()
        .filter(|e| is_change(e))
        .map(|e| ChangeMark {
            time: e.time,
            origin: if e.from_journal { Origin::Journal } else { Origin::CloudTrail },
            who: e.user.clone(),
            what: e.name.clone(),
            resource: e.resource.clone(),
        })
        .collect()
}

/// The changes among the journal's entries (a session's, read by `Journal::current`), at the
/// platform's time. Turning a sandbox fault on or off is left out: it is
/// a rehearsal switch, not a change to the platform, and the fault's cause is in CloudTrail,
/// where the operator practises finding it.
pub fn from_journal(entries: &[Entry]) -> Vec<ChangeMark> {
    let events: Vec<AuditEvent> =
        entries.iter().filter(|e| !e.action.starts_with("sandbox.")).map(crate::ops::audit::from_journal).collect();
    from_audit(&events)
}

/// The stack operations among `events`: the stack's own events (its logical id is the stack's
/// name), one where an operation starts and one where it ends.
pub fn from_stack(stack: &str, events: &[StackEvent]) -> Vec<ChangeMark> {
    events
        .iter()
        .filter(|e| e.logical_id == stack && e.resource_type == "AWS::CloudFormation::Stack")
        .filter(|e| !e.status.contains("CLEANUP"))
        .filter_map(|e| {
            Some(ChangeMark {
                time: DateTime::from_timestamp_millis(e.at_ms)?,
                origin: Origin::Stack,
                who: "CloudFormation".into(),
                what: e.status.clone(),
                resource: stack.into(),
            })
        })
        .collect()
}

/// `kept` with `new` added: each change once, oldest first, none older than [`KEPT_HOURS`]
/// before `now`, at most [`KEPT`] of them.
pub fn merge(kept: &mut Vec<ChangeMark>, new: Vec<ChangeMark>, now: DateTime<Utc>) {
    kept.extend(new);
    kept.sort_by(|a, b| (a.time, a.origin, &a.what, &a.resource).cmp(&(b.time, b.origin, &b.what, &b.resource)));
    kept.dedup();
    let oldest = now - Duration::hours(KEPT_HOURS);
    kept.retain(|m| m.time >= oldest);
    let extra = kept.len().saturating_sub(KEPT);
    kept.drain(..extra);
}

/// Where a change at `time` sits on a chart of the `minutes` minutes up to `now`, in minutes from
/// the window's start (a chart's x axis); `None` outside the window.
pub fn position(time: DateTime<Utc>, now: DateTime<Utc>, minutes: u32) -> Option<f64> {
    let ago = (now - time).num_milliseconds() as f64 / 60_000.0;
    let x = minutes as f64 - ago;
    (ago >= 0.0 && x >= 0.0).then_some(x)
}

/// The marks inside a chart's window, each with its position.
pub fn in_window(marks: &[ChangeMark], now: DateTime<Utc>, minutes: u32) -> Vec<(f64, &ChangeMark)> {
    marks.iter().filter_map(|m| position(m.time, now, minutes).map(|x| (x, m))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap() + Duration::minutes(minute as i64)
    }

    fn write(name: &str, minute: u32) -> AuditEvent {
        AuditEvent {
            name: name.into(),
            resource: "clickstream-ingest".into(),
            ..AuditEvent::example("ci", false, at(minute))
        }
    }

    fn mark(what: &str, minute: u32) -> ChangeMark {
        ChangeMark {
            time: at(minute),
            origin: Origin::CloudTrail,
            who: "ci".into(),
            what: what.into(),
            resource: "r".into(),
        }
    }

    #[test]
    fn a_change_is_a_write_that_succeeded_and_did_more_than_run_work() {
        let failed = AuditEvent { error_code: Some("AccessDenied".into()), ..write("UpdateFunctionCode", 1) };
        let read = AuditEvent { read_only: true, ..write("GetFunction", 2) };
        let query = write("StartQueryExecution", 4);
        let ours = AuditEvent { by_lakeops: true, ..write("StartJobRun", 5) };
        let events = [write("UpdateFunctionCode", 0), failed, read, write("CreateLogStream", 3), query, ours];
        let marks = from_audit(&events);
        assert_eq!(marks.len(), 2, "{marks:?}");
        assert_eq!(marks[1].what, "StartJobRun", "an operator's run through lakeops is marked");
        assert_eq!(marks[0].label(), "14:00 ci UpdateFunctionCode clickstream-ingest");
        assert!(marks[0].is_event(&events[0]));
        assert!(!marks[0].is_event(&events[3]));
    }

    #[test]
    fn the_journal_gives_changes_but_not_rehearsal_switches() {
        let entry = |profile: &str, action: &str, outcome: &str| Entry {
            time: at(5),
            platform_time: None,
            profile: profile.into(),
            backend: "sandbox".into(),
            action: action.into(),
            target: "clickstream-events".into(),
            detail: String::new(),
            outcome: outcome.into(),
        };
        let entries = [
            entry("prod", "reshard.update-shard-count", "done"),
            entry("prod", "sandbox.fault", "done"),
            entry("prod", "glue.start-job-run", "refused: read-only"),
        ];
        let marks = from_journal(&entries);
        assert_eq!(marks.len(), 1, "{marks:?}");
        assert_eq!((marks[0].origin, marks[0].what.as_str()), (Origin::Journal, "reshard.update-shard-count"));
        assert_eq!(marks[0].who, "lakeops (prod)");
        // A query that only read is no change; a statement that may change something is.
        let query = |sql: &str| Entry { detail: sql.into(), ..entry("prod", "athena.query", "started: q1") };
        let queries = [
            query("SELECT count(*) FROM events"),
            query("-- why ⏎ (WITH a AS (SELECT 1) SELECT * FROM a)"),
            query("DROP TABLE raw_events"),
        ];
        let marks = from_journal(&queries);
        assert_eq!(marks.len(), 1, "{marks:?}");
        assert_eq!(marks[0].what, "athena.query");
        // CloudTrail's record of lakeops' query says nothing of its statement: the journal marks it.
        let started = AuditEvent { by_lakeops: true, ..write("StartQueryExecution", 6) };
        assert!(from_audit(&[started]).is_empty());
        // At the platform's time.
        let scaled = Entry { platform_time: Some(at(12)), ..entry("prod", "reshard.update-shard-count", "done") };
        assert_eq!(from_journal(&[scaled])[0].time, at(12));
    }

    #[test]
    fn a_stack_operation_is_its_start_and_its_end() {
        let event = |id: &str, logical: &str, kind: &str, status: &str, minute: u32| StackEvent {
            id: id.into(),
            at_ms: at(minute).timestamp_millis(),
            logical_id: logical.into(),
            resource_type: kind.into(),
            status: status.into(),
            reason: None,
        };
        let events = [
            event("1", "clickstream", "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS", 0),
            event("2", "Consumer", "AWS::Lambda::Function", "UPDATE_COMPLETE", 1),
            event("3", "clickstream", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", 2),
            event("4", "clickstream", "AWS::CloudFormation::Stack", "UPDATE_COMPLETE", 3),
        ];
        let marks = from_stack("clickstream", &events);
        let whats: Vec<&str> = marks.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(whats, ["UPDATE_IN_PROGRESS", "UPDATE_COMPLETE"]);
        assert!(marks.iter().all(|m| m.origin == Origin::Stack && m.resource == "clickstream"));
    }

    #[test]
    fn merging_keeps_each_change_once_oldest_first_within_a_day() {
        let mut kept = vec![mark("B", 10), mark("A", 0)];
        merge(&mut kept, vec![mark("B", 10), mark("C", 20)], at(30));
        let whats: Vec<&str> = kept.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(whats, ["A", "B", "C"]);
        merge(&mut kept, vec![], at(0) + Duration::hours(24) + Duration::minutes(5));
        let whats: Vec<&str> = kept.iter().map(|m| m.what.as_str()).collect();
        assert_eq!(whats, ["B", "C"], "A is older than a day");
    }

    #[test]
    fn a_change_sits_where_its_minute_is_on_the_window() {
        assert_eq!(position(at(50), at(60), 60), Some(50.0));
        assert_eq!(position(at(60), at(60), 60), Some(60.0));
        assert_eq!(position(at(0), at(60), 60), Some(0.0));
        assert_eq!(position(at(0), at(61), 60), None, "before the window");
        assert_eq!(position(at(61), at(60), 60), None, "after now");
        let marks = [mark("A", 0), mark("B", 30), mark("C", 59)];
        let shown: Vec<&str> = in_window(&marks, at(60), 15).iter().map(|(_, m)| m.what.as_str()).collect();
        assert_eq!(shown, ["C"]);
    }

    proptest! {
        #[test]
        fn merging_never_keeps_more_than_allowed_and_stays_sorted(minutes in proptest::collection::vec(0u32..3000, 0..700)) {
            let mut kept = Vec::new();
            let now = at(3000);
            merge(&mut kept, minutes.iter().map(|m| mark("X", *m)).collect(), now);
            prop_assert!(kept.len() <= KEPT);
            prop_assert!(kept.windows(2).all(|w| w[0].time < w[1].time));
            prop_assert!(kept.iter().all(|m| m.time >= now - Duration::hours(KEPT_HOURS)));
        }

        #[test]
        fn a_position_is_inside_its_window(ago in -100i64..3000, minutes in 1u32..1441) {
            let now = at(2000);
            if let Some(x) = position(now - Duration::seconds(ago), now, minutes) {
                prop_assert!((0.0..=minutes as f64).contains(&x));
            }
        }
    }
}
