//! Snapshots of the console's screens (TestBackend, fixed size, seeded sandbox, fixed clock),
//! in every built-in theme. The style map under each screen makes colours part of the check.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::{report_error, update, Action, App, Effect, ErrorSource, Header};
use lakeops::model::Change;
use lakeops::ops::health::Thresholds;
use lakeops::platform::{GateError, Platform};
use lakeops::sandbox::{ManualClock, Sandbox};
use lakeops::settings::Theme;
use support::screen::{render, text, with_styles};

const THEMES: [&str; 3] = ["default", "light", "high-contrast"];

fn fixed_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

/// The console after one refresh of a sandbox seeded 42 at 2026-03-20 14:00 UTC.
fn console(width: u16, height: u16) -> App {
    console_and_sandbox(width, height).0
}

fn console_and_sandbox(width: u16, height: u16) -> (App, Sandbox) {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(fixed_time().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock);
    (console_on(&sandbox, &loaded, width, height), sandbox)
}

/// The console after one refresh of `sandbox`.
fn console_on(sandbox: &Sandbox, loaded: &lakeops::settings::Loaded, width: u16, height: u16) -> App {
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).expect("snapshot");
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width, height }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    app
}

/// Makes the change `effect` asks for on the sandbox, as the console's runtime would (through a
/// write gate), and returns the answer the reducer hears.
fn make(rt: &tokio::runtime::Runtime, sandbox: &Sandbox, effect: &Effect) -> Action {
    let Effect::Change { change, .. } = effect else { panic!("not a change: {effect:?}") };
    let started_ms = sandbox.now().timestamp_millis() - 1_000;
    let result = rt.block_on(support::writes::apply(sandbox, change.clone())).map_err(GateError::Platform);
    Action::Changed { change: change.clone(), started_ms, result, at: fixed_time() }
}

/// The gate's answer to the query `:athena` started: its execution id.
fn query_started(id: &str) -> Action {
    let request = lakeops::model::QueryRequest { sql: "SELECT 1".into(), database: "d".into(), workgroup: "w".into() };
    let result = Ok(lakeops::model::Applied::Answer(id.into()));
    Action::Changed { change: Change::StartQuery(request), started_ms: 0, result, at: fixed_time() }
}

fn press(app: &mut App, code: KeyCode) {
    update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), 20);
}

fn theme(name: &str) -> Theme {
    Theme::builtin(name).expect("built-in theme")
}

#[test]
fn overview() {
    let app = console(100, 30);
    for name in THEMES {
        insta::assert_snapshot!(format!("overview_{name}"), with_styles(&render(&app, &theme(name), 100, 30)));
    }
}

#[test]
fn overview_at_the_smallest_size() {
    let app = console(80, 24);
    insta::assert_snapshot!("overview_80x24", text(&render(&app, &theme("default"), 80, 24)));
}

#[test]
fn help_overlay() {
    let mut app = console(100, 30);
    press(&mut app, KeyCode::Char('?'));
    for name in THEMES {
        insta::assert_snapshot!(format!("help_{name}"), with_styles(&render(&app, &theme(name), 100, 30)));
    }
}

/// At 80 columns a description longer than the help's width wraps under itself (it was cut).
#[test]
fn the_help_wraps_at_80_columns() {
    let mut app = console(80, 24);
    open_athena(&mut app);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    let screen = text(&render(&app, &theme("default"), 80, 24));
    assert!(screen.contains("complete the name before the cursor (catalog"), "{screen}");
    assert!(screen.contains("names, keywords); with none, to the results"), "the rest on the next line: {screen}");
}

#[test]
fn error_toast() {
    let mut app = console(100, 30);
    report_error(
        &mut app,
        ErrorSource::Refresh,
        "cannot reach Kinesis DescribeStreamSummary: connection refused (127.0.0.1:4566)",
        fixed_time(),
    );
    for name in THEMES {
        insta::assert_snapshot!(format!("error_toast_{name}"), with_styles(&render(&app, &theme(name), 100, 30)));
    }
}

#[test]
fn too_small() {
    let app = console(60, 20);
    for name in THEMES {
        insta::assert_snapshot!(format!("too_small_{name}"), with_styles(&render(&app, &theme(name), 60, 20)));
    }
}

#[test]
fn errors_view() {
    let mut app = console(100, 30);
    report_error(&mut app, ErrorSource::Refresh, "CloudWatch GetMetricData is throttling requests", fixed_time());
    for c in ":errors".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("errors_view", text(&render(&app, &theme("default"), 100, 30)));
}

/// At 80 columns a long location is cut with … before the health on the right, which drew over
/// it ("sandbo▲ WARN").
#[test]
fn the_header_cuts_the_location_before_the_health() {
    let mut app = console(80, 24);
    app.readonly = true;
    app.header.location = "seed 42, speed 600×, a location long enough to meet the health".into();
    let screen = text(&render(&app, &theme("default"), 80, 24));
    let header = screen.lines().find(|l| l.contains(" lakeops ")).expect("the header line");
    assert!(header.contains("READ-ONLY") && header.contains("│ sandbox seed"), "{header}");
    assert!(header.contains("… ● OK data 14:00:00 UTC"), "{header}");
}

