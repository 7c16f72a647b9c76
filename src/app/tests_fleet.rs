//! The fleet's reducer: reads at each profile's own interval, one in flight each, answers judged
//! or backed off, enter opening a profile, the keys the fleet takes and those it leaves.

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::sandbox::{ManualClock, Sandbox};
use crate::settings::{self, Overrides, Paths};

fn sandbox_snapshot(fault: Option<crate::sandbox::Fault>) -> (PlatformSnapshot, Thresholds) {
    let dir = tempfile::tempdir().unwrap();
    let paths = Paths { config_dir: dir.path().join("config"), state_dir: dir.path().join("state") };
    let loaded = settings::load(&Overrides::default(), &paths, &[]).unwrap();
    let at = Utc.with_ymd_and_hms(2026, 3, 20, 13, 40, 0).unwrap();
    let clock = Arc::new(ManualClock::new(at.timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    if let Some(fault) = fault {
        sandbox.with_model(|s| s.set_fault(fault, true)).unwrap();
    }
    clock.advance(20 * 60_000);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    (snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms))
}

/// prod (AWS, every 15 s), staging (sandbox, every 5 s), and qa, which could not be loaded.
fn rows() -> Vec<FleetRow> {
    let (_, thresholds) = sandbox_snapshot(None);
    vec![
        FleetRow::new("prod", "aws", "eu-west-1", thresholds, 15_000),
        FleetRow::new("staging", "sandbox", "", thresholds, 5_000),
        FleetRow::unloadable("qa", "no profile named \"qa\""),
    ]
}

/// The fleet after its first action: every loaded profile's first read in flight.
fn fleet() -> Fleet {
    let mut fleet = Fleet::new(rows(), Keymap::builtin());
    update(&mut fleet, FleetAction::Resize { width: 100, height: 30 }, 0);
    fleet
}

fn reads(effects: &[FleetEffect]) -> Vec<usize> {
    effects.iter().filter_map(|e| if let FleetEffect::Read { row, .. } = e { Some(*row) } else { None }).collect()
}

fn key(fleet: &mut Fleet, code: KeyCode, now_ms: u64) -> Vec<FleetEffect> {
    update(fleet, FleetAction::Key(KeyEvent::new(code, KeyModifiers::NONE)), now_ms)
}

fn answer(fleet: &mut Fleet, row: usize, result: Result<Box<Reading>, PlatformError>, now_ms: u64) {
    let id = fleet.rows[row].request.awaited().expect("a read in flight");
    update(fleet, FleetAction::Read { row, id, result }, now_ms);
}

fn reading(fault: Option<crate::sandbox::Fault>) -> Box<Reading> {
    Box::new(Reading { snapshot: sandbox_snapshot(fault).0, location: "seed 42".into() })
}

#[test]
fn every_loaded_profile_is_read_at_once_and_then_at_its_own_interval() {
    let mut fleet = Fleet::new(rows(), Keymap::builtin());
    let effects = update(&mut fleet, FleetAction::Tick, 0);
    // The profile that could not be loaded is never read.
    assert_eq!(reads(&effects), [0, 1]);
    // One read in flight per profile: nothing more while they are out.
    assert_eq!(reads(&update(&mut fleet, FleetAction::Tick, 60_000)), Vec::<usize>::new());
    assert_eq!(fleet.next_wake_ms(), None);
    answer(&mut fleet, 0, Ok(reading(None)), 1_000);
    answer(&mut fleet, 1, Ok(reading(None)), 1_000);
    // staging every 5 s, prod every 15 s.
    assert_eq!(fleet.next_wake_ms(), Some(6_000));
    assert_eq!(reads(&update(&mut fleet, FleetAction::Tick, 5_999)), Vec::<usize>::new());
    assert_eq!(reads(&update(&mut fleet, FleetAction::Tick, 6_000)), [1]);
    assert_eq!(fleet.next_wake_ms(), Some(16_000));
    assert_eq!(reads(&update(&mut fleet, FleetAction::Tick, 16_000)), [0]);
}

#[test]
fn a_read_is_judged_and_its_worst_layer_named() {
    let mut fleet = fleet();
    assert_eq!(fleet.rows[0].health(), Health::Unknown);
    answer(&mut fleet, 0, Ok(reading(Some(crate::sandbox::Fault::ConsumerErrors))), 100);
    let row = &fleet.rows[0];
    assert_eq!(row.location, "seed 42");
    assert!(row.last_success.is_some());
    let worst = row.worst().expect("a failing layer");
    assert_eq!(worst.health, row.health());
    assert!(row.health() >= Health::Warn);
    // The first layer of the worst health, in pipeline order.
    assert_eq!(row.layers.iter().find(|l| l.health == row.health()).map(|l| l.layer), Some(worst.layer));
    assert_eq!(fleet.health(), row.health());
    assert!(fleet.dirty);
}

#[test]
fn a_failed_read_keeps_the_data_marks_it_stale_and_backs_off() {
    let mut fleet = fleet();
    answer(&mut fleet, 0, Ok(reading(None)), 100);
    let taken = fleet.rows[0].last_success;
    update(&mut fleet, FleetAction::Tick, 15_100);
    let denied = PlatformError::Denied { service: "Kinesis".into(), code: None, message: "no".into() };
    answer(&mut fleet, 0, Err(denied), 15_200);
    let row = &fleet.rows[0];
    assert!(row.is_stale());
    assert_eq!(row.last_success, taken);
    assert!(row.error.as_deref().unwrap().contains("Kinesis refused"), "{:?}", row.error);
    // Twice the interval after the first failure, as the console's refresh backs off.
    assert_eq!(row.due_at_ms, 15_200 + 30_000);
    // An answer to a read no longer awaited is dropped.
    let stale_id = fleet.rows[1].request.awaited().unwrap();
    fleet.rows[1].request.forget();
    update(&mut fleet, FleetAction::Read { row: 1, id: stale_id, result: Ok(reading(None)) }, 15_300);
    assert!(fleet.rows[1].layers.is_empty());
}

#[test]
fn enter_opens_the_selected_profile_and_the_fleet_waits_for_it() {
    let mut fleet = fleet();
    answer(&mut fleet, 0, Ok(reading(None)), 10);
    answer(&mut fleet, 1, Ok(reading(None)), 10);
    assert_eq!(key(&mut fleet, KeyCode::Down, 20), Vec::new());
    assert_eq!(fleet.selected, 1);
    assert_eq!(key(&mut fleet, KeyCode::Enter, 30), [FleetEffect::Open { row: 1 }]);
    // Nothing is read while a profile's console is in front.
    assert_eq!(fleet.next_wake_ms(), None);
    assert!(reads(&update(&mut fleet, FleetAction::Tick, 60_000)).is_empty());
    let back = update(&mut fleet, FleetAction::Returned { row: 1, result: Err("exit 2: bad key".into()) }, 61_000);
    // Back: that profile is read again at once (its console may have changed it), and how it ended is said.
    assert!(reads(&back).contains(&1), "{back:?}");
    assert_eq!(fleet.notice.as_deref(), Some("exit 2: bad key"));
    assert_eq!(fleet.open, None);
}

/// While the terminal is too small, enter opens nothing unseen; q still quits.
#[test]
fn a_terminal_too_small_takes_no_key_but_quit() {
    let mut fleet = fleet();
    answer(&mut fleet, 0, Ok(reading(None)), 10);
    update(&mut fleet, FleetAction::Resize { width: 60, height: 15 }, 20);
    assert_eq!(key(&mut fleet, KeyCode::Enter, 30), Vec::new());
    assert_eq!(fleet.open, None);
    update(&mut fleet, FleetAction::Resize { width: 100, height: 30 }, 40);
    assert_eq!(key(&mut fleet, KeyCode::Enter, 50), [FleetEffect::Open { row: 0 }]);
    update(&mut fleet, FleetAction::Returned { row: 0, result: Ok(()) }, 60);
    update(&mut fleet, FleetAction::Resize { width: 60, height: 15 }, 70);
    key(&mut fleet, KeyCode::Char('q'), 80);
    assert!(fleet.quitting);
}

#[test]
fn a_profile_that_could_not_be_loaded_says_why_instead_of_opening() {
    let mut fleet = fleet();
    key(&mut fleet, KeyCode::End, 10);
    assert_eq!(fleet.selected, 2);
    assert_eq!(key(&mut fleet, KeyCode::Enter, 20), Vec::new());
    let notice = fleet.notice.clone().unwrap();
    assert!(notice.starts_with("qa cannot be opened: no profile named"), "{notice}");
    // esc clears it.
    key(&mut fleet, KeyCode::Esc, 30);
    assert_eq!(fleet.notice, None);
}

#[test]
fn refresh_reads_every_idle_profile_now_help_opens_and_quit_quits() {
    let mut fleet = fleet();
    answer(&mut fleet, 0, Ok(reading(None)), 10);
    assert_eq!(reads(&key(&mut fleet, KeyCode::Char('r'), 20)), [0]);
    key(&mut fleet, KeyCode::Char('?'), 30);
    assert!(fleet.help);
    let rows = fleet.help_rows();
    assert_eq!(rows[0].keys, "enter");
    assert!(rows.iter().any(|r| r.keys == "q"), "{rows:?}");
    // The command line belongs to a profile's console: the fleet's help does not offer it.
    assert!(!rows.iter().any(|r| r.keys == ":"), "{rows:?}");
    // Only what the fleet does: no filter to clear, no query to cancel.
    assert!(rows.iter().all(|r| !r.does.contains("filter") && !r.does.contains("query")), "{rows:?}");
    key(&mut fleet, KeyCode::Char('j'), 40);
    assert!(!fleet.help);
    // Any key closes it, one bound to nothing too.
    key(&mut fleet, KeyCode::Char('?'), 42);
    key(&mut fleet, KeyCode::Char('z'), 44);
    assert!(!fleet.help);
    assert_eq!(key(&mut fleet, KeyCode::Char('q'), 50), [FleetEffect::Quit]);
    assert!(fleet.quitting);
}

#[test]
fn a_key_of_a_profiles_console_says_where_it_works() {
    let mut fleet = fleet();
    key(&mut fleet, KeyCode::Char(':'), 10);
    let notice = fleet.notice.clone().unwrap();
    assert!(notice.contains("works in a profile's console: open one with enter"), "{notice}");
}

#[test]
fn the_keys_are_the_key_tables_and_can_be_rebound() {
    let keys = Keymap::configured(&[crate::settings::KeyOverride {
        view: Some("fleet".into()),
        command: "open".into(),
        keys: vec!["o".into()],
        origin: "config.toml".into(),
    }])
    .unwrap();
    let mut fleet = Fleet { keys, ..fleet() };
    assert_eq!(key(&mut fleet, KeyCode::Enter, 10), Vec::new());
    assert_eq!(key(&mut fleet, KeyCode::Char('o'), 20), [FleetEffect::Open { row: 0 }]);
    assert_eq!(fleet.hints()[0].key, "o");
}
