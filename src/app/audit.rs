//! The audit view: CloudTrail events with lakeops' journal merged in, filtered by window,
//! writes-only and typed text.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::state::{App, ListCursor};
use super::view::ViewId;
use crate::model::{AuditEvent, AuditQuery};

/// Events asked for per lookup.
const LIMIT: usize = 200;
/// A lookup reads at most 10 pages; refreshes look up at most every 10 s, so an audit view
/// left open costs at most 1 LookupEvents call a second on average (the API allows 2).
pub const REFRESH_EVERY_MS: u64 = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditWindow {
    #[default]
    H1,
    H6,
    H24,
    D7,
}

impl AuditWindow {
    pub fn label(self) -> &'static str {
        match self {
            AuditWindow::H1 => "1 h",
            AuditWindow::H6 => "6 h",
            AuditWindow::H24 => "24 h",
            AuditWindow::D7 => "7 d",
        }
    }

    fn hours(self) -> i64 {
        match self {
            AuditWindow::H1 => 1,
            AuditWindow::H6 => 6,
            AuditWindow::H24 => 24,
            AuditWindow::D7 => 168,
        }
    }

    fn next(self) -> AuditWindow {
        match self {
            AuditWindow::H1 => AuditWindow::H6,
            AuditWindow::H6 => AuditWindow::H24,
            AuditWindow::H24 => AuditWindow::D7,
            AuditWindow::D7 => AuditWindow::H1,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditView {
    pub events: Vec<AuditEvent>,
    pub cursor: ListCursor,
    pub window: AuditWindow,
    pub writes_only: bool,
    pub loading: bool,
    pub loaded_once: bool,
    /// When the last lookup was asked for (monotonic ms).
    pub asked_at_ms: Option<u64>,
}

/// Events passing the typed filter (user, source, event or resource).
pub fn visible(app: &App) -> Vec<&AuditEvent> {
    let needle = app.audit.cursor.filter.to_lowercase();
    app.audit
        .events
        .iter()
        .filter(|e| {
            needle.is_empty()
                || [&e.user, &e.source, &e.name, &e.resource].iter().any(|f| f.to_lowercase().contains(&needle))
        })
        .collect()
}

/// Asks for the events again unless a lookup is out. `now` is the snapshot's time.
pub fn fetch(app: &mut App, now: chrono::DateTime<chrono::Utc>, effects: &mut Vec<Effect>) {
    if app.audit.loading {
        return;
    }
    app.audit.loading = true;
    app.audit.asked_at_ms = Some(app.now_ms);
    let query = AuditQuery {
        since: now - chrono::Duration::hours(app.audit.window.hours()),
        user: None,
        source: None,
        resource: None,
        writes_only: app.audit.writes_only,
        limit: LIMIT,
    };
    effects.push(Effect::FetchAudit { query });
}

/// A refresh's lookup, unless the last one was under `REFRESH_EVERY_MS` ago.
pub fn refresh(app: &mut App, effects: &mut Vec<Effect>) {
    if app.audit.asked_at_ms.is_some_and(|at| app.now_ms < at + REFRESH_EVERY_MS) {
        return;
    }
    let now = reference_time(app);
    fetch(app, now, effects);
}

pub fn loaded(app: &mut App, events: Vec<AuditEvent>) {
    app.audit.loading = false;
    app.audit.loaded_once = true;
    app.audit.events = events;
    let count = visible(app).len();
    app.audit.cursor.selected = app.audit.cursor.selected.min(count.saturating_sub(1));
}

pub fn on_open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Audit && !app.audit.loaded_once {
        let now = reference_time(app);
        fetch(app, now, effects);
    }
}

/// The platform's clock: the sandbox's model time, or the wall clock on AWS.
pub fn reference_time(app: &App) -> chrono::DateTime<chrono::Utc> {
    app.snapshot.as_ref().map(|s| s.taken_at).unwrap_or_else(chrono::Utc::now)
}

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    match key.code {
        KeyCode::Char('w') => app.audit.writes_only = !app.audit.writes_only,
        KeyCode::Char('t') => app.audit.window = app.audit.window.next(),
        _ => return false,
    }
    app.audit.loading = false;
    app.audit.cursor.selected = 0;
    app.audit.cursor.offset = 0;
    let now = reference_time(app);
    fetch(app, now, effects);
    true
}
