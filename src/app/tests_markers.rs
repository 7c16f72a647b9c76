//! The change markers: kept from each refresh, the journal and the stack; stepped through and
//! opened where they are recorded, from every view with charts and from none without.

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::KeyCode;

use super::tests::{app, awaited, key, snapshot, snapshot_loaded, type_text};
use super::*;
use crate::journal::Entry;
use crate::model::*;
use crate::ops::markers::Origin;

fn at(minute: i64) -> chrono::DateTime<Utc> {
    // The test snapshot is taken at 10:00.
    Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap() + Duration::minutes(minute)
}

fn write(user: &str, name: &str, resource: &str, minute: i64) -> AuditEvent {
    let mut e = AuditEvent::example(user, false, at(minute));
    e.name = name.into();
    e.resource = resource.into();
    e
}

/// A snapshot whose CloudTrail page holds `writes` (newest first, as read).
fn with_writes(mut writes: Vec<AuditEvent>) -> PlatformSnapshot {
    writes.sort_by_key(|e| std::cmp::Reverse(e.time));
    let mut s = snapshot();
    s.audit = Reading::Ready {
        data: AuditStatus {
            write_events_last_hour: writes.len() as u32,
            latest_write: writes.first().cloned(),
            writes,
        },
    };
    s
}

fn loaded_with_changes() -> App {
    let mut app = app();
    let writes = vec![
        write("ci-deployer", "UpdateFunctionCode", "clickstream-ingest", 40),
        write("alice", "UpdateShardCount", "clickstream-events", 20),
        write("lambda-role", "CreateLogStream", "/aws/lambda/clickstream-ingest", 45),
    ];
    snapshot_loaded(&mut app, with_writes(writes), 10);
    app
}

fn named(app: &App) -> String {
    app.markers.named().map(|m| m.label()).unwrap_or_default()
}

#[test]
fn a_refresh_keeps_its_writes_as_changes_and_names_the_latest() {
    let app = loaded_with_changes();
    let whats: Vec<&str> = app.markers.marks.iter().map(|m| m.what.as_str()).collect();
    assert_eq!(whats, ["UpdateShardCount", "UpdateFunctionCode"], "oldest first, the routine log write left out");
    assert_eq!(named(&app), "09:40 ci-deployer UpdateFunctionCode clickstream-ingest");
}

#[test]
fn the_next_refresh_adds_without_repeating_and_keeps_what_left_the_page() {
    let mut app = loaded_with_changes();
    app.refresh.due_at_ms = 0;
    update(&mut app, Action::Tick, 20);
    // CloudTrail's page of the last hour no longer holds alice's write: the marker stays.
    let writes = vec![
        write("ci-deployer", "UpdateFunctionCode", "clickstream-ingest", 40),
        write("bob", "UpdateJob", "clickstream-curate", 50),
    ];
    snapshot_loaded(&mut app, with_writes(writes), 30);
    let whats: Vec<&str> = app.markers.marks.iter().map(|m| m.what.as_str()).collect();
    assert_eq!(whats, ["UpdateShardCount", "UpdateFunctionCode", "UpdateJob"]);
}

#[test]
fn each_refresh_reads_the_journal_and_this_profiles_changes_join_the_markers() {
    let mut app = app();
    let effects = snapshot_loaded(&mut app, with_writes(vec![]), 10);
    let since = effects.iter().find_map(|e| match e {
        Effect::ReadJournal { since } => Some(*since),
        _ => None,
    });
    assert_eq!(since, Some(snapshot().taken_at - Duration::hours(24)), "{effects:?}");
    let entry = |profile: &str, action: &str| Entry {
        time: at(30),
        platform_time: None,
        profile: profile.into(),
        backend: "sandbox".into(),
        action: action.into(),
        target: "clickstream-events".into(),
        detail: String::new(),
        outcome: "done".into(),
    };
    // The journal hands over this profile's entries (`Journal::current`); a fault is a
    // rehearsal switch, not a change.
    let entries = vec![entry("sandbox", "reshard.update-shard-count"), entry("sandbox", "sandbox.fault")];
    update(&mut app, Action::JournalRead { result: Ok(entries), at: snapshot().taken_at }, 20);
    assert_eq!(app.markers.marks.len(), 1, "{:?}", app.markers.marks);
    assert_eq!(app.markers.marks[0].origin, Origin::Journal);
    assert_eq!(named(&app), "09:30 lakeops (sandbox) reshard.update-shard-count clickstream-events");
}

