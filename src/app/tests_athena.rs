//! `:athena`'s reducer: editing, running, following, paging and cancelling.

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{answered, app, awaited, changes, key, snapshot, snapshot_loaded, type_text};
use super::*;
use crate::model::*;
use crate::platform::PlatformError;

pub(super) fn open() -> App {
    let mut app = app();
    app.athena_target = Some(("ops".into(), "clickstream".into()));
    snapshot_loaded(&mut app, snapshot(), 10);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "athena");
    key(&mut app, KeyCode::Enter);
    app
}

pub(super) fn f5(app: &mut App) -> Vec<Effect> {
    key(app, KeyCode::F(5))
}

pub(super) fn status(state: QueryState) -> QueryStatus {
    QueryStatus {
        id: "q1".into(),
        state,
        reason: (state == QueryState::Failed).then(|| "SYNTAX_ERROR: line 1:8: Column 'x' cannot be resolved".into()),
        scanned_bytes: Some(42 * 1_048_576),
        engine_ms: Some(2_300),
        submitted: None,
        statement_type: Some("DML".into()),
        error_category: None,
    }
}

pub(super) fn request(sql: &str) -> QueryRequest {
    QueryRequest { sql: sql.into(), database: "clickstream".into(), workgroup: "ops".into() }
}

/// The running query's state arrives.
pub(super) fn polled(app: &mut App, result: Result<QueryStatus, PlatformError>, now: u64) -> Vec<Effect> {
    let request = awaited(&app.athena.running.as_ref().expect("a running query").poll);
    update(app, Action::QueryPolled { id: "q1".into(), request, result }, now)
}

/// A page of the results arrives.
fn page_loaded(app: &mut App, first: bool, result: Result<ResultPage, PlatformError>, now: u64) -> Vec<Effect> {
    let request = awaited(&app.athena.results.as_ref().expect("results").pages);
    update(app, Action::QueryResultsLoaded { id: "q1".into(), request, first, result }, now)
}

/// The local query history arrives.
fn history(app: &mut App, entries: Vec<String>, now: u64) -> Vec<Effect> {
    let id = awaited(&app.athena.history_read);
    update(app, Action::QueryHistoryLoaded { id, entries }, now)
}

/// The Glue catalog arrives (read for `:athena`, or earlier for `:glue`).
fn catalog_loaded(app: &mut App, now: u64) -> Vec<Effect> {
    let id = app.glue.request.awaited().unwrap_or_else(|| app.glue.request.restart(now));
    update(app, Action::GlueLoaded { id, result: Ok(Box::new(catalog())), at: Utc::now() }, now)
}

/// The gate's answer to the query the pane started: its execution id.
pub(super) fn started(id: &str) -> Action {
    answered(Change::StartQuery(request("SELECT n FROM t")), Ok(Applied::Answer(id.into())))
}

/// Runs `SELECT n FROM t` to success with `rows` (and `token`) as its first page.
fn finished(app: &mut App, rows: &[&str], token: Option<&str>) {
    type_text(app, "SELECT n FROM t");
    f5(app);
    update(app, started("q1"), 100);
    polled(app, Ok(status(QueryState::Succeeded)), 200);
    page_loaded(app, true, Ok(page(rows, token)), 300);
}

fn page(rows: &[&str], token: Option<&str>) -> ResultPage {
    ResultPage {
        columns: vec![ResultColumn { name: "n".into(), kind: "integer".into() }],
        rows: rows.iter().map(|r| vec![Some(r.to_string())]).collect(),
        next_token: token.map(str::to_string),
    }
}

#[test]
fn the_editor_takes_every_key_and_edits_lines() {
    let mut app = open();
    type_text(&mut app, "SELECT q:?");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "FROM t");
    key(&mut app, KeyCode::Backspace);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Backspace);
    assert_eq!(app.athena.editor.text(), "SELECT q:\nFROM ");
    assert!(!app.quitting && app.mode == Mode::Normal, "q, : and ? were typed, not obeyed");
    // Esc leaves the editor; then q quits as everywhere, saying first that SQL never run is lost.
    key(&mut app, KeyCode::Esc);
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(dialog.lines.iter().any(|l| l.contains("never run")), "{dialog:?}");
    assert_eq!(key(&mut app, KeyCode::Enter), vec![Effect::Quit]);
    assert!(app.quitting);
}

