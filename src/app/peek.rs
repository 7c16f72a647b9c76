//! The record peek view: state and reducer steps. Records arrive through effects; the
//! cursor (where each shard stands) travels with them, so the reducer stays pure.

use std::collections::VecDeque;

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{View, ViewId, ViewSpec};
use super::request::{Request, RequestId};
use super::state::App;
use super::update::open_view;
use crate::model::{PeekCursor, PeekFrom, PeekRecord};

/// Records kept on screen; older ones scroll away.
pub const RECORDS_KEPT: usize = 1_000;
/// Records asked for per read.
const READ_LIMIT: usize = 500;
/// Follow mode reads again this often (each shard at most once a second).
const FOLLOW_EVERY_MS: u64 = 1_000;
/// Records a page key moves.
const PAGE: usize = 10;

pub const VIEW: &dyn View = &Peek;

struct Peek;

const KEYS: &[Binding] = &[
    bind(Command::Follow, &["f"], "follow new records on or off").hint("follow"),
    bind(Command::From, &["t"], "start from latest / trim-horizon").hint("from"),
    bind(Command::Down, &["j", "↓"], "select a record").and(Command::Up, &["k", "↑"]),
    bind(Command::PageDown, &["pgdn"], "move ten records").and(Command::PageUp, &["pgup"]),
    bind(Command::Top, &["home", "g"], "the first / the newest record").and(Command::Bottom, &["end", "G"]),
];

const SPEC: ViewSpec = ViewSpec { title: "Peek", opened_from: "a stream's detail", keys: KEYS, ..ViewSpec::NONE };

impl View for Peek {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        let now = app.now_ms;
        let Some(view) = app.peek.as_mut() else { return false };
        let last = view.records.len().saturating_sub(1);
        let s = &mut view.list.selected;
        match command {
            Command::Follow => {
                view.follow = !view.follow;
                view.due_at_ms = if view.follow { now } else { u64::MAX };
            }
            Command::From => {
                view.from = match view.from {
                    PeekFrom::Latest => PeekFrom::TrimHorizon,
                    _ => PeekFrom::Latest,
                };
                view.records.clear();
                view.list = ListCursor::default();
                view.cursor = None;
                view.due_at_ms = u64::MAX;
                let id = view.request.restart(now);
                effects.push(Effect::OpenPeek {
                    stream: view.stream.clone(),
                    shard: view.shard.clone(),
                    from: view.from,
                    id,
                });
            }
            Command::Down => *s = (*s + 1).min(last),
            Command::Up => *s = s.saturating_sub(1),
            Command::Top => *s = 0,
            Command::Bottom => *s = last,
            Command::PageDown => *s = (*s + PAGE).min(last),
            Command::PageUp => *s = s.saturating_sub(PAGE),
            _ => return false,
        }
        true
    }

    fn next_wake_ms(&self, app: &App) -> Option<u64> {
        let view = app.peek.as_ref()?;
        (app.view() == ViewId::Peek && !view.request.is_loading() && view.due_at_ms != u64::MAX)
            .then_some(view.due_at_ms)
    }

    /// A read is due: ask for it (only while the view is on screen).
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        let now_ms = app.now_ms;
        let on_screen = app.view() == ViewId::Peek;
        let Some(view) = app.peek.as_mut() else { return };
        if !on_screen || view.request.is_loading() || now_ms < view.due_at_ms {
            return;
        }
        if let Some(cursor) = view.cursor.clone() {
            if let Some(id) = view.request.start(now_ms) {
                effects.push(Effect::ReadPeek { cursor, limit: READ_LIMIT, id });
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeekView {
    pub stream: String,
    pub shard: Option<String>,
    pub from: PeekFrom,
    pub cursor: Option<PeekCursor>,
    pub records: VecDeque<PeekRecord>,
    pub list: ListCursor,
    pub follow: bool,
    /// The read under way (opening the cursor, or reading onwards).
    pub request: Request,
    pub due_at_ms: u64,
}

impl PeekView {
    pub fn selected(&self) -> Option<&PeekRecord> {
        self.records.get(self.list.selected)
    }
}

/// Opens the peek on a stream (one shard, or all of them), following from the latest record.
pub fn open(app: &mut App, stream: &str, shard: Option<String>, effects: &mut Vec<Effect>) {
    let mut request = Request::default();
    let id = request.restart(app.now_ms);
    app.peek = Some(PeekView {
        stream: stream.to_string(),
        shard: shard.clone(),
        from: PeekFrom::Latest,
        cursor: None,
        records: VecDeque::new(),
        list: ListCursor::default(),
        follow: true,
        request,
        due_at_ms: u64::MAX,
    });
    open_view(app, ViewId::Peek);
    effects.push(Effect::OpenPeek { stream: stream.to_string(), shard, from: PeekFrom::Latest, id });
}

/// The cursor opened (or why not); reading starts at once.
pub fn opened(app: &mut App, id: RequestId, result: Result<PeekCursor, String>) -> Result<(), String> {
    let now_ms = app.now_ms;
    let Some(view) = app.peek.as_mut() else { return Ok(()) };
    if !view.request.accept(id, now_ms, &result) {
        return Ok(());
    }
    view.cursor = Some(result?);
    view.due_at_ms = now_ms;
    Ok(())
}

/// Records read onwards from the cursor; the cursor comes back moved.
pub fn read(
    app: &mut App,
    id: RequestId,
    cursor: PeekCursor,
    result: Result<Vec<PeekRecord>, String>,
) -> Result<(), String> {
    let now_ms = app.now_ms;
    let Some(view) = app.peek.as_mut() else { return Ok(()) };
    if !view.request.accept(id, now_ms, &result) {
        return Ok(());
    }
    view.cursor = Some(cursor);
    view.due_at_ms = if view.follow { now_ms + FOLLOW_EVERY_MS } else { u64::MAX };
    let records = result?;
    let at_end = view.list.selected + 1 >= view.records.len();
    view.records.extend(records);
    while view.records.len() > RECORDS_KEPT {
        view.records.pop_front();
        view.list.selected = view.list.selected.saturating_sub(1);
    }
    // Following: stay on the newest record unless the operator moved away from it.
    if view.follow && at_end {
        view.list.selected = view.records.len().saturating_sub(1);
    }
    Ok(())
}
