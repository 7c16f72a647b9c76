//! `:athena`'s safety: a statement that may change the catalog or the data is shown and asked
//! for, and quitting while a query runs offers its cancel first (Ctrl-C cancels, then quits).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::tests::{answered, changes, key, type_text};
use super::tests_athena::{ctrl, f5, open, polled, started, status};
use super::*;
use crate::model::*;

#[test]
fn quitting_while_a_query_runs_cancels_it_first() {
    let mut app = open();
    type_text(&mut app, "SELECT n FROM t");
    f5(&mut app);
    update(&mut app, started("q1"), 100);
    key(&mut app, KeyCode::Esc);
    // A query still running would go on scanning after lakeops ends: it is offered a cancel.
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert_eq!(dialog.title, "Cancel the running query and quit?");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(matches!(changes(&effects)[..], [Change::StopQuery { id }] if id == "q1"), "{effects:?}");
    assert!(!app.quitting, "not before the cancel is answered");
    let effects = update(&mut app, answered(Change::StopQuery { id: "q1".into() }, Ok(Applied::Done)), 300);
    assert!(app.quitting && effects.contains(&Effect::Quit), "{effects:?}");
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Record { outcome, .. } if outcome == "CANCELLED: cancelled as lakeops quit")),
        "its end is journaled, which no poll will read: {effects:?}"
    );
    // Esc stays, the query running.
    let mut app = open();
    type_text(&mut app, "SELECT n FROM t");
    f5(&mut app);
    update(&mut app, started("q1"), 100);
    ctrl(&mut app, 'c');
    ctrl(&mut app, 'c');
    key(&mut app, KeyCode::Esc);
    assert!(!app.quitting && app.mode == Mode::Normal);
}

/// A signal ends the console at once, a query running: the journal gets its end, once.
#[test]
fn a_query_left_running_by_a_signal_is_journaled() {
    let mut app = open();
    type_text(&mut app, "SELECT n FROM t");
    f5(&mut app);
    update(&mut app, started("q1"), 100);
    let effects = update(&mut app, Action::Quit, 200);
    let records: Vec<&String> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Record { outcome, .. } => Some(outcome),
            _ => None,
        })
        .collect();
    assert_eq!(
        records,
        ["unknown: lakeops ended while query q1 ran, without cancelling it: it may still be running"],
        "{effects:?}"
    );
    assert!(app.quitting && effects.contains(&Effect::Quit));
    assert!(update(&mut app, Action::Quit, 300).is_empty(), "once");
}

#[test]
fn a_statement_that_may_change_something_is_shown_and_asked_for() {
    let mut app = open();
    type_text(&mut app, "DROP TABLE raw_events");
    assert!(changes(&f5(&mut app)).is_empty(), "asked first");
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert_eq!(dialog.title, "Run this statement?");
    assert!(dialog.lines[0].starts_with("DROP: this statement may change the catalog or the data"), "{dialog:?}");
    assert!(dialog.lines.iter().any(|l| l == "DROP TABLE raw_events"));
    // Esc runs nothing; enter runs it and waits on it.
    key(&mut app, KeyCode::Esc);
    assert!(app.athena.running.is_none());
    let effects = f5(&mut app);
    assert!(changes(&effects).is_empty());
    let effects = key(&mut app, KeyCode::Enter);
    assert!(
        matches!(changes(&effects)[..], [Change::StartQuery(r)] if r.sql == "DROP TABLE raw_events"),
        "{effects:?}"
    );
    assert!(
        app.athena.running.is_some() && app.athena.history.last().map(String::as_str) == Some("DROP TABLE raw_events")
    );
    // A query that only reads runs at once.
    let mut app = open();
    type_text(&mut app, "WITH a AS (SELECT 1) SELECT * FROM a");
    assert_eq!(changes(&f5(&mut app)).len(), 1);
    // A long statement shows its end, where the change is, and why its first word is not it.
    let mut app = open();
    let ctes: Vec<String> = (0..30).map(|i| format!("c{i} AS (SELECT {i}),")).collect();
    app.athena.editor = super::editor::Editor::from_text(&format!(
        "WITH\n{}\nz AS (SELECT 1)\nDELETE FROM events WHERE true",
        ctes.join("\n")
    ));
    f5(&mut app);
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(
        dialog.lines[0]
            .starts_with("WITH: this statement may change the catalog or the data (the query holds a DELETE"),
        "{dialog:?}"
    );
    assert_eq!(dialog.lines.last().map(String::as_str), Some("DELETE FROM events WHERE true"));
    assert!(dialog.lines.iter().any(|l| l == "… 23 lines …"), "{dialog:?}");
}

#[test]
fn ctrl_c_cancels_a_running_query_instead_of_quitting() {
    let mut app = open();
    type_text(&mut app, "SELECT 1");
    f5(&mut app);
    update(&mut app, started("q1"), 100);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let effects = update(&mut app, Action::Key(ctrl_c), 150);
    assert!(changes(&effects).contains(&&Change::StopQuery { id: "q1".into() }));
    assert!(!app.quitting);
    polled(&mut app, Ok(status(QueryState::Cancelled)), 300);
    assert!(app.athena.error.as_deref().unwrap_or("").starts_with("CANCELLED"));
    update(&mut app, Action::Key(ctrl_c), 400);
    assert!(app.quitting, "with nothing running, Ctrl-C quits");
}

/// Read-only mode refuses ctrl-s at once, before a name is typed for nothing.
#[test]
fn saving_a_query_read_only_is_refused_before_its_name() {
    let mut app = open();
    app.readonly = true;
    type_text(&mut app, "SELECT 1");
    ctrl(&mut app, 's');
    let Mode::Confirm(dialog) = &app.mode else { panic!("refused at once, not {:?}", app.mode) };
    assert!(dialog.refusal.as_deref().is_some_and(|r| r.starts_with("read-only mode")), "{dialog:?}");
    app.readonly = false;
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 's');
    assert!(matches!(app.mode, Mode::SaveQuery { .. }), "{:?}", app.mode);
}