#[test]
fn running_follows_the_query_and_reads_the_first_page() {
    let mut app = open();
    type_text(&mut app, "SELECT n FROM t");
    let effects = f5(&mut app);
    let [Change::StartQuery(request)] = changes(&effects)[..] else { panic!("{effects:?}") };
    assert_eq!((request.workgroup.as_str(), request.database.as_str()), ("ops", "clickstream"));
    let again = f5(&mut app);
    assert!(changes(&again).is_empty(), "one query at a time");
    assert!(app.athena.error.as_deref().unwrap_or("").contains("a query is running"));
    let effects = update(&mut app, started("q1"), 100);
    assert!(effects.iter().any(|e| matches!(e, Effect::PollQuery { id, .. } if id == "q1")));
    polled(&mut app, Ok(status(QueryState::Running)), 200);
    assert_eq!(app.next_wake_ms(), Some(225), "polled again soon: a short query ends in its first second");
    assert!(update(&mut app, Action::Tick, 225).iter().any(|e| matches!(e, Effect::PollQuery { .. })));
    polled(&mut app, Ok(status(QueryState::Running)), 230);
    assert_eq!(app.next_wake_ms(), Some(280), "backing off, doubling");
    for _ in 0..6 {
        let due = app.next_wake_ms().unwrap();
        assert!(update(&mut app, Action::Tick, due).iter().any(|e| matches!(e, Effect::PollQuery { .. })));
        polled(&mut app, Ok(status(QueryState::Running)), due);
    }
    let due = app.next_wake_ms().unwrap();
    assert_eq!(due - app.now_ms, 1_000, "then once a second");
    assert!(update(&mut app, Action::Tick, due).iter().any(|e| matches!(e, Effect::PollQuery { .. })));
    let effects = polled(&mut app, Ok(status(QueryState::Succeeded)), due + 100);
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchQueryResults { id, token: None, .. } if id == "q1")));
    // Its end is journaled beside its start, as `lakeops query` journals it.
    let ended = effects.iter().find_map(|e| match e {
        Effect::Record { action: "athena.query", target, detail, outcome } if target == "ops" => {
            Some((detail, outcome))
        }
        _ => None,
    });
    let (detail, outcome) = ended.expect("the end journaled");
    assert_eq!(detail, "SELECT n FROM t");
    assert_eq!(outcome, "done: SUCCEEDED in 2 s · scanned 42.0 MiB · cost $0.00020");
    page_loaded(&mut app, true, Ok(page(&["n", "1", "2"], Some("p2"))), due + 200);
    let results = app.athena.results.as_ref().unwrap();
    assert_eq!(results.rows.len(), 2, "the header row is dropped");
    assert!(app.athena.running.is_none() && app.athena.last.is_some());
}

#[test]
fn scrolling_near_the_end_asks_for_the_next_page_once() {
    let mut app = open();
    finished(&mut app, &["1", "2"], Some("p2"));
    key(&mut app, KeyCode::Esc);
    let effects = key(&mut app, KeyCode::Char('j'));
    assert!(effects
        .iter()
        .any(|e| matches!(e, Effect::FetchQueryResults { id, token: Some(t), .. } if id == "q1" && t == "p2")));
    assert!(key(&mut app, KeyCode::Char('j')).is_empty(), "one page at a time");
    page_loaded(&mut app, false, Ok(page(&["n", "3"], None)), 400);
    let rows: Vec<_> = app.athena.results.as_ref().unwrap().rows.iter().map(|r| r[0].clone().unwrap()).collect();
    assert_eq!(rows, ["1", "2", "n", "3"], "only the first page carries a header");
}

#[test]
fn g_and_shift_g_go_to_the_first_and_the_last_row_read_and_the_next_page() {
    let mut app = open();
    finished(&mut app, &["n", "1", "2", "3"], Some("p2"));
    key(&mut app, KeyCode::Esc);
    let effects = key(&mut app, KeyCode::Char('G'));
    assert_eq!(app.athena.results.as_ref().unwrap().row, 2);
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchQueryResults { token: Some(t), .. } if t == "p2")));
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.athena.results.as_ref().unwrap().row, 0);
}

