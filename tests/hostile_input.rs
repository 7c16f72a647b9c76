//! What outside data can be: profiles a user mistyped, records a public producer wrote, events
//! an attacker shaped. Arbitrary input never panics and never reaches the terminal raw; large
//! input stays bounded.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::{update, Action, App, Header};
use lakeops::model::{AuditEvent, PeekCursor, PeekFrom, PeekRecord};
use lakeops::ops::health::Thresholds;
use lakeops::ops::record_view;
use lakeops::sandbox::{ManualClock, Sandbox};
use lakeops::settings::{self, Overrides};
use proptest::prelude::*;
use support::screen::{render, text};

/// No C0 or C1 control character (an escape sequence starts with one) is on screen.
fn assert_printable(screen: &str) {
    let bad: Vec<char> = screen.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(bad.is_empty(), "control characters reached the screen: {bad:?}");
}

fn console() -> App {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock);
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width: 120, height: 40 }, 0);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: Utc::now() }, 10);
    app
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), 20);
}

/// Records no one should have to read, but a console must survive.
fn hostile_records() -> Vec<PeekRecord> {
    let record = |n: u32, data: Vec<u8>| PeekRecord {
        arrival: Utc::now(),
        shard: format!("shardId-{n:012}\u{1b}[2J"),
        partition_key: format!("key\u{1b}]52;c;cHduZWQ=\u{7}{n}\u{202e}"),
        sequence: format!("{n:020}"),
        data,
    };
    let mib = 1 << 20;
    vec![
        record(1, format!("{{\"pad\":\"{}\"}}", "x".repeat(mib)).into_bytes()),
        record(2, b"{\"open\": [1, 2, {\"a\": \"\\u001b[31mred".to_vec()),
        record(3, vec![0xff, 0xfe, 0x00, 0x1b, b'[', b'2', b'J', 0xc3]),
        record(4, vec![0; 4096]),
        record(5, format!("{}\u{1b}]0;title\u{7}\u{9b}31m", "é".repeat(300_000)).into_bytes()),
        record(6, format!("[{}]", "[".repeat(10_000) + &"]".repeat(10_000)).into_bytes()),
        record(7, Vec::new()),
    ]
}

#[test]
fn hostile_records_in_the_peek_never_panic_or_reach_the_terminal() {
    let mut app = console();
    let mut effects = Vec::new();
    lakeops::app::peek::open(&mut app, "clickstream-events", None, &mut effects);
    let cursor = PeekCursor { stream: "clickstream-events".into(), from: PeekFrom::Latest, shards: vec![], turn: 0 };
    let id = app.peek.as_ref().unwrap().request.awaited().unwrap();
    update(&mut app, Action::PeekOpened { id, result: Ok(cursor.clone()), at: Utc::now() }, 30);
    let id = app.peek.as_ref().unwrap().request.awaited().unwrap();
    update(&mut app, Action::PeekRead { id, cursor, result: Ok(hostile_records()), at: Utc::now() }, 40);
    assert_eq!(app.peek.as_ref().unwrap().records.len(), 7);
    // Every record selected in turn, each drawn at two sizes.
    for _ in 0..7 {
        for (w, h) in [(120, 40), (40, 12)] {
            assert_printable(&text(&render(&app, &lakeops::settings::Theme::builtin("default").unwrap(), w, h)));
        }
        press(&mut app, KeyCode::Char('k'));
    }
    // Headless text of the same records.
    for r in hostile_records() {
        assert_printable(&lakeops::headless::peek::to_text(&r));
    }
}