/// A long error, cut with … in the list at 80 columns, read whole with enter.
#[test]
fn errors_view_reads_a_long_error_whole() {
    let mut app = console(80, 24);
    let long = "Athena StartQueryExecution failed: InvalidRequestException: line 3:17: Column 'user_identifier' \
                cannot be resolved; the workgroup clickstream-analytics enforces its result location \
                s3://clickstream-athena-results-000000000000-us-east-1/analysts/ and a bytes-scanned cutoff \
                of 10 GB per query (the end of the message)";
    report_error(&mut app, ErrorSource::Refresh, long, fixed_time());
    for c in ":errors".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let list = text(&render(&app, &theme("default"), 80, 24));
    assert!(list.contains("Athena StartQueryExecution failed: InvalidRequestExceptio…"), "{list}");
    press(&mut app, KeyCode::Enter);
    // The error's toast has gone by the time it is read.
    update(&mut app, Action::Tick, 60_000);
    insta::assert_snapshot!("errors_view_reading", text(&render(&app, &theme("default"), 80, 24)));
}

/// `:about` after two refreshes through the sandbox platform (which counts the metrics the AWS
/// path would ask for) and a reshard this session made: the header's figure and the breakdown.
#[test]
fn about_view_with_the_sessions_cost() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(fixed_time().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    let mut app = console_on(&sandbox, &loaded, 100, 30);
    for now in [5_010, 10_020] {
        update(&mut app, Action::Tick, now);
        let id = app.refresh.request.awaited().expect("a refresh is due");
        let snapshot = futures::executor::block_on(sandbox.snapshot()).expect("snapshot");
        let at = snapshot.taken_at;
        update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at }, now + 10);
        clock.advance(5_000);
    }
    let scale = Change::Reshard {
        stream: "clickstream-events".into(),
        call: lakeops::model::ReshardCall::UpdateShardCount { target: 6 },
    };
    let at = sandbox.now();
    let done = Action::Changed { change: scale, started_ms: 0, result: Ok(lakeops::model::Applied::Done), at };
    update(&mut app, done, 10_040);
    for c in ":about".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let screen = text(&render(&app, &theme("default"), 100, 30));
    assert!(screen.lines().next().unwrap().contains("/h"), "the header shows the session's cost per hour");
    insta::assert_snapshot!("about_view", screen);
}

#[test]
fn names_from_outside_never_reach_the_terminal_raw() {
    let mut app = console(100, 30);
    app.header.profile = "evil\u{1b}]0;title\u{7}".into();
    report_error(&mut app, ErrorSource::Refresh, "stream \u{1b}[2Jgone", fixed_time());
    let screen = text(&render(&app, &theme("default"), 100, 30));
    assert!(!screen.contains('\u{1b}') && !screen.contains('\u{7}'));
    assert!(screen.contains("evil\u{fffd}"), "{screen}");
}

/// The read-only badge shows at every width the console draws, a long location and the
/// freshness on the right notwithstanding (at 80 columns the freshness covered it).
#[test]
fn the_read_only_badge_shows() {
    for width in [80, 100, 160] {
        let mut app = console(width, 30);
        app.readonly = true;
        app.header.location = "eu-west-1 (account 123456789012, role platform-operators-break-glass)".into();
        let screen = text(&render(&app, &theme("default"), width, 30));
        assert!(screen.lines().next().unwrap().contains("READ-ONLY"), "{width}: {screen}");
    }
}

/// The console on `:streams`, then the stream's detail loaded from the same sandbox.
fn streams_console(width: u16, height: u16) -> (App, Sandbox) {
    let (mut app, sandbox) = console_and_sandbox(width, height);
    for c in ":streams".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    (app, sandbox)
}

fn open_detail(app: &mut App, sandbox: &Sandbox) {
    press(app, KeyCode::Enter);
    let loaded = sandbox.with_model(|s| (s.stream_facts(), s.stream_series(60))).unwrap();
    let id = app.detail.as_ref().unwrap().request.awaited().unwrap();
    update(
        app,
        Action::StreamDetailLoaded {
            id,
            stream: "clickstream-events".into(),
            result: Ok(Box::new(loaded)),
            at: fixed_time(),
        },
        30,
    );
}

#[test]
fn streams_list() {
    let (app, _) = streams_console(100, 30);
    insta::assert_snapshot!("streams_list", text(&render(&app, &theme("default"), 100, 30)));
    insta::assert_snapshot!("streams_list_80x24", text(&render(&app, &theme("default"), 80, 24)));
}

#[test]
fn stream_detail_charts_and_shard_map() {
    let (mut app, sandbox) = streams_console(110, 36);
    open_detail(&mut app, &sandbox);
    insta::assert_snapshot!("stream_detail", with_styles(&render(&app, &theme("default"), 110, 36)));
}

