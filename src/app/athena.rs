//! `:athena`: a SQL editor, the running query's state and cost, and its results, fetched a
//! page at a time as the operator scrolls.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Effect;
use super::confirm::{readonly_refusal, readonly_refusal_of};
pub use super::editor::Editor;
use super::prompt::{edit_line, LineKey};
use super::state::App;
use crate::model::{Change, QueryRequest, QueryState, QueryStatus, ResultColumn, ResultPage};
use crate::ops::athena::{check_sql, drop_header};

/// While a query runs, GetQueryExecution once a second.
pub const POLL_EVERY_MS: u64 = 1_000;
/// Rows from the end of what is loaded at which the next page is asked for.
const PREFETCH_ROWS: usize = 50;

/// Where keys go: the editor takes every printable key; the results pane lets the console's
/// own keys (`:`, `q`, `?`) through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AthenaFocus {
    #[default]
    Editor,
    Results,
}

/// A query started from the pane.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    /// `None` until StartQueryExecution answers.
    pub id: Option<String>,
    pub started_ms: u64,
    pub status: Option<QueryStatus>,
    pub poll_due_ms: u64,
    pub polling: bool,
}

/// A finished query's results, as far as they are loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    pub id: String,
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    pub next_token: Option<String>,
    pub loading: bool,
    /// First row and first column shown.
    pub row: usize,
    pub column: usize,
    /// The first row shown, whole, in a popup (long cells wrapped).
    pub detail: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct AthenaView {
    pub editor: Editor,
    pub focus: AthenaFocus,
    pub running: Option<Running>,
    /// The last query that ended, with its statistics.
    pub last: Option<QueryStatus>,
    pub results: Option<Results>,
    /// Why the last run did not happen or did not succeed, as the operator should read it.
    pub error: Option<String>,
    /// Where a syntax error is in the editor: (row, column), from 0.
    pub error_at: Option<(usize, usize)>,
    /// SQL run before, oldest first; `recalled` is the entry in the editor, `draft` what was
    /// being written before recalling.
    pub history: Vec<String>,
    pub history_asked: bool,
    pub recalled: Option<usize>,
    pub draft: Option<String>,
    /// A word of guidance under the editor (completion choices, the new database).
    pub hint: Option<String>,
    /// What the catalog is being read for: it is used when it arrives.
    pub catalog_wanted: Option<CatalogUse>,
}

pub use super::athena_lists::CatalogUse;
pub use super::athena_lists::{catalog_loaded, saved_loaded, workgroup_history_loaded, workgroups_loaded};
use super::athena_lists::{complete, want_catalog};

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if key.code == KeyCode::F(5) || (key.code == KeyCode::Enter && ctrl) {
        run(app, effects);
        return true;
    }
    if ctrl {
        match key.code {
            KeyCode::Char('o') => open_saved(app, effects),
            KeyCode::Char('r') => {
                if let Some((workgroup, _)) = app.athena_target.clone() {
                    effects.push(Effect::LoadWorkgroupHistory { workgroup });
                }
            }
            KeyCode::Char('b') => want_catalog(app, CatalogUse::Browse, effects),
            KeyCode::Char('d') => want_catalog(app, CatalogUse::PickDatabase, effects),
            KeyCode::Char('w') => effects.push(Effect::LoadWorkgroups),
            KeyCode::Char('z') => {
                app.athena.editor.undo();
            }
            KeyCode::Char('y') => {
                app.athena.editor.redo();
            }
            _ => return ctrl_key(app, key, effects),
        }
        return true;
    }
    match app.athena.focus {
        AthenaFocus::Editor => editor_key(app, key, effects),
        AthenaFocus::Results => results_key(app, key, effects),
    }
}

/// Ctrl keys the pane shares with the console (Ctrl-S saves, Ctrl-C cancels or quits),
/// and Ctrl-Space, completion.
fn ctrl_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    match key.code {
        KeyCode::Char('s') => app.mode = super::state::Mode::SaveQuery { input: String::new(), error: None },
        // Ctrl-C cancels a running query; otherwise it quits, as everywhere.
        KeyCode::Char('c') => return cancel(app, effects),
        KeyCode::Char(' ') if app.athena.focus == AthenaFocus::Editor => {
            complete(app, effects);
        }
        _ => return false,
    }
    true
}

