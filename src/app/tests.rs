use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::model::*;
use crate::ops::health::Thresholds;
use crate::platform::PlatformError;

pub(super) fn app() -> App {
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(
        header,
        Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 },
        5_000,
    );
    update(&mut app, Action::Resize { width: 100, height: 30 }, 0);
    app
}

pub(super) fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let now = app.now_ms;
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), now)
}

pub(super) fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

pub(super) fn snapshot() -> PlatformSnapshot {
    PlatformSnapshot {
        taken_at: Utc.with_ymd_and_hms(2026, 3, 20, 10, 0, 0).unwrap(),
        streams: Reading::Ready { data: vec![StreamStatus::example("clickstream-events")] },
        function: Reading::unavailable("not read"),
        lake: Reading::unavailable("not read"),
        glue: Reading::unavailable("not read"),
        redshift: Reading::unavailable("not read"),
        athena: Reading::unavailable("not read"),
        audit: Reading::unavailable("not read"),
        alarms: Reading::unavailable("not read"),
        problems: vec![],
    }
}

/// What the write gate answers after making (or failing to make) `change`.
pub(super) fn answered(change: Change, result: Result<Applied, PlatformError>) -> Action {
    let result = result.map_err(crate::platform::GateError::Platform);
    Action::Changed { change, started_ms: 0, result, at: snapshot().taken_at }
}

/// The changes `effects` ask the gate for.
pub(super) fn changes(effects: &[Effect]) -> Vec<&Change> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Change { change, .. } => Some(change),
            _ => None,
        })
        .collect()
}

/// The id the answer to the request `request` awaits must carry.
pub(super) fn awaited(request: &super::request::Request) -> super::request::RequestId {
    request.awaited().expect("a request is awaited")
}

/// The refresh's snapshot arrives.
pub(super) fn snapshot_loaded(app: &mut App, snapshot: PlatformSnapshot, now: u64) -> Vec<Effect> {
    let id = awaited(&app.refresh.request);
    let at = snapshot.taken_at;
    update(app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at }, now)
}

fn loaded(app: &mut App, now: u64) -> Vec<Effect> {
    snapshot_loaded(app, snapshot(), now)
}

#[test]
fn first_tick_fetches_once_and_waits_for_the_answer() {
    let mut app = app();
    // The resize in app() already asked for the first snapshot.
    assert!(app.refresh.request.is_loading());
    assert_eq!(update(&mut app, Action::Tick, 10), vec![]);
    assert_eq!(loaded(&mut app, 100), vec![]);
    assert_eq!(app.layers.len(), Layer::ALL.len());
    assert_eq!(app.next_wake_ms(), Some(5_100));
    assert_eq!(update(&mut app, Action::Tick, 5_099), vec![]);
    assert!(matches!(update(&mut app, Action::Tick, 5_100)[..], [Effect::FetchSnapshot { .. }]));
}

#[test]
fn failures_back_off_reach_the_screen_and_keep_history() {
    let mut app = app();
    let error = PlatformError::unreachable("Kinesis", "connection refused");
    let at = snapshot().taken_at;
    let id = awaited(&app.refresh.request);
    update(&mut app, Action::SnapshotLoaded { id, result: Err(error.clone()), at }, 1_000);
    assert_eq!(app.toasts.len(), 1);
    assert_eq!(app.errors.len(), 1);
    assert!(app.is_stale());
    // First failure: twice the interval.
    assert_eq!(app.refresh.due_at_ms, 11_000);
    update(&mut app, Action::Tick, 11_000);
    let id = awaited(&app.refresh.request);
    update(&mut app, Action::SnapshotLoaded { id, result: Err(error), at }, 11_500);
    assert_eq!(app.refresh.due_at_ms, 11_500 + 20_000);
    assert_eq!(app.errors.len(), 1, "the same error twice is one entry");
    assert_eq!(app.errors[0].count, 2);
    // The toast expires; the history stays.
    update(&mut app, Action::Tick, 30_000);
    assert!(app.toasts.is_empty());
    assert_eq!(app.errors.len(), 1);
}

