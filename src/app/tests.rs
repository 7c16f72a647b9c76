use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::*;
use crate::model::*;
use crate::ops::health::Thresholds;
use crate::platform::{PlatformError, ServiceError};

/// The layers the test snapshot shows: the first pipeline's eight (it watches no orchestration).
const SHOWN: usize = 8;

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
    PlatformSnapshot::example()
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
    // The answer reads only the journal, for the charts' change markers.
    assert!(matches!(loaded(&mut app, 100)[..], [Effect::ReadJournal { .. }]));
    assert_eq!(app.layers.len(), SHOWN);
    assert_eq!(app.next_wake_ms(), Some(5_100));
    assert_eq!(update(&mut app, Action::Tick, 5_099), vec![]);
    assert!(matches!(update(&mut app, Action::Tick, 5_100)[..], [Effect::FetchSnapshot { .. }]));
}

#[test]
fn failures_back_off_reach_the_screen_and_keep_history() {
    let mut app = app();
    let error = PlatformError::answered("Kinesis", ServiceError::new("ThrottlingException", "Rate exceeded"));
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

/// With the endpoint gone the data keeps the time of its last good read (the header says STALE
/// since then) and is asked for again at the normal interval, so it recovers within one refresh.
#[test]
fn an_unreachable_endpoint_keeps_the_data_time_and_recovers_within_one_refresh() {
    let mut app = app();
    let first = snapshot().taken_at;
    let id = awaited(&app.refresh.request);
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot())), at: first }, 1_000);
    assert_eq!(app.refresh.last_success, Some(first));
    let gone = PlatformError::unreachable("Kinesis DescribeStreamSummary", "connection refused");
    let mut now = 1_000;
    for n in 1..=4 {
        now = app.refresh.due_at_ms;
        update(&mut app, Action::Tick, now);
        let id = awaited(&app.refresh.request);
        let at = first + chrono::Duration::seconds(10 * n);
        update(&mut app, Action::SnapshotLoaded { id, result: Err(gone.clone()), at }, now + 100);
        assert!(app.is_stale());
        assert_eq!(app.refresh.last_success, Some(first), "no data was read: its time stays");
        assert_eq!(app.refresh.due_at_ms, now + 100 + app.refresh_interval_ms, "asked again after one interval");
    }
    let due = app.refresh.due_at_ms;
    update(&mut app, Action::Tick, due);
    let id = awaited(&app.refresh.request);
    let back = first + chrono::Duration::seconds(60);
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot())), at: back }, now + 20_000);
    assert!(!app.is_stale());
    assert_eq!(app.refresh.last_success, Some(back));
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
    assert_eq!(app.overview.selected, SHOWN - 1);
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
fn enter_reads_an_error_whole_and_the_list_keys_scroll_it() {
    let mut app = app();
    update(&mut app, Action::Resize { width: 80, height: 24 }, 0);
    let long = "word ".repeat(400);
    report_error(&mut app, ErrorSource::Refresh, &long, snapshot().taken_at);
    report_error(&mut app, ErrorSource::Stack, "a short one", snapshot().taken_at);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "errors");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    let (read, at) = app.errors_reading.clone().unwrap();
    assert_eq!((read.message.trim(), at), (long.trim(), 0), "the selected error, the newest second");
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.errors_reading.as_ref().unwrap().1, 2, "j scrolls the error");
    assert_eq!(app.errors_cursor.selected, 1, "and leaves the list as it is");
    // A new error meanwhile neither moves nor changes what is read.
    report_error(&mut app, ErrorSource::Refresh, "a third", snapshot().taken_at);
    assert_eq!(app.errors_reading.as_ref().unwrap().0.message, read.message);
    key(&mut app, KeyCode::Char('G'));
    let (width, height) = layout::reader_text_size(layout::areas(ratatui::layout::Rect::new(0, 0, 80, 24)).body);
    let last = errors::reader_lines(&read, width).len() - height as usize;
    assert_eq!(app.errors_reading.as_ref().unwrap().1, last, "to the end, no further");
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        (app.errors_reading.is_none(), app.view()),
        (true, ViewId::Errors),
        "esc closes the error, not the view"
    );
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('x'));
    assert!(app.errors.is_empty() && app.errors_reading.is_none(), "x clears the history and what was read");
    key(&mut app, KeyCode::Enter);
    assert!(app.errors_reading.is_none(), "nothing to read");
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
    assert_eq!(crate::app::overview::visible(&app).len(), SHOWN);
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

    /// `l` asks for lakeops' changes only (anyone's); again, back to the scope before; `w` from
    /// there widens to every write.
    #[test]
    fn l_narrows_to_the_changes_made_through_lakeops() {
        let mut app = app();
        loaded(&mut app, 0);
        key(&mut app, KeyCode::Char(':'));
        type_text(&mut app, "audit");
        key(&mut app, KeyCode::Enter);
        let effects = key(&mut app, KeyCode::Char('l'));
        assert!(
            matches!(&effects[..], [Effect::FetchAudit { query, .. }] if query.lakeops_only && !query.writes_only),
            "{effects:?}"
        );
        let effects = key(&mut app, KeyCode::Char('l'));
        assert!(
            matches!(&effects[..], [Effect::FetchAudit { query, .. }] if !query.lakeops_only && !query.writes_only)
        );
        key(&mut app, KeyCode::Char('l'));
        let effects = key(&mut app, KeyCode::Char('w'));
        assert!(matches!(&effects[..], [Effect::FetchAudit { query, .. }] if !query.lakeops_only && query.writes_only));
    }
}

/// While the terminal is too small to draw the console, keys do nothing but quit: a view, a
/// dialog or a change could otherwise be opened and confirmed blind.
#[test]
fn a_terminal_too_small_takes_no_key_but_quit() {
    let mut app = app();
    update(&mut app, Action::Resize { width: 40, height: 10 }, 0);
    key(&mut app, KeyCode::Char(':'));
    assert_eq!(app.mode, Mode::Normal, "no command line behind the 'too small' screen");
    type_text(&mut app, "streams");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Overview);
    update(&mut app, Action::Resize { width: 80, height: 24 }, 0);
    key(&mut app, KeyCode::Char(':'));
    assert!(matches!(app.mode, Mode::Command { .. }), "the same key once the window is large enough");
    key(&mut app, KeyCode::Esc);
    update(&mut app, Action::Resize { width: 79, height: 24 }, 0);
    let effects = key(&mut app, KeyCode::Char('q'));
    assert!(app.quitting && effects.iter().any(|e| matches!(e, Effect::Quit)), "q still quits");
}