#[test]
fn a_shard_split_at_the_top_hash_key_draws() {
    // AWS accepts a split whose new shard starts at the top key; its share of the keyspace rounds
    // to 1.0, which once drew a bar ending before it started (a panic, exit 101).
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(fixed_time().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    let facts = sandbox.with_model(|s| s.stream_facts()).unwrap();
    let last = facts.open().find(|s| s.end == u128::MAX).expect("a shard ends at the top key").id.clone();
    let split = lakeops::model::ReshardCall::SplitShard { shard: last.clone(), new_starting_hash_key: u128::MAX };
    let change = Change::Reshard { stream: facts.name.clone(), call: split };
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(support::writes::apply(&sandbox, change)).expect("the split is legal");
    clock.advance(60_000);
    let mut app = console_on(&sandbox, &loaded, 110, 36);
    for c in ":streams".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    open_detail(&mut app, &sandbox);
    let screen = text(&render(&app, &theme("default"), 110, 36));
    let row =
        screen.lines().find(|l| l.contains(" 0.0 %") && l.contains(&format!("from {last}"))).unwrap_or_else(|| {
            panic!("the one-key child is listed with its lineage:\n{screen}");
        });
    assert!(row.contains("·······················█"), "its bar is the last cell:\n{row}");
}

#[test]
fn reshard_dialog() {
    let (mut app, sandbox) = streams_console(110, 36);
    open_detail(&mut app, &sandbox);
    press(&mut app, KeyCode::Char('u'));
    insta::assert_snapshot!("reshard_dialog_scale", text(&render(&app, &theme("default"), 110, 36)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('x'));
    insta::assert_snapshot!("reshard_dialog_split", text(&render(&app, &theme("default"), 110, 36)));
}

#[test]
fn peek_view() {
    use lakeops::model::PeekFrom;
    let (mut app, sandbox) = streams_console(110, 36);
    open_detail(&mut app, &sandbox);
    press(&mut app, KeyCode::Char('p'));
    // From trim-horizon: the shards' oldest records.
    press(&mut app, KeyCode::Char('t'));
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut cursor = rt.block_on(sandbox.open_peek("clickstream-events", None, PeekFrom::TrimHorizon)).unwrap();
    let records = rt.block_on(sandbox.read_peek(&mut cursor, 12)).unwrap();
    let id = app.peek.as_ref().unwrap().request.awaited().unwrap();
    update(&mut app, Action::PeekOpened { id, result: Ok(cursor.clone()), at: fixed_time() }, 40);
    let id = app.peek.as_ref().unwrap().request.awaited().unwrap();
    update(&mut app, Action::PeekRead { id, cursor, result: Ok(records), at: fixed_time() }, 50);
    insta::assert_snapshot!("peek_json", with_styles(&render(&app, &theme("default"), 110, 36)));
    // A record of an earlier day says its day; a key too long for its column is cut with `…`.
    let first = &mut app.peek.as_mut().unwrap().records[0];
    first.record.arrival -= chrono::Duration::days(1);
    first.key = "a-partition-key-longer-than-its-column".into();
    let day = first.record.arrival.format("%m-%d %H:%M:%S").to_string();
    let screen = text(&render(&app, &theme("default"), 110, 36));
    let row = screen.lines().find(|l| l.contains("a-partition-")).unwrap_or_else(|| panic!("{screen}"));
    assert!(row.contains(&format!("{day}  shardId-")), "{row}");
    assert!(row.contains("a-partition-… "), "{row}");
}

/// `:audit` with a change made through lakeops (its user agent says so: marked `◆ lakeops`, its
/// record below) among the sandbox's other users' events.
#[test]
fn audit_view() {
    use lakeops::model::{AuditQuery, ReshardCall};
    let (mut app, sandbox) = console_and_sandbox(110, 36);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let scale =
        Change::Reshard { stream: "clickstream-events".into(), call: ReshardCall::UpdateShardCount { target: 8 } };
    rt.block_on(support::writes::apply(&sandbox, scale)).expect("4 → 8 shards is legal");
    for c in ":audit".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let query = AuditQuery {
        since: fixed_time() - chrono::Duration::hours(1),
        user: None,
        source: None,
        resource: None,
        writes_only: false,
        lakeops_only: false,
        limit: 200,
    };
    let events = rt.block_on(sandbox.audit_events(&query)).unwrap();
    let id = app.audit.request.awaited().unwrap();
    update(&mut app, Action::AuditLoaded { id, result: Ok(events), at: fixed_time() }, 40);
    insta::assert_snapshot!("audit", with_styles(&render(&app, &theme("default"), 110, 36)));
}

/// `:audit` at 80 columns: lakeops' journal lines, one refused, keep their mark and resource (the
/// source column gives way), and the journal's line is the selected one's record.
#[test]
fn audit_view_at_80_columns_keeps_the_mark() {
    use lakeops::journal::Entry;
    let (mut app, _sandbox) = console_and_sandbox(80, 24);
    let entry = |minutes: i64, detail: &str, outcome: &str| Entry {
        time: fixed_time() - chrono::Duration::minutes(minutes),
        platform_time: None,
        profile: "sandbox".into(),
        backend: "sandbox".into(),
        action: "sandbox.fault".into(),
        target: "dms-stopped".into(),
        detail: detail.into(),
        outcome: outcome.into(),
    };
    let events = vec![
        lakeops::ops::audit::from_journal(&entry(1, "off", "refused: read-only mode (--readonly)")),
        lakeops::ops::audit::from_journal(&entry(5, "on", "done")),
    ];
    for c in ":audit".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let id = app.audit.request.awaited().unwrap();
    update(&mut app, Action::AuditLoaded { id, result: Ok(events), at: fixed_time() }, 40);
    insta::assert_snapshot!("audit_80_columns", text(&render(&app, &theme("default"), 80, 24)));
}

/// `:glue` on the seeded sandbox with one failed run whose error holds escape sequences.
#[test]
fn glue_view() {
    let (mut app, sandbox) = console_and_sandbox(120, 36);
    for c in ":glue".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let mut data = sandbox.with_model(|s| s.glue_overview()).unwrap();
    let run = &mut data.jobs[0].runs[0];
    run.state = "FAILED".into();
    run.error = Some("\u{1b}[2J\u{1b}]0;pwned\u{7}AnalysisException: cannot resolve 'event_time'".into());
    let id = app.glue.request.awaited().unwrap();
    update(&mut app, Action::GlueLoaded { id, result: Ok(Box::new(data)), at: fixed_time() }, 40);
    insta::assert_snapshot!("glue", with_styles(&render(&app, &theme("default"), 120, 36)));
    // The runs pane focused, with the dialog a stop of a finished run gets.
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Char('x'));
    insta::assert_snapshot!("glue_stop_refused", text(&render(&app, &theme("default"), 120, 36)));
}

/// `:lambda` on the seeded sandbox with the consumer failing, and one log line full of
/// escape sequences that must render inert.
#[test]
fn lambda_view() {
    use lakeops::model::{LogEvent, LogKind, LogQuery};
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(20)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    sandbox.with_model(|s| s.set_fault(lakeops::sandbox::Fault::ConsumerErrors, true)).unwrap();
    clock.advance(20 * 60_000);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width: 120, height: 44 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    for c in ":lambda".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let query = LogQuery {
        function: "clickstream-ingest".into(),
        since: fixed_time() - chrono::Duration::minutes(10),
        errors_only: true,
        limit: 200,
    };
    let mut events = sandbox.with_model(|s| s.function_logs(&query)).unwrap();
    events.push(LogEvent {
        id: "hostile".into(),
        time: fixed_time(),
        stream: "2026/03/20/[$LATEST]\u{1b}[31mabc".into(),
        message: "[ERROR] bad record \u{1b}]0;pwned\u{7}\u{1b}[2J\u{1b}[1;1H\u{9b}31m\nTraceback: \u{1b}[5mblink"
            .into(),
        kind: LogKind::Error,
    });
    let id = app.lambda.request.awaited().unwrap();
    update(&mut app, Action::LogsLoaded { id, append: false, result: Ok(events), at: fixed_time() }, 40);
    let screen = render(&app, &theme("default"), 120, 44);
    assert!(!text(&screen).contains('\u{1b}') && !text(&screen).contains('\u{9b}'));
    insta::assert_snapshot!("lambda", with_styles(&screen));
}

/// `:alarms`, `:redshift` and `:pipeline` with the consumer failing and the warehouse loaded.
#[test]
fn alarms_redshift_and_pipeline_views_during_an_incident() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(15)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    sandbox
        .with_model(|s| {
            s.set_fault(lakeops::sandbox::Fault::ConsumerErrors, true);
            s.set_fault(lakeops::sandbox::Fault::WarehouseLoad, true);
        })
        .unwrap();
    clock.advance(15 * 60_000);
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width: 110, height: 32 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    for view in ["alarms", "redshift", "pipeline"] {
        for c in format!(":{view}").chars() {
            press(&mut app, KeyCode::Char(c));
        }
        press(&mut app, KeyCode::Enter);
        insta::assert_snapshot!(view, with_styles(&render(&app, &theme("default"), 110, 32)));
    }
}

