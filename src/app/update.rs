//! The reducer: `update(app, action, now)` changes state and returns the effects to run.
//! No I/O happens here. Keys are read in `input`, answers to reads in `answers`, changes coming
//! back from the write gate in `changed`; every view then does its housekeeping.

use chrono::{DateTime, Utc};
use crossterm::event::KeyEventKind;

use super::action::{Action, Effect};
use super::command::Command;
use super::confirm::{ConfirmDialog, Then};
use super::list;
use super::registry::ViewId;
use super::report::{expire_toasts, report_error, ErrorSource};
use super::request::RequestId;
use super::state::*;
use crate::model::{Change, PlatformSnapshot};
use crate::ops::health;
use crate::platform::PlatformError;

/// Backing off after failures never waits longer than this.
const MAX_BACKOFF_MS: u64 = 300_000;

pub fn update(app: &mut App, action: Action, now_ms: u64) -> Vec<Effect> {
    app.now_ms = now_ms;
    // Whatever happens but time passing may change what is on screen.
    if !matches!(action, Action::Tick) {
        app.dirty = true;
    }
    let mut effects = Vec::new();
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => super::input::on_key(app, key, &mut effects),
        Action::Key(_) | Action::Tick => {}
        Action::Mouse(mouse) => {
            if app.mode == Mode::Normal && !super::layout::too_small(app.width, app.height) {
                list::on_mouse(app, mouse);
            }
        }
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            list::clamp_cursors(app);
        }
        Action::SnapshotLoaded { id, result, at } => snapshot_loaded(app, id, result, at, &mut effects),
        Action::Changed { change, started_ms, result, at } => {
            super::changed::changed(app, change, started_ms, result, at, &mut effects)
        }
        Action::Failed { source, message, at } => report_error(app, source, &message, at),
        Action::Quit => quit(app, &mut effects),
        answer => super::answers::answered(app, answer, &mut effects),
    }
    housekeeping(app, &mut effects);
    effects
}

/// After every action: each view starts what is due, toasts expire, the refresh comes round.
fn housekeeping(app: &mut App, effects: &mut Vec<Effect>) {
    let shown = app.view();
    if app.on_screen.replace(shown).is_some_and(|before| before != shown) {
        shown.view().shown_again(app, effects);
    }
    for view in ViewId::ALL {
        view.view().housekeeping(app, effects);
    }
    effects.extend(super::confirm::take_journal(app));
    if expire_toasts(app) {
        app.dirty = true;
    }
    if !app.quitting && app.now_ms >= app.refresh.due_at_ms {
        if let Some(id) = app.refresh.request.start(app.now_ms) {
            effects.push(Effect::FetchSnapshot { id });
        }
    }
}

/// A refresh's snapshot arrived: the layers are judged again and the view on screen reads what
/// it shows; a failure keeps the data's time (the header says STALE since then) and backs off
/// (twice the interval, doubling, at most five minutes) unless the endpoint was unreachable.
fn snapshot_loaded(
    app: &mut App,
    id: RequestId,
    result: Result<Box<PlatformSnapshot>, PlatformError>,
    at: DateTime<Utc>,
    effects: &mut Vec<Effect>,
) {
    let now_ms = app.now_ms;
    if !app.refresh.request.accept(id, now_ms, &result) {
        return;
    }
    match result {
        Ok(snapshot) => {
            for problem in &snapshot.problems {
                report_error(app, ErrorSource::Refresh, problem, at);
            }
            if let Some(audit) = snapshot.audit.ready() {
                super::markers::writes_read(app, &audit.writes, snapshot.taken_at);
            }
            super::markers::after_refresh(app, snapshot.taken_at, effects);
            app.layers = health::assess(&snapshot, app.thresholds);
            super::slo::judged(app, &snapshot);
            app.snapshot = Some(*snapshot);
            app.refresh.last_success = Some(at);
            app.refresh.failures = 0;
            app.refresh.due_at_ms = now_ms + app.refresh_interval_ms;
            list::clamp_cursors(app);
            app.view().view().refreshed(app, effects);
        }
        Err(error) => {
            app.refresh.failures += 1;
            app.refresh.due_at_ms = now_ms + backoff_ms(app.refresh_interval_ms, app.refresh.failures, &error);
            report_error(app, ErrorSource::Refresh, &error.to_string(), at);
        }
    }
}