fn editor_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    app.athena.hint = None;
    // Tab completes the name being typed; with none (or when nothing starts so), it moves to
    // the results as Esc does.
    if key.code == KeyCode::Tab && !app.athena.editor.word_before_cursor().is_empty() && complete(app, effects) {
        return true;
    }
    app.athena.hint = None;
    let e = &mut app.athena.editor;
    match key.code {
        KeyCode::Esc | KeyCode::Tab => app.athena.focus = AthenaFocus::Results,
        KeyCode::Enter => e.newline(),
        KeyCode::Backspace => e.backspace(),
        KeyCode::Delete => e.delete(),
        KeyCode::Left if e.col > 0 => e.move_to(e.row, e.col - 1),
        KeyCode::Left if e.row > 0 => e.move_to(e.row - 1, usize::MAX),
        KeyCode::Right if e.col < e.lines[e.row].len() => e.move_to(e.row, e.col + 1),
        KeyCode::Right if e.row + 1 < e.lines.len() => e.move_to(e.row + 1, 0),
        KeyCode::Up if e.row > 0 => e.move_to(e.row - 1, e.col),
        KeyCode::Down if e.row + 1 < e.lines.len() => e.move_to(e.row + 1, e.col),
        // At the top line ↑ recalls older queries; at the bottom line ↓ newer ones.
        KeyCode::Up => recall(&mut app.athena, true),
        KeyCode::Down => recall(&mut app.athena, false),
        KeyCode::Home => e.move_to(e.row, 0),
        KeyCode::End => e.move_to(e.row, usize::MAX),
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => e.insert(c),
        _ => {}
    }
    // The editor keeps every key while it has the focus.
    true
}

fn results_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let page = app.height.saturating_sub(12) as usize;
    let view = &mut app.athena;
    match key.code {
        KeyCode::Esc if view.results.as_ref().is_some_and(|r| r.detail) => {
            if let Some(r) = view.results.as_mut() {
                r.detail = false;
            }
        }
        KeyCode::Enter if view.results.as_ref().is_some_and(|r| !r.rows.is_empty()) => {
            if let Some(r) = view.results.as_mut() {
                r.detail = !r.detail;
            }
        }
        KeyCode::Tab | KeyCode::Char('i') => view.focus = AthenaFocus::Editor,
        KeyCode::Char('x') => return cancel(app, effects),
        KeyCode::Char('o') => open_saved(app, effects),
        KeyCode::Char('e') if view.results.as_ref().is_some_and(|r| !r.columns.is_empty()) => {
            app.mode = super::state::Mode::Export { input: String::new(), error: None };
        }
        KeyCode::Char('c') | KeyCode::Char('C') => copy(app, key.code == KeyCode::Char('C'), effects),
        _ => {
            let Some(r) = view.results.as_mut() else { return false };
            let last_row = r.rows.len().saturating_sub(1);
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => r.row = (r.row + 1).min(last_row),
                KeyCode::Char('k') | KeyCode::Up => r.row = r.row.saturating_sub(1),
                KeyCode::PageDown => r.row = (r.row + page.max(1)).min(last_row),
                KeyCode::PageUp => r.row = r.row.saturating_sub(page.max(1)),
                KeyCode::Char('l') | KeyCode::Right => {
                    r.column = (r.column + 1).min(r.columns.len().saturating_sub(1));
                }
                KeyCode::Char('h') | KeyCode::Left => r.column = r.column.saturating_sub(1),
                _ => return false,
            }
            more_rows(app, effects);
        }
    }
    true
}

/// Copies the selected cell (the selected row's first column shown), or with `whole_row`
/// the row as a CSV line, to the terminal's clipboard.
fn copy(app: &mut App, whole_row: bool, effects: &mut Vec<Effect>) {
    let view = &mut app.athena;
    let Some(r) = view.results.as_ref() else { return };
    let Some(row) = r.rows.get(r.row) else { return };
    let (text, what) = if whole_row {
        let csv = crate::ops::athena::csv(&r.columns, std::slice::from_ref(row));
        let line = csv.split_once("\r\n").map(|(_, rest)| rest).unwrap_or(&csv).trim_end_matches("\r\n").to_string();
        (line, format!("row {} as CSV", r.row + 1))
    } else {
        let name = r.columns.get(r.column).map(|c| c.name.clone()).unwrap_or_default();
        match row.get(r.column) {
            Some(Some(value)) => (value.clone(), format!("{name} of row {}", r.row + 1)),
            _ => (String::new(), format!("{name} of row {} (NULL: nothing)", r.row + 1)),
        }
    };
    view.hint = Some(format!("copied {what} to the clipboard ({} characters, OSC 52)", text.chars().count()));
    effects.push(Effect::CopyToClipboard { text });
}

