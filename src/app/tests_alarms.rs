//! `:alarms` and its runbooks: the selected alarm's runbook by the one rule, `enter` reads it in
//! full (scrolling, closing), `c` copies its suggested commands in turn (OSC 52, said in a toast),
//! and none, a URL or an unreadable file each say what they are. Reading a runbook changes
//! nothing, so read-only mode allows it.

use crossterm::event::KeyCode;

use super::tests::{app, key, snapshot_loaded, type_text};
use super::*;
use crate::model::{Alarm, AlarmStatus, PlatformSnapshot, Reading};
use crate::ops::runbook::{Runbook, Runbooks};

const VIEW_ALARMS: &dyn registry::View = alarms::VIEW;

fn alarm(name: &str, state: &str, metric: &str) -> Alarm {
    Alarm {
        name: name.into(),
        state: state.into(),
        reason: "Threshold crossed".into(),
        since: None,
        metric: Some(metric.into()),
    }
}

fn with_alarms() -> PlatformSnapshot {
    let mut snapshot = PlatformSnapshot::example();
    let alarms = vec![
        alarm("clickstream-iterator-age", "ALARM", "AWS/Kinesis GetRecords.IteratorAgeMilliseconds"),
        alarm("clickstream-write-throttling", "ALARM", "AWS/Kinesis WriteProvisionedThroughputExceeded"),
        alarm("clickstream-etl-failed", "OK", "Glue glue.driver.aggregate.numFailedTasks"),
        alarm("clickstream-redshift-cpu", "OK", "AWS/Redshift-Serverless ComputeCapacity"),
    ];
    snapshot.alarms = Reading::Ready { data: AlarmStatus { total: 4, alarms, dlq: Reading::NotWatched } };
    snapshot
}

const AGE: &str = "# Iterator age\n\nThe consumer falls behind.\n\n```sh\n$ lakeops logs --errors\nlakeops reshard clickstream-events --to 8\n```\n";

fn runbooks() -> Runbooks {
    let long: String = (1..=80).map(|i| format!("line {i}\n")).collect();
    Runbooks::new(
        "clickstream",
        vec![
            Runbook::markdown("iterator-age", "builtin:iterator-age", &format!("{AGE}{long}")),
            Runbook::url("kinesis", "https://wiki.example.com/kinesis"),
            Runbook::unreadable("glue", "/gone/glue.md", "p.toml: key `runbooks.glue`: /gone/glue.md: no such file"),
        ],
    )
}

/// `:alarms` on screen with the alarms above and the runbooks of the profile.
fn alarms_app() -> App {
    let mut app = app();
    alarms::set_runbooks(&mut app, runbooks(), PlatformSnapshot::example().taken_at);
    snapshot_loaded(&mut app, with_alarms(), 10);
    key(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "alarms");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Alarms);
    app
}

fn copied(effects: &[Effect]) -> Vec<&str> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::CopyToClipboard { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn last_toast(app: &App) -> &str {
    app.toasts.back().map(|t| t.message.as_str()).unwrap_or_default()
}

#[test]
fn the_selected_alarm_finds_its_runbook_by_the_rule() {
    let mut app = alarms_app();
    let (alarm, found) = alarms::selected(&app).unwrap();
    assert_eq!(
        (alarm.name.as_str(), found.unwrap().runbook.key.as_str()),
        ("clickstream-iterator-age", "iterator-age")
    );
    key(&mut app, KeyCode::Char('j'));
    let (_, found) = alarms::selected(&app).unwrap();
    assert_eq!(found.unwrap().runbook.key, "kinesis", "no runbook of its own: its layer's");
    key(&mut app, KeyCode::Char('G'));
    let (alarm, found) = alarms::selected(&app).unwrap();
    assert!(found.is_none());
    assert_eq!(
        alarms::no_runbook(&app, alarm),
        "no runbook for clickstream-redshift-cpu: add one under [runbooks] in the profile, as \
         \"clickstream-redshift-cpu\", \"redshift-cpu\" or \"redshift\" (docs/runbooks.md)"
    );
}

#[test]
fn enter_reads_the_runbook_in_full_and_the_list_keys_scroll_it() {
    let mut app = alarms_app();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.alarms.reading, Some(0));
    assert_eq!(VIEW_ALARMS.pane(&app), Some(registry::Pane::Runbook));
    key(&mut app, KeyCode::Char('j'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.alarms.reading, Some(2), "j scrolls the runbook");
    assert_eq!(app.alarms_cursor.selected, 0, "and leaves the alarm selected");
    key(&mut app, KeyCode::Char('G'));
    let (width, height) = layout::reader_text_size(layout::areas(ratatui::layout::Rect::new(0, 0, 100, 30)).body);
    let last = alarms::reader_lines(&app, width).len() - height as usize;
    assert_eq!(app.alarms.reading, Some(last), "to the end, no further");
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.alarms.reading, Some(last));
    key(&mut app, KeyCode::PageUp);
    assert!(app.alarms.reading.unwrap() < last);
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode, Mode::Normal, "the filter waits until the runbook is closed");
    key(&mut app, KeyCode::Esc);
    assert_eq!((app.alarms.reading, app.view()), (None, ViewId::Alarms), "esc closes the runbook, not the view");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.alarms.reading, None, "enter again closes it too");
}

