//! The record peek view: state and reducer steps. Records arrive through effects; the
//! cursor (where each shard stands) travels with them, so the reducer stays pure.

use std::collections::VecDeque;

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::state::{App, ListCursor};
use super::update::open_view;
use super::view::ViewId;
use crate::model::{PeekCursor, PeekFrom, PeekRecord};

/// Records kept on screen; older ones scroll away.
pub const RECORDS_KEPT: usize = 1_000;
/// Records asked for per read.
const READ_LIMIT: usize = 500;
/// Follow mode reads again this often (each shard at most once a second).
const FOLLOW_EVERY_MS: u64 = 1_000;

#[derive(Debug, Clone, PartialEq)]
pub struct PeekView {
    pub stream: String,
    pub shard: Option<String>,
    pub from: PeekFrom,
    pub cursor: Option<PeekCursor>,
    pub records: VecDeque<PeekRecord>,
    pub list: ListCursor,
    pub follow: bool,
    pub in_flight: bool,
    pub due_at_ms: u64,
}

impl PeekView {
    pub fn selected(&self) -> Option<&PeekRecord> {
        self.records.get(self.list.selected)
    }
}

/// Opens the peek on a stream (one shard, or all of them), following from the latest record.
pub fn open(app: &mut App, stream: &str, shard: Option<String>, effects: &mut Vec<Effect>) {
    app.peek = Some(PeekView {
        stream: stream.to_string(),
        shard: shard.clone(),
        from: PeekFrom::Latest,
        cursor: None,
        records: VecDeque::new(),
        list: ListCursor::default(),
        follow: true,
        in_flight: true,
        due_at_ms: u64::MAX,
    });
    open_view(app, ViewId::Peek);
    effects.push(Effect::OpenPeek { stream: stream.to_string(), shard, from: PeekFrom::Latest });
}

pub fn opened(app: &mut App, result: Result<PeekCursor, String>, now_ms: u64) -> Result<(), String> {
    let Some(view) = app.peek.as_mut() else { return Ok(()) };
    view.in_flight = false;
    let cursor = result?;
    view.cursor = Some(cursor);
    view.due_at_ms = now_ms;
    Ok(())
}

pub fn read(
    app: &mut App,
    cursor: PeekCursor,
    result: Result<Vec<PeekRecord>, String>,
    now_ms: u64,
) -> Result<(), String> {
    let Some(view) = app.peek.as_mut() else { return Ok(()) };
    view.in_flight = false;
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

/// A read is due: ask for it.
pub fn poll(app: &mut App, now_ms: u64, effects: &mut Vec<Effect>) {
    let Some(view) = app.peek.as_mut() else { return };
    if app.views.last() != Some(&ViewId::Peek) || view.in_flight || now_ms < view.due_at_ms {
        return;
    }
    if let Some(cursor) = view.cursor.clone() {
        view.in_flight = true;
        effects.push(Effect::ReadPeek { cursor, limit: READ_LIMIT });
    }
}

pub fn next_wake_ms(app: &App) -> Option<u64> {
    let view = app.peek.as_ref()?;
    (app.views.last() == Some(&ViewId::Peek) && !view.in_flight && view.due_at_ms != u64::MAX).then_some(view.due_at_ms)
}

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let now = app.now_ms;
    let Some(view) = app.peek.as_mut() else { return false };
    let last = view.records.len().saturating_sub(1);
    match key.code {
        KeyCode::Char('f') => {
            view.follow = !view.follow;
            view.due_at_ms = if view.follow { now } else { u64::MAX };
        }
        KeyCode::Char('t') => {
            let from = match view.from {
                PeekFrom::Latest => PeekFrom::TrimHorizon,
                _ => PeekFrom::Latest,
            };
            view.from = from;
            view.records.clear();
            view.list = ListCursor::default();
            view.cursor = None;
            view.in_flight = true;
            view.due_at_ms = u64::MAX;
            effects.push(Effect::OpenPeek { stream: view.stream.clone(), shard: view.shard.clone(), from });
        }
        KeyCode::Char('j') | KeyCode::Down => view.list.selected = (view.list.selected + 1).min(last),
        KeyCode::Char('k') | KeyCode::Up => view.list.selected = view.list.selected.saturating_sub(1),
        KeyCode::Home | KeyCode::Char('g') => view.list.selected = 0,
        KeyCode::End | KeyCode::Char('G') => view.list.selected = last,
        KeyCode::PageDown => view.list.selected = (view.list.selected + 10).min(last),
        KeyCode::PageUp => view.list.selected = view.list.selected.saturating_sub(10),
        _ => return false,
    }
    true
}
