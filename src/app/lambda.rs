//! `:lambda`: the consumer function's charts from the snapshot's series, and its log events
//! (errors only by default) with a live tail that polls within FilterLogEvents' TPS.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::audit::reference_time;
use super::state::App;
use super::streams::ChartWindow;
use super::view::ViewId;
use crate::model::{LogEvent, LogQuery};

/// How far back the first read looks, and how many events the pane keeps.
const FIRST_READ_MINUTES: i64 = 60;
const EVENTS_KEPT: usize = 500;
/// The tail asks every 2 s: 0.5 calls a second against FilterLogEvents' 5–25.
pub const TAIL_EVERY_MS: u64 = 2_000;

#[derive(Debug, Clone, PartialEq)]
pub struct LambdaView {
    pub window: ChartWindow,
    /// Oldest first.
    pub events: Vec<LogEvent>,
    pub errors_only: bool,
    pub follow: bool,
    /// A live-tail session (StartLiveTail) is streaming events; polling waits meanwhile.
    pub live: bool,
    /// Selected event, counted from the newest (0 = the newest).
    pub selected: usize,
    pub loading: bool,
    pub loaded_once: bool,
    /// When the tail asks next (monotonic ms).
    pub tail_due_ms: u64,
}

impl Default for LambdaView {
    fn default() -> Self {
        LambdaView {
            window: ChartWindow::H1,
            events: Vec::new(),
            errors_only: true,
            follow: false,
            live: false,
            selected: 0,
            loading: false,
            loaded_once: false,
            tail_due_ms: u64::MAX,
        }
    }
}

impl LambdaView {
    pub fn selected_event(&self) -> Option<&LogEvent> {
        self.events.iter().rev().nth(self.selected)
    }
}

fn function(app: &App) -> Option<String> {
    app.snapshot.as_ref()?.function.ready().map(|f| f.name.clone())
}

/// Reads the log from the start (`append` false) or onwards from the newest event held.
fn fetch(app: &mut App, append: bool, effects: &mut Vec<Effect>) {
    let Some(function) = function(app) else { return };
    if app.lambda.loading {
        return;
    }
    let since = match app.lambda.events.last().filter(|_| append) {
        Some(newest) => newest.time,
        None => reference_time(app) - chrono::Duration::minutes(FIRST_READ_MINUTES),
    };
    app.lambda.loading = true;
    let query = LogQuery { function, since, errors_only: app.lambda.errors_only, limit: 200 };
    effects.push(Effect::FetchLogs { query, append });
}

pub fn on_open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Lambda && !app.lambda.loaded_once {
        fetch(app, false, effects);
    }
}

/// The tail's poll, when it is due and no live session streams; leaving the view ends both.
pub fn poll(app: &mut App, now_ms: u64, effects: &mut Vec<Effect>) {
    if app.view() != ViewId::Lambda && app.lambda.follow {
        stop_following(app, effects);
        return;
    }
    if app.view() == ViewId::Lambda && app.lambda.follow && !app.lambda.live && now_ms >= app.lambda.tail_due_ms {
        app.lambda.tail_due_ms = now_ms + TAIL_EVERY_MS;
        fetch(app, true, effects);
    }
}

pub fn next_wake_ms(app: &App) -> Option<u64> {
    let view = &app.lambda;
    (app.view() == ViewId::Lambda && view.follow && !view.live && !view.loading).then_some(view.tail_due_ms)
}

/// New events join the pane (already-seen ones dropped); the selection stays on its event.
pub fn loaded(app: &mut App, append: bool, events: Vec<LogEvent>) {
    app.lambda.loading = false;
    app.lambda.loaded_once = true;
    add(app, append, events);
}

/// Events streamed by the live tail.
pub fn streamed(app: &mut App, events: Vec<LogEvent>) {
    add(app, true, events);
}

/// The live tail ended (or never started): polling takes over while following.
pub fn tail_ended(app: &mut App) {
    app.lambda.live = false;
    app.lambda.tail_due_ms = app.now_ms;
}

fn add(app: &mut App, append: bool, events: Vec<LogEvent>) {
    let view = &mut app.lambda;
    if !append {
        view.events.clear();
        view.selected = 0;
    }
    let before = view.events.len();
    for event in events {
        // Polled events carry ids, live ones do not: the same time and text is the same event.
        let seen = |e: &LogEvent| e.id == event.id || (e.time == event.time && e.message == event.message);
        if !view.events.iter().rev().take(400).any(seen) {
            view.events.push(event);
        }
    }
    view.events.sort_by_key(|e| e.time);
    if view.selected > 0 {
        view.selected += view.events.len() - before;
    }
    let excess = view.events.len().saturating_sub(EVENTS_KEPT);
    view.events.drain(..excess);
    view.selected = view.selected.min(view.events.len().saturating_sub(1));
}

/// A failed read: said once, and the tail keeps its pace (no retry storm).
pub fn failed(app: &mut App) {
    app.lambda.loading = false;
    app.lambda.loaded_once = true;
}

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let view = &mut app.lambda;
    match key.code {
        KeyCode::Char('w') => {
            // The snapshot holds three hours of a function's minutes.
            view.window = match view.window.next() {
                ChartWindow::H24 => ChartWindow::M15,
                w => w,
            };
        }
        KeyCode::Char('j') | KeyCode::Down => view.selected = view.selected.saturating_sub(1),
        KeyCode::Char('k') | KeyCode::Up => {
            view.selected = (view.selected + 1).min(view.events.len().saturating_sub(1));
        }
        KeyCode::Char('G') | KeyCode::End => view.selected = 0,
        KeyCode::Char('f') if view.follow => stop_following(app, effects),
        KeyCode::Char('f') => start_following(app, effects),
        KeyCode::Char('e') => {
            view.errors_only = !view.errors_only;
            view.loading = false;
            // A live session filters on the server: following starts again with the new filter.
            let following = view.follow;
            stop_following(app, effects);
            fetch(app, false, effects);
            if following {
                start_following(app, effects);
            }
        }
        _ => return false,
    }
    true
}

/// Catches up once by polling, then streams (StartLiveTail) where the platform can; polls
/// every 2 s where it cannot.
fn start_following(app: &mut App, effects: &mut Vec<Effect>) {
    app.lambda.follow = true;
    app.lambda.tail_due_ms = u64::MAX;
    if !app.lambda.loading {
        fetch(app, true, effects);
    }
    let Some(function) = function(app) else { return };
    let query =
        LogQuery { function, since: reference_time(app), errors_only: app.lambda.errors_only, limit: EVENTS_KEPT };
    app.lambda.live = true;
    effects.push(Effect::StartLiveTail { query });
}

fn stop_following(app: &mut App, effects: &mut Vec<Effect>) {
    let view = &mut app.lambda;
    view.follow = false;
    view.tail_due_ms = u64::MAX;
    if view.live {
        view.live = false;
        effects.push(Effect::StopLiveTail);
    }
}
