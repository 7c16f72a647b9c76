//! `:glue`: jobs with their runs, crawlers and the catalog, and the three changes an operator
//! makes there (start a run, stop a run, start a crawler), each checked and confirmed.

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::prompt::{edit_line, LineKey};
use super::registry::{View, ViewId, ViewSpec};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode};
use crate::model::{Change, GlueChange, GlueCrawler, GlueJob, GlueOverview, GlueRunDetail, Layer};
use crate::ops::glue::{parse_arguments, plan};
use crate::platform::PlatformError;

pub const VIEW: &dyn View = &Glue;

struct Glue;

const KEYS: &[Binding] = &[
    bind(Command::NextPane, &["tab"], "next / previous pane: jobs, runs, crawlers, catalog")
        .and(Command::PreviousPane, &["shift-tab"])
        .hint("pane"),
    bind(Command::Down, &["j", "↓"], "select in the focused pane").and(Command::Up, &["k", "↑"]),
    bind(Command::StartRun, &["s"], "start a run of the selected job").hint("run").changes(),
    bind(Command::StartRunWithArguments, &["a"], "start a run with arguments (KEY=VALUE …)").changes(),
    bind(Command::StopRun, &["x"], "stop the selected run (jobs pane: the live run)").hint("stop").changes(),
    bind(Command::StartCrawler, &["c"], "start the selected crawler").hint("crawl").changes(),
];

const SPEC: ViewSpec =
    ViewSpec { names: &["glue"], title: "Glue", details: &[Layer::Glue], keys: KEYS, charts: true, ..ViewSpec::NONE };

impl View for Glue {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        let view = &mut app.glue;
        match command {
            Command::NextPane => view.pane = view.pane.next(false),
            Command::PreviousPane => view.pane = view.pane.next(true),
            Command::Down => move_by(view, 1),
            Command::Up => move_by(view, -1),
            Command::StartRun => start_run(app, Vec::new()),
            Command::StartRunWithArguments => {
                if let Some(job) = app.glue.selected_job() {
                    app.mode = Mode::Arguments { job: job.name.clone(), input: String::new(), error: None };
                }
            }
            Command::StopRun => stop_run(app),
            Command::StartCrawler => start_crawler(app),
            _ => return false,
        }
        true
    }

    /// The first read when the view opens.
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.view() == ViewId::Glue && !app.glue.request.answered() {
            fetch(app, effects);
        }
    }

    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        fetch(app, effects);
    }

    fn shown_again(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.glue.request.older_than(app.now_ms, app.refresh_interval_ms) {
            fetch(app, effects);
        }
    }
}

/// The pane keys go to; tab moves on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GluePane {
    #[default]
    Jobs,
    Runs,
    Crawlers,
    Catalog,
}

impl GluePane {
    fn next(self, back: bool) -> GluePane {
        const ORDER: [GluePane; 4] = [GluePane::Jobs, GluePane::Runs, GluePane::Crawlers, GluePane::Catalog];
        let i = ORDER.iter().position(|p| *p == self).unwrap_or(0);
        ORDER[if back { (i + ORDER.len() - 1) % ORDER.len() } else { (i + 1) % ORDER.len() }]
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GlueView {
    pub data: Option<GlueOverview>,
    pub pane: GluePane,
    /// Selected rows: job, run of that job, crawler, table (across the databases).
    pub job: usize,
    pub run: usize,
    pub crawler: usize,
    pub table: usize,
    /// The read of jobs, runs, crawlers and the catalog.
    pub request: Request,
    /// Whether Lake Formation governs the catalog (the profile's `[platform.lakeformation]`):
    /// each read of the catalog reads its grants too.
    pub governed: bool,
}

impl GlueView {
    pub fn selected_job(&self) -> Option<&GlueJob> {
        self.data.as_ref()?.jobs.get(self.job)
    }

    pub fn selected_run(&self) -> Option<&GlueRunDetail> {
        self.selected_job()?.runs.get(self.run)
    }

    pub fn selected_crawler(&self) -> Option<&GlueCrawler> {
        self.data.as_ref()?.crawlers.get(self.crawler)
    }

    fn rows(&self, pane: GluePane) -> usize {
        let Some(data) = &self.data else { return 0 };
        match pane {
            GluePane::Jobs => data.jobs.len(),
            GluePane::Runs => self.selected_job().map(|j| j.runs.len()).unwrap_or(0),
            GluePane::Crawlers => data.crawlers.len(),
            GluePane::Catalog => data.databases.iter().map(|d| d.tables.len()).sum(),
        }
    }

    fn clamp(&mut self) {
        self.job = self.job.min(self.rows(GluePane::Jobs).saturating_sub(1));
        self.run = self.run.min(self.rows(GluePane::Runs).saturating_sub(1));
        self.crawler = self.crawler.min(self.rows(GluePane::Crawlers).saturating_sub(1));
        self.table = self.table.min(self.rows(GluePane::Catalog).saturating_sub(1));
    }
}

/// Reads Glue again unless a read is out.
pub fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(id) = app.glue.request.start(app.now_ms) {
        effects.push(Effect::FetchGlue { id, governed: app.glue.governed });
    }
}

/// Glue's jobs, runs, crawlers and catalog arrived (or why not). A failed read is tried again
/// by the next refresh, not the next key (no retry storm).
pub fn loaded(
    app: &mut App,
    id: RequestId,
    result: Result<GlueOverview, PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let now = app.now_ms;
    if !app.glue.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(data) => {
            for warning in &data.warnings {
                report_error(app, ErrorSource::Glue, warning, at);
            }
            app.glue.data = Some(data);
            app.glue.clamp();
            super::athena::catalog_loaded(app);
        }
        Err(e) => report_error(app, ErrorSource::Glue, &e.to_string(), at),
    }
}

