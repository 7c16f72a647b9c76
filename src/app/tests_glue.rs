//! The `:glue` view's reducer: fetching, panes, and changes checked, confirmed or refused.

use chrono::{TimeZone, Utc};
use crossterm::event::KeyCode;

use super::tests::{answered, app, awaited, changes, key, snapshot_loaded, type_text};
use super::*;
use crate::model::*;
use crate::platform::PlatformError;

fn fetches_glue(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::FetchGlue { .. }))
}

pub(super) fn run(id: &str, state: &str) -> GlueRunDetail {
    GlueRunDetail {
        id: id.into(),
        state: state.into(),
        started: Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap(),
        ended: None,
        duration_seconds: Some(120),
        capacity_dpu: Some(10.0),
        dpu_seconds: Some(1200.0),
        error: None,
        arguments: vec![],
    }
}

pub(super) fn overview(runs: Vec<GlueRunDetail>) -> GlueOverview {
    GlueOverview {
        governance: None,
        jobs: vec![GlueJob { name: "curate".into(), max_concurrent_runs: 1, capacity: None, schedule: None, runs }],
        crawlers: vec![GlueCrawler {
            name: "raw".into(),
            state: "READY".into(),
            database: Some("lake".into()),
            schedule: None,
            last_status: None,
            last_crawl: None,
            last_error: None,
            tables_created: None,
            tables_updated: None,
            tables_deleted: None,
        }],
        databases: vec![],
        warnings: vec!["tables added and updated by crawls not read: GetCrawlerMetrics is not served".into()],
    }
}

fn open_glue(runs: Vec<GlueRunDetail>) -> App {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "glue");
    let effects = key(&mut app, KeyCode::Enter);
    assert!(fetches_glue(&effects), "{effects:?}");
    // A second key while the read is out asks for nothing more.
    assert!(!fetches_glue(&key(&mut app, KeyCode::Char('j'))));
    let id = awaited(&app.glue.request);
    update(&mut app, Action::GlueLoaded { id, result: Ok(Box::new(overview(runs))), at: Utc::now() }, 50);
    app
}

fn dialog(app: &App) -> &confirm::ConfirmDialog {
    match &app.mode {
        Mode::Confirm(d) => d,
        other => panic!("no dialog: {other:?}"),
    }
}

#[test]
fn opening_reads_glue_and_warnings_reach_the_error_history() {
    let app = open_glue(vec![run("jr_1", "SUCCEEDED")]);
    assert_eq!(app.glue.selected_job().map(|j| j.name.as_str()), Some("curate"));
    assert!(app.errors.iter().any(|e| e.source == ErrorSource::Glue && e.message.contains("GetCrawlerMetrics")));
}

#[test]
fn starting_a_run_is_confirmed_then_made() {
    let mut app = open_glue(vec![run("jr_1", "SUCCEEDED")]);
    key(&mut app, KeyCode::Char('s'));
    assert!(dialog(&app).lines[0].contains("StartJobRun on curate"));
    let effects = key(&mut app, KeyCode::Enter);
    let change = GlueChange::StartJobRun { job: "curate".into(), arguments: vec![] };
    let change = Change::Glue(change);
    assert_eq!(changes(&effects), vec![&change], "{effects:?}");
    // The answer is toasted and Glue is read again.
    let effects = update(&mut app, answered(change, Ok(Applied::Answer("run jr_2 started".into()))), 60);
    assert!(fetches_glue(&effects));
    assert!(app.toasts.iter().any(|t| t.message == "StartJobRun: run jr_2 started"));
}

#[test]
fn a_busy_job_or_read_only_mode_refuses_with_no_effect() {
    let mut app = open_glue(vec![run("jr_1", "RUNNING")]);
    key(&mut app, KeyCode::Char('s'));
    assert!(dialog(&app).refusal.as_deref().unwrap_or("").contains("max concurrent runs"));
    assert!(changes(&key(&mut app, KeyCode::Enter)).is_empty());
    key(&mut app, KeyCode::Esc);

    let mut app = open_glue(vec![run("jr_1", "SUCCEEDED")]);
    app.readonly = true;
    key(&mut app, KeyCode::Char('c'));
    assert!(dialog(&app).refusal.as_deref().unwrap_or("").starts_with("read-only mode"));
    assert!(changes(&key(&mut app, KeyCode::Enter)).is_empty());
}

#[test]
fn stopping_takes_the_selected_run_in_the_runs_pane() {
    let mut app = open_glue(vec![run("jr_2", "RUNNING"), run("jr_1", "FAILED")]);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('x'));
    assert!(dialog(&app).refusal.as_deref().unwrap_or("").contains("already ended: it is FAILED"));
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('x'));
    let effects = key(&mut app, KeyCode::Enter);
    let stop = GlueChange::StopJobRun { job: "curate".into(), run_id: "jr_2".into() };
    assert_eq!(changes(&effects), vec![&Change::Glue(stop)]);
}

#[test]
fn run_arguments_are_checked_as_typed() {
    let mut app = open_glue(vec![]);
    key(&mut app, KeyCode::Char('a'));
    type_text(&mut app, "day=2026-03-19 JOB_NAME=x");
    key(&mut app, KeyCode::Enter);
    match &app.mode {
        Mode::Arguments { error: Some(e), .. } => assert!(e.contains("reserved by Glue"), "{e}"),
        other => panic!("{other:?}"),
    }
    for _ in 0.." JOB_NAME=x".len() {
        key(&mut app, KeyCode::Backspace);
    }
    key(&mut app, KeyCode::Enter);
    assert!(dialog(&app).lines.iter().any(|l| l == "argument --day = 2026-03-19"), "{:?}", dialog(&app).lines);
}

#[test]
fn a_failed_read_is_reported_and_can_be_retried() {
    let mut app = app();
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "glue");
    key(&mut app, KeyCode::Enter);
    let error =
        PlatformError::answered("Glue GetJob", crate::platform::ServiceError::new("AccessDeniedException", "no"));
    let id = awaited(&app.glue.request);
    let effects = update(&mut app, Action::GlueLoaded { id, result: Err(error), at: Utc::now() }, 50);
    assert!(!app.glue.request.is_loading());
    assert!(app.errors.back().is_some_and(|e| e.message.contains("AccessDeniedException")));
    // No retry storm: keys ask for nothing; the next refresh reads again.
    assert!(!fetches_glue(&effects));
    assert!(!fetches_glue(&key(&mut app, KeyCode::Char('j'))));
    let snapshot = super::tests::snapshot();
    let effects = snapshot_loaded(&mut app, snapshot, 90);
    assert!(fetches_glue(&effects), "{effects:?}");
}