/// How long after the `failures`-th failed refresh in a row to read again. An endpoint that cannot
/// be reached costs nothing to ask again: the data recovers within one refresh of its return. A
/// service that answered with an error is given room.
pub(super) fn backoff_ms(interval_ms: u64, failures: u32, error: &PlatformError) -> u64 {
    let backoff = match error {
        PlatformError::Unreachable { .. } => interval_ms,
        _ => interval_ms.saturating_mul(1 << failures.min(6)),
    };
    backoff.min(MAX_BACKOFF_MS)
}

pub(super) fn quit(app: &mut App, effects: &mut Vec<Effect>) {
    if !app.quitting {
        app.quitting = true;
        // A query still running (a signal ends the console at once) gets an end in the journal,
        // as every query does: it was left to run.
        if let Some(running) = app.athena.running.take().filter(|r| r.id.is_some()) {
            let sql = app.athena.history.last().map_or("", String::as_str);
            let outcome = format!(
                "unknown: lakeops ended while query {} ran, without cancelling it: it may still be running",
                running.id.unwrap_or_default()
            );
            effects.push(super::athena_query::query_record(running.workgroup, sql, outcome));
        }
        effects.push(Effect::Quit);
    }
}

/// Quit, asked for by a key: a query still running on Athena (which would go on scanning, and
/// billing, after the console ends) is offered a cancel first, and SQL the editor holds that
/// was never run is said to be lost; otherwise the console ends at once. A signal quits at once.
fn ask_quit(app: &mut App, effects: &mut Vec<Effect>) {
    let running = app.athena.running.as_ref().and_then(|r| r.id.clone());
    let sql = app.athena.editor.text();
    let draft = !sql.trim().is_empty() && app.athena.history.last() != Some(&sql);
    if app.quitting || (running.is_none() && !draft) {
        return quit(app, effects);
    }
    let mut lines = Vec::new();
    let (effect, then) = match running {
        Some(id) => {
            lines.push(format!(
                "Athena query {} is still running: it would go on scanning after lakeops ends.",
                crate::model::text::sanitize(&id)
            ));
            (Some(Effect::Change { change: Change::StopQuery { id }, detail: String::new() }), Then::QuitWhenCancelled)
        }
        None => (None, Then::Quit),
    };
    if draft {
        lines.push("The SQL in :athena's editor was never run and is not kept: quitting loses it.".to_string());
    }
    let title = if effect.is_some() { "Cancel the running query and quit?" } else { "Quit?" };
    app.mode = Mode::Confirm(Box::new(ConfirmDialog {
        title: title.into(),
        lines,
        effect,
        refusal: None,
        then: Some(then),
        journal: None,
    }));
}

/// The console's own meaning of a command, after the view and its list had theirs.
pub fn run(app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
    match command {
        Command::Quit | Command::Interrupt => ask_quit(app, effects),
        Command::Help => app.mode = Mode::Help { scroll: 0 },
        Command::CommandLine => app.mode = Mode::Command { input: String::new(), stem: None, index: 0 },
        Command::Back => back(app),
        Command::Refresh => {
            if !app.refresh.request.is_loading() {
                app.refresh.due_at_ms = app.now_ms;
            }
        }
        _ => return false,
    }
    true
}

pub fn open_view(app: &mut App, view: ViewId) {
    if app.view() != view {
        app.views.retain(|v| *v != view);
        app.views.push(view);
    }
    app.mode = Mode::Normal;
}

/// Clears the list's filter, or goes back to the previous view.
fn back(app: &mut App) {
    if list::clear_filter(app) {
        return;
    }
    if app.views.len() > 1 {
        app.views.pop();
    }
}