/// A change to Glue came back: its answer is said, and Glue read again.
pub fn changed(app: &mut App, effects: &mut Vec<Effect>) {
    let id = app.glue.request.restart(app.now_ms);
    effects.push(Effect::FetchGlue { id, governed: app.glue.governed });
}

fn move_by(view: &mut GlueView, delta: isize) {
    let rows = view.rows(view.pane);
    let at = match view.pane {
        GluePane::Jobs => &mut view.job,
        GluePane::Runs => &mut view.run,
        GluePane::Crawlers => &mut view.crawler,
        GluePane::Catalog => &mut view.table,
    };
    *at = (*at as isize + delta).clamp(0, rows.saturating_sub(1) as isize) as usize;
    if view.pane == GluePane::Jobs {
        view.run = 0;
    }
}

/// The arguments line: `KEY=VALUE` pairs separated by spaces; `confirm` checks them and asks.
pub fn arguments_key(app: &mut App, command: Option<Command>, key: crossterm::event::KeyEvent) {
    let Mode::Arguments { input, error, .. } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let parsed = parse_arguments(input.split_whitespace());
            match parsed {
                Ok(arguments) => {
                    app.mode = Mode::Normal;
                    start_run(app, arguments);
                }
                Err(refusal) => *error = Some(refusal.text()),
            }
        }
    }
}

fn start_run(app: &mut App, arguments: Vec<(String, String)>) {
    let Some(job) = app.glue.selected_job().cloned() else { return };
    let change = GlueChange::StartJobRun { job: job.name.clone(), arguments };
    ask(app, &format!("Start a run of {}", job.name), change, Some(&job), None);
}

fn stop_run(app: &mut App) {
    let Some(job) = app.glue.selected_job().cloned() else { return };
    // In the jobs pane, the job's live run is stopped; in the runs pane, the selected one.
    let run = match app.glue.pane {
        GluePane::Runs => app.glue.selected_run().cloned(),
        _ => job.active_runs().next().cloned().or_else(|| job.runs.first().cloned()),
    };
    let Some(run) = run else { return };
    let change = GlueChange::StopJobRun { job: job.name.clone(), run_id: run.id.clone() };
    ask(app, &format!("Stop run {} of {}", run.id, job.name), change, Some(&job), None);
}

fn start_crawler(app: &mut App) {
    let Some(crawler) = app.glue.selected_crawler().cloned() else { return };
    let change = GlueChange::StartCrawler { crawler: crawler.name.clone() };
    ask(app, &format!("Start the crawler {}", crawler.name), change, None, Some(&crawler));
}

fn ask(app: &mut App, title: &str, change: GlueChange, job: Option<&GlueJob>, crawler: Option<&GlueCrawler>) {
    match plan(&change, job, crawler) {
        Ok(lines) => {
            let detail = lines.join("; ");
            confirm::ask(app, title, lines, Change::Glue(change), detail);
        }
        Err(refusal) => confirm::refuse_change(app, title, &Change::Glue(change), &refusal),
    }
}
