//! The audit view: CloudTrail events with lakeops' journal merged in, filtered by window,
//! writes-only or lakeops' changes only, and typed text.

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{ListSpec, View, ViewId, ViewSpec};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::App;
use crate::model::{AuditEvent, AuditQuery, Layer};
use crate::ops::markers::ChangeMark;
use crate::platform::PlatformError;

/// Events asked for per lookup.
const LIMIT: usize = 200;
/// A lookup reads at most 10 pages; refreshes look up at most every 10 s, so an audit view
/// left open costs at most 1 LookupEvents call a second on average (the API allows 2).
pub const REFRESH_EVERY_MS: u64 = 10_000;

pub const VIEW: &dyn View = &Audit;

struct Audit;

const KEYS: &[Binding] = &[
    bind(Command::WritesOnly, &["w"], "writes only / every event").hint("writes"),
    bind(Command::LakeopsOnly, &["l"], "only changes made through lakeops, by anyone on the team / as before")
        .hint("lakeops"),
    bind(Command::Window, &["t"], "time window: 1 h, 6 h, 24 h, 7 d").hint("window"),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["audit"],
    title: "Audit (CloudTrail)",
    details: &[Layer::Cloudtrail],
    keys: KEYS,
    list: Some(ListSpec {
        filter_help: "filter by user, source, event or resource",
        ..ListSpec::new(|app| &app.audit.cursor, |app| &mut app.audit.cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Audit {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    /// A new window or scope looks up at once; an answer to the old one still on its way is
    /// dropped when it comes.
    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match command {
            // From lakeops' changes, `w` widens to every write.
            Command::WritesOnly if app.audit.lakeops_only => {
                app.audit.lakeops_only = false;
                app.audit.writes_only = true;
            }
            Command::WritesOnly => app.audit.writes_only = !app.audit.writes_only,
            Command::LakeopsOnly => app.audit.lakeops_only = !app.audit.lakeops_only,
            Command::Window => app.audit.window = app.audit.window.next(),
            _ => return false,
        }
        app.audit.cursor.selected = 0;
        app.audit.cursor.offset = 0;
        let id = app.audit.request.restart(app.now_ms);
        effects.push(lookup(app, id));
        true
    }

    /// The first lookup when the view opens.
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.view() == ViewId::Audit && !app.audit.request.answered() {
            fetch(app, effects);
        }
    }

    /// A refresh's lookup, unless the last one was under `REFRESH_EVERY_MS` ago.
    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.audit.asked_at_ms.is_some_and(|at| app.now_ms < at + REFRESH_EVERY_MS) {
            return;
        }
        fetch(app, effects);
    }
}

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

    pub fn hours(self) -> i64 {
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
    /// Only changes made through lakeops: the journal's, and CloudTrail's whose user agent says
    /// lakeops (anyone on the team). `w` leaves it for every write.
    pub lakeops_only: bool,
    /// The lookup: the events on screen answer the latest one asked.
    pub request: Request,
    /// When the last lookup was asked for (monotonic ms).
    pub asked_at_ms: Option<u64>,
    /// A change opened from the charts: its row is selected when the events arrive.
    pub focus: Option<ChangeMark>,
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

/// Opens `:audit` on a change named under the charts: the writes of `window` (which holds it),
/// with the change's row selected when they arrive.
pub fn open_on(app: &mut App, window: AuditWindow, mark: ChangeMark, effects: &mut Vec<Effect>) {
    super::update::open_view(app, ViewId::Audit);
    let audit = &mut app.audit;
    audit.window = window;
    audit.writes_only = true;
    audit.lakeops_only = false;
    audit.cursor = ListCursor::default();
    audit.focus = Some(mark);
    let id = app.audit.request.restart(app.now_ms);
    effects.push(lookup(app, id));
}

/// Asks for the events again unless a lookup is out.
fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(id) = app.audit.request.start(app.now_ms) {
        effects.push(lookup(app, id));
    }
}

/// The lookup the view's window and scope ask for, counted back from the platform's present.
fn lookup(app: &mut App, id: RequestId) -> Effect {
    app.audit.asked_at_ms = Some(app.now_ms);
    let now = reference_time(app);
    let query = AuditQuery {
        since: now - chrono::Duration::hours(app.audit.window.hours()),
        user: None,
        source: None,
        resource: None,
        writes_only: app.audit.writes_only,
        lakeops_only: app.audit.lakeops_only,
        limit: LIMIT,
    };
    Effect::FetchAudit { query, id }
}

/// The events of lookup `id` arrived (or why not); an older lookup's are dropped.
pub fn loaded(
    app: &mut App,
    id: RequestId,
    result: Result<Vec<AuditEvent>, PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let now = app.now_ms;
    if !app.audit.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(events) => {
            app.audit.events = events;
            let count = visible(app).len();
            app.audit.cursor.selected = app.audit.cursor.selected.min(count.saturating_sub(1));
            if let Some(mark) = app.audit.focus.take() {
                if let Some(row) = visible(app).iter().position(|e| mark.is_event(e)) {
                    super::list::select(app, ViewId::Audit, row);
                }
            }
        }
        // Tried: the next refresh looks up again, not the next key (no retry storm).
        Err(e) => report_error(app, ErrorSource::Audit, &e.to_string(), at),
    }
}

/// The platform's clock: the sandbox's model time, or the wall clock on AWS.
pub fn reference_time(app: &App) -> chrono::DateTime<chrono::Utc> {
    app.snapshot.as_ref().map(|s| s.taken_at).unwrap_or_else(chrono::Utc::now)
}
