//! Snapshots of the added layers' views (`:msk`, `:sources`, `:firehose`, `:opensearch`,
//! `:quicksight`) and of `:glue`'s catalog with Lake Formation's readers, on the seeded sandbox
//! at a fixed time, each with its fault on so the view shows what an operator pages on.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::{update, Action, App, Header};
use lakeops::ops::health::Thresholds;
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};
use lakeops::settings::Theme;
use support::screen::{render, text, with_styles};

fn fixed_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), 0);
}

fn open(app: &mut App, command: &str) {
    for c in format!(":{command}").chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
}

/// The console on a sandbox that ran `minutes` up to the fixed time with `faults` on.
fn console_with(faults: &[Fault], minutes: i64) -> (App, Sandbox, lakeops::settings::Loaded) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(minutes)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    rt.block_on(sandbox.snapshot()).unwrap();
    for fault in faults {
        sandbox.with_model(|s| s.set_fault(*fault, true)).unwrap();
    }
    for _ in 0..minutes {
        clock.advance(60_000);
        rt.block_on(sandbox.snapshot()).unwrap();
    }
    let snapshot = rt.block_on(sandbox.snapshot()).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width: 120, height: 36 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    (app, sandbox, loaded)
}

fn theme() -> Theme {
    Theme::default_theme()
}

#[test]
fn the_added_layers_views_during_their_incidents() {
    let faults =
        [Fault::FirehoseStale, Fault::OpensearchRed, Fault::KafkaLag, Fault::DmsStopped, Fault::SpiceRefreshFailed];
    let (mut app, _, _) = console_with(&faults, 45);
    insta::assert_snapshot!("overview_every_layer_failing", text(&render(&app, &theme(), 120, 36)));
    open(&mut app, "firehose");
    insta::assert_snapshot!("firehose", with_styles(&render(&app, &theme(), 120, 36)));
    open(&mut app, "opensearch");
    insta::assert_snapshot!("opensearch", text(&render(&app, &theme(), 120, 36)));
    open(&mut app, "msk");
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!("msk", text(&render(&app, &theme(), 120, 36)));
    open(&mut app, "sources");
    insta::assert_snapshot!("sources", text(&render(&app, &theme(), 120, 36)));
    open(&mut app, "quicksight");
    insta::assert_snapshot!("quicksight", text(&render(&app, &theme(), 120, 36)));
    open(&mut app, "pipeline");
    insta::assert_snapshot!("pipeline_with_every_layer", text(&render(&app, &theme(), 120, 36)));
}

#[test]
fn glue_catalog_shows_who_may_read_the_selected_table() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (mut app, sandbox, _) = console_with(&[], 5);
    open(&mut app, "glue");
    let mut data = sandbox.with_model(|s| s.glue_overview()).unwrap();
    data.governance = Some(rt.block_on(sandbox.governance()).unwrap());
    let id = app.glue.request.awaited().unwrap();
    update(&mut app, Action::GlueLoaded { id, result: Ok(Box::new(data)), at: fixed_time() }, 40);
    // Tab to the crawlers, then the catalog.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("glue_catalog_readers", text(&render(&app, &theme(), 120, 36)));
}