/// Opens `:athena` on the sandbox's workgroup and database.
fn open_athena(app: &mut App) {
    app.athena_target = Some(("clickstream-ops".into(), "clickstream".into()));
    for c in ":athena".chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::Enter);
}

/// `sql` typed in `:athena` and run, query `q1` polled to `done`, and its first page of results
/// (`page`) read.
fn ran_with_results(app: &mut App, sql: &str, done: lakeops::model::QueryStatus, page: lakeops::model::ResultPage) {
    for c in sql.chars() {
        press(app, KeyCode::Char(c));
    }
    press(app, KeyCode::F(5));
    update(app, query_started("q1"), 30);
    let request = app.athena.running.as_ref().unwrap().poll.awaited().unwrap();
    update(app, Action::QueryPolled { request, id: "q1".into(), result: Ok(done) }, 40);
    let request = app.athena.results.as_ref().unwrap().pages.awaited().unwrap();
    update(app, Action::QueryResultsLoaded { request, id: "q1".into(), first: true, result: Ok(page) }, 50);
}

/// `:athena` with results (a NULL, a hostile cell) after a query, and one that failed.
#[test]
fn athena_pane() {
    use lakeops::model::{QueryState, QueryStatus, ResultColumn, ResultPage};
    let mut app = console(110, 30);
    open_athena(&mut app);
    let status = |state| QueryStatus {
        id: "q1".into(),
        state,
        reason: None,
        scanned_bytes: Some(43_200_000),
        engine_ms: Some(2_300),
        submitted: None,
        statement_type: Some("DML".into()),
        error_category: None,
    };
    let page = ResultPage {
        columns: vec![
            ResultColumn { name: "event_type".into(), kind: "varchar".into() },
            ResultColumn { name: "events".into(), kind: "bigint".into() },
        ],
        rows: vec![
            vec![Some("event_type".into()), Some("events".into())],
            vec![Some("page_view".into()), Some("812233".into())],
            vec![Some("add_to_cart".into()), None],
            vec![Some("\u{1b}[2Jclick\u{1b}]0;x\u{7}".into()), Some("".into())],
        ],
        next_token: Some("p2".into()),
    };
    let sql = "SELECT event_type, count(*) AS events FROM events WHERE day = '20' GROUP BY 1";
    ran_with_results(&mut app, sql, status(QueryState::Succeeded), page);
    let screen = render(&app, &theme("default"), 110, 30);
    assert!(!text(&screen).contains('\u{1b}'));
    insta::assert_snapshot!("athena_results", with_styles(&screen));
    // The row whole, over the pane.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("athena_row", text(&render(&app, &theme("default"), 110, 30)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Tab);

    // Run again and fail on a syntax error: the message, and the column marked in the editor.
    press(&mut app, KeyCode::F(5));
    update(&mut app, query_started("q2"), 60);
    let failed = QueryStatus {
        id: "q2".into(),
        reason: Some("SYNTAX_ERROR: line 1:8: Column 'event_type' cannot be resolved".into()),
        ..status(QueryState::Failed)
    };
    let request = app.athena.running.as_ref().unwrap().poll.awaited().unwrap();
    update(&mut app, Action::QueryPolled { request, id: "q2".into(), result: Ok(failed) }, 70);
    insta::assert_snapshot!("athena_syntax_error", with_styles(&render(&app, &theme("default"), 110, 30)));
}

