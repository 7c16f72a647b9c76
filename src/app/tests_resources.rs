//! The added layers in the console: the overview's one line a layer when fifteen do not fit in
//! two, and each layer's view listing its resources from the snapshot.

use crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;

use super::tests::{app, key, snapshot, snapshot_loaded, type_text};
use super::*;
use crate::model::*;

fn stream(name: &str, freshness: f64) -> DeliveryStream {
    DeliveryStream {
        exists: true,
        status: Some("ACTIVE".into()),
        incoming_records: Some(1200.0),
        freshness_seconds: Some(freshness),
        success: Some(1.0),
        ..DeliveryStream::missing(name)
    }
}

/// Every layer watched: the first pipeline's, orchestration and processing unread, the added
/// ones with data.
fn full() -> PlatformSnapshot {
    let mut s = snapshot();
    s.orchestration = Reading::unavailable("not read");
    s.processing = Reading::unavailable("not read");
    s.msk = Reading::unavailable("ListClustersV2: AccessDenied");
    s.sources = Reading::unavailable("not read");
    s.firehose =
        Reading::Ready { data: FirehoseStatus { streams: vec![stream("fresh", 40.0), stream("stuck", 1900.0)] } };
    s.opensearch = Reading::Ready { data: SearchDomain::missing("logs") };
    s.quicksight = Reading::unavailable("not read");
    s
}

#[test]
fn fifteen_layers_at_80_by_24_take_a_line_each_and_a_click_selects_the_line_under_it() {
    let mut app = app();
    update(&mut app, Action::Resize { width: 80, height: 24 }, 0);
    snapshot_loaded(&mut app, full(), 0);
    assert_eq!(app.layers.len(), 15);
    let body = layout::areas(Rect::new(0, 0, 80, 24)).body;
    assert_eq!(layout::overview_lines_per_layer(body, 15), 1);
    let rows = layout::list_rows(layout::overview_split(body, 15).0);
    assert!(rows.height >= 15, "every layer fits: {rows:?}");
    let click = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: rows.y + 3,
        modifiers: KeyModifiers::NONE,
    };
    update(&mut app, Action::Mouse(click), 0);
    assert_eq!(app.layers[app.overview.selected].layer, Layer::Firehose, "the fourth line is the fourth layer");
    // With room for two lines a layer, the overview takes two.
    update(&mut app, Action::Resize { width: 120, height: 40 }, 0);
    assert_eq!(layout::overview_lines_per_layer(layout::areas(Rect::new(0, 0, 120, 40)).body, 15), 2);
}

#[test]
fn enter_on_a_layer_opens_its_view_with_its_resources_worst_named() {
    let mut app = app();
    snapshot_loaded(&mut app, full(), 0);
    let firehose = app.layers.iter().position(|l| l.layer == Layer::Firehose).unwrap();
    assert_eq!(app.layers[firehose].health, Health::Critical);
    assert!(
        app.layers[firehose].reason.starts_with("stuck: the oldest undelivered record is 32 min old"),
        "{}",
        app.layers[firehose].reason
    );
    app.overview.selected = firehose;
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Firehose);
    let rows = resources::visible(&app, Layer::Firehose).unwrap().rows;
    assert_eq!(rows.iter().map(|r| r.health).collect::<Vec<_>>(), [Health::Ok, Health::Critical]);
    key(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "stuck");
    key(&mut app, KeyCode::Enter);
    assert_eq!(resources::count(&app, Layer::Firehose), 1);
}

#[test]
fn a_layer_not_read_says_why_and_one_not_in_the_profile_is_not_listed() {
    let mut app = app();
    snapshot_loaded(&mut app, full(), 0);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "msk");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Msk);
    assert_eq!(resources::visible(&app, Layer::Msk).unwrap_err(), "ListClustersV2: AccessDenied");
    assert_eq!(resources::count(&app, Layer::Msk), 0);
    update(&mut app, Action::Tick, 5_000);
    snapshot_loaded(&mut app, snapshot(), 5_000);
    assert!(!app.layers.iter().any(|l| l.layer == Layer::Msk), "not watched: not in the overview");
    assert_eq!(resources::visible(&app, Layer::Msk).unwrap_err(), "not part of this platform's profile");
    let os = crate::ops::inventory::inventory(Layer::Opensearch, &full(), app.thresholds).unwrap();
    assert_eq!(os.rows[0].reason, "OpenSearch domain logs not found");
}

