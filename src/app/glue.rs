//! `:glue`: jobs with their runs, crawlers and the catalog, and the three changes an operator
//! makes there (start a run, stop a run, start a crawler), each checked and confirmed.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::confirm;
use super::prompt::{edit_line, LineKey};
use super::state::{App, Mode};
use super::view::ViewId;
use crate::model::{Change, GlueChange, GlueCrawler, GlueJob, GlueOverview, GlueRunDetail};
use crate::ops::glue::{parse_argument, plan};

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
    pub loading: bool,
    pub loaded_once: bool,
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
    if !app.glue.loading {
        app.glue.loading = true;
        effects.push(Effect::FetchGlue);
    }
}

pub fn on_open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Glue && !app.glue.loaded_once {
        fetch(app, effects);
    }
}

pub fn loaded(app: &mut App, data: GlueOverview) {
    app.glue.loading = false;
    app.glue.loaded_once = true;
    app.glue.data = Some(data);
    app.glue.clamp();
}

pub fn key(app: &mut App, key: KeyEvent) -> bool {
    let view = &mut app.glue;
    match key.code {
        KeyCode::Tab => view.pane = view.pane.next(false),
        KeyCode::BackTab => view.pane = view.pane.next(true),
        KeyCode::Char('j') | KeyCode::Down => move_by(view, 1),
        KeyCode::Char('k') | KeyCode::Up => move_by(view, -1),
        KeyCode::Char('s') => start_run(app, Vec::new()),
        KeyCode::Char('a') => {
            if let Some(job) = app.glue.selected_job() {
                app.mode = Mode::Arguments { job: job.name.clone(), input: String::new(), error: None };
            }
        }
        KeyCode::Char('x') => stop_run(app),
        KeyCode::Char('c') => start_crawler(app),
        _ => return false,
    }
    true
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

/// The arguments line: `KEY=VALUE` pairs separated by spaces; enter checks them and asks.
pub fn arguments_key(app: &mut App, key: KeyEvent) {
    let Mode::Arguments { input, error, .. } = &mut app.mode else { return };
    match edit_line(input, error, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let parsed: Result<Vec<_>, _> = input.split_whitespace().map(parse_argument).collect();
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
    // In the jobs pane, x stops the job's live run; in the runs pane, the selected one.
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
        Err(refusal) => confirm::refuse(app, title, refusal.text()),
    }
}
