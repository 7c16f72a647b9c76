//! `:lambda`: the consumer function's charts from the snapshot's series, and its log events
//! (errors only by default) with a live tail that polls within FilterLogEvents' TPS.

use super::action::Effect;
use super::audit::reference_time;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::registry::{View, ViewId, ViewSpec};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::App;
use super::stream_detail::ChartWindow;
use crate::model::{Layer, LogEvent, LogQuery};
use crate::platform::PlatformError;

/// How far back the first read looks, and how many events the pane keeps.
const FIRST_READ_MINUTES: i64 = 60;
const EVENTS_KEPT: usize = 500;
/// The tail asks every 2 s: 0.5 calls a second against FilterLogEvents' 5–25.
pub const TAIL_EVERY_MS: u64 = 2_000;

pub const VIEW: &dyn View = &Lambda;

struct Lambda;

const KEYS: &[Binding] = &[
    bind(Command::Window, &["w"], "chart window: 15 m, 1 h, 3 h").hint("window"),
    bind(Command::ErrorsOnly, &["e"], "log: errors and timeouts only / every line").hint("errors"),
    bind(Command::Follow, &["f"], "follow the log live (polls every 2 s where live tail is not served)").hint("follow"),
    bind(Command::Down, &["j", "↓"], "select a log event: newer / older").and(Command::Up, &["k", "↑"]),
    bind(Command::Bottom, &["G", "end"], "the newest log event"),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["lambda"],
    title: "Lambda",
    details: &[Layer::Lambda],
    keys: KEYS,
    charts: true,
    ..ViewSpec::NONE
};

impl View for Lambda {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        let view = &mut app.lambda;
        match command {
            Command::Window => {
                // The snapshot holds three hours of a function's minutes.
                view.window = match view.window.next() {
                    ChartWindow::H24 => ChartWindow::M15,
                    w => w,
                };
            }
            Command::Down => view.selected = view.selected.saturating_sub(1),
            Command::Up => view.selected = (view.selected + 1).min(view.events.len().saturating_sub(1)),
            Command::Bottom => view.selected = 0,
            Command::Follow if view.tail.following() => stop_following(app, effects),
            Command::Follow => start_following(app, effects),
            Command::ErrorsOnly => {
                view.errors_only = !view.errors_only;
                // A live session filters on the server: following starts again with the new filter.
                let following = view.tail.following();
                stop_following(app, effects);
                fetch(app, false, true, effects);
                if following {
                    start_following(app, effects);
                }
            }
            _ => return false,
        }
        true
    }

    fn next_wake_ms(&self, app: &App) -> Option<u64> {
        match app.lambda.tail {
            Tail::Polling { due_ms } if app.view() == ViewId::Lambda && !app.lambda.request.is_loading() => {
                Some(due_ms)
            }
            _ => None,
        }
    }

    /// The first read when the view opens; the tail's poll when it is due; leaving the view ends
    /// the tail.
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        let on_screen = app.view() == ViewId::Lambda;
        if on_screen && !app.lambda.request.answered() {
            fetch(app, false, false, effects);
        }
        if !on_screen && app.lambda.tail.following() {
            return stop_following(app, effects);
        }
        if let Tail::Polling { due_ms } = app.lambda.tail {
            if on_screen && app.now_ms >= due_ms {
                app.lambda.tail = Tail::Polling { due_ms: app.now_ms + TAIL_EVERY_MS };
                fetch(app, true, false, effects);
            }
        }
    }
}

/// How the log follows new events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tail {
    #[default]
    Off,
    /// A live-tail session (StartLiveTail) streams events; polling waits meanwhile.
    Live,
    /// Polling FilterLogEvents, next at `due_ms`.
    Polling { due_ms: u64 },
}

impl Tail {
    pub fn following(self) -> bool {
        self != Tail::Off
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct LambdaView {
    pub window: ChartWindow,
    /// Oldest first.
    pub events: Vec<LogEvent>,
    pub errors_only: bool,
    pub tail: Tail,
    /// Selected event, counted from the newest (0 = the newest).
    pub selected: usize,
    /// The read of log events under way.
    pub request: Request,
}

impl Default for LambdaView {
    fn default() -> Self {
        LambdaView {
            window: ChartWindow::H1,
            events: Vec::new(),
            errors_only: true,
            tail: Tail::Off,
            selected: 0,
            request: Request::default(),
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

/// Reads the log from the start (`append` false) or onwards from the newest event held;
/// `anew` supersedes a read under way.
fn fetch(app: &mut App, append: bool, anew: bool, effects: &mut Vec<Effect>) {
    let Some(function) = function(app) else { return };
    let since = match app.lambda.events.last().filter(|_| append) {
        Some(newest) => newest.time,
        None => reference_time(app) - chrono::Duration::minutes(FIRST_READ_MINUTES),
    };
    let now = app.now_ms;
    let id = if anew { Some(app.lambda.request.restart(now)) } else { app.lambda.request.start(now) };
    let Some(id) = id else { return };
    let query = LogQuery { function, since, errors_only: app.lambda.errors_only, limit: 200 };
    effects.push(Effect::FetchLogs { query, append, id });
}

/// New events join the pane (already-seen ones dropped); the selection stays on its event. A
/// failed read is said once, and the tail keeps its pace (no retry storm).
pub fn loaded(
    app: &mut App,
    id: RequestId,
    append: bool,
    result: Result<Vec<LogEvent>, PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let now = app.now_ms;
    if !app.lambda.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(events) => add(app, append, events),
        Err(e) => report_error(app, ErrorSource::Logs, &e.to_string(), at),
    }
}

/// Events streamed by the live tail.
pub fn streamed(app: &mut App, events: Vec<LogEvent>) {
    add(app, true, events);
}

/// The live tail ended (or never started): polling takes over while following.
pub fn tail_ended(app: &mut App) {
    if app.lambda.tail == Tail::Live {
        app.lambda.tail = Tail::Polling { due_ms: app.now_ms };
    }
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

/// Catches up once by polling, then streams (StartLiveTail) where the platform can; polls
/// every 2 s where it cannot.
fn start_following(app: &mut App, effects: &mut Vec<Effect>) {
    fetch(app, true, false, effects);
    let Some(function) = function(app) else {
        app.lambda.tail = Tail::Polling { due_ms: app.now_ms + TAIL_EVERY_MS };
        return;
    };
    let query =
        LogQuery { function, since: reference_time(app), errors_only: app.lambda.errors_only, limit: EVENTS_KEPT };
    app.lambda.tail = Tail::Live;
    effects.push(Effect::StartLiveTail { query });
}

fn stop_following(app: &mut App, effects: &mut Vec<Effect>) {
    if app.lambda.tail == Tail::Live {
        effects.push(Effect::StopLiveTail);
    }
    app.lambda.tail = Tail::Off;
}
