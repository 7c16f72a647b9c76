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
use crate::model::text::sanitize;
use crate::model::{PeekCursor, PeekFrom, PeekRecord};
use crate::ops::record_view::{self, ViewLine};

/// Records kept on screen; older ones scroll away.
pub const RECORDS_KEPT: usize = 1_000;
/// Bytes of records kept unless `console.peek_memory_mib` says otherwise: older ones scroll
/// away sooner when records are large (1,000 records of 1 MiB would be 1 GiB).
pub const DEFAULT_MEMORY_MIB: u64 = 64;
/// Characters of a record's data kept for its line in the list (wider than any terminal).
const PREVIEW_CHARS: usize = 400;
/// Lines of the selected record shown below the list; the rest is counted.
const DETAIL_LINES: usize = 2_000;
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
                view.bytes = 0;
                view.detail = None;
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
        view.settle();
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

/// `mib` mebibytes in bytes, as the peek's budget.
pub fn budget_bytes(mib: u64) -> usize {
    usize::try_from(mib.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
}

/// A record as the view shows it: read and made safe once, when it arrives, not on every frame.
#[derive(Debug, Clone, PartialEq)]
pub struct PeekRow {
    pub record: PeekRecord,
    pub shard: String,
    pub key: String,
    /// The start of its data on one line, sanitized.
    pub preview: String,
}

impl PeekRow {
    pub fn new(record: PeekRecord) -> PeekRow {
        PeekRow {
            shard: sanitize(&record.shard),
            key: sanitize(&record.partition_key),
            preview: record_view::preview(&record.data, PREVIEW_CHARS),
            record,
        }
    }

    /// What the row holds in memory, roughly.
    fn bytes(&self) -> usize {
        self.record.data.len() + self.preview.len() + self.key.len() + self.record.sequence.len() + 64
    }
}

/// The selected record's lines, made when the selection changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The record they are of (shard, sequence).
    pub of: (String, String),
    pub lines: Vec<ViewLine>,
    /// Lines not kept beyond [`DETAIL_LINES`].
    pub more: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PeekView {
    pub stream: String,
    pub shard: Option<String>,
    pub from: PeekFrom,
    pub cursor: Option<PeekCursor>,
    pub records: VecDeque<PeekRow>,
    /// What `records` holds, and the most it may.
    pub bytes: usize,
    pub budget_bytes: usize,
    pub detail: Option<Detail>,
    pub list: ListCursor,
    pub follow: bool,
    /// The read under way (opening the cursor, or reading onwards).
    pub request: Request,
    pub due_at_ms: u64,
}

impl PeekView {
    pub fn selected(&self) -> Option<&PeekRow> {
        self.records.get(self.list.selected)
    }

    /// Keeps the newest records within the count and the byte budget.
    fn trim(&mut self) {
        while self.records.len() > RECORDS_KEPT || (self.bytes > self.budget_bytes && self.records.len() > 1) {
            if let Some(old) = self.records.pop_front() {
                self.bytes = self.bytes.saturating_sub(old.bytes());
            }
            self.list.selected = self.list.selected.saturating_sub(1);
        }
    }

    /// Makes the selected record's lines, when the selection moved to another record.
    fn settle(&mut self) {
        let Some(row) = self.selected() else {
            self.detail = None;
            return;
        };
        let of = (row.record.shard.clone(), row.record.sequence.clone());
        if self.detail.as_ref().is_some_and(|d| d.of == of) {
            return;
        }
        let mut lines = record_view::lines(&row.record.data);
        let more = lines.len().saturating_sub(DETAIL_LINES);
        lines.truncate(DETAIL_LINES);
        self.detail = Some(Detail { of, lines, more });
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
        bytes: 0,
        budget_bytes: app.peek_budget_bytes,
        detail: None,
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
    for record in records {
        let row = PeekRow::new(record);
        view.bytes += row.bytes();
        view.records.push_back(row);
        view.trim();
    }
    // Following: stay on the newest record unless the operator moved away from it.
    if view.follow && at_end {
        view.list.selected = view.records.len().saturating_sub(1);
    }
    view.settle();
    Ok(())
}