/// Asks for the next page when the view comes near the end of what is loaded.
fn more_rows(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(r) = app.athena.results.as_mut() else { return };
    if !r.loading && r.row + PREFETCH_ROWS >= r.rows.len() {
        if let Some(token) = r.next_token.clone() {
            r.loading = true;
            effects.push(Effect::FetchQueryResults { id: r.id.clone(), token: Some(token) });
        }
    }
}

fn run(app: &mut App, effects: &mut Vec<Effect>) {
    if app.athena.running.is_some() {
        app.athena.error = Some("a query is running: wait for it, or cancel it with Ctrl-C or x".into());
        return;
    }
    let sql = app.athena.editor.text();
    if let Err(e) = check_sql(&sql) {
        app.athena.error = Some(e);
        return;
    }
    let Some((workgroup, database)) = app.athena_target.clone() else {
        app.athena.error = Some("no Athena workgroup in this profile ([platform.athena] workgroup)".into());
        return;
    };
    let request = QueryRequest { sql: sql.clone(), database, workgroup };
    if let Some(refusal) = readonly_refusal(app, &Change::StartQuery(request.clone())) {
        app.athena.error = Some(refusal);
        return;
    }
    if app.athena.history.last() != Some(&sql) {
        app.athena.history.push(sql.clone());
    }
    app.athena.recalled = None;
    app.athena.draft = None;
    app.athena.error = None;
    app.athena.error_at = None;
    // The previous results belong to the previous query.
    app.athena.results = None;
    app.athena.running =
        Some(Running { id: None, started_ms: app.now_ms, status: None, poll_due_ms: u64::MAX, polling: false });
    let detail = crate::ops::athena::one_line(&request.sql);
    effects.push(Effect::Change { change: Change::StartQuery(request), detail });
}

fn cancel(app: &mut App, effects: &mut Vec<Effect>) -> bool {
    match app.athena.running.as_ref().and_then(|r| r.id.clone()) {
        Some(id) => {
            effects.push(Effect::Change { change: Change::StopQuery { id }, detail: String::new() });
            true
        }
        None => false,
    }
}

pub fn started(app: &mut App, result: Result<String, String>) {
    match result {
        Ok(id) => {
            if let Some(r) = app.athena.running.as_mut() {
                r.id = Some(id);
                r.poll_due_ms = app.now_ms;
            }
        }
        Err(e) => {
            app.athena.running = None;
            app.athena.error = Some(e);
        }
    }
}

/// The poll, when due.
pub fn poll(app: &mut App, now_ms: u64, effects: &mut Vec<Effect>) {
    let Some(r) = app.athena.running.as_mut() else { return };
    if let (Some(id), false) = (&r.id, r.polling) {
        if now_ms >= r.poll_due_ms {
            r.polling = true;
            effects.push(Effect::PollQuery { id: id.clone() });
        }
    }
}

pub fn next_wake_ms(app: &App) -> Option<u64> {
    let r = app.athena.running.as_ref()?;
    (r.id.is_some() && !r.polling).then_some(r.poll_due_ms)
}

pub fn polled(app: &mut App, id: &str, result: Result<QueryStatus, String>, effects: &mut Vec<Effect>) {
    let now = app.now_ms;
    let Some(r) = app.athena.running.as_mut().filter(|r| r.id.as_deref() == Some(id)) else { return };
    r.polling = false;
    r.poll_due_ms = now + POLL_EVERY_MS;
    let status = match result {
        Ok(status) => status,
        // A failed poll is said, and the next one tries again.
        Err(e) => {
            app.athena.error = Some(e);
            return;
        }
    };
    if !status.state.is_done() {
        r.status = Some(status);
        return;
    }
    app.athena.running = None;
    if status.state == QueryState::Succeeded {
        app.athena.error = None;
        app.athena.results = Some(Results { id: id.to_string(), loading: true, ..Default::default() });
        effects.push(Effect::FetchQueryResults { id: id.to_string(), token: None });
    } else {
        let reason = status.reason.clone().unwrap_or_else(|| "no reason given".into());
        // A syntax error puts the cursor where Athena says, so the fix starts there.
        if let Some((line, column)) = crate::ops::athena::error_position(&reason) {
            let at = (line.saturating_sub(1), column.saturating_sub(1));
            app.athena.error_at = Some(at);
            app.athena.editor.move_to(at.0, at.1);
            app.athena.focus = AthenaFocus::Editor;
        }
        app.athena.error = Some(format!("{}: {reason}", status.state.name()));
    }
    app.athena.last = Some(status);
}

