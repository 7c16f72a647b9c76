//! The reducer: `update(app, action, now)` changes state and returns the effects to run.
//! No I/O happens here.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::action::{Action, Effect};
use super::athena;
use super::audit;
use super::glue;
use super::keymap::{self, Command};
use super::lambda;
use super::layout;
use super::peek;
use super::prompt;
use super::stack;
use super::state::*;
use super::streams;
use super::view::ViewId;
use crate::model::{Applied, Change};
use crate::ops::health;
use crate::platform::GateError;

/// Backing off after failures never waits longer than this.
const MAX_BACKOFF_MS: u64 = 300_000;

pub fn update(app: &mut App, action: Action, now_ms: u64) -> Vec<Effect> {
    app.now_ms = now_ms;
    let mut effects = Vec::new();
    match action {
        Action::Key(key) if key.kind != KeyEventKind::Release => on_key(app, key, &mut effects),
        Action::Key(_) => {}
        Action::Mouse(mouse) => on_mouse(app, mouse),
        Action::Resize { width, height } => {
            app.width = width;
            app.height = height;
            clamp_cursors(app);
            app.dirty = true;
        }
        Action::Tick => {}
        Action::SnapshotLoaded { result, at } => {
            app.refresh.in_flight = false;
            match result {
                Ok(snapshot) => {
                    for problem in &snapshot.problems {
                        report_error(app, "refresh", problem, at);
                    }
                    app.layers = health::assess(&snapshot, app.thresholds);
                    app.snapshot = Some(*snapshot);
                    app.refresh.last_success = Some(at);
                    app.refresh.failures = 0;
                    app.refresh.due_at_ms = now_ms + app.refresh_interval_ms;
                    clamp_cursors(app);
                    if app.view() == ViewId::StreamDetail {
                        streams::refresh_detail(app, &mut effects);
                    }
                    if app.view() == ViewId::Audit {
                        audit::refresh(app, &mut effects);
                    }
                    if app.view() == ViewId::Glue {
                        glue::fetch(app, &mut effects);
                    }
                    stack::refresh(app, &mut effects);
                }
                Err(error) => {
                    app.refresh.failures += 1;
                    let backoff = app.refresh_interval_ms.saturating_mul(1 << app.refresh.failures.min(6));
                    app.refresh.due_at_ms = now_ms + backoff.min(MAX_BACKOFF_MS);
                    report_error(app, "refresh", &error.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::StreamDetailLoaded { stream, result, at } => {
            let Some(detail) = app.detail.as_mut().filter(|d| d.stream == stream) else { return effects };
            detail.loading = false;
            match result {
                Ok(loaded) => {
                    let (facts, series) = *loaded;
                    let warnings = facts.warnings.clone();
                    detail.shards.selected =
                        detail.shards.selected.min((facts.open_count() as usize).saturating_sub(1));
                    detail.facts = Some(facts);
                    detail.series = Some(series);
                    for warning in warnings {
                        report_error(app, "stream", &warning, at);
                    }
                }
                Err(e) => report_error(app, "stream", &e.to_string(), at),
            }
            app.dirty = true;
        }
        Action::AuditLoaded { result, at } => {
            match result {
                Ok(events) => audit::loaded(app, events),
                Err(e) => {
                    // Tried: the next refresh looks up again, not the next key (no retry storm).
                    app.audit.loading = false;
                    app.audit.loaded_once = true;
                    report_error(app, "audit", &e.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::LogsLoaded { append, result, at } => {
            match result {
                Ok(events) => lambda::loaded(app, append, events),
                Err(e) => {
                    lambda::failed(app);
                    report_error(app, "logs", &e.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::TailEvents { events } => {
            lambda::streamed(app, events);
            app.dirty = true;
        }
        Action::TailEnded { result, at } => {
            if let Err(e) = result {
                report_error(app, "logs", &format!("live tail unavailable ({e}); polling every 2 s instead"), at);
            }
            lambda::tail_ended(app);
            app.dirty = true;
        }
        Action::GlueLoaded { result, at } => {
            match result {
                Ok(data) => {
                    for warning in &data.warnings {
                        report_error(app, "glue", warning, at);
                    }
                    glue::loaded(app, *data);
                    athena::catalog_loaded(app);
                }
                Err(e) => {
                    // Tried: the next refresh reads again, not the next key (no retry storm).
                    app.glue.loading = false;
                    app.glue.loaded_once = true;
                    report_error(app, "glue", &e.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::StackLoaded { result, at } => {
            match result {
                Ok((summary, events)) => stack::loaded(app, summary, events),
                Err(e) => {
                    app.stack.loading = false;
                    app.stack.loaded_once = true;
                    report_error(app, "stack", &e.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::DriftLoaded { result, at } => {
            match result {
                Ok(drift) => stack::drift_loaded(app, drift),
                Err(e) => {
                    app.stack.drifting = false;
                    report_error(app, "drift", &e.to_string(), at);
                }
            }
            app.dirty = true;
        }
        Action::Failed { source, message, at } => report_error(app, &source, &message, at),
        Action::Changed { change, started_ms, result, at } => {
            changed(app, change, started_ms, result, at, &mut effects);
            app.dirty = true;
        }
        Action::SavedQueriesLoaded { result, at } => {
            match result {
                Ok(list) => athena::saved_loaded(app, list),
                Err(e) => report_error(app, "athena", &e.to_string(), at),
            }
            app.dirty = true;
        }
        Action::WorkgroupHistoryLoaded { result, at } => {
            match result {
                Ok(past) => athena::workgroup_history_loaded(app, past),
                Err(e) => report_error(app, "athena", &e.to_string(), at),
            }
            app.dirty = true;
        }
        Action::WorkgroupsLoaded { result, at } => {
            match result {
                Ok(names) => athena::workgroups_loaded(app, names),
                Err(e) => report_error(app, "athena", &e.to_string(), at),
            }
            app.dirty = true;
        }
        Action::QueryHistoryLoaded { entries } => {
            athena::history_loaded(app, entries);
        }
        Action::QueryPolled { id, result } => {
            athena::polled(app, &id, result.map_err(|e| e.to_string()), &mut effects);
            app.dirty = true;
        }
        Action::QueryResultsLoaded { id, first, result } => {
            athena::results_loaded(app, &id, first, result.map_err(|e| e.to_string()));
            app.dirty = true;
        }
        Action::Exported { result, at } => {
            match result {
                Ok((path, rows)) => toast(
                    app,
                    ToastLevel::Info,
                    format!("{} rows written to {path}", crate::ops::format::thousands(rows as f64)),
                ),
                Err(e) => report_error(app, "export", &e, at),
            }
            app.dirty = true;
        }
        Action::PeekOpened { result, at } => {
            if let Err(e) = peek::opened(app, result.map_err(|e| e.to_string()), now_ms) {
                report_error(app, "peek", &e, at);
            }
            app.dirty = true;
        }
        Action::PeekRead { cursor, result, at } => {
            if let Err(e) = peek::read(app, cursor, result.map_err(|e| e.to_string()), now_ms) {
                report_error(app, "peek", &e, at);
            }
            app.dirty = true;
        }
        Action::Quit => quit(app, &mut effects),
    }
    peek::poll(app, now_ms, &mut effects);
    audit::on_open(app, &mut effects);
    glue::on_open(app, &mut effects);
    lambda::on_open(app, &mut effects);
    athena::on_open(app, &mut effects);
    lambda::poll(app, now_ms, &mut effects);
    athena::poll(app, now_ms, &mut effects);
    stack::on_open(app, &mut effects);
    stack::poll(app, now_ms, &mut effects);
    expire_toasts(app);
    if !app.quitting && !app.refresh.in_flight && now_ms >= app.refresh.due_at_ms {
        app.refresh.in_flight = true;
        effects.push(Effect::FetchSnapshot);
    }
    effects
}

/// A change came back from the write gate: the view that asked for it hears how it went.
fn changed(
    app: &mut App,
    change: Change,
    started_ms: i64,
    result: Result<Applied, GateError>,
    at: chrono::DateTime<chrono::Utc>,
    effects: &mut Vec<Effect>,
) {
    let result = result.map_err(|e| e.to_string());
    match change {
        Change::Reshard { stream, call } => {
            match result {
                Ok(_) => toast(app, ToastLevel::Info, format!("{} accepted: {stream} is UPDATING", call.api_name())),
                Err(e) => report_error(app, "reshard", &e, at),
            }
            streams::changed(app, effects);
        }
        Change::EnhancedMonitoring { stream, on } => {
            let what = if on { "enhanced monitoring on" } else { "enhanced monitoring off" };
            match result {
                Ok(_) => toast(app, ToastLevel::Info, format!("{what}: done on {stream}")),
                Err(e) => report_error(app, "change", &e, at),
            }
            streams::changed(app, effects);
        }
        Change::Glue(change) => {
            match result {
                Ok(applied) => toast(app, ToastLevel::Info, format!("{}: {}", change.api_name(), applied.answer())),
                Err(e) => report_error(app, "glue", &e, at),
            }
            app.glue.loading = false;
            glue::fetch(app, effects);
        }
        Change::StartQuery(_) => athena::started(app, result.map(|applied| applied.answer())),
        Change::StopQuery { .. } => athena::stopped(app, result.map(|_| ())),
        Change::SaveQuery(query) => match result {
            Ok(_) => toast(app, ToastLevel::Info, format!("saved as {:?}", query.name)),
            Err(e) => report_error(app, "athena", &e, at),
        },
        Change::PlanStack { .. } => match result {
            Ok(applied) => match applied.into_plan() {
                Some(plan) => stack::planned(app, plan, effects),
                None => stack::plan_failed(app, "the platform made no change set", at),
            },
            Err(e) => stack::plan_failed(app, &e, at),
        },
        Change::DiscardPlan { change_set, .. } => {
            if let Err(e) = result {
                report_error(app, "plan", &format!("the change set {change_set} was not deleted: {e}"), at);
            }
        }
        Change::ApplyPlan { .. } | Change::DeleteStack { .. } => {
            let kind = if matches!(change, Change::ApplyPlan { .. }) { "apply" } else { "delete" };
            match result {
                Ok(_) => stack::started(app, kind, started_ms, effects),
                Err(e) => report_error(app, kind, &e, at),
            }
        }
        Change::Sandbox(_) => {
            if let Err(e) = result {
                report_error(app, "sandbox", &e, at);
            }
        }
    }
}

/// Records an error in the history and shows it as a toast.
pub fn report_error(app: &mut App, source: &str, message: &str, at: chrono::DateTime<chrono::Utc>) {
    let message = crate::model::text::sanitize(message);
    match app.errors.back_mut() {
        Some(last) if last.source == source && last.message == message => {
            // The same error again: counted in the history, not toasted again.
            last.count += 1;
            last.at = at;
            app.dirty = true;
            return;
        }
        _ => {
            app.errors.push_back(ErrorRecord { at, source: source.into(), message: message.clone(), count: 1 });
            while app.errors.len() > ERRORS_KEPT {
                app.errors.pop_front();
            }
        }
    }
    toast(app, ToastLevel::Error, message);
}

pub fn toast(app: &mut App, level: ToastLevel, message: String) {
    app.toasts.retain(|t| t.message != message);
    app.toasts.push_back(Toast { level, message, expires_at_ms: app.now_ms + TOAST_MS });
    while app.toasts.len() > 3 {
        app.toasts.pop_front();
    }
    app.dirty = true;
}

fn expire_toasts(app: &mut App) {
    let now = app.now_ms;
    let before = app.toasts.len();
    app.toasts.retain(|t| t.expires_at_ms > now);
    if app.toasts.len() != before {
        app.dirty = true;
    }
}

fn quit(app: &mut App, effects: &mut Vec<Effect>) {
    if !app.quitting {
        app.quitting = true;
        effects.push(Effect::Quit);
    }
}

fn on_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    app.dirty = true;
    let cancels_query = app.view() == ViewId::Athena && app.athena.running.is_some() && app.mode == Mode::Normal;
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') && !cancels_query {
        return quit(app, effects);
    }
    match app.mode.clone() {
        Mode::Help => {
            if matches!(key.code, KeyCode::Esc | KeyCode::Char('?') | KeyCode::Char('q') | KeyCode::Enter) {
                app.mode = Mode::Normal;
            }
        }
        Mode::Command { .. } => prompt::command_key(app, key, effects),
        Mode::Filter { .. } => prompt::filter_key(app, key),
        Mode::Reshard(_) => streams::dialog_key(app, key, effects),
        Mode::Confirm(_) => super::confirm::key(app, key, effects),
        Mode::Arguments { .. } => glue::arguments_key(app, key),
        Mode::DeleteStack { .. } => stack::delete_key(app, key, effects),
        Mode::Export { .. } => athena::export_key(app, key, effects),
        Mode::Pick(_) => super::picker::key(app, key),
        Mode::SaveQuery { .. } => athena::save_key(app, key, effects),
        Mode::Normal => {
            let handled = match app.view() {
                ViewId::Streams => streams::list_key(app, key, effects),
                ViewId::StreamDetail => streams::detail_key(app, key, effects),
                ViewId::Peek => peek::key(app, key, effects),
                ViewId::Audit => audit::key(app, key, effects),
                ViewId::Glue => glue::key(app, key),
                ViewId::Stack => stack::key(app, key, effects),
                ViewId::Lambda => lambda::key(app, key, effects),
                ViewId::Athena => athena::key(app, key, effects),
                _ => false,
            };
            if handled {
                return;
            }
            if let Some(command) = keymap::command(app.view(), key) {
                run(app, command, effects);
            }
        }
    }
}

/// Carries out a command in normal mode.
pub fn run(app: &mut App, command: Command, effects: &mut Vec<Effect>) {
    match command {
        Command::Quit => quit(app, effects),
        Command::Help => app.mode = Mode::Help,
        Command::OpenCommandLine => app.mode = Mode::Command { input: String::new(), stem: None, index: 0 },
        Command::OpenFilter => {
            let input = cursor(app).map(|c| c.filter.clone()).unwrap_or_default();
            app.mode = Mode::Filter { input };
        }
        Command::Up => move_by(app, -1),
        Command::Down => move_by(app, 1),
        Command::PageUp => move_by(app, -(page(app, app.view()) as isize)),
        Command::PageDown => move_by(app, page(app, app.view()) as isize),
        Command::Top => move_by(app, isize::MIN / 2),
        Command::Bottom => move_by(app, isize::MAX / 2),
        Command::Open => {
            let rows = app.visible_layers();
            if let Some(&i) = rows.get(app.overview.selected) {
                open_view(app, ViewId::for_layer(app.layers[i].layer));
            }
        }
        Command::Back => back(app),
        Command::Refresh => {
            if !app.refresh.in_flight {
                app.refresh.due_at_ms = app.now_ms;
            }
        }
        Command::ClearErrors => {
            app.errors.clear();
            app.errors_cursor = ListCursor::default();
        }
    }
}

pub fn open_view(app: &mut App, view: ViewId) {
    if app.view() != view {
        app.views.retain(|v| *v != view);
        app.views.push(view);
    }
    app.mode = Mode::Normal;
}

fn back(app: &mut App) {
    if let Some(c) = cursor(app).filter(|c| !c.filter.is_empty()) {
        c.filter.clear();
        c.selected = 0;
        c.offset = 0;
        return;
    }
    if app.views.len() > 1 {
        app.views.pop();
    }
}

/// The list cursor of the view on screen.
pub fn cursor(app: &mut App) -> Option<&mut ListCursor> {
    match app.view() {
        ViewId::Overview => Some(&mut app.overview),
        ViewId::Errors => Some(&mut app.errors_cursor),
        ViewId::Streams => Some(&mut app.streams.cursor),
        ViewId::Audit => Some(&mut app.audit.cursor),
        ViewId::Alarms => Some(&mut app.alarms_cursor),
        _ => None,
    }
}

fn row_count(app: &App) -> usize {
    match app.view() {
        ViewId::Overview => app.visible_layers().len(),
        ViewId::Errors => app.visible_errors().len(),
        ViewId::Streams => streams::visible_streams(app).len(),
        ViewId::Audit => audit::visible(app).len(),
        ViewId::Alarms => app.visible_alarms().len(),
        _ => 0,
    }
}

/// How many items of `view`'s list fit on screen (overview rows take two lines).
fn page(app: &App, view: ViewId) -> usize {
    let rows = layout::list_rows(list_area(app, view)).height as usize;
    (rows / lines_per_row(view)).max(1)
}

fn lines_per_row(view: ViewId) -> usize {
    if view == ViewId::Overview {
        2
    } else {
        1
    }
}

/// The on-screen area of a view's list.
pub fn list_area(app: &App, view: ViewId) -> ratatui::layout::Rect {
    let area = ratatui::layout::Rect::new(0, 0, app.width, app.height);
    let body = layout::areas(area).body;
    match view {
        ViewId::Overview => layout::overview_split(body, crate::model::Layer::ALL.len() as u16).0,
        ViewId::Alarms => layout::alarms_split(body).1,
        _ => body,
    }
}

fn move_by(app: &mut App, delta: isize) {
    let count = row_count(app);
    let page = page(app, app.view());
    if let Some(c) = cursor(app) {
        let last = count.saturating_sub(1) as isize;
        c.selected = (c.selected as isize).saturating_add(delta).clamp(0, last.max(0)) as usize;
        keep_visible(c, page);
    }
}

fn keep_visible(c: &mut ListCursor, page: usize) {
    if c.selected < c.offset {
        c.offset = c.selected;
    } else if c.selected >= c.offset + page {
        c.offset = c.selected + 1 - page;
    }
}

/// After data or size changes, cursors stay on real rows.
pub fn clamp_cursors(app: &mut App) {
    let pages =
        (page(app, ViewId::Overview), page(app, ViewId::Errors), page(app, ViewId::Streams), page(app, ViewId::Alarms));
    let counts = (
        app.visible_layers().len(),
        app.visible_errors().len(),
        streams::visible_streams(app).len(),
        app.visible_alarms().len(),
    );
    for (c, count, page) in [
        (&mut app.overview, counts.0, pages.0),
        (&mut app.errors_cursor, counts.1, pages.1),
        (&mut app.streams.cursor, counts.2, pages.2),
        (&mut app.alarms_cursor, counts.3, pages.3),
    ] {
        c.selected = c.selected.min(count.saturating_sub(1));
        c.offset = c.offset.min(c.selected);
        keep_visible(c, page);
    }
}

fn on_mouse(app: &mut App, mouse: MouseEvent) {
    if app.mode != Mode::Normal || !keymap::has_list(app.view()) {
        return;
    }
    match mouse.kind {
        MouseEventKind::ScrollDown => move_by(app, 1),
        MouseEventKind::ScrollUp => move_by(app, -1),
        MouseEventKind::Down(MouseButton::Left) => {
            let rows = layout::list_rows(list_area(app, app.view()));
            if mouse.row < rows.y
                || mouse.row >= rows.y + rows.height
                || mouse.column < rows.x
                || mouse.column >= rows.x + rows.width
            {
                return;
            }
            let per = lines_per_row(app.view());
            let offset = cursor(app).map(|c| c.offset).unwrap_or(0);
            let index = offset + (mouse.row - rows.y) as usize / per;
            if index < row_count(app) {
                if let Some(c) = cursor(app) {
                    c.selected = index;
                }
            }
        }
        _ => return,
    }
    app.dirty = true;
}