#[test]
fn escape_sequences_in_errors_are_neutralised() {
    let mut app = app();
    report_error(&mut app, ErrorSource::Refresh, "bad \u{1b}]0;owned\u{7} name", snapshot().taken_at);
    assert_eq!(app.errors[0].message, "bad \u{fffd} name");
}

#[test]
fn navigation_moves_within_bounds() {
    let mut app = app();
    loaded(&mut app, 0);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(app.overview.selected, 0);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Down);
    assert_eq!(app.overview.selected, 2);
    key(&mut app, KeyCode::End);
    assert_eq!(app.overview.selected, Layer::ALL.len() - 1);
    key(&mut app, KeyCode::Home);
    assert_eq!(app.overview.selected, 0);
    key(&mut app, KeyCode::PageDown);
    assert!(app.overview.selected > 0);
}

#[test]
fn long_lists_scroll_to_keep_the_selection_visible() {
    let mut app = app();
    update(&mut app, Action::Resize { width: 80, height: 24 }, 0);
    for i in 0..50 {
        report_error(&mut app, ErrorSource::Refresh, &format!("error {i}"), snapshot().taken_at);
    }
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "errors");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::End);
    assert_eq!(app.errors_cursor.selected, 49);
    // 22 body lines less the border and column header: 19 rows show, so row 49 needs offset 31.
    assert_eq!(app.errors_cursor.offset, 31);
    key(&mut app, KeyCode::Home);
    assert_eq!(app.errors_cursor.offset, 0);
}

#[test]
fn command_line_completes_and_opens_views() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "st");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.mode, Mode::Command { input: "streams".into(), stem: Some("st".into()), index: 0 });
    key(&mut app, KeyCode::Tab);
    assert!(matches!(&app.mode, Mode::Command { input, .. } if input == "stack"));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Stack);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view(), ViewId::Overview);
    assert_eq!(completions("er"), vec!["errors"]);
}

#[test]
fn unknown_commands_suggest_the_nearest() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "glu");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Overview);
    assert!(app.toasts.back().unwrap().message.contains("did you mean `glue`"));
}

#[test]
fn filter_narrows_rows_and_escape_clears_it() {
    let mut app = app();
    loaded(&mut app, 0);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "kin");
    assert_eq!(crate::app::overview::visible(&app).len(), 1);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.overview.filter, "kin");
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overview.filter, "");
    assert_eq!(crate::app::overview::visible(&app).len(), Layer::ALL.len());
}

#[test]
fn enter_opens_the_layer_view_and_help_toggles() {
    let mut app = app();
    loaded(&mut app, 0);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Streams);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Help { scroll: 0 });
    key(&mut app, KeyCode::Char('?'));
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn quit_by_q_by_ctrl_c_and_by_signal() {
    let mut app = app();
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    let mut app = self::app();
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)), 0);
    assert_eq!(effects, vec![Effect::Quit]);
    let mut app = self::app();
    assert_eq!(update(&mut app, Action::Quit, 0), vec![Effect::Quit]);
    assert!(app.quitting);
}

#[test]
fn mouse_click_selects_the_row_under_it_and_wheel_scrolls() {
    let mut app = app();
    loaded(&mut app, 0);
    let rows =
        layout::list_rows(layout::overview_split(layout::areas(ratatui::layout::Rect::new(0, 0, 100, 30)).body, 8).0);
    let click = |row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    // Third layer, second of its two lines.
    update(&mut app, Action::Mouse(click(rows.y + 5)), 0);
    assert_eq!(app.overview.selected, 2);
    let wheel = MouseEvent { kind: MouseEventKind::ScrollDown, column: 10, row: 5, modifiers: KeyModifiers::NONE };
    update(&mut app, Action::Mouse(wheel), 0);
    assert_eq!(app.overview.selected, 3);
}

#[test]
fn errors_view_lists_and_clears() {
    let mut app = app();
    report_error(&mut app, ErrorSource::Refresh, "one", snapshot().taken_at);
    report_error(&mut app, ErrorSource::Refresh, "two", snapshot().taken_at);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "errors");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Errors);
    assert_eq!(crate::app::errors::visible(&app)[0].message, "two");
    key(&mut app, KeyCode::Char('x'));
    assert!(app.errors.is_empty());
}