pub fn results_loaded(app: &mut App, id: &str, first: bool, result: Result<ResultPage, String>) {
    let Some(r) = app.athena.results.as_mut().filter(|r| r.id == id) else { return };
    r.loading = false;
    match result {
        Ok(mut page) => {
            if first {
                drop_header(&mut page);
                r.columns = page.columns;
            }
            r.rows.append(&mut page.rows);
            r.next_token = page.next_token;
        }
        Err(e) => app.athena.error = Some(format!("results not read: {e}")),
    }
}

pub fn stopped(app: &mut App, result: Result<(), String>) {
    if let Err(e) = result {
        app.athena.error = Some(format!("not cancelled: {e}"));
    }
}

/// The export line: a path ending in .csv or .json; enter writes every row of the results.
pub fn export_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let super::state::Mode::Export { input, error } = &mut app.mode else { return };
    match edit_line(input, error, key) {
        LineKey::Cancel => app.mode = super::state::Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let path = input.trim().to_string();
            let json = match path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()) {
                Some(ext) if ext == "csv" => false,
                Some(ext) if ext == "json" => true,
                _ => {
                    *error = Some("end the file name with .csv or .json".into());
                    return;
                }
            };
            app.mode = super::state::Mode::Normal;
            let Some(r) = app.athena.results.as_ref() else { return };
            effects.push(Effect::ExportResults {
                id: r.id.clone(),
                path,
                json,
                columns: r.columns.clone(),
                rows: r.rows.clone(),
                next_token: r.next_token.clone(),
            });
        }
    }
}

/// Reads the query history the first time the pane opens.
pub fn on_open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == super::view::ViewId::Athena && !app.athena.history_asked {
        app.athena.history_asked = true;
        effects.push(Effect::LoadQueryHistory);
    }
}

pub fn history_loaded(app: &mut App, mut entries: Vec<String>) {
    // Queries run before the file was read stay the newest.
    entries.append(&mut app.athena.history);
    app.athena.history = entries;
}

fn recall(view: &mut AthenaView, older: bool) {
    let len = view.history.len();
    let next = match (view.recalled, older) {
        (None, true) if len > 0 => Some(len - 1),
        (Some(i), true) => Some(i.saturating_sub(1)),
        (Some(i), false) if i + 1 < len => Some(i + 1),
        (Some(_), false) => None,
        _ => return,
    };
    if view.recalled.is_none() {
        view.draft = Some(view.editor.text());
    }
    view.recalled = next;
    let text = match next {
        Some(i) => view.history[i].clone(),
        None => view.draft.take().unwrap_or_default(),
    };
    view.editor.replace_text(&text);
}

fn open_saved(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some((workgroup, _)) = app.athena_target.clone() {
        effects.push(Effect::LoadSavedQueries { workgroup });
    }
}

/// The name line: enter saves the editor's SQL under it in the workgroup.
pub fn save_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let super::state::Mode::SaveQuery { input, error } = &mut app.mode else { return };
    match edit_line(input, error, key) {
        LineKey::Cancel => app.mode = super::state::Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let name = input.trim().to_string();
            let sql = app.athena.editor.text();
            let Some((workgroup, database)) = app.athena_target.clone() else { return };
            let query =
                crate::model::SavedQuery { id: String::new(), name, description: None, database, workgroup, sql };
            let problem = if query.name.is_empty() {
                Some("a saved query needs a name".to_string())
            } else {
                check_sql(&query.sql).err()
            };
            let problem =
                problem.or_else(|| readonly_refusal_of(app.header.readonly, &Change::SaveQuery(query.clone())));
            if let Some(problem) = problem {
                if let super::state::Mode::SaveQuery { error, .. } = &mut app.mode {
                    *error = Some(problem);
                }
                return;
            }
            app.mode = super::state::Mode::Normal;
            let detail = query.name.clone();
            effects.push(Effect::Change { change: Change::SaveQuery(query), detail });
        }
    }
}
