//! The console's state. Only the reducer changes it; drawing only reads it.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use super::keymap::Keymap;
use super::list::ListCursor;
use super::registry::ViewId;
use super::report::ErrorSource;
use super::request::Request;
use crate::model::{LayerHealth, PlatformSnapshot};
use crate::ops::health::Thresholds;

/// What the header shows about where lakeops is pointed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub profile: String,
    pub backend: String,
    pub location: String,
}

/// What keys are going to.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    /// Every key of the view; `scroll` is the first line shown when they do not all fit.
    Help {
        scroll: usize,
    },
    /// The `:` line. Tab cycles through the names starting with `stem`, what was typed
    /// before the first Tab; `index` is the completion shown.
    Command {
        input: String,
        stem: Option<String>,
        index: usize,
    },
    Filter {
        input: String,
    },
    /// The reshard dialog over a stream's detail.
    Reshard(Box<super::stream_detail::ReshardDialog>),
    /// A yes/no confirmation of a change.
    Confirm(Box<super::confirm::ConfirmDialog>),
    /// A list over `:athena` to choose from (saved queries, history, catalog, …).
    Pick(Box<super::picker::Picker>),
    /// A name to save `:athena`'s SQL under.
    SaveQuery {
        input: String,
        error: Option<String>,
    },
    /// Where to export `:athena`'s results (`.csv` or `.json`); `error` says what is wrong.
    Export {
        input: String,
        error: Option<String>,
    },
    /// Job arguments for a Glue run, typed as `KEY=VALUE …`; `error` says what is wrong with them.
    Arguments {
        job: String,
        input: String,
        error: Option<String>,
    },
    /// The file an execution's input is read from (JSON); `error` says what is wrong.
    ExecutionInput {
        state_machine: String,
        input: String,
        error: Option<String>,
    },
    /// Terminating an EMR cluster: its name must be typed.
    TerminateCluster {
        cluster_id: String,
        name: String,
        input: String,
        error: Option<String>,
    },
    /// Deleting a stack: its name must be typed.
    DeleteStack {
        stack: String,
        /// What the deletion leaves behind, in words (`kept: …`).
        kept: String,
        input: String,
        error: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastLevel {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Toast {
    pub level: ToastLevel,
    pub message: String,
    pub expires_at_ms: u64,
}

/// One entry of the error history (`:errors`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorRecord {
    pub at: DateTime<Utc>,
    pub source: ErrorSource,
    pub message: String,
    /// How many times in a row this same error happened.
    pub count: u32,
}

/// The one snapshot refresh loop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Refresh {
    pub request: Request,
    /// Monotonic milliseconds at which the next refresh is due.
    pub due_at_ms: u64,
    /// When the data on screen was read (the platform's time).
    pub last_success: Option<DateTime<Utc>>,
    /// Consecutive failures, for backing off.
    pub failures: u32,
}

#[derive(Debug, Clone)]
pub struct App {
    pub header: Header,
    /// The session's read-only mode: the write gate refuses every change; the console says so
    /// before anything is asked.
    pub readonly: bool,
    /// The profile's colour (`console.color`): its name in the header is a badge of it.
    pub profile_color: Option<ratatui::style::Color>,
    /// The keys, as the built-in table and the user's `[keys]` make them.
    pub keys: Keymap,
    pub thresholds: Thresholds,
    pub refresh_interval_ms: u64,
    /// The most record bytes the peek keeps (`console.peek_memory_mib`).
    pub peek_budget_bytes: usize,
    /// The view history; the last one is on screen.
    pub views: Vec<ViewId>,
    /// The view on screen when the last action ended: another one now has come on screen.
    pub on_screen: Option<ViewId>,
    pub mode: Mode,
    pub snapshot: Option<PlatformSnapshot>,
    pub layers: Vec<LayerHealth>,
    pub overview: ListCursor,
    pub errors: VecDeque<ErrorRecord>,
    pub errors_cursor: ListCursor,
    /// `:errors`' reader: the error read whole and the first line shown.
    pub errors_reading: Option<(ErrorRecord, usize)>,
    /// `:alarms`' list (its rows come from the snapshot).
    pub alarms_cursor: ListCursor,
    /// The profile's runbooks (`[runbooks]`), read when the console opened.
    pub runbooks: crate::ops::runbook::Runbooks,
    /// `:alarms`' runbook reader, and the suggested command `c` copies next.
    pub alarms: super::alarms::AlarmsView,
    pub streams: super::streams::StreamsList,
    /// The stream shown in detail, with its shards and charts.
    pub detail: Option<super::stream_detail::StreamDetail>,
    /// CloudTrail events and the journal, for `:audit`.
    pub audit: super::audit::AuditView,
    /// The changes marked on every chart.
    pub markers: super::markers::Markers,
    /// The consumer function's log events and chart window, for `:lambda`.
    pub lambda: super::lambda::LambdaView,
    /// The SQL editor, the running query and its results, for `:athena`.
    pub athena: super::athena::AthenaView,
    /// The workgroup and database `:athena` runs queries in, and what a TB costs (the profile's).
    pub athena_target: Option<(String, String)>,
    pub athena_rates: Option<crate::ops::athena::Rates>,
    /// What this session costs on AWS (`:about`, the header's figure).
    pub meter: super::about::SessionMeter,
    /// Glue jobs, runs, crawlers and the catalog, for `:glue`.
    pub glue: super::glue::GlueView,
    pub workflows: super::workflows::WorkflowsView,
    /// EMR clusters and their steps, or Serverless applications and their job runs, for `:emr`.
    pub emr: super::emr::EmrView,
    /// The cursors of the added layers' views (`:msk`, `:sources`, `:firehose`, …).
    pub resources: super::resources::ResourceCursors,
    /// The freshness objectives (`[slo]`) and how they stand, for `:slo` and the overview.
    pub slo: super::slo::SloView,
    pub stack: super::stack::StackView,
    /// Records being peeked at.
    pub peek: Option<super::peek::PeekView>,
    pub toasts: VecDeque<Toast>,
    pub refresh: Refresh,
    pub width: u16,
    pub height: u16,
    /// Monotonic milliseconds of the latest action.
    pub now_ms: u64,
    /// Something on screen changed since the last draw.
    pub dirty: bool,
    pub quitting: bool,
    /// The operator asked to quit once the running query is cancelled (`update::ask_quit`).
    pub quit_when_cancelled: bool,
}

