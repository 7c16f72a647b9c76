//! Several platforms at once: `status` of a list of profiles through the real binary, the
//! commands that take one profile refusing a list, the fleet view's snapshot, the profile's
//! colour in the header, and the fleet console in a pseudo-terminal opening a profile's console.

mod support;

use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use lakeops::app::fleet::{update, Fleet, FleetAction, FleetRow, Reading};
use lakeops::app::{App, Header, Keymap};
use lakeops::ops::health::Thresholds;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};
use lakeops::settings::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use support::pty::Pty;
use support::screen::with_styles;

/// A temporary home with two sandbox profiles, `a` (read-only, red) and `b`, written as files.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        let home = Home { dir: tempfile::tempdir().unwrap() };
        home.write("a.toml", "[console]\nreadonly = true\ncolor = \"red\"\n");
        home.write("b.toml", "[console]\ncolor = \"#00afff\"\n");
        home
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }

    /// `a.toml,b.toml` as full paths.
    fn list(&self, names: &[&str]) -> String {
        names.iter().map(|n| self.path(n)).collect::<Vec<_>>().join(",")
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().expect("run lakeops")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(support::binary());
        command
            .args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_STATE_HOME", self.dir.path().join("state"))
            .env_remove("LAKEOPS_PROFILE")
            .env_remove("LAKEOPS_SANDBOX_START");
        command
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn status_of_two_profiles_is_an_array_of_their_documents() {
    let home = Home::new();
    let out = home.run(&["status", "--profile", &home.list(&["a.toml", "b.toml"]), "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let documents = json.as_array().expect("an array");
    assert_eq!(documents.len(), 2);
    for (document, name) in documents.iter().zip(["a", "b"]) {
        assert_eq!(document["profile"], name);
        assert_eq!(document["backend"], "sandbox");
        // The sandbox has no region; the document says so rather than leave the key out.
        assert!(document.as_object().unwrap().contains_key("region"));
        assert_eq!(document["region"], serde_json::Value::Null);
        assert!(!document["layers"].as_array().unwrap().is_empty(), "{document}");
        assert!(["ok", "warn", "critical", "unknown"].contains(&document["overall"].as_str().unwrap()));
        assert!(document.get("error").is_none());
    }
    // Each profile keeps its own sandbox: two saved states.
    for name in ["a", "b"] {
        assert!(home.dir.path().join(format!("state/lakeops/sandbox/{name}.json")).is_file(), "{name}");
    }
}

#[test]
fn status_of_two_profiles_as_text_is_a_block_each() {
    let home = Home::new();
    let out = home.run(&["--profile", &home.list(&["a.toml", "b.toml"]), "status"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let a = text.find("lakeops status — profile a (sandbox").expect(&text);
    let b = text.find("lakeops status — profile b (sandbox").expect(&text);
    assert!(a < b, "in the list's order:\n{text}");
    assert_eq!(text.matches("\noverall: ").count(), 2, "{text}");
}

#[test]
fn a_profile_of_the_list_that_cannot_be_loaded_gives_its_error_and_exit_2() {
    let home = Home::new();
    let list = format!("{},nowhere", home.path("a.toml"));
    let out = home.run(&["status", "--profile", &list, "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the documents still print");
    assert_eq!(json[0]["profile"], "a");
    assert!(json[0]["layers"].is_array());
    assert_eq!(json[1]["profile"], "nowhere");
    assert_eq!(json[1]["overall"], "unknown");
    assert_eq!(json[1]["backend"], serde_json::Value::Null);
    assert!(json[1]["error"].as_str().unwrap().contains("no profile named \"nowhere\""), "{}", json[1]);
    assert!(stderr(&out).contains("1 of 2 profiles could not be loaded or read"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nowhere: command line: key `--profile`"), "{}", stderr(&out));
}

#[test]
fn a_platform_that_cannot_be_read_is_exit_1_and_the_others_print() {
    let home = Home::new();
    // An AWS profile pointed at a port nothing listens on, quickly given up.
    let down = home.write(
        "down.toml",
        "backend = \"aws\"\n[aws]\nregion = \"eu-west-1\"\nendpoint_url = \"http://127.0.0.1:9\"\nmax_attempts = 1\nconnect_timeout_ms = 200\n",
    );
    let list = format!("{},{down}", home.path("b.toml"));
    let out = home
        .command(&["status", "--profile", &list, "--json"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json[0]["profile"], "b");
    assert_eq!(json[1]["profile"], "down");
    assert_eq!(json[1]["backend"], "aws");
    assert_eq!(json[1]["region"], "eu-west-1");
    assert_eq!(json[1]["overall"], "unknown");
    assert!(json[1]["error"].as_str().unwrap().contains("cannot reach"), "{}", json[1]);
    // The sandbox profile was read all the same.
    assert!(json[0]["layers"].is_array() && json[0].get("error").is_none(), "{}", json[0]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 of 2 profiles could not be loaded or read"), "{}", stderr(&out));
    assert!(stderr(&out).contains("  down: cannot reach"), "{}", stderr(&out));
}

#[test]
fn commands_for_one_platform_refuse_a_list() {
    let home = Home::new();
    let list = home.list(&["a.toml", "b.toml"]);
    for args in [
        vec!["reshard", "clickstream-events", "--to", "5", "--yes"],
        vec!["query", "SELECT 1"],
        vec!["glue", "run", "clickstream-curate", "--yes"],
        vec!["keys"],
    ] {
        let mut all = vec!["--profile", list.as_str()];
        all.extend(&args);
        let out = home.run(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let said = stderr(&out);
        assert!(
            said.contains(&format!("lakeops {} takes one profile: give it one (--profile NAME)", args[0])),
            "{said}"
        );
        assert!(said.contains("only the console (lakeops) and `lakeops status` take several"), "{said}");
        assert!(out.stdout.is_empty());
    }
    // Nothing was touched: no sandbox state written.
    assert!(!home.dir.path().join("state/lakeops/sandbox").exists());
    // Lists that need no profile still work with a list in the environment.
    let out = home.command(&["profiles"]).env("LAKEOPS_PROFILE", &list).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn all_reads_your_own_profiles_and_not_with_a_profile() {
    let home = Home::new();
    let profiles = home.dir.path().join("config/lakeops/profiles");
    std::fs::create_dir_all(&profiles).unwrap();
    std::fs::write(profiles.join("staging.toml"), "").unwrap();
    std::fs::write(profiles.join("prod.toml"), "[console]\nreadonly = true\n").unwrap();
    let out = home.run(&["status", "--all", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let names: Vec<&str> = json.as_array().unwrap().iter().map(|d| d["profile"].as_str().unwrap()).collect();
    // The built-ins (sandbox, production, …) are not yours: left out.
    assert_eq!(names, ["prod", "staging"]);
    let out = home.run(&["status", "--all", "--profile", "prod"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give --all or --profile, not both"), "{}", stderr(&out));
    // A profile in the environment is a default, which --all replaces.
    let out = home.command(&["status", "--all", "--json"]).env("LAKEOPS_PROFILE", "prod").output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_list_with_a_hole_is_bad_input() {
    let home = Home::new();
    let out = home.run(&["status", "--profile", &format!("{},", home.path("a.toml"))]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("an empty name in the list"), "{}", stderr(&out));
}

// --- the fleet view ---------------------------------------------------------------------------

fn fixed_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

/// A seeded sandbox's snapshot at 14:00, twenty minutes after `fault` (if any) began.
fn snapshot(fault: Option<Fault>) -> lakeops::model::PlatformSnapshot {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(20)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    if let Some(fault) = fault {
        sandbox.with_model(|s| s.set_fault(fault, true)).unwrap();
    }
    clock.advance(20 * 60_000);
    sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap()
}

/// Four profiles: production failing, read-only and red; staging healthy; one whose reads fail;
/// one that could not be loaded.
fn fleet_view(width: u16, height: u16) -> Fleet {
    let thresholds = Thresholds::from_alarms(&support::sandbox_settings().settings.platform.alarms);
    let mut prod = FleetRow::new("prod", "aws", "eu-west-1", thresholds, 15_000);
    prod.color = Some(Color::Red);
    prod.readonly = true;
    let mut staging = FleetRow::new("staging", "sandbox", "", thresholds, 5_000);
    staging.color = Some(Color::Rgb(0, 175, 255));
    let lab = FleetRow::new("lab", "aws", "us-east-1", thresholds, 15_000);
    let rows = vec![prod, staging, lab, FleetRow::unloadable("qa", "/home/op/qa.toml: key `console.color`: expected #rrggbb or a colour name such as darkgray, found \"purple\"")];
    let mut fleet = Fleet::new(rows, Keymap::builtin());
    update(&mut fleet, FleetAction::Resize { width, height }, 0);
    let answers: [(usize, Result<Box<Reading>, lakeops::platform::PlatformError>); 3] = [
        (0, Ok(Box::new(Reading { snapshot: snapshot(Some(Fault::ConsumerErrors)), location: "eu-west-1".into() }))),
        (1, Ok(Box::new(Reading { snapshot: snapshot(None), location: "seed 42".into() }))),
        (
            2,
            Err(lakeops::platform::PlatformError::Unreachable {
                service: "Kinesis".into(),
                message: "connection refused".into(),
            }),
        ),
    ];
    for (row, result) in answers {
        let id = fleet.rows[row].request.awaited().expect("a read in flight");
        update(&mut fleet, FleetAction::Read { row, id, result }, 10);
    }
    fleet
}

fn render_fleet(fleet: &Fleet, theme: &Theme, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| lakeops::ui::fleet::draw(fleet, theme, frame)).unwrap();
    terminal.backend().buffer().clone()
}

#[test]
fn the_fleet_view() {
    let fleet = fleet_view(110, 24);
    let theme = Theme::builtin("default").unwrap();
    insta::assert_snapshot!("fleet", with_styles(&render_fleet(&fleet, &theme, 110, 24)));
}

#[test]
fn the_fleet_view_names_each_rows_state() {
    let fleet = fleet_view(110, 24);
    let theme = Theme::builtin("default").unwrap();
    let text = support::screen::text(&render_fleet(&fleet, &theme, 110, 24));
    assert!(text.contains("fleet of 4 profiles"), "{text}");
    let line = |name: &str| {
        text.lines().find(|l| l.contains(&format!(" {name} "))).unwrap_or_else(|| panic!("{name}:\n{text}"))
    };
    assert!(line("prod").contains("READ-ONLY"), "{text}");
    assert!(!line("staging").contains("READ-ONLY"), "{text}");
    assert!(line("staging").contains("14:00:00") && line("staging").contains("sandbox seed 42"), "{text}");
    assert!(line("lab").contains("no data"), "{text}");
    assert!(text.contains("last read failed: cannot reach Kinesis"), "{text}");
    assert!(line("qa").contains("not loaded"), "{text}");
    // The row is the profile: its file's path goes, the key and the value found stay.
    assert!(text.contains("cannot load: key `console.color`: expected"), "{text}");
    assert!(text.contains("found \"purple\""), "{text}");
    // The worst layer of the failing profile, named with its reason.
    let worst = fleet.rows[0].worst().expect("consumer errors fail a layer");
    assert!(text.contains(&format!("{}: ", worst.layer.title())), "{text}");
    assert!(text.contains("enter open"), "{text}");
}

#[test]
fn the_profile_colour_is_a_badge_in_the_header() {
    let header = Header { profile: "prod".into(), backend: "aws".into(), location: "eu-west-1".into() };
    let loaded = support::sandbox_settings();
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    let theme = Theme::builtin("default").unwrap();
    let plain = support::screen::render(&app, &theme, 100, 30);
    assert!(support::screen::text(&plain).starts_with(" lakeops  │ profile prod │"));
    app.profile_color = Some(Color::Red);
    let badged = support::screen::render(&app, &theme, 100, 30);
    let first = support::screen::text(&badged).lines().next().unwrap().to_string();
    assert!(first.starts_with(" lakeops  │  prod  │"), "{first}");
    let at = first[..first.find(" prod ").unwrap()].chars().count();
    let cell = &badged[(at as u16 + 1, 0)];
    assert_eq!((cell.bg, cell.fg), (Color::Red, Color::White));
}

// --- the fleet console in a pseudo-terminal -----------------------------------------------------

/// lakeops with `args` in a pseudo-terminal of 110 × 30, in `home`'s XDG directories.
fn open(home: &Home, args: &[&str]) -> Pty {
    let (config, state) = (home.dir.path().join("config"), home.dir.path().join("state"));
    Pty::lakeops(args, &[("XDG_CONFIG_HOME", config.as_os_str()), ("XDG_STATE_HOME", state.as_os_str())], 30, 110)
}

/// The background colour of the header's `name` badge (the name's first letter).
fn header_badge(pty: &Pty, name: &str) -> vt100::Color {
    let parser = pty.parser.lock().unwrap();
    let header = parser.screen().contents().lines().next().unwrap_or_default().to_string();
    let at = header.find(&format!(" {name} ")).unwrap_or_else(|| panic!("no {name} in {header:?}"));
    let column = header[..at].chars().count() + 1;
    parser.screen().cell(0, column as u16).map(|c| c.bgcolor()).unwrap_or_default()
}

#[test]
fn the_fleet_console_shows_both_rows_and_opens_each_profiles_console() {
    let home = Home::new();
    let mut pty = open(&home, &["--profile", &home.list(&["a.toml", "b.toml"])]);
    let screen = pty.wait_within("fleet of 2 profiles", 15);
    // Both rows, each read: a time under DATA once its first read answered.
    let screen = if screen.matches("reading…").count() > 0 { pty.wait_within(" b ", 15) } else { screen };
    assert!(screen.contains(" a ") && screen.contains(" b "), "{screen}");
    assert!(screen.lines().find(|l| l.contains(" a ")).unwrap().contains("READ-ONLY"), "{screen}");
    let deadline = Instant::now() + Duration::from_secs(15);
    while pty.screen().contains("reading…") {
        assert!(Instant::now() < deadline, "never read:\n{}", pty.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    // Enter on the first row: a's own console, read-only as its profile says, its colour in the header.
    pty.send("\r");
    let console = pty.wait_within("CloudTrail", 15);
    let header = console.lines().next().unwrap().to_string();
    assert!(header.contains(" a ") && header.contains("READ-ONLY"), "{header}");
    assert!(!header.contains("profile a"), "the name is a badge of its colour: {header}");
    assert_eq!(header_badge(&pty, "a"), vt100::Color::Idx(1), "red: {header}");
    assert!(!console.contains("fleet of 2"), "{console}");
    // Its quit is back to the fleet, which quits in turn.
    pty.send("q");
    pty.wait_within("fleet of 2 profiles", 15);
    pty.send("j\r");
    let console = pty.wait_within("CloudTrail", 15);
    let header = console.lines().next().unwrap().to_string();
    assert!(header.contains(" b ") && !header.contains("READ-ONLY"), "{header}");
    assert_eq!(header_badge(&pty, "b"), vt100::Color::Rgb(0, 175, 255), "{header}");
    pty.send("q");
    pty.wait_within("fleet of 2 profiles", 15);
    pty.send("q");
    let status = pty.wait_exit();
    assert!(status.success(), "{status:?}");
    let parser = pty.parser.lock().unwrap();
    assert!(!parser.screen().alternate_screen(), "still on the alternate screen");
}

#[test]
fn a_profiles_console_is_given_the_flags_given_and_no_others() {
    use clap::Parser;
    let cli = lakeops::cli::Cli::parse_from([
        "lakeops",
        "--profile",
        "a,b",
        "--readonly",
        "--speed",
        "20",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(cli.global.passed_on(), ["--readonly", "--region", "eu-west-1", "--speed", "20"]);
    let cli = lakeops::cli::Cli::parse_from(["lakeops", "--all", "--theme", "light"]);
    assert_eq!(cli.global.passed_on(), ["--theme", "light"]);
}