/// Every key the status bar shows, in every view (and each part of a view that has parts), is
/// a key of that view that asks for the command the hint names.
#[test]
fn every_hint_in_every_status_bar_is_a_key_of_its_view() {
    use super::chord::Chord;
    let mut checked = 0;
    for view in ViewId::ALL {
        for focus in [athena::AthenaFocus::Editor, athena::AthenaFocus::Results] {
            let mut app = app();
            app.views = vec![ViewId::Overview, *view];
            app.athena.focus = focus;
            for hint in app.hints() {
                let chord = Chord::parse(&hint.key).unwrap_or_else(|e| panic!("{view:?}: {e}"));
                assert_eq!(
                    super::input::meaning(&app, chord),
                    Some(hint.command),
                    "{view:?}: the hint {} {} is not that key's meaning there",
                    hint.key,
                    hint.label
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked} hints checked");
}

#[test]
fn idle_console_has_nothing_to_redraw() {
    let mut app = app();
    loaded(&mut app, 0);
    app.dirty = false;
    update(&mut app, Action::Tick, 1_000);
    assert!(!app.dirty, "a tick with nothing due must not cause a redraw");
}

pub(super) mod streams {
    use super::*;
    use crate::app::stream_detail::{ChartWindow, DialogKind};
    use crate::app::streams::StreamSort;
    use crate::model::{ShardInfo, StreamFacts, StreamSeries};

    fn with_streams() -> App {
        let mut app = app();
        let mut snap = snapshot();
        if let Reading::Ready { data } = &mut snap.streams {
            let mut busy = data[0].clone();
            busy.name = "orders".into();
            busy.incoming_records_per_second = Some(3_900.0);
            data.push(busy);
        }
        snapshot_loaded(&mut app, snap, 100);
        app
    }

    pub(in crate::app) fn facts(readonly_peak: f64) -> StreamFacts {
        let half = u128::MAX / 2;
        let shard = |id: &str, start, end| ShardInfo {
            id: id.into(),
            start,
            end,
            parent: None,
            adjacent_parent: None,
            open: true,
            incoming_per_second: Some(500.0),
        };
        StreamFacts {
            name: "orders".into(),
            status: "ACTIVE".into(),
            mode: CapacityMode::Provisioned,
            shards: vec![shard("shardId-000000000000", 0, half), shard("shardId-000000000001", half + 1, u128::MAX)],
            scalings_last_day: 0,
            mode_switches_last_day: 0,
            account_shard_limit: Some(500),
            account_open_shards: Some(2),
            peak_records_per_second: Some(readonly_peak),
            enhanced_monitoring: false,
            encryption: None,
            consumers: vec![],
            warnings: vec![],
        }
    }

    fn open_orders(app: &mut App) -> Vec<Effect> {
        key(app, KeyCode::Char(':'));
        type_text(app, "streams");
        key(app, KeyCode::Enter);
        assert_eq!(app.view(), ViewId::Streams);
        // Sorted by name: clickstream-events, orders.
        key(app, KeyCode::Down);
        key(app, KeyCode::Enter)
    }

    fn loaded_detail(app: &mut App) {
        let result = Ok(Box::new((facts(3_400.0), StreamSeries { period_seconds: 60, points: vec![] })));
        let id = awaited(&app.detail.as_ref().unwrap().request);
        let at = snapshot().taken_at;
        update(app, Action::StreamDetailLoaded { stream: "orders".into(), id, result, at }, 200);
    }

    #[test]
    fn the_list_sorts_and_enter_opens_the_detail() {
        let mut app = with_streams();
        let effects = open_orders(&mut app);
        assert_eq!(app.view(), ViewId::StreamDetail);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 60, .. }] if stream == "orders"));
        key(&mut app, KeyCode::Esc);
        for _ in 0..4 {
            key(&mut app, KeyCode::Char('s'));
        }
        assert_eq!(app.streams.sort, StreamSort::Records);
        let names: Vec<&str> = crate::app::streams::visible(&app).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["orders", "clickstream-events"], "busiest first");
        key(&mut app, KeyCode::Char('S'));
        let names: Vec<&str> = crate::app::streams::visible(&app).iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, vec!["clickstream-events", "orders"]);
    }

    #[test]
    fn the_window_cycles_and_refetches() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        let effects = key(&mut app, KeyCode::Char('w'));
        assert_eq!(app.detail.as_ref().unwrap().window, ChartWindow::H3);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 180, .. }] if stream == "orders"));
    }

    #[test]
    fn the_scale_dialog_suggests_plans_and_confirms() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('u'));
        let Mode::Reshard(dialog) = &app.mode else { panic!("dialog expected") };
        assert_eq!(dialog.kind, DialogKind::Scale);
        // Peak 3,400/s at 70 % headroom needs 5 shards, but from 2 the most is 4: refused.
        assert_eq!(dialog.input, "5");
        assert!(dialog.outcome.as_ref().unwrap_err().contains("target between half and double"));
        key(&mut app, KeyCode::Backspace);
        key(&mut app, KeyCode::Char('4'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        let plan = dialog.outcome.as_ref().unwrap();
        assert_eq!((plan.open_before, plan.open_after), (2, 4));
        let effects = key(&mut app, KeyCode::Enter);
        assert!(
            matches!(changes(&effects)[..], [Change::Reshard { stream, call: crate::model::ReshardCall::UpdateShardCount { target: 4 } }] if stream == "orders")
        );
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn a_refused_plan_cannot_be_confirmed_and_read_only_refuses_all() {
        let mut app = with_streams();
        app.readonly = true;
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('x'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        assert!(dialog.outcome.as_ref().unwrap_err().starts_with("read-only mode"));
        assert_eq!(key(&mut app, KeyCode::Enter), vec![]);
        key(&mut app, KeyCode::Esc);
        assert_eq!(app.mode, Mode::Normal);
    }

    #[test]
    fn merge_picks_the_neighbour_and_done_refreshes() {
        let mut app = with_streams();
        open_orders(&mut app);
        loaded_detail(&mut app);
        key(&mut app, KeyCode::Char('m'));
        let Mode::Reshard(dialog) = &app.mode else { panic!() };
        assert_eq!(
            dialog.request,
            Some(crate::ops::reshard::ReshardRequest::MergeShards {
                shard: "shardId-000000000000".into(),
                adjacent: "shardId-000000000001".into()
            })
        );
        key(&mut app, KeyCode::Enter);
        let call = crate::model::ReshardCall::MergeShards { shard: "a".into(), adjacent: "b".into() };
        let effects =
            update(&mut app, answered(Change::Reshard { stream: "orders".into(), call }, Ok(Applied::Done)), 300);
        assert!(matches!(&effects[..], [Effect::FetchStreamDetail { stream, minutes: 60, .. }] if stream == "orders"));
        assert!(app.toasts.back().unwrap().message.contains("MergeShards accepted"));
    }
}

mod peek {
    use super::*;
    use crate::model::{PeekCursor, PeekFrom, PeekRecord};

    fn cursor() -> PeekCursor {
        PeekCursor { stream: "orders".into(), from: PeekFrom::Latest, shards: vec![] }
    }

    fn request(app: &App) -> super::super::request::RequestId {
        awaited(&app.peek.as_ref().unwrap().request)
    }

    fn opened(app: &mut App, now: u64) -> Vec<Effect> {
        let id = request(app);
        update(app, Action::PeekOpened { id, result: Ok(cursor()), at: snapshot().taken_at }, now)
    }

    fn read(app: &mut App, result: Result<Vec<PeekRecord>, PlatformError>, now: u64) -> Vec<Effect> {
        let id = request(app);
        update(app, Action::PeekRead { id, cursor: cursor(), result, at: snapshot().taken_at }, now)
    }

    fn record(n: u32) -> PeekRecord {
        PeekRecord {
            arrival: snapshot().taken_at,
            shard: "shardId-000000000000".into(),
            partition_key: format!("user{n}"),
            sequence: format!("{n:08}"),
            data: br#"{"n":1}"#.to_vec(),
        }
    }

    #[test]
    fn open_read_follow_and_restart() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        assert_eq!(app.view(), ViewId::Peek);
        assert!(
            matches!(&effects[..], [Effect::OpenPeek { stream, shard: None, from: PeekFrom::Latest, .. }] if stream == "orders")
        );
        // Opened: a read is due at once.
        let effects = opened(&mut app, 1_000);
        assert!(matches!(&effects[..], [Effect::ReadPeek { limit: 500, .. }]));
        assert_eq!(update(&mut app, Action::Tick, 1_100), vec![], "one read in flight at a time");
        let result = Ok(vec![record(1), record(2)]);
        read(&mut app, result, 1_200);
        let view = app.peek.as_ref().unwrap();
        assert_eq!(view.records.len(), 2);
        assert_eq!(view.list.selected, 1, "following stays on the newest record");
        // Following: the next read is due a second later, not before.
        assert_eq!(app.next_wake_ms(), Some(2_200).min(app.next_wake_ms()));
        assert_eq!(update(&mut app, Action::Tick, 2_100), vec![]);
        assert!(matches!(&update(&mut app, Action::Tick, 2_200)[..], [Effect::ReadPeek { .. }]));
        read(&mut app, Ok(vec![]), 2_300);
        // Paused: no more reads.
        key(&mut app, KeyCode::Char('f'));
        assert!(!app.peek.as_ref().unwrap().follow);
        assert_eq!(update(&mut app, Action::Tick, 9_000), vec![]);
        // From trim-horizon: the records clear and the shards are opened again.
        let effects = key(&mut app, KeyCode::Char('t'));
        assert!(matches!(&effects[..], [Effect::OpenPeek { shard: None, from: PeekFrom::TrimHorizon, .. }]));
        assert!(app.peek.as_ref().unwrap().records.is_empty());
    }

    #[test]
    fn a_failed_read_reaches_the_screen_and_keeps_the_cursor() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        opened(&mut app, 1_000);
        let error = PlatformError::throttled("Kinesis GetRecords", "slow down");
        read(&mut app, Err(error), 1_100);
        assert!(app.errors.back().unwrap().message.contains("Kinesis GetRecords is throttling"));
        assert!(app.peek.as_ref().unwrap().cursor.is_some());
    }

    #[test]
    fn only_the_newest_records_are_kept() {
        let mut app = app();
        let mut effects = Vec::new();
        crate::app::peek::open(&mut app, "orders", None, &mut effects);
        opened(&mut app, 1_000);
        let many: Vec<PeekRecord> = (0..1_500).map(record).collect();
        read(&mut app, Ok(many), 1_100);
        let view = app.peek.as_ref().unwrap();
        assert_eq!(view.records.len(), crate::app::peek::RECORDS_KEPT);
        assert_eq!(view.records.front().unwrap().partition_key, "user500");
    }
}

