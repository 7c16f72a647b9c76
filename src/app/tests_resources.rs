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
