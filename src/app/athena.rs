//! `:athena`: a SQL editor, the running query's state and cost, and its results, fetched a
//! page at a time as the operator scrolls. Running and reading queries is in `athena_query`,
//! the lists over the pane (saved queries, history, catalog) in `athena_lists`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Effect;
use super::command::Command;
pub use super::editor::Editor;
use super::keymap::{bind, Binding};
use super::registry::{Pane, View, ViewId, ViewSpec};
use super::request::Request;
use super::state::{App, Mode};
use crate::model::{Layer, QueryStatus, ResultColumn};

pub use super::athena_lists::CatalogUse;
pub use super::athena_lists::{catalog_loaded, saved_loaded, workgroup_history_loaded, workgroups_loaded};
use super::athena_lists::{complete, want_catalog};
use super::athena_query::{cancel, poll, run};
pub use super::athena_query::{
    confirm_replace, export_key, history_loaded, polled, results_loaded, save_key, started, stopped,
};

/// Rows from the end of what is loaded at which the next page is asked for.
const PREFETCH_ROWS: usize = 50;

pub const VIEW: &dyn View = &Athena;

struct Athena;

const KEYS: &[Binding] = &[
    bind(Command::Run, &["F5", "ctrl-enter"], "run the SQL in the editor").hint("run"),
    bind(
        Command::Complete,
        &["tab", "ctrl-space"],
        "complete the name before the cursor (catalog names, keywords); with none, to the results",
    )
    .pane(Pane::Editor)
    .hint("complete"),
    bind(Command::Back, &["esc"], "to the results (the editor takes every other key)")
        .pane(Pane::Editor)
        .hint("results"),
    bind(Command::Up, &["↑"], "on the top / bottom line: older / newer queries run before")
        .and(Command::Down, &["↓"])
        .pane(Pane::Editor),
    bind(Command::Undo, &["ctrl-z"], "undo / redo").and(Command::Redo, &["ctrl-y"]).pane(Pane::Editor),
    bind(Command::NextPane, &["tab", "i"], "to the editor").pane(Pane::Results).hint("editor/results"),
    bind(Command::Cancel, &["x"], "cancel the running query (ctrl-c too)").pane(Pane::Results).hint("cancel"),
    bind(Command::Export, &["e"], "export every row to a .csv or .json file").pane(Pane::Results).hint("export"),
    bind(Command::Catalog, &["ctrl-b"], "catalog: databases → tables → columns, to insert a name"),
    bind(Command::History, &["ctrl-r"], "history: the workgroup's queries and the local ones"),
    bind(Command::Database, &["ctrl-d"], "choose the database / the workgroup queries run in")
        .and(Command::Workgroup, &["ctrl-w"]),
    bind(Command::SavedQueries, &["ctrl-o"], "the workgroup's saved queries, into the editor"),
    bind(Command::SavedQueries, &["o"], "the workgroup's saved queries").pane(Pane::Results),
    bind(Command::SaveQuery, &["ctrl-s"], "save the editor's SQL as a named query").changes(),
    bind(Command::Down, &["j", "↓"], "scroll the results by row").and(Command::Up, &["k", "↑"]).pane(Pane::Results),
    bind(Command::Right, &["l", "→"], "scroll the results by column")
        .and(Command::Left, &["h", "←"])
        .pane(Pane::Results),
    bind(Command::PageDown, &["pgdn"], "a page of rows down / up").and(Command::PageUp, &["pgup"]).pane(Pane::Results),
    bind(Command::Top, &["home", "g"], "the first row / the last row read so far (and the next page)")
        .and(Command::Bottom, &["end", "G"])
        .pane(Pane::Results),
    bind(
        Command::Open,
        &["enter"],
        "the selected row whole, every column and line (the keys that move through rows scroll it)",
    )
    .pane(Pane::Results),
    bind(Command::CopyCell, &["c"], "copy the cell / the row as CSV (OSC 52 clipboard)")
        .and(Command::CopyRow, &["C"])
        .pane(Pane::Results),
];

const SPEC: ViewSpec =
    ViewSpec { names: &["athena"], title: "Athena", details: &[Layer::Athena], keys: KEYS, ..ViewSpec::NONE };

impl View for Athena {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn pane(&self, app: &App) -> Option<Pane> {
        Some(match app.athena.focus {
            AthenaFocus::Editor => Pane::Editor,
            AthenaFocus::Results => Pane::Results,
        })
    }