/// A stopped DMS task, a DataSync task mid-run, an on-demand AppFlow flow and a scheduled one,
/// and a SPICE dataset whose last refresh failed.
pub(super) fn with_reruns() -> PlatformSnapshot {
    let mut s = snapshot();
    let now = s.taken_at;
    let run = |id: &str, status: &str, ended: bool| SourceRun {
        id: id.into(),
        status: status.into(),
        started: Some(now - chrono::Duration::minutes(10)),
        ended: ended.then(|| now - chrono::Duration::minutes(5)),
        bytes: None,
        items: None,
        error: None,
    };
    let source = |kind, name: &str, status: &str| IngestSource {
        exists: true,
        status: Some(status.into()),
        ..IngestSource::missing(kind, name)
    };
    s.sources = Reading::Ready {
        data: SourcesStatus {
            sources: vec![
                IngestSource {
                    status_reason: Some("Endpoint initialization failed".into()),
                    last_run: Some(run("orders-cdc", "stopped", true)),
                    ..source(SourceKind::Dms, "orders-cdc", "stopped")
                },
                IngestSource {
                    last_run: Some(run("exec-1", "TRANSFERRING", false)),
                    ..source(SourceKind::DataSync, "share", "RUNNING")
                },
                IngestSource {
                    trigger: Some("OnDemand".into()),
                    last_run: Some(run("r-1", "Successful", true)),
                    ..source(SourceKind::AppFlow, "accounts", "Active")
                },
                IngestSource { trigger: Some("Scheduled".into()), ..source(SourceKind::AppFlow, "leads", "Active") },
            ],
            expect_within_minutes: 90,
        },
    };
    let failed = Ingestion {
        id: "i-1".into(),
        status: "FAILED".into(),
        created: Some(now - chrono::Duration::minutes(30)),
        seconds: Some(4),
        rows_ingested: None,
        rows_dropped: None,
        error_type: Some("SQL_EXCEPTION".into()),
        error_message: Some("not authorized".into()),
        manual: false,
    };
    s.quicksight = Reading::Ready {
        data: QuicksightStatus {
            datasets: vec![SpiceDataset { id: "sessions".into(), exists: true, ingestions: vec![failed] }],
            refresh_within_hours: 2,
        },
    };
    s
}

/// `:view` open on `snapshot`, the row whose name starts with `row` selected.
fn opened(view: &str, layer: Layer, row: &str) -> App {
    let mut app = app();
    snapshot_loaded(&mut app, with_reruns(), 0);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, view);
    key(&mut app, KeyCode::Enter);
    let rows = resources::visible(&app, layer).unwrap().rows;
    let at = rows.iter().position(|r| r.name.starts_with(row)).unwrap_or_else(|| panic!("{row} in {rows:?}"));
    for _ in 0..at {
        key(&mut app, KeyCode::Char('j'));
    }
    app
}

fn dialog(app: &App) -> &confirm::ConfirmDialog {
    match &app.mode {
        Mode::Confirm(dialog) => dialog,
        other => panic!("no dialog: {other:?}"),
    }
}

#[test]
fn s_on_a_stopped_dms_task_shows_the_resume_plan_and_enter_resumes_it() {
    let mut app = opened("sources", Layer::Sources, "DMS orders-cdc");
    key(&mut app, KeyCode::Char('s'));
    let d = dialog(&app);
    assert_eq!(d.title, "Resume DMS task orders-cdc");
    assert_eq!(d.refusal, None);
    assert_eq!(d.lines[0], "StartReplicationTask (resume-processing) on DMS task orders-cdc");
    assert!(d.lines.iter().any(|l| l == "why it stopped: Endpoint initialization failed"), "{:?}", d.lines);
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 10);
    assert_eq!(super::tests::changes(&effects), [&Change::Rerun(Rerun::DmsTask("orders-cdc".into()))]);
}

#[test]
fn s_refuses_a_source_mid_run_and_a_scheduled_flow_saying_why() {
    let mut app = opened("sources", Layer::Sources, "DataSync share");
    key(&mut app, KeyCode::Char('s'));
    let refusal = dialog(&app).refusal.clone().unwrap();
    assert!(refusal.contains("\"one run at a time\"") && refusal.contains("run exec-1 is TRANSFERRING"), "{refusal}");
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 10);
    assert!(super::tests::changes(&effects).is_empty());
    let mut app = opened("sources", Layer::Sources, "AppFlow leads");
    key(&mut app, KeyCode::Char('s'));
    let refusal = dialog(&app).refusal.clone().unwrap();
    assert!(refusal.contains("StartFlow would only activate it, not run it now"), "{refusal}");
    let mut app = opened("sources", Layer::Sources, "AppFlow accounts");
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(dialog(&app).lines[0], "StartFlow on AppFlow flow accounts");
}

#[test]
fn s_on_a_dataset_or_one_of_its_refreshes_refreshes_the_dataset() {
    for row in ["sessions", "refresh i-1"] {
        let mut app = opened("quicksight", Layer::Quicksight, row);
        key(&mut app, KeyCode::Char('s'));
        let d = dialog(&app);
        assert_eq!(d.title, "Refresh SPICE dataset sessions");
        assert!(
            d.lines.iter().any(|l| l.starts_with("last refresh: FAILED 30 min ago: SQL_EXCEPTION")),
            "{:?}",
            d.lines
        );
        assert!(d.lines.iter().any(|l| l.contains("fails the same way")), "{:?}", d.lines);
    }
    // A view whose rows carry no rerun has no such key.
    let mut app = app();
    snapshot_loaded(&mut app, full(), 0);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "firehose");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.mode, Mode::Normal), "{:?}", app.mode);
}