/// A results column is at most 40 wide, but the last one on screen takes the room the others
/// leave: a DDL's or a plan's lines read whole.
#[test]
fn athena_results_last_column_takes_the_room_left() {
    use lakeops::model::{QueryState, QueryStatus, ResultColumn, ResultPage};
    let mut app = console(110, 30);
    open_athena(&mut app);
    let done = QueryStatus {
        id: "q1".into(),
        state: QueryState::Succeeded,
        reason: None,
        scanned_bytes: Some(0),
        engine_ms: Some(1),
        submitted: None,
        statement_type: Some("DDL".into()),
        error_category: None,
    };
    let long = "  'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat' ";
    let wide = "w".repeat(60);
    let page = ResultPage {
        columns: vec![
            ResultColumn { name: "first".into(), kind: "varchar".into() },
            ResultColumn { name: "createtab_stmt".into(), kind: "varchar".into() },
        ],
        rows: vec![
            vec![Some("first".into()), Some("createtab_stmt".into())],
            vec![Some(wide.clone()), Some(long.trim_start().into())],
            vec![Some("b".into()), Some("y".repeat(200))],
        ],
        next_token: None,
    };
    ran_with_results(&mut app, "SHOW CREATE TABLE events", done, page);
    let screen = text(&render(&app, &theme("default"), 110, 30));
    // The first column cut at 40, the last whole where it fits and cut at the pane's edge where not.
    assert!(screen.contains(&format!("{}…  {}", &wide[..39], long.trim_start())), "{screen}");
    let edge = screen.lines().find(|l| l.contains("yyy")).unwrap();
    assert!(edge.trim_end_matches('│').trim_end().ends_with("y…"), "{edge}");
    assert_eq!(edge.chars().count(), 110, "{edge}");

    // A last column narrower than 40 that the room left cannot hold is cut with `…` too (the
    // border cut it, and a cut value read as a whole one).
    let mut app = console(110, 30);
    open_athena(&mut app);
    let done = QueryStatus { statement_type: Some("DML".into()), ..done_status() };
    let column = |name: &str| ResultColumn { name: name.into(), kind: "varchar".into() };
    let page = ResultPage {
        columns: vec![column("a"), column("b"), column("session_id")],
        rows: vec![
            vec![Some("a".into()), Some("b".into()), Some("session_id".into())],
            vec![Some("a".repeat(40)), Some("b".repeat(40)), Some(format!("sess{}", "9".repeat(32)))],
        ],
        next_token: None,
    };
    ran_with_results(&mut app, "SELECT a, b, session_id FROM t", done, page);
    let screen = text(&render(&app, &theme("default"), 110, 30));
    let row = screen.lines().find(|l| l.contains("sess999")).unwrap();
    assert!(row.trim_end_matches('│').trim_end().ends_with("9…"), "{row}");
}

fn done_status() -> lakeops::model::QueryStatus {
    lakeops::model::QueryStatus {
        id: "q1".into(),
        state: lakeops::model::QueryState::Succeeded,
        reason: None,
        scanned_bytes: Some(0),
        engine_ms: Some(1),
        submitted: None,
        statement_type: None,
        error_category: None,
    }
}

/// `:athena`'s saved-query picker over the pane, with the sandbox workgroup's starter queries.
#[test]
fn athena_saved_queries_picker() {
    let (mut app, sandbox) = console_and_sandbox(110, 30);
    open_athena(&mut app);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let list = rt.block_on(sandbox.saved_queries("clickstream-ops")).unwrap();
    update(&mut app, Action::SavedQueriesLoaded { result: Ok(list), at: fixed_time() }, 40);
    insta::assert_snapshot!("athena_saved_queries", text(&render(&app, &theme("default"), 110, 30)));
}

/// `:athena`'s catalog browser (Ctrl-B) over the sandbox's Glue catalog.
#[test]
fn athena_catalog_browser() {
    let (mut app, sandbox) = console_and_sandbox(110, 30);
    open_athena(&mut app);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let catalog = rt.block_on(sandbox.glue_overview()).unwrap();
    // The catalog as `:glue` read it earlier.
    let id = app.glue.request.awaited().unwrap_or_else(|| app.glue.request.restart(40));
    update(&mut app, Action::GlueLoaded { id, result: Ok(Box::new(catalog)), at: fixed_time() }, 40);
    update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('b'), KeyModifiers::CONTROL)), 41);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    insta::assert_snapshot!("athena_catalog", text(&render(&app, &theme("default"), 110, 30)));
}