mod confirm {
    use super::*;

    #[test]
    fn enhanced_monitoring_asks_first_and_read_only_refuses() {
        for readonly in [false, true] {
            let mut app = app();
            app.readonly = readonly;
            let mut effects = Vec::new();
            crate::app::stream_detail::open(&mut app, "orders", &mut effects);
            let facts = crate::model::StreamFacts {
                name: "orders".into(),
                status: "ACTIVE".into(),
                mode: CapacityMode::Provisioned,
                shards: vec![],
                scalings_last_day: 0,
                mode_switches_last_day: 0,
                account_shard_limit: None,
                account_open_shards: None,
                peak_records_per_second: None,
                enhanced_monitoring: false,
                encryption: None,
                consumers: vec![],
                warnings: vec![],
            };
            let series = crate::model::StreamSeries { period_seconds: 60, points: vec![] };
            let id = awaited(&app.detail.as_ref().unwrap().request);
            let result = Ok(Box::new((facts, series)));
            update(
                &mut app,
                Action::StreamDetailLoaded { stream: "orders".into(), id, result, at: snapshot().taken_at },
                10,
            );
            key(&mut app, KeyCode::Char('e'));
            let Mode::Confirm(dialog) = &app.mode else { panic!("a confirmation") };
            assert!(dialog.lines.iter().any(|l| l.contains("cost:")));
            let effects = key(&mut app, KeyCode::Enter);
            if readonly {
                assert_eq!(effects, vec![]);
                assert!(
                    matches!(&app.mode, Mode::Confirm(d) if d.refusal.as_deref().unwrap().starts_with("read-only mode"))
                );
            } else {
                assert_eq!(changes(&effects), vec![&Change::EnhancedMonitoring { stream: "orders".into(), on: true }]);
                assert_eq!(app.mode, Mode::Normal);
            }
        }
    }
}