    fn takes_text(&self, app: &App) -> bool {
        app.athena.focus == AthenaFocus::Editor
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        app.athena.hint = None;
        match command {
            Command::Run => run(app, effects),
            Command::Interrupt | Command::Cancel => return cancel(app, effects),
            Command::Catalog => want_catalog(app, CatalogUse::Browse, effects),
            Command::Database => want_catalog(app, CatalogUse::PickDatabase, effects),
            Command::Workgroup => effects.push(Effect::LoadWorkgroups),
            Command::History => {
                if let Some((workgroup, _)) = app.athena_target.clone() {
                    effects.push(Effect::LoadWorkgroupHistory { workgroup });
                }
            }
            Command::SavedQueries => {
                if let Some((workgroup, _)) = app.athena_target.clone() {
                    effects.push(Effect::LoadSavedQueries { workgroup });
                }
            }
            Command::SaveQuery => {
                // Read-only mode refuses before a name is typed for nothing.
                let (workgroup, database) = app.athena_target.clone().unwrap_or_default();
                let sql = app.athena.editor.text();
                let query = crate::model::SavedQuery {
                    id: String::new(),
                    name: String::new(),
                    description: None,
                    database,
                    workgroup,
                    sql,
                };
                if !super::confirm::refused(app, "Save the query?", &crate::model::Change::SaveQuery(query)) {
                    app.mode = Mode::SaveQuery { input: String::new(), error: None };
                }
            }
            _ => {
                return match app.athena.focus {
                    AthenaFocus::Editor => editor_command(app, command, effects),
                    AthenaFocus::Results => results_command(app, command, effects),
                }
            }
        }
        true
    }

    /// The editor takes every key it can type.
    fn text(&self, app: &mut App, key: KeyEvent, _effects: &mut Vec<Effect>) -> bool {
        if app.athena.focus != AthenaFocus::Editor {
            return false;
        }
        app.athena.hint = None;
        let e = &mut app.athena.editor;
        match key.code {
            KeyCode::Enter => e.newline(),
            KeyCode::Backspace => e.backspace(),
            KeyCode::Delete => e.delete(),
            KeyCode::Left if e.col > 0 => e.move_to(e.row, e.col - 1),
            KeyCode::Left if e.row > 0 => e.move_to(e.row - 1, usize::MAX),
            KeyCode::Right if e.col < e.lines[e.row].len() => e.move_to(e.row, e.col + 1),
            KeyCode::Right if e.row + 1 < e.lines.len() => e.move_to(e.row + 1, 0),
            KeyCode::Home => e.move_to(e.row, 0),
            KeyCode::End => e.move_to(e.row, usize::MAX),
            KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => e.insert(c),
            KeyCode::Left | KeyCode::Right => {}
            _ => return false,
        }
        true
    }

    fn next_wake_ms(&self, app: &App) -> Option<u64> {
        let r = app.athena.running.as_ref()?;
        (r.id.is_some() && !r.poll.is_loading()).then_some(r.poll_due_ms)
    }

    /// The local query history the first time the pane opens; the running query's poll.
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.view() == ViewId::Athena && !app.athena.history_read.answered() && !app.athena.history_read.is_loading()
        {
            let id = app.athena.history_read.restart(app.now_ms);
            effects.push(Effect::LoadQueryHistory { id });
        }
        poll(app, effects);
    }
}

fn editor_command(app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
    let e = &mut app.athena.editor;
    match command {
        // Tab completes the name being typed; with none (or when nothing starts so), it moves to
        // the results as esc does.
        Command::Complete => {
            if e.word_before_cursor().is_empty() || !complete(app, effects) {
                app.athena.hint = None;
                app.athena.focus = AthenaFocus::Results;
            }
        }
        Command::Back => app.athena.focus = AthenaFocus::Results,
        Command::Undo => {
            e.undo();
        }
        Command::Redo => {
            e.redo();
        }
        // At the top line ↑ recalls older queries; at the bottom line ↓ newer ones.
        Command::Up if e.row > 0 => e.move_to(e.row - 1, e.col),
        Command::Down if e.row + 1 < e.lines.len() => e.move_to(e.row + 1, e.col),
        Command::Up => recall(&mut app.athena, true),
        Command::Down => recall(&mut app.athena, false),
        _ => return false,
    }
    true
}