/// `:stack` on the sandbox: opened, it reads the stack; `p` plans a profile with more shards and
/// a renamed stream (a replacement, in red); `a` asks; enter applies; the events come in with a
/// progress bar; `D` says the sandbox's stack is not deleted, and on AWS asks for the name.
#[test]
fn stack_plan_apply_and_delete_prompt() {
    use lakeops::app::stack::{StackTarget, Template};
    let (mut app, sandbox) = console_and_sandbox(120, 36);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut settings = support::sandbox_settings().settings;
    settings.platform.stream.shards = 8;
    settings.platform.stream.name = "clickstream-v2".into();
    let template = lakeops::provision::render(&settings).compact();
    app.stack.target =
        Some(StackTarget { name: "clickstream".into(), template: Template::ready(Ok((template.clone(), vec![]))) });
    let load = |app: &mut App, at: u64| {
        let summary = rt.block_on(sandbox.stack("clickstream")).unwrap();
        let events = rt.block_on(sandbox.stack_events("clickstream")).unwrap();
        let id = app.stack.request.awaited().unwrap();
        update(app, Action::StackLoaded { id, result: Ok((summary, events)), at: fixed_time() }, at)
    };
    for c in ":stack".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 20);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::FetchStack { name, .. } if name == "clickstream")),
        "{effects:?}"
    );
    load(&mut app, 30);
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)), 40);
    assert!(
        matches!(&effects[..], [Effect::Change { change: Change::PlanStack { stack, template: t, .. }, .. }] if stack == "clickstream" && *t == template),
        "{effects:?}"
    );
    let planned = make(&rt, &sandbox, &effects[0]);
    update(&mut app, planned, 50);
    insta::assert_snapshot!("stack_plan", with_styles(&render(&app, &theme("default"), 120, 36)));

    press(&mut app, KeyCode::Char('a'));
    insta::assert_snapshot!("stack_apply_confirm", text(&render(&app, &theme("default"), 120, 36)));
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 60);
    assert!(matches!(&effects[..], [Effect::Change { change: Change::ApplyPlan { .. }, .. }]), "{effects:?}");
    let started = make(&rt, &sandbox, &effects[0]);
    update(&mut app, started, 70);
    load(&mut app, 3_070);
    insta::assert_snapshot!("stack_apply_in_progress", text(&render(&app, &theme("default"), 120, 36)));

    press(&mut app, KeyCode::Char('D'));
    insta::assert_snapshot!("stack_delete_on_the_sandbox", text(&render(&app, &theme("default"), 120, 36)));
    press(&mut app, KeyCode::Esc);
    // The prompt as it is on AWS.
    (app.header.backend, app.header.location) = ("aws".into(), "us-east-1".into());
    press(&mut app, KeyCode::Char('D'));
    for c in "clickstrem".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 80);
    assert!(effects.iter().all(|e| !matches!(e, Effect::Change { .. })), "a wrong name deletes nothing");
    insta::assert_snapshot!("stack_delete_prompt", text(&render(&app, &theme("default"), 120, 36)));
}

/// A template over the inline limit (a Redshift cluster beside every layer): the plan's last line
/// says where it was put, wrapped whole at 80 columns (the pane is as tall as its wrapped lines).
#[test]
fn stack_plan_of_a_staged_template_wraps_whole() {
    use lakeops::app::stack::{StackTarget, Template};
    let (mut app, sandbox) = console_and_sandbox(80, 30);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let mut settings = support::sandbox_settings().settings;
    settings.platform.redshift.mode = lakeops::settings::RedshiftMode::Cluster;
    let template = lakeops::provision::render(&settings).compact();
    assert!(template.len() > lakeops::provision::INLINE_TEMPLATE_LIMIT);
    app.stack.target =
        Some(StackTarget { name: "clickstream".into(), template: Template::ready(Ok((template, vec![]))) });
    for c in ":stack".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 20);
    let summary = rt.block_on(sandbox.stack("clickstream")).unwrap();
    let events = rt.block_on(sandbox.stack_events("clickstream")).unwrap();
    let id = app.stack.request.awaited().unwrap();
    update(&mut app, Action::StackLoaded { id, result: Ok((summary, events)), at: fixed_time() }, 30);
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('p'), KeyModifiers::NONE)), 40);
    let planned = make(&rt, &sandbox, &effects[0]);
    update(&mut app, planned, 50);
    let screen = text(&render(&app, &theme("default"), 80, 30));
    assert!(screen.contains("s3://lakeops-templates-000000000000-us-east-1/clickstream/"), "{screen}");
    assert!(screen.contains("n for CloudFormation to read"), "the note's end is on screen: {screen}");
    insta::assert_snapshot!("stack_plan_staged_80", screen);
    // Too short for the whole plan: what does not fit is counted, never cut unsaid.
    let screen = text(&render(&app, &theme("default"), 80, 24));
    assert!(screen.contains("│… 1 more line (`lakeops provision plan` prints the whole plan)"), "{screen}");
    assert!(screen.contains("- WarehouseNamespace") || screen.contains("- Warehouse "), "{screen}");
}

/// A failed update: the failing resource's reason in red, and the rollback as it happens.
#[test]
fn stack_failure_with_rollback() {
    use lakeops::app::stack::{Operation, StackTarget, Template};
    use lakeops::model::{StackEvent, StackSummary};
    let (mut app, _sandbox) = console_and_sandbox(120, 30);
    app.stack.target =
        Some(StackTarget { name: "clickstream".into(), template: Template::ready(Err("not used".into())) });
    for c in ":stack".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let at = fixed_time().timestamp_millis();
    let event = |s: i64, id: &str, kind: &str, status: &str, reason: Option<&str>| StackEvent {
        id: format!("{id}-{s}"),
        at_ms: at + s * 1000,
        logical_id: id.into(),
        resource_type: kind.into(),
        status: status.into(),
        reason: reason.map(String::from),
    };
    let mut events = vec![
        event(0, "clickstream", "AWS::CloudFormation::Stack", "UPDATE_IN_PROGRESS", Some("User Initiated")),
        event(1, "RawBucket", "AWS::S3::Bucket", "UPDATE_IN_PROGRESS", None),
        event(4, "RawBucket", "AWS::S3::Bucket", "UPDATE_COMPLETE", None),
        event(5, "Stream", "AWS::Kinesis::Stream", "UPDATE_IN_PROGRESS", None),
        event(9, "Stream", "AWS::Kinesis::Stream", "UPDATE_FAILED",
            Some("Resource handler returned message: \"\u{1b}[31mLimitExceededException: UpdateShardCount called too often\"")),
        event(10, "clickstream", "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_IN_PROGRESS",
            Some("The following resource(s) failed to update: [Stream].")),
    ];
    events.reverse();
    app.stack.operation = Some(Operation {
        kind: "apply",
        action: "stack.apply",
        detail: String::new(),
        since_ms: at,
        expected: 3,
        started_at_ms: 0,
        reported: false,
    });
    let summary = StackSummary {
        name: "clickstream".into(),
        status: "UPDATE_ROLLBACK_IN_PROGRESS".into(),
        reason: None,
        outputs: vec![],
    };
    let id = app.stack.request.awaited().unwrap();
    update(&mut app, Action::StackLoaded { id, result: Ok((Some(summary), events)), at: fixed_time() }, 12_000);
    insta::assert_snapshot!("stack_rollback", with_styles(&render(&app, &theme("default"), 120, 30)));
}

