//! The changes marked on every chart: kept from each refresh's CloudTrail writes, lakeops' journal
//! and the stack's events; one of them is named under the charts (the latest, or the one stepped
//! to), and one key opens it where it is recorded. Which events are changes is
//! [`crate::ops::markers`]'s rule.

use chrono::{DateTime, Utc};

use super::action::Effect;
use super::audit::AuditWindow;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::registry::ViewId;
use super::state::App;
use super::update::open_view;
use crate::journal::Entry;
use crate::model::{AuditEvent, StackEvent};
use crate::ops::markers::{self, ChangeMark, Origin};

/// The keys of every view with charts ([`super::keymap::Context::Charts`]).
pub(crate) const KEYS: &[Binding] = &[
    bind(Command::EarlierChange, &["["], "name the change before / after the one named under the charts")
        .and(Command::LaterChange, &["]"])
        .hint("changes"),
    bind(Command::ShowChange, &["C"], "open the named change in :audit (a stack operation in :stack)")
        .hint("the change"),
];

/// The stack's events are read for the charts at most this often (DescribeStacks and
/// DescribeStackEvents), while a view with charts is on screen; `:stack` reads them more often.
pub const STACK_EVERY_MS: u64 = 300_000;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Markers {
    /// Every change of the last day, oldest first.
    pub marks: Vec<ChangeMark>,
    /// The change named under the charts, stepped to with the keys; the latest when `None`.
    pub chosen: Option<ChangeMark>,
    /// When the charts last asked for the stack's events (monotonic ms).
    pub stack_asked_ms: Option<u64>,
}

impl Markers {
    /// The change named under the charts: the one stepped to, else the latest.
    pub fn named(&self) -> Option<&ChangeMark> {
        self.chosen.as_ref().filter(|c| self.marks.contains(c)).or(self.marks.last())
    }

    fn index_of_named(&self) -> Option<usize> {
        let named = self.named()?;
        self.marks.iter().position(|m| m == named)
    }
}

/// A refresh's CloudTrail writes.
pub fn writes_read(app: &mut App, writes: &[AuditEvent], now: DateTime<Utc>) {
    markers::merge(&mut app.markers.marks, markers::from_audit(writes), now);
}

/// lakeops' journal, read after a refresh: this profile's changes to the platform it sees
/// (`Journal::current`). A journal that cannot be read
/// is said in `:errors` by `:audit`; here its entries are only missing.
pub fn journal_read(app: &mut App, entries: &[Entry], now: DateTime<Utc>) {
    let marks = markers::from_journal(entries);
    markers::merge(&mut app.markers.marks, marks, now);
}

/// The stack's events, however they were read (`:stack`, an apply followed, the charts' own read).
pub fn stack_read(app: &mut App, events: &[StackEvent], now: DateTime<Utc>) {
    let name = app.stack.name().to_string();
    markers::merge(&mut app.markers.marks, markers::from_stack(&name, events), now);
}

/// What the charts read after each refresh: the journal every time (a local file, read from
/// its end back one day), and the stack's events when they are due.
pub fn after_refresh(app: &mut App, now: DateTime<Utc>, effects: &mut Vec<Effect>) {
    effects.push(Effect::ReadJournal { since: now - chrono::Duration::hours(markers::KEPT_HOURS) });
    let due = app.markers.stack_asked_ms.is_none_or(|at| app.now_ms >= at + STACK_EVERY_MS);
    if app.view().spec().charts && app.stack.target.is_some() && due && !app.stack.request.is_loading() {
        app.markers.stack_asked_ms = Some(app.now_ms);
        super::stack::fetch(app, effects);
    }
}

/// The charts' keys; false for any other command.
pub fn command(app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
    if !app.view().spec().charts {
        return false;
    }
    match command {
        Command::EarlierChange | Command::LaterChange => {
            let Some(at) = app.markers.index_of_named() else { return true };
            let to = if command == Command::EarlierChange {
                at.saturating_sub(1)
            } else {
                (at + 1).min(app.markers.marks.len() - 1)
            };
            app.markers.chosen = app.markers.marks.get(to).cloned();
        }
        Command::ShowChange => show(app, effects),
        _ => return false,
    }
    true
}

/// Opens the named change where it is recorded: `:audit` over a window that holds it, its row
/// selected when the events arrive; a stack operation in `:stack`, scrolled to it.
fn show(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(mark) = app.markers.named().cloned() else { return };
    if mark.origin == Origin::Stack {
        open_view(app, ViewId::Stack);
        let at_ms = mark.time.timestamp_millis();
        if let Some(i) = app.stack.events.iter().position(|e| e.at_ms == at_ms && e.status == mark.what) {
            app.stack.scroll = i;
        }
        return;
    }
    let age = super::audit::reference_time(app) - mark.time;
    let window = [AuditWindow::H1, AuditWindow::H6, AuditWindow::H24, AuditWindow::D7]
        .into_iter()
        .find(|w| age <= chrono::Duration::hours(w.hours()))
        .unwrap_or(AuditWindow::D7);
    super::audit::open_on(app, window, mark, effects);
}