#[test]
fn the_open_row_shows_every_column_and_line_and_scrolls() {
    let mut app = open();
    finished(&mut app, &["n", "1"], None);
    key(&mut app, KeyCode::Esc);
    let trace = (0..100).map(|i| format!("at frame {i}")).collect::<Vec<_>>().join("\n");
    if let Some(r) = app.athena.results.as_mut() {
        r.columns = (0..30).map(|i| ResultColumn { name: format!("c{i:02}"), kind: "varchar".into() }).collect();
        r.rows = vec![(0..30).map(|i| Some(if i == 0 { trace.clone() } else { format!("v{i}") })).collect()];
    }
    key(&mut app, KeyCode::Enter);
    let r = app.athena.results.as_ref().unwrap();
    let lines = super::athena_row::lines(r);
    assert_eq!(lines.len(), 100 + 29, "a line per line of the trace, then each other column");
    assert_eq!((lines[1].name.trim(), lines[1].text.as_deref()), ("", Some("at frame 1")));
    assert_eq!(lines.last().unwrap().text.as_deref(), Some("v29"));
    // The keys that move through rows scroll it, to its end and no further; the row stays.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.athena.results.as_ref().unwrap().detail_scroll, 1);
    key(&mut app, KeyCode::Char('G'));
    let end = app.athena.results.as_ref().unwrap().detail_scroll;
    assert!(end > 90, "{end}");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.athena.results.as_ref().unwrap().detail_scroll, end);
    assert_eq!(app.athena.results.as_ref().unwrap().row, 0);
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.athena.results.as_ref().unwrap().detail_scroll, 0, "opened again at its start");
    // A column name longer than the names' column is cut with `…`, by the cells it takes.
    if let Some(r) = app.athena.results.as_mut() {
        r.columns[1].name = "a_column_name_far_longer_than_thirty_cells".into();
        r.columns[2].name = "列".repeat(20);
    }
    let lines = super::athena_row::lines(app.athena.results.as_ref().unwrap());
    let name = |at: usize| lines.iter().filter(|l| !l.name.trim().is_empty()).nth(at).unwrap().name.trim_end();
    assert_eq!(name(1), "a_column_name_far_longer_than…");
    assert_eq!(name(2), format!("{}…", "列".repeat(14)));
}

#[test]
fn a_syntax_error_puts_the_cursor_where_athena_says() {
    let mut app = open();
    type_text(&mut app, "SELECT x");
    key(&mut app, KeyCode::Enter);
    type_text(&mut app, "FROM t");
    f5(&mut app);
    update(&mut app, started("q1"), 100);
    key(&mut app, KeyCode::Esc);
    polled(&mut app, Ok(status(QueryState::Failed)), 200);
    assert_eq!(app.athena.error_at, Some((0, 7)));
    assert_eq!((app.athena.editor.row, app.athena.editor.col), (0, 7));
    assert_eq!(app.athena.focus, athena::AthenaFocus::Editor);
    assert!(app.athena.error.as_deref().unwrap_or("").contains("Column 'x' cannot be resolved"));
}

#[test]
fn bad_sql_read_only_and_failures_are_said_in_the_pane() {
    let mut app = open();
    assert!(f5(&mut app).is_empty());
    assert_eq!(app.athena.error.as_deref(), Some("there is no SQL to run"));
    app.readonly = true;
    type_text(&mut app, "DROP TABLE events");
    let effects = f5(&mut app);
    assert!(changes(&effects).is_empty());
    assert!(app.athena.error.as_deref().unwrap_or("").starts_with("read-only mode"));
    // Journaled as `lakeops query` journals its refusal.
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Record { action: "athena.query", detail, outcome, .. }
            if detail == "DROP TABLE events" && outcome.starts_with("refused: read-only mode"))),
        "{effects:?}"
    );
    app.readonly = false;
    f5(&mut app);
    let error = PlatformError::failed("Athena (sandbox)", "no SQL engine");
    update(&mut app, answered(Change::StartQuery(request("SELECT 1")), Err(error)), 100);
    assert!(app.athena.running.is_none());
    assert!(app.athena.error.as_deref().unwrap_or("").contains("no SQL engine"));
    assert_eq!(app.athena.editor.text(), "DROP TABLE events", "the editor's text survives every error");
}