/// A line longer than the editor scrolls sideways with the cursor: what is typed is on screen,
/// the cursor on it, and `‹` says text is hidden to the left.
#[test]
fn athena_editor_scrolls_a_long_line_with_the_cursor() {
    let mut app = console(80, 24);
    open_athena(&mut app);
    let sql =
        "SELECT url_extract_path(page_url) AS path, count(*) AS n FROM events WHERE day = '20' GROUP BY 1 LIMIT 5";
    for c in sql.chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("test terminal");
    terminal.draw(|frame| lakeops::ui::draw(&app, &theme("default"), frame)).expect("draw");
    let screen = text(terminal.backend().buffer());
    let line = screen.lines().find(|l| l.contains("  1‹")).unwrap_or_else(|| panic!("no scrolled line:\n{screen}"));
    assert!(line.contains("GROUP BY 1 LIMIT 5"), "{line}");
    assert!(!line.contains("SELECT"), "{line}");
    let cursor = terminal.get_cursor_position().expect("cursor");
    let row: String = (0..80).map(|x| terminal.backend().buffer()[(x, cursor.y)].symbol().to_string()).collect();
    let typed_end = row.find("LIMIT 5").expect("the end of the line is on the cursor's row") + "LIMIT 5".len();
    assert_eq!(cursor.x as usize, row[..typed_end].chars().count(), "the cursor is just after what was typed: {row}");

    press(&mut app, KeyCode::Home);
    let screen = text(&render(&app, &theme("default"), 80, 24));
    let line = screen.lines().find(|l| l.contains("  1 ")).expect("line 1");
    assert!(line.contains("│  1 SELECT url_extract_path"), "{line}");
}

/// Wide characters (CJK, emoji) take two cells: the cursor stays just after what was typed, and
/// a long line of them scrolls so that its end is on screen (the cursor was a cell short per such
/// character, and the end of the line never showed).
#[test]
fn athena_editor_counts_wide_characters_as_two_cells() {
    for (sql, end) in
        [("SELECT '日本語日本語' AS x", "x"), (&*format!("SELECT '{}' AS tail_is_here", "語".repeat(72)), "e")]
    {
        let mut app = console(80, 24);
        open_athena(&mut app);
        for c in sql.chars() {
            press(&mut app, KeyCode::Char(c));
        }
        let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("test terminal");
        terminal.draw(|frame| lakeops::ui::draw(&app, &theme("default"), frame)).expect("draw");
        let cursor = terminal.get_cursor_position().expect("cursor");
        let buffer = terminal.backend().buffer();
        let row: String = (0..80).map(|x| buffer[(x, cursor.y)].symbol().to_string()).collect();
        assert!(
            row.contains(if end == "x" { "AS x" } else { "AS tail_is_here" }),
            "the line's end is on screen: {row}"
        );
        assert_eq!(buffer[(cursor.x - 1, cursor.y)].symbol(), end, "the cursor is just after what was typed: {row}");
    }
}

/// The history list cuts a long query, not its state, age and bytes scanned.
#[test]
fn athena_history_keeps_each_querys_state_whole() {
    use lakeops::model::{PastQuery, QueryState, QueryStatus};
    let mut app = console(100, 30);
    open_athena(&mut app);
    update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)), 30);
    let sql = format!(
        "SELECT {} FROM events WHERE day = '20'",
        (0..20).map(|i| format!("column_{i}")).collect::<Vec<_>>().join(", ")
    );
    let past = PastQuery {
        status: QueryStatus {
            id: "q1".into(),
            state: QueryState::Succeeded,
            reason: None,
            scanned_bytes: Some(145_612),
            engine_ms: Some(338),
            submitted: Some(fixed_time() - chrono::Duration::minutes(5)),
            statement_type: Some("DML".into()),
            error_category: None,
        },
        sql,
        database: Some("clickstream".into()),
    };
    // A query in CJK: two cells a character, its state in the same column as the others'.
    let cjk = PastQuery {
        status: QueryStatus { id: "q2".into(), ..past.status.clone() },
        sql: "SELECT '日本語' AS 名前".into(),
        database: Some("clickstream".into()),
    };
    update(&mut app, Action::WorkgroupHistoryLoaded { result: Ok(vec![past, cjk]), at: fixed_time() }, 40);
    let screen = text(&render(&app, &theme("default"), 100, 30));
    let line = screen.lines().find(|l| l.contains("SELECT column_0")).unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("…  SUCCEEDED · "), "the query is cut, its state follows: {line}");
    assert!(line.contains(" · 142.2 KiB"), "bytes scanned whole: {line}");
    // The screen as text has a symbol a cell: a wide character's second cell is its own.
    let other = screen.lines().find(|l| l.contains("AS 名")).unwrap_or_else(|| panic!("{screen}"));
    let column = |l: &str| l[..l.find("SUCCEEDED").unwrap()].chars().count();
    assert_eq!(column(other), column(line), "the states line up:\n{line}\n{other}");
}

