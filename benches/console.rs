//! What the performance budget in docs/performance.md is measured with:
//! drawing the overview and the pipeline views, the reducer applying one refresh, metric ingest,
//! and a sandbox refresh.

use std::hint::black_box;
use std::sync::Arc;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use lakeops::app::{update, Action, App, Header, ViewId};
use lakeops::model::{LogQuery, PlatformSnapshot};
use lakeops::ops::health::Thresholds;
use lakeops::ops::metrics::{MetricStore, SeriesKey, Stat, Window};
use lakeops::sandbox::{ManualClock, Sandbox};
use lakeops::settings::{self, Overrides, Paths, Theme};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn fixture() -> (lakeops::settings::Loaded, Arc<ManualClock>, Sandbox) {
    let dir = std::env::temp_dir().join("lakeops-bench");
    let paths = Paths { config_dir: dir.join("config"), state_dir: dir.join("state") };
    let loaded = settings::load(&Overrides::default(), &paths, &[]).expect("sandbox settings");
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap().timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    (loaded, clock, sandbox)
}

fn app(snapshot: &PlatformSnapshot, width: u16, height: u16) -> App {
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "seed 42".into() };
    let mut app = App::new(
        header,
        Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 },
        5_000,
    );
    update(&mut app, Action::Resize { width, height }, 0);
    let id = app.refresh.request.awaited().expect("the first refresh");
    update(&mut app, Action::SnapshotLoaded { id, result: Ok(Box::new(snapshot.clone())), at: snapshot.taken_at }, 1);
    app
}

fn benches(c: &mut Criterion) {
    let (loaded, clock, sandbox) = fixture();
    let snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    let theme = Theme::default_theme();

    let app200 = app(&snapshot, 200, 50);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw overview 200x50", |b| {
        b.iter(|| {
            terminal.draw(|f| lakeops::ui::draw(black_box(&app200), &theme, f)).unwrap();
        })
    });

    // :lambda (four 3 h charts and an hour of errors), :glue and :pipeline.
    let mut views = app(&snapshot, 200, 50);
    let query = LogQuery {
        function: "clickstream-ingest".into(),
        since: snapshot.taken_at - chrono::Duration::hours(1),
        errors_only: false,
        limit: 200,
    };
    views.lambda.events = sandbox.with_model(|s| s.function_logs(&query)).unwrap();
    views.glue.data = Some(sandbox.with_model(|s| s.glue_overview()).unwrap());
    for (name, view) in [("lambda", ViewId::Lambda), ("glue", ViewId::Glue), ("pipeline", ViewId::Pipeline)] {
        views.views = vec![ViewId::Overview, view];
        c.bench_function(&format!("draw {name} 200x50"), |b| {
            b.iter(|| {
                terminal.draw(|f| lakeops::ui::draw(black_box(&views), &theme, f)).unwrap();
            })
        });
    }

    // :athena scrolled to the middle of a 100,000-row result: drawing looks only at the rows
    // on screen, so it costs the same wherever it is.
    let mut athena = app(&snapshot, 200, 50);
    athena.views = vec![ViewId::Overview, ViewId::Athena];
    athena.athena.results = Some(lakeops::app::athena::Results {
        id: "q".into(),
        columns: (0..8)
            .map(|i| lakeops::model::ResultColumn { name: format!("column_{i}"), kind: "varchar".into() })
            .collect(),
        rows: (0..100_000).map(|r| (0..8).map(|c| Some(format!("value {r}-{c}"))).collect()).collect(),
        next_token: None,
        pages: Default::default(),
        row: 50_000,
        column: 0,
        ..Default::default()
    });
    c.bench_function("draw athena results, 100,000 rows, 200x50", |b| {
        b.iter(|| {
            terminal.draw(|f| lakeops::ui::draw(black_box(&athena), &theme, f)).unwrap();
        })
    });

    // Time to first row: GetQueryResults' first page (1,000 rows and the header) reaches the
    // reducer, and the frame with the rows on it is drawn. The network time comes on top.
    let columns: Vec<lakeops::model::ResultColumn> =
        (0..8).map(|i| lakeops::model::ResultColumn { name: format!("column_{i}"), kind: "varchar".into() }).collect();
    let mut first_page_rows: Vec<Vec<Option<String>>> = vec![columns.iter().map(|c| Some(c.name.clone())).collect()];
    first_page_rows.extend((0..1_000).map(|r| (0..8).map(|c| Some(format!("value {r}-{c}"))).collect()));
    let first_page = lakeops::model::ResultPage { columns, rows: first_page_rows, next_token: Some("p2".into()) };
    let mut waiting = app(&snapshot, 200, 50);
    waiting.views = vec![ViewId::Overview, ViewId::Athena];
    let mut pages = lakeops::app::request::Request::default();
    let request = pages.restart(0);
    waiting.athena.results = Some(lakeops::app::athena::Results { id: "q".into(), pages, ..Default::default() });
    c.bench_function("athena first page to screen (1,000 rows, 200x50)", |b| {
        b.iter_batched(
            || (waiting.clone(), first_page.clone()),
            |(mut app, page)| {
                let action = Action::QueryResultsLoaded { id: "q".into(), request, first: true, result: Ok(page) };
                update(&mut app, action, 20);
                terminal.draw(|f| lakeops::ui::draw(black_box(&app), &theme, f)).unwrap();
                app
            },
            criterion::BatchSize::SmallInput,
        )
    });

    let mut reducer_app = app(&snapshot, 200, 50);
    let mut now = 10;
    c.bench_function("reducer applies one refresh", |b| {
        // The snapshot arrives built (the refresh task made it): its copy is made outside the timing.
        b.iter_batched(
            || Box::new(snapshot.clone()),
            |loaded| {
                now += 1;
                let id = reducer_app.refresh.request.restart(now);
                let action = Action::SnapshotLoaded { id, result: Ok(loaded), at: snapshot.taken_at };
                black_box(update(&mut reducer_app, action, now));
            },
            criterion::BatchSize::SmallInput,
        )
    });

    // One refresh's worth of metric data: 10 series × 6 minutes.
    let keys: Vec<SeriesKey> = (0..10)
        .map(|i| SeriesKey::new("AWS/Kinesis", "IncomingRecords", "StreamName", &format!("s{i}"), Stat::Sum))
        .collect();
    let mut store = MetricStore::default();
    let mut t = 1_800_000_000;
    c.bench_function("metric ingest of one refresh", |b| {
        b.iter(|| {
            t += 60;
            let window = store.plan(&keys, t);
            for key in &keys {
                store.record(key, window, (0..6).map(|m| (window.end - 360 + m * 60, 100.0)));
                black_box(store.latest(key, t));
            }
            black_box(Window { start: window.start, end: window.end });
        })
    });

    c.bench_function("sandbox refresh (5 s of model time)", |b| {
        b.iter(|| {
            clock.advance(5_000);
            black_box(sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap());
        })
    });
}