mod audit {
    use super::*;
    use crate::model::AuditEvent;

    fn event(user: &str, read_only: bool) -> AuditEvent {
        AuditEvent { event_json: Some("{}".into()), ..AuditEvent::example(user, read_only, snapshot().taken_at) }
    }

    #[test]
    fn opening_fetches_once_toggles_refetch_and_the_filter_narrows() {
        let mut app = app();
        loaded(&mut app, 0);
        key(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "audit");
        let effects = key(&mut app, KeyCode::Enter);
        let Some(Effect::FetchAudit { query, .. }) = effects.first() else { panic!("{effects:?}") };
        assert_eq!(query.since, snapshot().taken_at - chrono::Duration::hours(1));
        assert!(!query.writes_only);
        assert_eq!(update(&mut app, Action::Tick, 10), vec![], "one lookup at a time");
        let id = awaited(&app.audit.request);
        let result = Ok(vec![event("alice", false), event("bob", true)]);
        update(&mut app, Action::AuditLoaded { id, result, at: snapshot().taken_at }, 20);
        assert_eq!(crate::app::audit::visible(&app).len(), 2);
        key(&mut app, KeyCode::Char('/'));
        type_text(&mut app, "ALI");
        assert_eq!(crate::app::audit::visible(&app).len(), 1);
        key(&mut app, KeyCode::Esc);
        let effects = key(&mut app, KeyCode::Char('w'));
        assert!(matches!(&effects[..], [Effect::FetchAudit { query, .. }] if query.writes_only));
        let effects = key(&mut app, KeyCode::Char('t'));
        assert!(
            matches!(&effects[..], [Effect::FetchAudit { query, .. }] if query.since == snapshot().taken_at - chrono::Duration::hours(6))
        );
    }