#[test]
fn brackets_step_through_the_changes_within_bounds() {
    let mut app = loaded_with_changes();
    key(&mut app, KeyCode::Char('['));
    assert_eq!(named(&app), "09:20 alice UpdateShardCount clickstream-events");
    key(&mut app, KeyCode::Char('['));
    assert_eq!(named(&app), "09:20 alice UpdateShardCount clickstream-events", "the first stays");
    key(&mut app, KeyCode::Char(']'));
    key(&mut app, KeyCode::Char(']'));
    assert_eq!(named(&app), "09:40 ci-deployer UpdateFunctionCode clickstream-ingest", "the last stays");
}

#[test]
fn shift_c_opens_the_named_change_in_audit_and_selects_its_row() {
    let mut app = loaded_with_changes();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "lambda");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('['));
    let effects = key(&mut app, KeyCode::Char('C'));
    assert_eq!(app.view(), ViewId::Audit);
    let Some(Effect::FetchAudit { query, .. }) = effects.iter().find(|e| matches!(e, Effect::FetchAudit { .. })) else {
        panic!("{effects:?}")
    };
    assert!(query.writes_only);
    assert!(query.since <= at(20), "the window holds the change: {}", query.since);
    // Newest first, as CloudTrail answers; the change is the third row.
    let events = vec![
        write("bob", "UpdateJob", "clickstream-curate", 50),
        write("ci-deployer", "UpdateFunctionCode", "clickstream-ingest", 40),
        write("alice", "UpdateShardCount", "clickstream-events", 20),
        write("carol", "PutBucketPolicy", "raw", 10),
    ];
    let id = awaited(&app.audit.request);
    update(&mut app, Action::AuditLoaded { id, result: Ok(events), at: snapshot().taken_at }, 50);
    assert_eq!(app.audit.cursor.selected, 2);
    assert_eq!(app.audit.focus, None, "the focus is used once");
}

#[test]
fn a_change_older_than_an_hour_opens_a_window_that_holds_it() {
    let mut app = app();
    snapshot_loaded(&mut app, with_writes(vec![write("alice", "UpdateStack", "clickstream", -120)]), 10);
    let effects = key(&mut app, KeyCode::Char('C'));
    let Some(Effect::FetchAudit { query, .. }) = effects.iter().find(|e| matches!(e, Effect::FetchAudit { .. })) else {
        panic!("{effects:?}")
    };
    assert_eq!(query.since, snapshot().taken_at - Duration::hours(6));
}

#[test]
fn a_stack_operation_opens_in_stack() {
    let mut app = app();
    app.stack.target = Some(stack::StackTarget {
        name: "clickstream".into(),
        template: stack::Template::ready(Err("not needed".into())),
    });
    snapshot_loaded(&mut app, with_writes(vec![]), 10);
    let events = vec![StackEvent {
        id: "e1".into(),
        at_ms: at(50).timestamp_millis(),
        logical_id: "clickstream".into(),
        resource_type: "AWS::CloudFormation::Stack".into(),
        status: "UPDATE_COMPLETE".into(),
        reason: None,
    }];
    let id = awaited(&app.stack.request);
    update(&mut app, Action::StackLoaded { id, result: Ok((None, events)), at: snapshot().taken_at }, 20);
    assert_eq!(named(&app), "09:50 CloudFormation UPDATE_COMPLETE clickstream");
    key(&mut app, KeyCode::Char('C'));
    assert_eq!(app.view(), ViewId::Stack);
}

#[test]
fn views_without_charts_leave_the_keys_alone() {
    let mut app = loaded_with_changes();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "alarms");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('['));
    key(&mut app, KeyCode::Char('C'));
    assert_eq!(app.view(), ViewId::Alarms);
    assert_eq!(app.markers.chosen, None);
}

#[test]
fn the_charts_read_the_stack_at_most_every_five_minutes_while_on_screen() {
    let mut app = app();
    app.stack.target = Some(stack::StackTarget {
        name: "clickstream".into(),
        template: stack::Template::ready(Err("not needed".into())),
    });
    let fetches = |effects: &[Effect]| effects.iter().filter(|e| matches!(e, Effect::FetchStack { .. })).count();
    let effects = snapshot_loaded(&mut app, with_writes(vec![]), 10);
    assert_eq!(fetches(&effects), 1, "the overview has a chart: {effects:?}");
    let id = awaited(&app.stack.request);
    update(&mut app, Action::StackLoaded { id, result: Ok((None, vec![])), at: snapshot().taken_at }, 20);
    app.refresh.due_at_ms = 0;
    update(&mut app, Action::Tick, 30_000);
    let effects = snapshot_loaded(&mut app, with_writes(vec![]), 30_100);
    assert_eq!(fetches(&effects), 0, "not due yet");
    app.refresh.due_at_ms = 0;
    update(&mut app, Action::Tick, 320_000);
    let effects = snapshot_loaded(&mut app, with_writes(vec![]), 320_100);
    assert_eq!(fetches(&effects), 1, "due again");
}