#[test]
fn c_copies_each_suggested_command_in_turn_and_says_where_to_run_it() {
    let mut app = alarms_app();
    let effects = key(&mut app, KeyCode::Char('c'));
    assert_eq!(copied(&effects), ["lakeops logs --errors"]);
    assert!(last_toast(&app).contains("1 of 2: lakeops logs --errors — paste it in a shell"), "{}", last_toast(&app));
    assert!(last_toast(&app).contains("OSC 52") && last_toast(&app).contains("the : line only opens views"));
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["lakeops reshard clickstream-events --to 8"]);
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["lakeops logs --errors"], "round again");
    // Another alarm starts from its runbook's first: here a web page, whose address is copied.
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["https://wiki.example.com/kinesis"]);
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["lakeops logs --errors"]);
    // The copy key works with the runbook open, too.
    key(&mut app, KeyCode::Enter);
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["lakeops reshard clickstream-events --to 8"]);
}

#[test]
fn no_runbook_or_an_unreadable_one_is_said_and_nothing_is_copied() {
    let mut app = alarms_app();
    key(&mut app, KeyCode::Char('G'));
    assert!(copied(&key(&mut app, KeyCode::Char('c'))).is_empty());
    assert!(last_toast(&app).starts_with("no runbook for clickstream-redshift-cpu"), "{}", last_toast(&app));
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.alarms.reading, None, "nothing to read");
    key(&mut app, KeyCode::Char('k'));
    assert!(copied(&key(&mut app, KeyCode::Char('c'))).is_empty());
    assert!(last_toast(&app).contains("/gone/glue.md: no such file"), "{}", last_toast(&app));
    key(&mut app, KeyCode::Enter);
    assert!(alarms::reader_lines(&app, 98).iter().any(|(_, l)| l.contains("no such file")));
}

#[test]
fn an_unreadable_runbook_is_in_the_error_history_once() {
    let app = alarms_app();
    let runbook_errors: Vec<_> = app.errors.iter().filter(|e| e.source == ErrorSource::Runbook).collect();
    assert_eq!(runbook_errors.len(), 1);
    assert!(runbook_errors[0].message.contains("/gone/glue.md: no such file"));
}

#[test]
fn reading_and_copying_are_allowed_read_only() {
    let mut app = alarms_app();
    app.readonly = true;
    assert_eq!(copied(&key(&mut app, KeyCode::Char('c'))), ["lakeops logs --errors"]);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.alarms.reading, Some(0));
    for binding in VIEW_ALARMS.spec().keys {
        assert!(!binding.changes, "{:?} changes nothing", binding.command);
    }
}

#[test]
fn the_reader_wraps_long_lines_and_keeps_empty_ones() {
    assert_eq!(alarms::wrap("", 10), [""]);
    assert_eq!(alarms::wrap("one two three four", 9), ["one two", "three", "four"]);
    assert_eq!(alarms::wrap("abcdefghij", 4), ["abcd", "efgh", "ij"]);
    assert_eq!(alarms::wrap("  indented text", 40), ["  indented text"]);
    assert_eq!(alarms::wrap("a\n\nb", 5), ["a", "", "b"]);
    let long = "x".repeat(100_000);
    let lines = alarms::wrap(&long, 98);
    assert_eq!(lines.len(), 100_000usize.div_ceil(98));
    assert!(lines.iter().all(|l| l.chars().count() <= 98));
}

/// With the runbook open, every key the status bar shows means what it says there.
#[test]
fn every_hint_with_the_runbook_open_is_a_key_of_the_view() {
    let mut app = alarms_app();
    key(&mut app, KeyCode::Enter);
    let hints = app.hints();
    assert!(hints.iter().any(|h| h.label == "close" && h.key == "esc"), "{hints:?}");
    for hint in hints {
        let chord = super::chord::Chord::parse(&hint.key).unwrap();
        assert_eq!(super::input::meaning(&app, chord), Some(hint.command), "{} {}", hint.key, hint.label);
    }
}
