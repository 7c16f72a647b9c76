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

/// The tail's poll, when it is due.
pub fn poll(app: &mut App, now_ms: u64, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Lambda && app.lambda.follow && now_ms >= app.lambda.tail_due_ms {
        app.lambda.tail_due_ms = now_ms + TAIL_EVERY_MS;
        fetch(app, true, effects);
    }
}

pub fn next_wake_ms(app: &App) -> Option<u64> {
    (app.view() == ViewId::Lambda && app.lambda.follow && !app.lambda.loading).then_some(app.lambda.tail_due_ms)
}

/// New events join the pane (already-seen ids dropped); the selection stays on its event.
pub fn loaded(app: &mut App, append: bool, events: Vec<LogEvent>) {
    let view = &mut app.lambda;
    view.loading = false;
    view.loaded_once = true;
    if !append {
        view.events.clear();
        view.selected = 0;
    }
    let before = view.events.len();
    for event in events {
        if !view.events.iter().rev().take(400).any(|e| e.id == event.id) {
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
        KeyCode::Char('f') => {
            view.follow = !view.follow;
            view.tail_due_ms = if view.follow { app.now_ms } else { u64::MAX };
        }
        KeyCode::Char('e') => {
            view.errors_only = !view.errors_only;
            view.loading = false;
            fetch(app, false, effects);
        }
        _ => return false,
    }
    true
}
