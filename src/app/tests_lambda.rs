//! `:lambda`'s log pane and tail, and the audit view's CloudTrail budget.

use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;

use super::tests::{app, awaited, key, snapshot, snapshot_loaded, type_text};
use super::*;
use crate::model::*;
use crate::platform::PlatformError;

fn with_function() -> PlatformSnapshot {
    let mut s = snapshot();
    s.function = Reading::Ready {
        data: FunctionStatus {
            name: "ingest".into(),
            invocations_per_minute: Some(240.0),
            errors_per_minute: Some(12.0),
            throttles_per_minute: Some(0.0),
            duration_ms: Some(180.0),
            duration_p99_ms: Some(2500.0),
            iterator_age_ms: Some(900.0),
            concurrency: Some(4.0),
            history: Default::default(),
        },
    };
    s
}

fn event(id: &str, second: u32, message: &str) -> LogEvent {
    LogEvent {
        id: id.into(),
        time: Utc.with_ymd_and_hms(2026, 3, 20, 9, 59, second).unwrap(),
        stream: "2026/03/20/[$LATEST]abc".into(),
        message: message.into(),
        kind: LogKind::of(message),
    }
}

/// The log read the view awaits answers.
fn logs(app: &mut App, append: bool, result: Result<Vec<LogEvent>, PlatformError>, now: u64) -> Vec<Effect> {
    let id = awaited(&app.lambda.request);
    update(app, Action::LogsLoaded { id, append, result, at: Utc::now() }, now)
}

fn open_lambda() -> (App, Vec<Effect>) {
    let mut app = app();
    snapshot_loaded(&mut app, with_function(), 10);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "lambda");
    let effects = key(&mut app, KeyCode::Enter);
    (app, effects)
}

#[test]
fn opening_reads_the_last_hour_of_errors() {
    let (_, effects) = open_lambda();
    let Some(Effect::FetchLogs { query, append: false, .. }) =
        effects.iter().find(|e| matches!(e, Effect::FetchLogs { .. }))
    else {
        panic!("{effects:?}")
    };
    assert_eq!(query.function, "ingest");
    assert!(query.errors_only);
    assert_eq!(query.since, Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(), "an hour before the snapshot");
}

#[test]
fn following_streams_a_live_tail_and_stops_it_when_asked_or_when_leaving() {
    let (mut app, _) = open_lambda();
    logs(&mut app, false, Ok(vec![]), 100);
    let effects = key(&mut app, KeyCode::Char('f'));
    assert!(effects.iter().any(|e| matches!(e, Effect::StartLiveTail { query } if query.errors_only)), "{effects:?}");
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchLogs { append: true, .. })), "a catch-up read first");
    logs(&mut app, true, Ok(vec![]), 150);
    // While the session streams, nothing polls.
    assert_eq!(app.next_wake_ms(), Some(5_010));
    let streamed = vec![LogEvent { id: "tail-1".into(), ..event("x", 7, "[ERROR] boom") }];
    update(&mut app, Action::TailEvents { events: streamed }, 200);
    // The same event polled later (with its real id, by a read asked meanwhile) is not shown twice.
    app.lambda.request.restart(app.now_ms);
    logs(&mut app, true, Ok(vec![event("e1", 7, "[ERROR] boom")]), 250);
    assert_eq!(app.lambda.events.len(), 1);
    let effects = key(&mut app, KeyCode::Char('f'));
    assert!(effects.contains(&Effect::StopLiveTail));
    key(&mut app, KeyCode::Char('f'));
    let effects = key(&mut app, KeyCode::Esc);
    assert!(effects.contains(&Effect::StopLiveTail), "leaving the view ends the session: {effects:?}");
    assert!(!app.lambda.tail.following());
}

#[test]
fn without_a_live_tail_the_tail_polls_and_a_failure_is_said() {
    let (mut app, _) = open_lambda();
    logs(&mut app, false, Ok(vec![]), 100);
    key(&mut app, KeyCode::Char('f'));
    logs(&mut app, true, Ok(vec![]), 150);
    let error = PlatformError::unreachable("CloudWatch Logs StartLiveTail", "refused");
    let effects = update(&mut app, Action::TailEnded { result: Err(error), at: Utc::now() }, 200);
    assert!(app.errors.back().is_some_and(|e| e.message.contains("live tail unavailable")));
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchLogs { append: true, .. })), "polling takes over");
}