#[test]
fn a_hostile_audit_event_never_panics_or_reaches_the_terminal() {
    let mut app = console();
    for c in ":audit".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let evil = "\u{1b}]52;c;cHduZWQ=\u{7}\u{202e}\u{0}";
    let event = |n: usize, json: Option<String>| AuditEvent {
        time: Utc::now(),
        user: format!("arn:aws:iam::1:user/{evil}{n}"),
        source: format!("kinesis{evil}"),
        name: format!("UpdateShardCount{evil}"),
        resource: "r".repeat(100_000),
        read_only: false,
        error_code: Some(evil.into()),
        event_json: json,
        from_journal: false,
        by_lakeops: n == 1,
    };
    let events = vec![
        event(1, Some(format!("{{\"requestParameters\":{{\"x\":\"{}\"}}}}", "\\u001b[2J".repeat(100_000)))),
        event(2, Some("{not json \u{1b}[2J".into())),
        event(3, None),
    ];
    let id = app.audit.request.awaited().unwrap();
    update(&mut app, Action::AuditLoaded { id, result: Ok(events), at: Utc::now() }, 40);
    for _ in 0..3 {
        assert_printable(&text(&render(&app, &lakeops::settings::Theme::builtin("default").unwrap(), 120, 40)));
        press(&mut app, KeyCode::Enter);
        assert_printable(&text(&render(&app, &lakeops::settings::Theme::builtin("default").unwrap(), 120, 40)));
        press(&mut app, KeyCode::Esc);
        press(&mut app, KeyCode::Char('j'));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any bytes as a record: lines and preview never panic, and carry no control character.
    #[test]
    fn any_record_renders_as_safe_text(data in proptest::collection::vec(any::<u8>(), 0..2_000)) {
        for line in record_view::lines(&data) {
            let plain = record_view::plain(&line);
            prop_assert!(!plain.chars().any(char::is_control), "{:?}", plain);
        }
        let preview = record_view::preview(&data, 80);
        prop_assert!(preview.chars().count() <= 80);
        prop_assert!(!preview.chars().any(char::is_control), "{:?}", preview);
    }

    /// JSON whose strings hold any text, escapes included: still safe text.
    #[test]
    fn json_strings_with_any_text_render_safely(key in ".{0,20}", value in ".{0,200}") {
        let data = serde_json::json!({ key: value, "n": [1, null, true] }).to_string().into_bytes();
        for line in record_view::lines(&data) {
            prop_assert!(!record_view::plain(&line).chars().any(char::is_control));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any profile text loads or is refused with a message; it never panics.
    #[test]
    fn any_profile_loads_or_is_refused(text in "(\\[[a-z.]{0,12}\\]\n)?([a-z_.]{1,24} = (\"[^\"\n]{0,12}\"|-?[0-9]{1,22}(\\.[0-9]{1,3})?|true|\\[\\]|\\{\\})\n){0,6}") {
        let dir = tempfile::tempdir().unwrap();
        let (_home, paths) = support::temp_paths();
        let file = dir.path().join("p.toml");
        std::fs::write(&file, format!("name = \"p\"\nbackend = \"sandbox\"\n{text}")).unwrap();
        let overrides = Overrides { profile: Some(file.display().to_string()), ..Default::default() };
        if let Err(e) = settings::load(&overrides, &paths, &[]) {
            let said = e.to_string();
            prop_assert!(!said.is_empty());
            prop_assert!(!said.chars().any(|c| c.is_control() && c != '\n'), "{:?}", said);
        }
    }

    /// Profiles that are nearly right: a known key with a value of any type or size.
    #[test]
    fn known_keys_with_any_values_load_or_are_refused(
        key in prop::sample::select(vec![
            "platform.stream.shards", "platform.stream.retention_hours", "platform.stream.name",
            "console.refresh_seconds", "console.peek_memory_mib", "sandbox.speed", "sandbox.seed",
            "platform.alarms.iterator_age_ms", "platform.network.cidr", "platform.glue.schedule",
        ]),
        value in prop_oneof![
            any::<i64>().prop_map(|n| n.to_string()),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| format!("{f:?}")),
            "\"[^\"\\\\\n]{0,40}\"",
            Just("nan".to_string()),
            Just("inf".to_string()),
            Just("[1, 2]".to_string()),
        ],
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (_home, paths) = support::temp_paths();
        let file = dir.path().join("p.toml");
        let (table, leaf) = key.rsplit_once('.').unwrap();
        std::fs::write(&file, format!("name = \"p\"\nbackend = \"sandbox\"\n[{table}]\n{leaf} = {value}\n")).unwrap();
        let overrides = Overrides { profile: Some(file.display().to_string()), ..Default::default() };
        match settings::load(&overrides, &paths, &[]) {
            Ok(_) => {}
            Err(e) => {
                let said = e.to_string();
                prop_assert!(said.contains(leaf) || said.contains("line 4"), "the error names the setting or the line: {}", said);
                prop_assert!(!said.chars().any(|c| c.is_control() && c != '\n'), "{:?}", said);
            }
        }
    }
}

#[test]
fn a_huge_result_never_panics_or_reaches_the_terminal() {
    use lakeops::model::{Applied, Change, QueryRequest, QueryState, QueryStatus, ResultColumn, ResultPage};
    let mut app = console();
    app.athena_target = Some(("clickstream-ops".into(), "clickstream".into()));
    for c in ":athena".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    for c in "SELECT *".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::F(5));
    let request = QueryRequest { sql: "SELECT *".into(), database: "d".into(), workgroup: "w".into() };
    let started = Ok(Applied::Answer("q1".into()));
    update(
        &mut app,
        Action::Changed { change: Change::StartQuery(request), started_ms: 0, result: started, at: Utc::now() },
        30,
    );
    let status = QueryStatus {
        id: "q1".into(),
        state: QueryState::Succeeded,
        reason: None,
        scanned_bytes: Some(1),
        engine_ms: Some(1),
        submitted: None,
        statement_type: Some("DML".into()),
        error_category: None,
    };
    let request = app.athena.running.as_ref().unwrap().poll.awaited().unwrap();
    update(&mut app, Action::QueryPolled { request, id: "q1".into(), result: Ok(status) }, 40);
    // 10,000 columns, a 10 MB cell, NUL bytes, escapes and bidi controls.
    let columns: Vec<ResultColumn> =
        (0..10_000).map(|i| ResultColumn { name: format!("c{i}\u{1b}[2J"), kind: "varchar".into() }).collect();
    let mut row: Vec<Option<String>> = (0..10_000).map(|i| Some(format!("v{i}\u{0}\u{202e}"))).collect();
    row[1] = Some(format!("{}\u{1b}]52;c;cHduZWQ=\u{7}", "x".repeat(10_000_000)));
    row[2] = None;
    let page = ResultPage { columns, rows: vec![row.clone(), row], next_token: None };
    let request = app.athena.results.as_ref().unwrap().pages.awaited().unwrap();
    update(&mut app, Action::QueryResultsLoaded { request, id: "q1".into(), first: true, result: Ok(page) }, 50);
    let theme = lakeops::settings::Theme::builtin("default").unwrap();
    assert_printable(&text(&render(&app, &theme, 120, 40)));
    press(&mut app, KeyCode::Esc);
    for _ in 0..3 {
        press(&mut app, KeyCode::Char('l'));
    }
    assert_printable(&text(&render(&app, &theme, 120, 40)));
    press(&mut app, KeyCode::Enter);
    assert_printable(&text(&render(&app, &theme, 120, 40)));
}