/// Errors kept in the history.
pub const ERRORS_KEPT: usize = 200;
/// How long a toast stays.
pub const TOAST_MS: u64 = 6_000;

impl App {
    pub fn new(header: Header, thresholds: Thresholds, refresh_interval_ms: u64) -> App {
        App {
            header,
            readonly: false,
            profile_color: None,
            keys: Keymap::builtin(),
            thresholds,
            refresh_interval_ms,
            peek_budget_bytes: super::peek::budget_bytes(super::peek::DEFAULT_MEMORY_MIB),
            views: vec![ViewId::Overview],
            on_screen: None,
            mode: Mode::Normal,
            snapshot: None,
            layers: Vec::new(),
            overview: ListCursor::default(),
            errors: VecDeque::new(),
            errors_cursor: ListCursor::default(),
            errors_reading: None,
            alarms_cursor: ListCursor::default(),
            runbooks: Default::default(),
            alarms: Default::default(),
            streams: Default::default(),
            detail: None,
            peek: None,
            audit: Default::default(),
            markers: Default::default(),
            glue: Default::default(),
            workflows: Default::default(),
            emr: Default::default(),
            resources: Default::default(),
            slo: Default::default(),
            stack: Default::default(),
            athena: Default::default(),
            athena_target: None,
            athena_rates: None,
            meter: Default::default(),
            lambda: Default::default(),
            toasts: VecDeque::new(),
            refresh: Refresh::default(),
            width: 80,
            height: 24,
            now_ms: 0,
            dirty: true,
            quitting: false,
            quit_when_cancelled: false,
        }
    }

    pub fn view(&self) -> ViewId {
        self.views.last().copied().unwrap_or(ViewId::Overview)
    }

    /// When the runtime must wake the reducer next, if nothing else happens first: a refresh, a
    /// toast expiring, or whatever a view waits for.
    pub fn next_wake_ms(&self) -> Option<u64> {
        let refresh = (!self.refresh.request.is_loading()).then_some(self.refresh.due_at_ms);
        let toast = self.toasts.iter().map(|t| t.expires_at_ms).min();
        let views = ViewId::ALL.iter().filter_map(|v| v.view().next_wake_ms(self));
        [refresh, toast].into_iter().flatten().chain(views).min()
    }

    /// Whether the data on screen is older than it should be.
    pub fn is_stale(&self) -> bool {
        self.refresh.failures > 0
    }

    /// The status bar's keys: the view's own (in the part that has the keys), its list's, its
    /// charts', then those everywhere (`back` only when there is a view to go back to). A key the view gives a
    /// meaning of its own is shown once, with the view's; keys that type are left out while the
    /// view takes text.
    pub fn hints(&self) -> Vec<super::keymap::Hint> {
        use super::keymap::Context;
        let view = self.view();
        let mut hints = self.keys.hints(Context::View(view), view.view().pane(self));
        let typing = view.view().takes_text(self);
        for hint in Context::shared(view).into_iter().flat_map(|c| self.keys.hints(c, None)) {
            let nowhere_back = hint.command == super::command::Command::Back && self.views.len() < 2;
            let typed = typing && super::chord::Chord::parse(&hint.key).is_ok_and(|c| c.is_text());
            if !nowhere_back && !typed && !hints.iter().any(|h| h.key == hint.key) {
                hints.push(hint);
            }
        }
        hints
    }

    /// The first key of `command` on the view on screen, for text that names it: "(w)".
    pub fn key(&self, command: super::command::Command) -> String {
        self.keys.label(self.view(), command)
    }
}