#[test]
fn the_tail_polls_every_two_seconds_and_drops_events_already_held() {
    let (mut app, _) = open_lambda();
    let first = vec![event("a", 1, "[ERROR] KeyError: 'user_id'"), event("b", 2, "Task timed out after 30.03 seconds")];
    logs(&mut app, false, Ok(first), 100);
    assert_eq!(app.lambda.events.len(), 2);
    assert_eq!(app.next_wake_ms(), Some(5_010), "not following: only the refresh is due");
    // Following catches up at once; on a platform without a live tail, polling every 2 s.
    let effects = key(&mut app, KeyCode::Char('f'));
    let now = app.now_ms;
    update(&mut app, Action::TailEnded { result: Ok(false), at: Utc::now() }, now);
    let Some(Effect::FetchLogs { query, append: true, .. }) =
        effects.iter().find(|e| matches!(e, Effect::FetchLogs { .. }))
    else {
        panic!("{effects:?}")
    };
    assert_eq!(query.since, app.lambda.events[1].time, "onwards from the newest held");
    // The newest comes back (the start is inclusive) with one new event.
    let more = vec![event("b", 2, "Task timed out after 30.03 seconds"), event("c", 5, "[ERROR] boom")];
    logs(&mut app, true, Ok(more), now + 300);
    let ids: Vec<&str> = app.lambda.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    let due = app.next_wake_ms().unwrap();
    assert!(update(&mut app, Action::Tick, due - 1).iter().all(|e| !matches!(e, Effect::FetchLogs { .. })));
    assert!(update(&mut app, Action::Tick, due).iter().any(|e| matches!(e, Effect::FetchLogs { .. })));
}

#[test]
fn a_failed_read_is_said_once_and_not_retried_on_every_key() {
    let (mut app, _) = open_lambda();
    let error = PlatformError::failed(
        "CloudWatch Logs FilterLogEvents",
        "log group /aws/lambda/ingest does not exist: has the function run yet?",
    );
    let effects = logs(&mut app, false, Err(error), 100);
    assert!(effects.iter().all(|e| !matches!(e, Effect::FetchLogs { .. })));
    assert!(key(&mut app, KeyCode::Char('j')).iter().all(|e| !matches!(e, Effect::FetchLogs { .. })));
    assert!(app.errors.back().is_some_and(|e| e.message.contains("has the function run yet")));
}

#[test]
fn every_line_or_errors_only_reads_again() {
    let (mut app, _) = open_lambda();
    logs(&mut app, false, Ok(vec![]), 100);
    let effects = key(&mut app, KeyCode::Char('e'));
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchLogs { query, append: false, .. } if !query.errors_only)));
}

#[test]
fn an_audit_view_left_open_for_an_hour_stays_within_one_lookup_call_a_second() {
    let mut app = app();
    app.refresh_interval_ms = 5_000;
    snapshot_loaded(&mut app, snapshot(), 10);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "audit");
    let mut lookups = key(&mut app, KeyCode::Enter).iter().filter(|e| matches!(e, Effect::FetchAudit { .. })).count();
    let mut now = app.now_ms;
    while now < 3_600_000 {
        now += 1_000;
        for effect in update(&mut app, Action::Tick, now) {
            match effect {
                Effect::FetchSnapshot { .. } => {
                    let effects = snapshot_loaded(&mut app, snapshot(), now + 200);
                    lookups += effects.iter().filter(|e| matches!(e, Effect::FetchAudit { .. })).count();
                    if let Some(id) = app.audit.request.awaited() {
                        update(&mut app, Action::AuditLoaded { id, result: Ok(vec![]), at: Utc::now() }, now + 700);
                    }
                }
                Effect::FetchAudit { .. } => lookups += 1,
                _ => {}
            }
        }
    }
    // Each lookup reads at most 10 pages (aws::cloudtrail): ≤ 1 call a second over the hour.
    assert!(lookups * 10 <= 3_600, "{lookups} lookups in an hour");
    assert!(lookups >= 300, "the view still refreshes: {lookups} lookups");
}
