//! What a large Athena result costs the console in memory: the heap the console holds after
//! each page of `SELECT * FROM events` (13 columns) reaches the reducer, counted by a global
//! allocator that tracks live bytes. Prints a table; docs/performance.md quotes it.
//!
//! `cargo bench --bench athena_memory`

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use lakeops::app::athena::{AthenaFocus, Results};
use lakeops::app::{update, Action, App, Effect, Header, ViewId};
use lakeops::model::{ResultColumn, ResultPage};
use lakeops::ops::health::Thresholds;
use lakeops::settings::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// Bytes allocated and not yet freed, by anyone in the process.
static LIVE: AtomicIsize = AtomicIsize::new(0);

struct Counting;

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

const PAGE_ROWS: usize = 1_000;
const PAGES: usize = 100;

const COLUMNS: [&str; 13] = [
    "event_time",
    "user_id",
    "event_type",
    "page_url",
    "product_id",
    "category",
    "session_id",
    "device_type",
    "country",
    "city",
    "year",
    "month",
    "day",
];

/// One row as the sandbox's `events` table answers it: values of their real lengths.
fn row(n: usize) -> Vec<Option<String>> {
    let s = |v: String| Some(v);
    vec![
        s(format!("2026-03-20 10:{:02}:{:02}.000", n / 60 % 60, n % 60)),
        s(format!("user{:06}", n % 50_000)),
        s("page_view".into()),
        s(format!("https://example.com/products/prod{:04}", n % 9_000)),
        s(format!("prod{:04}", n % 9_000)),
        s("electronics".into()),
        s(format!("sess{:06}", n % 20_000)),
        s("mobile".into()),
        s("US".into()),
        s("San Francisco".into()),
        s("2026".into()),
        s("03".into()),
        s("20".into()),
    ]
}

/// GetQueryResults' page `index`: the first one starts with the header row, as Athena's does.
fn page(index: usize) -> ResultPage {
    let columns: Vec<ResultColumn> =
        COLUMNS.iter().map(|c| ResultColumn { name: c.to_string(), kind: "varchar".into() }).collect();
    let mut rows = Vec::with_capacity(PAGE_ROWS + 1);
    if index == 0 {
        rows.push(COLUMNS.iter().map(|c| Some(c.to_string())).collect());
    }
    rows.extend((index * PAGE_ROWS..(index + 1) * PAGE_ROWS).map(row));
    let next_token = (index + 1 < PAGES).then(|| ((index + 1) * PAGE_ROWS).to_string());
    ResultPage { columns, rows, next_token }
}

fn mib(bytes: isize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn main() {
    let header = Header { profile: "sandbox".into(), backend: "sandbox".into(), location: "bench".into() };
    let mut app = App::new(
        header,
        Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 },
        5_000,
    );
    update(&mut app, Action::Resize { width: 200, height: 50 }, 0);
    app.views = vec![ViewId::Overview, ViewId::Athena];
    let mut pages = lakeops::app::request::Request::default();
    pages.restart(0);
    app.athena.results = Some(Results { id: "q".into(), pages, ..Default::default() });
    let theme = Theme::default_theme();
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("test terminal");
    terminal.draw(|f| lakeops::ui::draw(&app, &theme, f)).expect("draw");

    app.athena.focus = AthenaFocus::Results;
    let page_down = KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE);
    let before = live();
    println!("{:>6} {:>9} {:>12} {:>14}", "pages", "rows", "held", "per 1,000 rows");
    let mut fetches = 0;
    for index in 0..PAGES {
        let result = Ok(page(index));
        let request = app.athena.results.as_ref().and_then(|r| r.pages.awaited()).expect("a page is asked for");
        let action = Action::QueryResultsLoaded { id: "q".into(), request, first: index == 0, result };
        update(&mut app, action, 10 + index as u64);
        let loaded = (index + 1) * PAGE_ROWS;
        let held = live() - before;
        if [1, 10, 50, 100].contains(&(index + 1)) {
            println!("{:>6} {:>9} {:>12} {:>14}", index + 1, loaded, mib(held), mib(held * 1_000 / loaded as isize));
        }
        // The operator pages down through what is loaded: the reducer asks for the next page
        // near its end, and only then.
        if index + 1 < PAGES {
            let mut asked = false;
            while !asked {
                let effects = update(&mut app, Action::Key(page_down), 11 + index as u64);
                asked = effects.iter().any(|e| matches!(e, Effect::FetchQueryResults { .. }));
                let row = app.athena.results.as_ref().map_or(0, |r| r.row);
                assert!(asked || row + 1 < loaded, "paged to the end of {loaded} rows without asking for more");
            }
            fetches += 1;
        }
    }
    println!("pages asked for while paging down: {fetches}, each near the end of what was loaded");

    // Drawing any part of it holds nothing more: the frame reads only the rows on screen.
    let drawn_before = live();
    for row in [0, 25_000, 50_000, 99_000] {
        app.athena.results.as_mut().expect("results").row = row;
        terminal.draw(|f| lakeops::ui::draw(&app, &theme, f)).expect("draw");
    }
    println!("held after drawing rows 0, 25,000, 50,000 and 99,000: {} more", mib(live() - drawn_before));
}