#[test]
fn results_export_to_a_csv_or_json_path() {
    let mut app = open();
    finished(&mut app, &["1"], Some("p2"));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('e'));
    type_text(&mut app, "out.txt");
    key(&mut app, KeyCode::Enter);
    assert!(matches!(&app.mode, Mode::Export { error: Some(e), .. } if e.contains(".csv or .json")), "{:?}", app.mode);
    for _ in 0..3 {
        key(&mut app, KeyCode::Backspace);
    }
    type_text(&mut app, "csv");
    let effects = key(&mut app, KeyCode::Enter);
    let expected = Effect::ExportResults {
        id: "q1".into(),
        path: "out.csv".into(),
        json: false,
        replace: false,
        columns: vec![ResultColumn { name: "n".into(), kind: "integer".into() }],
        rows: vec![vec![Some("1".into())]],
        next_token: Some("p2".into()),
    };
    assert!(effects.contains(&expected), "{effects:?}");
    assert_eq!(app.mode, Mode::Normal);
    // Enter alone writes the query's own file in the home folder.
    key(&mut app, KeyCode::Char('e'));
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::ExportResults { path, json: false, .. } if path == "~/athena-q1.csv")),
        "{effects:?}"
    );
    // The id's first and last parts: the sandbox's seed and count tell its queries apart.
    assert_eq!(
        crate::ops::athena::default_export("0000002a-00d7-4000-8000-0000000000d7"),
        "~/athena-0000002a-0000000000d7.csv"
    );
    assert_ne!(
        crate::ops::athena::default_export("0000002a-00d8-4000-8000-0000000000d8"),
        crate::ops::athena::default_export("0000002a-00d7-4000-8000-0000000000d7")
    );

    // The file is there: the operator is asked, and only a yes replaces it.
    let exists = Err(export_exists("out.csv"));
    update(&mut app, Action::Exported { id: "q1".into(), json: false, result: exists.clone(), at: Utc::now() }, 300);
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(dialog.lines[0].contains("out.csv exists: replace it"), "{dialog:?}");
    assert_eq!(key(&mut app, KeyCode::Esc), vec![], "esc keeps the file");
    assert_eq!(app.mode, Mode::Normal);
    update(&mut app, Action::Exported { id: "q1".into(), json: false, result: exists, at: Utc::now() }, 400);
    let effects = key(&mut app, KeyCode::Enter);
    let Effect::ExportResults { id, path, json, columns, rows, next_token, .. } = expected else { unreachable!() };
    let replace = Effect::ExportResults { id, path, json, replace: true, columns, rows, next_token };
    assert!(effects.contains(&replace), "{effects:?}");
    assert_eq!(app.mode, Mode::Normal);
}

fn export_exists(path: &str) -> crate::session::query::ExportError {
    crate::session::query::ExportError::Exists(path.into())
}

#[test]
fn up_at_the_top_recalls_older_queries_and_down_comes_back_to_the_draft() {
    let mut app = open();
    history(&mut app, vec!["SELECT 1".into(), "SELECT 2\nFROM t".into()], 20);
    type_text(&mut app, "SELECT 3");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.athena.editor.text(), "SELECT 2\nFROM t");
    key(&mut app, KeyCode::Up);
    // Inside a recalled query ↑ moves between its lines first.
    assert_eq!(app.athena.editor.text(), "SELECT 2\nFROM t");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.athena.editor.text(), "SELECT 1");
    key(&mut app, KeyCode::Up);
    assert_eq!(app.athena.editor.text(), "SELECT 1", "the oldest stays");
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.athena.editor.text(), "SELECT 3", "back to what was being written");
    f5(&mut app);
    assert_eq!(app.athena.history.last().map(String::as_str), Some("SELECT 3"));
}

