//! Freshness objectives (`[slo]`) on the real sandbox: the faults that starve the curated zone
//! make its objective burn and break as the simulation runs, `:slo` and the overview show it,
//! and `lakeops slo` prints it and exits 1 when one is broken.

mod support;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::{update, Action, App, Header};
use lakeops::model::{Health, Layer};
use lakeops::ops::health::Thresholds;
use lakeops::ops::slo::{assess, Objective, State};
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};
use lakeops::settings::{Loaded, Theme};
use support::screen::{render, text};

const MINUTE: i64 = 60_000;

/// 14:00 UTC: the afternoon's traffic, more than a consumer failing a third of its batches keeps
/// up with (at night it would keep up, and the curated zone would stay fresh).
fn afternoon() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

fn curated(loaded: &Loaded, sandbox: &Sandbox) -> Objective {
    let snapshot = block(sandbox.snapshot()).unwrap();
    let slo = loaded.slo.as_ref().expect("the sandbox profile sets [slo]");
    let objectives = assess(slo, &snapshot, &loaded.settings.platform.glue.database);
    objectives.into_iter().find(|o| o.kind == "curated").unwrap()
}

/// Runs the sandbox from 14:00 with `fault` (if any) in 5-minute steps for at most `hours`:
/// the minutes after the fault when the curated objective first burned and first broke.
fn run(fault: Option<Fault>, hours: i64) -> (Option<i64>, Option<i64>, Objective) {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(afternoon().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    let before = curated(&loaded, &sandbox);
    assert_eq!(before.state, State::Met, "{}", before.reason);
    if let Some(fault) = fault {
        sandbox.with_model(|m| m.set_fault(fault, true)).unwrap();
    }
    let (mut burning, mut broken) = (None, None);
    let mut last = before;
    for step in 1..=hours * 12 {
        clock.advance(5 * MINUTE);
        last = curated(&loaded, &sandbox);
        if last.state >= State::Burning && burning.is_none() {
            burning = Some(step * 5);
        }
        if last.state == State::Broken && broken.is_none() {
            broken = Some(step * 5);
        }
    }
    (burning, broken, last)
}

#[test]
fn an_untroubled_afternoon_keeps_the_curated_objective_met() {
    let (burning, broken, last) = run(None, 4);
    assert_eq!((burning, broken), (None, None), "{}", last.reason);
    // Hourly runs: never more than about 65 minutes behind, within the 150.
    assert!(last.lag.unwrap().at_most_seconds.unwrap() < 70 * 60);
}

#[test]
fn a_failing_curate_job_burns_the_curated_objective_then_breaks_it() {
    let (burning, broken, last) = run(Some(Fault::EtlFailure), 4);
    // The fault is on before the 14:00 run starts, so it fails: the 13:00 run's output, holding
    // the raw zone up to 13:00, is 150 minutes behind at 15:30.
    let burning = burning.expect("burning");
    assert!((90..=100).contains(&burning), "burning after {burning} min");
    // 14.4 minutes of a day's 1 % later, the budget is spent.
    let broken = broken.expect("broken");
    assert!((burning + 10..=burning + 20).contains(&broken), "broken after {broken} min");
    assert!(last.reason.starts_with("error budget spent"), "{}", last.reason);
}

#[test]
fn a_failing_consumer_makes_the_curated_events_late_enough_to_burn_the_objective() {
    // The consumer falls behind: each curate run still succeeds, but the raw data it reads is as
    // late as the consumer's iterator age, and so are the curated events.
    let (burning, broken, last) = run(Some(Fault::ConsumerErrors), 6);
    let burning = burning.unwrap_or_else(|| panic!("never burned: {}", last.reason));
    assert!(burning <= 5 * 60, "burning after {burning} min");
    assert!(broken.is_some_and(|b| b > burning), "{}", last.reason);
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

/// The console on the sandbox after 150 minutes of `etl-failure` from 14:00.
fn console_after_etl_failure() -> App {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(afternoon().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    sandbox.with_model(|m| m.set_fault(Fault::EtlFailure, true)).unwrap();
    for _ in 0..30 {
        clock.advance(5 * MINUTE);
        block(sandbox.snapshot()).unwrap();
    }
    let snapshot = block(sandbox.snapshot()).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    lakeops::app::slo::set_objectives(&mut app, loaded.slo.clone(), &loaded.settings.platform.glue.database);
    update(&mut app, Action::Resize { width: 120, height: 36 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    let at = snapshot.taken_at;
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at }, 10);
    app
}

#[test]
fn the_slo_view_and_the_overview_show_the_broken_objective() {
    let mut app = console_after_etl_failure();
    let lake = app.layers.iter().find(|l| l.layer == Layer::Lake).unwrap();
    assert_eq!(lake.health, Health::Critical);
    assert!(lake.reason.starts_with("freshness objective broken for curated clickstream.events"), "{}", lake.reason);
    open(&mut app, "slo");
    assert_eq!(app.view(), lakeops::app::ViewId::Slo);
    let theme = Theme::default_theme();
    insta::assert_snapshot!("slo_curated_broken", text(&render(&app, &theme, 120, 36)));
    // The filter keeps what matches: the SPICE datasets.
    press(&mut app, KeyCode::Char('/'));
    for c in "spice".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    assert_eq!(lakeops::app::slo::visible(&app).len(), 2);
}

#[test]
fn a_profile_without_objectives_says_how_to_add_them() {
    let mut app = console_after_etl_failure();
    lakeops::app::slo::set_objectives(&mut app, None, "clickstream");
    open(&mut app, "slo");
    let screen = text(&render(&app, &Theme::default_theme(), 120, 36));
    assert!(screen.contains("This profile sets no freshness objectives."), "{screen}");
}

/// The real binary on a private state directory, its sandbox clock starting at `start`.
fn lakeops(home: &tempfile::TempDir, start: &str, args: &[&str]) -> Output {
    Command::new(support::binary())
        .args(args)
        .env("LAKEOPS_SANDBOX_START", start)
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env_remove("LAKEOPS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("run lakeops")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn lakeops_slo_prints_each_objective_and_exits_1_once_one_is_broken() {
    let home = tempfile::tempdir().unwrap();
    let out = lakeops(&home, "2026-03-20T14:15:00Z", &["slo", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = json(&out);
    let states: Vec<(&str, &str)> = doc["objectives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["kind"].as_str().unwrap(), o["state"].as_str().unwrap()))
        .collect();
    assert_eq!(states.len(), 4, "{states:?}");
    assert!(states.iter().all(|(_, s)| *s == "met"), "{states:?}");
    assert_eq!(doc["window_hours"], 24);

    let out = lakeops(&home, "2026-03-20T14:15:00Z", &["sandbox", "fault", "etl-failure", "--yes"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Three hours later three runs have failed: the curated events 3 h 15 min behind.
    let out = lakeops(&home, "2026-03-20T17:15:00Z", &["slo"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let row = text.lines().find(|l| l.contains("curated clickstream.events")).expect(&text);
    assert!(row.starts_with("broken"), "{text}");
    assert!(text.contains("error budget spent"), "{text}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim(), "lakeops: 1 freshness objective(s) broken: curated clickstream.events");
    // --json prints the document alone on stdout, and fails the same way.
    let out = lakeops(&home, "2026-03-20T17:15:00Z", &["slo", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["objectives"][0]["state"], "broken");
    // The headless overview says it on the lake's row.
    let out = lakeops(&home, "2026-03-20T17:15:00Z", &["status", "--json"]);
    let lake = json(&out)["layers"].as_array().unwrap().iter().find(|l| l["layer"] == "lake").cloned().unwrap();
    assert_eq!(lake["health"], "critical");
}

#[test]
fn a_mistake_in_slo_stops_lakeops_with_exit_2_naming_the_file_and_key() {
    let home = tempfile::tempdir().unwrap();
    let profile = home.path().join("p.toml");
    std::fs::write(&profile, "name = \"p\"\nbackend = \"sandbox\"\n[slo.objectives]\ncurated = \"90 minutes\"\n")
        .unwrap();
    let out = lakeops(&home, "2026-03-20T14:15:00Z", &["--profile", profile.to_str().unwrap(), "slo"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("p.toml: key `slo.objectives.curated`: expected a duration"), "{stderr}");
}
