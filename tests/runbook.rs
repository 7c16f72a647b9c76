//! Runbooks end to end: `lakeops runbook` through the real binary (a sandbox alarm, a fault, a
//! layer, none, a file beside a profile, a moved file), the sandbox profile's coverage of its
//! alarms and faults, the built-in runbooks' suggested commands as the command line reads them,
//! and `:alarms` with a runbook beside the selected alarm and open in full (snapshots).

mod support;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use clap::Parser;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::{update, Action, App, Header};
use lakeops::ops::health::Thresholds;
use lakeops::ops::runbook::{Content, Match};
use lakeops::sandbox::{Fault, ManualClock, Sandbox};
use lakeops::settings::Theme;
use support::screen::{render, text, with_styles};

fn lakeops(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(support::binary())
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env_remove("LAKEOPS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("run lakeops")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_sandbox_alarm_prints_its_runbook_and_the_commands_it_suggests() {
    let dir = tempfile::tempdir().unwrap();
    let out = lakeops(dir.path(), &["runbook", "clickstream-iterator-age"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Runbook for clickstream-iterator-age — builtin:iterator-age\n\n# Iterator age"),
        "{text}"
    );
    assert!(text.ends_with("\nSuggested commands:\n  lakeops logs --errors --since 30m\n  lakeops status\n  lakeops reshard clickstream-events --to 8 --dry-run\n  lakeops reshard clickstream-events --to 8\n  lakeops sandbox fault consumer-errors --off\n"), "{text}");
    assert!(stderr(&out).is_empty());
    // Nothing was read from the platform: no sandbox state was made.
    assert!(!dir.path().join("state/lakeops/sandbox").exists());

    let out = lakeops(dir.path(), &["runbook", "clickstream-iterator-age", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("only JSON on stdout");
    assert_eq!(doc["key"], "clickstream-iterator-age");
    assert_eq!(doc["matched"], "name");
    assert_eq!(doc["location"], "builtin:iterator-age");
    assert!(doc["text"].as_str().unwrap().starts_with("# Iterator age"));
    assert!(doc["url"].is_null());
    assert_eq!(doc["commands"][0], "lakeops logs --errors --since 30m");
}

#[test]
fn a_fault_and_a_layer_have_theirs() {
    let dir = tempfile::tempdir().unwrap();
    let out = lakeops(dir.path(), &["runbook", "consumer-errors"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("Runbook for consumer-errors — builtin:lambda-errors\n\n# Lambda errors"));
    assert!(stdout(&out).contains("  lakeops sandbox fault consumer-errors --off\n"));
    let out = lakeops(dir.path(), &["runbook", "processing", "--json"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["location"], "builtin:spark-oom");
}

#[test]
fn none_configured_is_exit_2_naming_what_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = lakeops(dir.path(), &["runbook", "clickstream-write-throtling"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(
        err.starts_with(
            "lakeops: no runbook for clickstream-write-throtling under [runbooks] in built-in profile sandbox \
             (looked for \"clickstream-write-throtling\", \"write-throtling\") (did you mean `clickstream-write-throttling`?)"
        ),
        "{err}"
    );
    assert!(err.contains("Runbooks are configured for: bad-records, clickstream-delivery-freshness,"), "{err}");
    assert!(!err.contains("panicked"));
}

/// A profile's relative path is read beside the profile; a URL is printed as it is; a moved file
/// does not stop the console or `status` (it is said where the runbook would be) but is exit 2
/// for `lakeops runbook`.
#[test]
fn files_beside_a_profile_urls_and_a_moved_file() {
    let dir = tempfile::tempdir().unwrap();
    let profiles = dir.path().join("team");
    std::fs::create_dir_all(profiles.join("runbooks")).unwrap();
    std::fs::write(
        profiles.join("runbooks/age.md"),
        "# Age\r\n\u{1b}]0;pwned\u{7}Drain it.\n\n```console\n$ lakeops reshard clickstream-events --to 6\n```\n",
    )
    .unwrap();
    let profile = profiles.join("team.toml");
    std::fs::write(
        &profile,
        "backend = \"sandbox\"\n[runbooks]\n\"iterator-age\" = \"runbooks/age.md\"\nkinesis = \"https://wiki.example.com/kinesis\"\n\
         glue = \"runbooks/moved.md\"\n",
    )
    .unwrap();
    let profile = profile.display().to_string();
    let out = lakeops(dir.path(), &["--profile", &profile, "runbook", "clickstream-iterator-age"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let location = profiles.join("runbooks/age.md").display().to_string();
    assert_eq!(
        text,
        format!(
            "Runbook for clickstream-iterator-age (configured as iterator-age) — {location}\n\n# Age\n\u{fffd}Drain it.\n\n\
             ```console\n$ lakeops reshard clickstream-events --to 6\n```\n\nSuggested commands:\n  \
             lakeops reshard clickstream-events --to 6\n"
        )
    );
    let out = lakeops(dir.path(), &["--profile", &profile, "runbook", "kinesis"]);
    assert_eq!(
        stdout(&out),
        "Runbook for kinesis — https://wiki.example.com/kinesis\n\nThe runbook is a web page: open https://wiki.example.com/kinesis\n"
    );
    let out = lakeops(dir.path(), &["--profile", &profile, "runbook", "glue"]);
    assert_eq!(out.status.code(), Some(2));
    let moved = profiles.join("runbooks/moved.md").display().to_string();
    assert_eq!(
        stderr(&out).trim_end(),
        format!("lakeops: the runbook for glue cannot be read: {profile}: key `runbooks.glue`: {moved}: no such file")
    );
    let out = lakeops(dir.path(), &["--profile", &profile, "status", "--json"]);
    assert_eq!(out.status.code(), Some(0), "a moved runbook stops nothing else: {}", stderr(&out));
}

/// Each alarm the sandbox raises and each fault it rehearses has a runbook in the sandbox
/// profile, under its own name, and each reads.
#[test]
fn the_sandbox_profile_covers_every_alarm_and_fault() {
    let loaded = support::sandbox_settings();
    let runbooks = lakeops::session::runbook::load(&loaded);
    let clock = Arc::new(ManualClock::new(fixed_time().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let alarms = &snapshot.alarms.ready().expect("alarms read").alarms;
    assert!(alarms.len() >= 12, "{alarms:?}");
    for alarm in alarms {
        let found = lakeops::app::alarms::runbook_of(&runbooks, alarm).unwrap_or_else(|| panic!("{}", alarm.name));
        assert_eq!(found.by, Match::Name, "{}", alarm.name);
        assert!(matches!(found.runbook.content, Content::Text(_)), "{}", alarm.name);
        assert!(!found.runbook.commands.is_empty(), "{} suggests commands", alarm.name);
    }
    for fault in Fault::ALL {
        let found = runbooks.for_fault(fault.name()).unwrap_or_else(|| panic!("{}", fault.name()));
        let off = format!("lakeops sandbox fault {} --off", fault.name());
        assert!(found.runbook.commands.contains(&off), "{}'s runbook ends the rehearsal: {off}", fault.name());
    }
}

/// Every command a built-in runbook suggests is one the command line takes (placeholders such as
/// CLUSTER_ID in their place).
#[test]
fn every_suggested_command_of_the_built_in_runbooks_parses() {
    let mut checked = 0;
    for (name, text) in lakeops::settings::runbooks::BUILTIN_RUNBOOKS {
        let runbook = lakeops::ops::runbook::Runbook::markdown(name, name, text);
        assert!(!runbook.commands.is_empty(), "{name} suggests no command");
        for command in &runbook.commands {
            let words = split(command);
            if let Err(e) = lakeops::cli::Cli::try_parse_from(&words) {
                panic!("{name}: {command}: {e}");
            }
            checked += 1;
        }
    }
    assert!(checked > 30, "{checked}");
}

/// Words as a shell splits them, for the commands above (double quotes, no escapes).
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quoted = false;
    for c in command.chars() {
        match c {
            '"' => quoted = !quoted,
            ' ' if !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    words.push(word);
    words
}

fn fixed_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), 20);
}

/// `:alarms` after fifteen minutes of failing consumer, with the sandbox profile's runbooks.
fn alarms_during_an_incident(width: u16, height: u16) -> App {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(15)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    sandbox.with_model(|s| s.set_fault(Fault::ConsumerErrors, true)).unwrap();
    clock.advance(15 * 60_000);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    lakeops::app::alarms::set_runbooks(&mut app, lakeops::session::runbook::load(&loaded), fixed_time());
    update(&mut app, Action::Resize { width, height }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    for c in ":alarms".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    app
}

#[test]
fn alarms_view_with_the_selected_alarms_runbook() {
    let app = alarms_during_an_incident(110, 32);
    let theme = Theme::builtin("default").unwrap();
    insta::assert_snapshot!("alarms_with_runbook", with_styles(&render(&app, &theme, 110, 32)));
}

#[test]
fn alarms_view_with_the_runbook_open_and_scrolled() {
    let mut app = alarms_during_an_incident(100, 30);
    press(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('j'));
    }
    let theme = Theme::builtin("default").unwrap();
    insta::assert_snapshot!("alarms_runbook_open", text(&render(&app, &theme, 100, 30)));
}