    /// `w` while a lookup is on its way: the old lookup's answer comes later and is dropped, so
    /// every event on screen is one the writes-only filter asked for.
    #[test]
    fn an_answer_to_an_older_lookup_never_lands_under_a_newer_filter() {
        let mut app = app();
        loaded(&mut app, 0);
        key(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "audit");
        let effects = key(&mut app, KeyCode::Enter);
        let Some(Effect::FetchAudit { id: every, query }) = effects.first().cloned() else { panic!("{effects:?}") };
        assert!(!query.writes_only);
        let effects = key(&mut app, KeyCode::Char('w'));
        let Some(Effect::FetchAudit { id: writes, query }) = effects.first().cloned() else { panic!("{effects:?}") };
        assert!(query.writes_only, "w asks again at once, without waiting for the first lookup");
        let at = snapshot().taken_at;
        let reads = Ok(vec![event("reader", true), event("writer", false)]);
        update(&mut app, Action::AuditLoaded { id: every, result: reads, at }, 30);
        assert!(app.audit.events.is_empty(), "the older lookup's answer is dropped");
        assert!(app.audit.request.is_loading(), "the writes-only lookup is still awaited");
        update(&mut app, Action::AuditLoaded { id: writes, result: Ok(vec![event("writer", false)]), at }, 40);
        let users: Vec<&str> = crate::app::audit::visible(&app).iter().map(|e| e.user.as_str()).collect();
        assert_eq!(users, ["writer"]);
        assert!(app.audit.writes_only && !app.audit.request.is_loading());
    }
}