#[test]
fn saved_queries_are_picked_into_the_editor_and_the_editor_saved_by_name() {
    let mut app = open();
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('o'), KeyModifiers::CONTROL)), 20);
    assert!(effects.contains(&Effect::LoadSavedQueries { workgroup: "ops".into() }));
    let saved = |name: &str, sql: &str| SavedQuery {
        id: format!("id-{name}"),
        name: name.into(),
        description: None,
        database: "clickstream".into(),
        workgroup: "ops".into(),
        sql: sql.into(),
    };
    let list = vec![saved("by type", "SELECT 1"), saved("pages", "SELECT page_url\nFROM events")];
    update(&mut app, Action::SavedQueriesLoaded { result: Ok(list), at: Utc::now() }, 30);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.athena.editor.text(), "SELECT page_url\nFROM events");
    assert_eq!(app.mode, Mode::Normal);

    update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), 40);
    key(&mut app, KeyCode::Enter);
    assert!(matches!(&app.mode, Mode::SaveQuery { error: Some(e), .. } if e.contains("needs a name")));
    type_text(&mut app, "pages again");
    let effects = key(&mut app, KeyCode::Enter);
    let expected =
        Change::SaveQuery(SavedQuery { id: String::new(), ..saved("pages again", "SELECT page_url\nFROM events") });
    assert!(changes(&effects).contains(&&expected), "{effects:?}");

    // Read-only mode refuses at once (tests_athena_safety), before any name.
    app.readonly = true;
    update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)), 50);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(
        matches!(&app.mode, Mode::Confirm(d) if d.refusal.as_deref().is_some_and(|r| r.starts_with("read-only mode")))
    );
}

#[test]
fn enter_shows_the_row_whole_and_esc_closes_it() {
    let mut app = open();
    finished(&mut app, &["1", "2"], None);
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert!(app.athena.results.as_ref().unwrap().detail);
    key(&mut app, KeyCode::Esc);
    assert!(!app.athena.results.as_ref().unwrap().detail);
    assert_eq!(app.view(), ViewId::Athena, "esc closed the row, not the view");
}

pub(super) fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    update(app, Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)), 50)
}

fn catalog() -> GlueOverview {
    let column =
        |name: &str, kind: &str, partition_key| CatalogColumn { name: name.into(), kind: kind.into(), partition_key };
    GlueOverview {
        governance: None,
        jobs: vec![],
        crawlers: vec![],
        databases: vec![
            CatalogDatabase {
                name: "clickstream".into(),
                tables: vec![CatalogTable {
                    name: "events".into(),
                    location: None,
                    format: Some("parquet".into()),
                    partition_keys: vec!["day".into()],
                    columns: vec![
                        column("event_time", "timestamp", false),
                        column("event_type", "string", false),
                        column("day", "string", true),
                    ],
                    partitions: None,
                    updated: None,
                    quality: vec![],
                }],
            },
            CatalogDatabase { name: "finance".into(), tables: vec![] },
        ],
        warnings: vec![],
    }
}

#[test]
fn undo_and_redo_in_the_editor() {
    let mut app = open();
    type_text(&mut app, "SELECT 1");
    ctrl(&mut app, 'z');
    assert_eq!(app.athena.editor.text(), "SELECT ");
    ctrl(&mut app, 'z');
    ctrl(&mut app, 'y');
    ctrl(&mut app, 'y');
    assert_eq!(app.athena.editor.text(), "SELECT 1");
}

#[test]
fn tab_completes_names_from_the_glue_catalog_read_on_first_use() {
    let mut app = open();
    type_text(&mut app, "SELECT event_ty");
    let effects = key(&mut app, KeyCode::Tab);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::FetchGlue { .. })),
        "the catalog is read when first needed: {effects:?}"
    );
    assert_eq!(app.athena.focus, athena::AthenaFocus::Editor, "tab after a word does not leave the editor");
    catalog_loaded(&mut app, 60);
    assert_eq!(app.athena.editor.text(), "SELECT event_type", "the Tab that asked completes when the catalog is here");
    type_text(&mut app, ", ev");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.athena.editor.text(), "SELECT event_type, event", "as far as the names agree");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.athena.hint.as_deref(), Some("tab: event_time  event_type  events"));
    type_text(&mut app, " fr");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.athena.editor.text(), "SELECT event_type, event FROM", "keywords complete too, in capitals");
    // Tab after a space moves to the results, as before.
    type_text(&mut app, " ");
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.athena.focus, athena::AthenaFocus::Results);
}