fn results_command(app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
    let page = app.height.saturating_sub(12).max(1) as usize;
    let view = &mut app.athena;
    match command {
        Command::Back if view.results.as_ref().is_some_and(|r| r.detail) => {
            if let Some(r) = view.results.as_mut() {
                r.detail = false;
            }
        }
        Command::Open if view.results.as_ref().is_some_and(|r| !r.rows.is_empty()) => {
            if let Some(r) = view.results.as_mut() {
                r.detail = !r.detail;
                r.detail_scroll = 0;
            }
        }
        // While the row is open, the keys that move through the rows scroll it.
        Command::Down | Command::Up | Command::PageDown | Command::PageUp | Command::Top | Command::Bottom
            if view.results.as_ref().is_some_and(|r| r.detail) =>
        {
            let terminal = (app.width, app.height);
            return view.results.as_mut().is_some_and(|r| super::athena_row::scroll(r, command, terminal));
        }
        Command::NextPane => view.focus = AthenaFocus::Editor,
        Command::Export if view.results.as_ref().is_some_and(|r| !r.columns.is_empty()) => {
            app.mode = Mode::Export { input: String::new(), error: None };
        }
        Command::CopyCell | Command::CopyRow => copy(app, command == Command::CopyRow, effects),
        Command::Down
        | Command::Up
        | Command::PageDown
        | Command::PageUp
        | Command::Top
        | Command::Bottom
        | Command::Left
        | Command::Right => {
            let Some(r) = view.results.as_mut() else { return false };
            let last_row = r.rows.len().saturating_sub(1);
            match command {
                Command::Down => r.row = (r.row + 1).min(last_row),
                Command::Up => r.row = r.row.saturating_sub(1),
                Command::PageDown => r.row = (r.row + page).min(last_row),
                Command::PageUp => r.row = r.row.saturating_sub(page),
                Command::Top => r.row = 0,
                // The last row read so far; the next page is asked for from there.
                Command::Bottom => r.row = last_row,
                Command::Right => r.column = (r.column + 1).min(r.columns.len().saturating_sub(1)),
                _ => r.column = r.column.saturating_sub(1),
            }
            more_rows(app, effects);
        }
        _ => return false,
    }
    true
}

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
    /// The workgroup it runs in (its journal entry's target).
    pub workgroup: String,
    pub started_ms: u64,
    pub status: Option<QueryStatus>,
    pub poll_due_ms: u64,
    /// Status reads answered so far: the next waits [`crate::ops::athena::poll_delay_ms`] of them.
    pub polls: u32,
    /// The status read under way.
    pub poll: Request,
}

/// A finished query's results, as far as they are loaded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Results {
    pub id: String,
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    pub next_token: Option<String>,
    /// The page read under way.
    pub pages: Request,
    /// First row and first column shown.
    pub row: usize,
    pub column: usize,
    /// The first row shown, whole, in a popup (long cells wrapped), and how many of its lines
    /// are scrolled past (`athena_row`).
    pub detail: bool,
    pub detail_scroll: usize,
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
    /// The read of the local history file, once.
    pub history_read: Request,
    pub recalled: Option<usize>,
    pub draft: Option<String>,
    /// A word of guidance under the editor (completion choices, the new database).
    pub hint: Option<String>,
    /// What the catalog is being read for: it is used when it arrives.
    pub catalog_wanted: Option<CatalogUse>,
}

/// Copies the selected cell (the selected row's first column shown), or with `whole_row`
/// the row as a CSV line, to the terminal's clipboard.
fn copy(app: &mut App, whole_row: bool, effects: &mut Vec<Effect>) {
    let view = &mut app.athena;
    let Some(r) = view.results.as_ref() else { return };
    let Some(row) = r.rows.get(r.row) else { return };
    let (text, what) = if whole_row {
        let csv = crate::ops::results::csv(&r.columns, std::slice::from_ref(row), crate::ops::results::Cells::Safe);
        let line = csv.split_once("\r\n").map(|(_, rest)| rest).unwrap_or(&csv).trim_end_matches("\r\n").to_string();
        (line, format!("row {} as CSV", r.row + 1))
    } else {
        let name = r.columns.get(r.column).map(|c| c.name.clone()).unwrap_or_default();
        match row.get(r.column) {
            Some(Some(value)) => (value.clone(), format!("{name} of row {}", r.row + 1)),
            _ => (String::new(), format!("{name} of row {} (NULL: nothing)", r.row + 1)),
        }
    };
    let copied = crate::model::text::sanitize_keeping_lines(&text).chars().count();
    view.hint = Some(format!("copied {what} to the clipboard ({copied} characters, OSC 52)"));
    effects.push(Effect::CopyToClipboard { text });
}

/// Asks for the next page when the view comes near the end of what is loaded.
fn more_rows(app: &mut App, effects: &mut Vec<Effect>) {
    let now = app.now_ms;
    let Some(r) = app.athena.results.as_mut() else { return };
    if r.row + PREFETCH_ROWS < r.rows.len() {
        return;
    }
    if let Some(token) = r.next_token.clone() {
        if let Some(request) = r.pages.start(now) {
            effects.push(Effect::FetchQueryResults { id: r.id.clone(), token: Some(token), request });
        }
    }
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