/// `:workflows` and the overview on the sandbox after the nightly state machine failed at its
/// Glue step (`workflow-failure`): the failed execution selected with where it failed, then the
/// dialogs a stop (refused: it is not running) and a redrive (asked) get.
#[test]
fn workflows_view_after_a_failed_execution() {
    use lakeops::model::WorkflowChange;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(20)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    sandbox
        .with_model(|s| {
            s.set_fault(lakeops::sandbox::Fault::WorkflowFailure, true);
            let start = WorkflowChange::Start { state_machine: "clickstream-nightly".into(), input: "{}".into() };
            s.workflow_change(&start, "lakeops").expect("started");
        })
        .unwrap();
    for _ in 0..20 {
        clock.advance(60_000);
        rt.block_on(sandbox.snapshot()).unwrap();
    }
    let snapshot = rt.block_on(sandbox.snapshot()).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    update(&mut app, Action::Resize { width: 120, height: 36 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    insta::assert_snapshot!("overview_with_orchestration", text(&render(&app, &theme("default"), 120, 36)));

    for c in ":workflows".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 20);
    let fetch = effects.iter().find(|e| matches!(e, Effect::FetchWorkflows { .. })).expect("the view reads");
    let Effect::FetchWorkflows { id, since } = fetch.clone() else { unreachable!() };
    let data = rt.block_on(sandbox.workflows(since, false)).unwrap();
    update(&mut app, Action::WorkflowsLoaded { id, result: Ok(Box::new(data)), at: fixed_time() }, 40);
    insta::assert_snapshot!("workflows", with_styles(&render(&app, &theme("default"), 120, 36)));

    let describe = |app: &mut App, key: char| {
        let effects = update(app, Action::Key(KeyEvent::new(KeyCode::Char(key), KeyModifiers::NONE)), 50);
        let Some(Effect::DescribeExecution { change }) =
            effects.into_iter().find(|e| matches!(e, Effect::DescribeExecution { .. }))
        else {
            panic!("{key} describes the execution first")
        };
        let found = rt.block_on(sandbox.execution(change.target())).unwrap().map(Box::new);
        update(app, Action::ExecutionDescribed { change, result: Ok(found), at: fixed_time() }, 60);
    };
    describe(&mut app, 'x');
    insta::assert_snapshot!("workflows_stop_refused", text(&render(&app, &theme("default"), 120, 36)));
    press(&mut app, KeyCode::Esc);
    describe(&mut app, 'R');
    insta::assert_snapshot!("workflows_redrive_asked", text(&render(&app, &theme("default"), 120, 36)));
}

/// `:emr` on the sandbox after the `spark-oom` fault killed the hourly steps: the cluster, its
/// steps with the failed one's reason, then the cluster selected (instance groups, idle time and
/// its cost) and the termination typed.
#[test]
fn emr_view_after_spark_oom() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new((fixed_time() - chrono::Duration::minutes(90)).timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    rt.block_on(sandbox.snapshot()).unwrap();
    sandbox.with_model(|s| s.set_fault(lakeops::sandbox::Fault::SparkOom, true)).unwrap();
    for _ in 0..90 {
        clock.advance(60_000);
        rt.block_on(sandbox.snapshot()).unwrap();
    }
    let snapshot = rt.block_on(sandbox.snapshot()).unwrap();
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(header, Thresholds::from_alarms(&loaded.settings.platform.alarms), 5_000);
    app.emr.templates = loaded.settings.platform.emr.steps.clone();
    app.emr.cost_per_hour = loaded.settings.platform.emr.cost_per_hour;
    update(&mut app, Action::Resize { width: 120, height: 36 }, 0);
    let id = app.refresh.request.awaited().unwrap();
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot)), at: fixed_time() }, 10);
    insta::assert_snapshot!("overview_with_emr_failed", text(&render(&app, &theme("default"), 120, 36)));
    for c in ":pipeline".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("pipeline_with_emr_failed", text(&render(&app, &theme("default"), 120, 36)));

    for c in ":emr".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)), 20);
    let Some(Effect::FetchEmr { id }) = effects.into_iter().find(|e| matches!(e, Effect::FetchEmr { .. })) else {
        panic!("the view reads")
    };
    let data = rt.block_on(sandbox.emr()).unwrap();
    update(&mut app, Action::EmrLoaded { id, result: Ok(Box::new(data)), at: fixed_time() }, 40);
    press(&mut app, KeyCode::Char('j'));
    insta::assert_snapshot!("emr_failed_step", with_styles(&render(&app, &theme("default"), 120, 36)));

    press(&mut app, KeyCode::Char('k'));
    insta::assert_snapshot!("emr_cluster", text(&render(&app, &theme("default"), 120, 36)));
    let effects = update(&mut app, Action::Key(KeyEvent::new(KeyCode::Char('T'), KeyModifiers::NONE)), 50);
    let Some(Effect::DescribeCluster { change }) =
        effects.into_iter().find(|e| matches!(e, Effect::DescribeCluster { .. }))
    else {
        panic!("T describes the cluster first")
    };
    let found = rt.block_on(sandbox.emr_cluster(change.target())).unwrap().map(Box::new);
    update(&mut app, Action::ClusterDescribed { change, result: Ok(found), at: fixed_time() }, 60);
    for c in "clickstream-sp".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    insta::assert_snapshot!("emr_terminate_typed", text(&render(&app, &theme("default"), 120, 36)));
}