/// 500 streams in the list and a stream with 2,000 shards in the detail.
fn big_platform(c: &mut Criterion) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use lakeops::model::{Reading, ShardInfo, StreamFacts, StreamSeries};

    let (loaded, _clock, sandbox) = fixture();
    let mut snapshot = sandbox.with_model(|s| s.snapshot(&loaded.settings)).unwrap();
    if let Reading::Ready { data } = &mut snapshot.streams {
        let template = data[0].clone();
        *data = (0..500)
            .map(|i| lakeops::model::StreamStatus { name: format!("stream-{i:03}"), ..template.clone() })
            .collect();
    }
    let theme = Theme::default_theme();
    let mut app = app(&snapshot, 200, 50);
    let press = |app: &mut App, code| {
        update(app, Action::Key(KeyEvent::new(code, KeyModifiers::NONE)), 2);
    };
    for ch in ":streams".chars() {
        press(&mut app, KeyCode::Char(ch));
    }
    press(&mut app, KeyCode::Enter);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).unwrap();
    c.bench_function("draw streams list, 500 streams, 200x50", |b| {
        b.iter(|| {
            terminal.draw(|f| lakeops::ui::draw(black_box(&app), &theme, f)).unwrap();
        })
    });

    press(&mut app, KeyCode::Enter);
    let width = u128::MAX / 2000;
    let shards = (0..2000u128)
        .map(|i| ShardInfo {
            id: format!("shardId-{i:012}"),
            start: i * width,
            end: if i == 1999 { u128::MAX } else { (i + 1) * width - 1 },
            parent: None,
            adjacent_parent: None,
            open: true,
            incoming_per_second: Some(500.0),
        })
        .collect();
    let facts = StreamFacts {
        name: "stream-000".into(),
        status: "ACTIVE".into(),
        mode: lakeops::model::CapacityMode::Provisioned,
        shards,
        scalings_last_day: Default::default(),
        mode_switches_last_day: Default::default(),
        account_shard_limit: Some(20_000),
        account_open_shards: Some(2_000),
        peak_records_per_second: Some(900_000.0),
        peak_demand_per_second: Some(900_000.0),
        most_throttled_per_second: None,
        enhanced_monitoring: true,
        encryption: Some("KMS alias/clickstream".into()),
        consumers: vec![],
        warnings: vec![],
    };
    let series: StreamSeries = sandbox.with_model(|s| s.stream_series(60)).unwrap();
    let result = Ok(Box::new((facts, series)));
    let id = app.detail.as_mut().map(|d| d.request.restart(3)).expect("the stream's detail");
    update(&mut app, Action::StreamDetailLoaded { stream: "stream-000".into(), id, result, at: snapshot.taken_at }, 3);
    c.bench_function("draw stream detail, 2,000 shards, 200x50", |b| {
        b.iter(|| {
            terminal.draw(|f| lakeops::ui::draw(black_box(&app), &theme, f)).unwrap();
        })
    });
}

criterion_group!(console, benches, big_platform);
criterion_main!(console);