#[test]
fn the_catalog_browser_inserts_names_and_the_database_picker_changes_the_target() {
    let mut app = open();
    catalog_loaded(&mut app, 20);
    type_text(&mut app, "SELECT  FROM x");
    for _ in 0..7 {
        key(&mut app, KeyCode::Left);
    }
    assert!(ctrl(&mut app, 'b').is_empty(), "the catalog is already read: nothing more is asked");
    let Mode::Pick(picker) = &app.mode else { panic!("{:?}", app.mode) };
    let rows: Vec<(u8, &str)> = picker.choices.iter().map(|c| (c.depth, c.label.as_str())).collect();
    assert_eq!(
        rows,
        [(0, "clickstream"), (1, "events"), (2, "event_time"), (2, "event_type"), (2, "day"), (0, "finance")]
    );
    assert_eq!(picker.choices[4].detail, "string · partition key");
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.athena.editor.text(), "SELECT event_time FROM x");
    ctrl(&mut app, 'z');
    assert_eq!(app.athena.editor.text(), "SELECT  FROM x", "one undo takes the name back out");

    ctrl(&mut app, 'd');
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.athena_target, Some(("ops".into(), "finance".into())));
    let effects = f5(&mut app);
    assert!(
        changes(&effects).iter().any(|c| matches!(c, Change::StartQuery(request) if request.database == "finance")),
        "{effects:?}"
    );
}

#[test]
fn history_lists_the_workgroup_then_the_local_file_and_replaces_the_sql() {
    let mut app = open();
    history(&mut app, vec!["SELECT local".into(), "SELECT 2".into()], 15);
    type_text(&mut app, "draft");
    let effects = ctrl(&mut app, 'r');
    assert!(effects.contains(&Effect::LoadWorkgroupHistory { workgroup: "ops".into() }));
    let past = |sql: &str, state| PastQuery {
        status: QueryStatus { scanned_bytes: Some(2048), ..status(state) },
        sql: sql.into(),
        database: None,
    };
    let list = vec![past("SELECT 2", QueryState::Succeeded), past("SELECT\n  broken", QueryState::Failed)];
    update(&mut app, Action::WorkgroupHistoryLoaded { result: Ok(list), at: Utc::now() }, 60);
    let Mode::Pick(picker) = &app.mode else { panic!("{:?}", app.mode) };
    let labels: Vec<(&str, &str)> = picker.choices.iter().map(|c| (c.label.as_str(), c.detail.as_str())).collect();
    assert_eq!(labels[1], ("SELECT broken", "FAILED ·  · 2.0 KiB"));
    assert_eq!(labels[2], ("SELECT local", "local history"), "SELECT 2 is not listed twice");
    assert_eq!(labels.len(), 3);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.athena.editor.text(), "SELECT\n  broken");
    ctrl(&mut app, 'z');
    assert_eq!(app.athena.editor.text(), "draft");
}

#[test]
fn c_copies_the_cell_and_shift_c_the_row_as_csv() {
    let mut app = open();
    finished(&mut app, &["a,b"], None);
    key(&mut app, KeyCode::Esc);
    let effects = key(&mut app, KeyCode::Char('c'));
    assert!(effects.contains(&Effect::CopyToClipboard { text: "a,b".into() }), "{effects:?}");
    let effects = key(&mut app, KeyCode::Char('C'));
    assert!(effects.contains(&Effect::CopyToClipboard { text: "\"a,b\"".into() }), "{effects:?}");
    assert!(app.athena.hint.as_deref().unwrap_or("").contains("OSC 52"));
    // What goes to the clipboard is sanitized, its lines kept: a cell that would end a shell's
    // bracketed paste and run its next line does not.
    let payload = "echo hi\u{1b}[201~\nrm -rf x\u{9b}31m";
    let sent = aws_smithy_types::base64::encode("echo hi\u{fffd}\nrm -rf x\u{fffd}");
    assert_eq!(crate::ops::athena::osc52(payload), format!("\u{1b}]52;c;{sent}\u{7}"));
}
