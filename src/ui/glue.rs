//! `:glue`: jobs with a run timeline, the selected job's runs with the selected run's error or
//! arguments, crawlers, and the catalog with partition counts.

use chrono::{DateTime, Utc};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, clip, dim, markers, panel, rows};
use crate::app::glue::GluePane;
use crate::app::{audit, App};
use crate::model::text::sanitize;
use crate::model::{GlueJob, GlueRunDetail, Governance, PARTITIONS_COUNTED};
use crate::ops::format;
use crate::ops::grants;
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.glue;
    let Some(data) = &view.data else {
        let text = if view.request.is_loading() { "Reading Glue…" } else { "Glue not read yet." };
        frame.render_widget(Paragraph::new(Line::styled(text, dim(theme))).block(panel(theme, " Glue ")), area);
        return;
    };
    let now = audit::reference_time(app);
    let jobs_height = rows(data.jobs.len()).saturating_add(3).clamp(4, 8);
    let [jobs, runs, bottom] =
        Layout::vertical([Constraint::Length(jobs_height), Constraint::Percentage(50), Constraint::Fill(1)])
            .areas(area);
    let [crawlers, catalog] = Layout::horizontal([Constraint::Percentage(50), Constraint::Fill(1)]).areas(bottom);

    let header = |text: String| Line::styled(text, Style::new().fg(theme.dim).add_modifier(Modifier::BOLD));
    let row_style = |selected: bool, focused: bool| {
        if selected && focused {
            Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg)
        } else if selected {
            base(theme).add_modifier(Modifier::BOLD)
        } else {
            base(theme)
        }
    };

    // Jobs, each with its runs as a timeline, oldest to newest.
    let mut lines = vec![header(format!(
        "{:<28}{:<11}{:<13}{:<10}{:<10}{:<27}{}",
        "JOB", "LAST RUN", "STARTED", "DURATION", "DPU-s", "RUNS → newest, ┊ change", "CAPACITY"
    ))];
    for (i, job) in data.jobs.iter().enumerate() {
        let style = row_style(i == view.job, view.pane == GluePane::Jobs);
        let last = job.runs.first();
        let mut spans = vec![Span::styled(
            format!(
                "{:<28}{:<11}{:<13}{:<10}{:<10}",
                clip(&job.name, 27),
                last.map(|r| r.state.as_str()).unwrap_or("never run"),
                last.map(|r| format::ago(now, r.started)).unwrap_or_default(),
                last.and_then(|r| r.duration_seconds).map(seconds).unwrap_or_default(),
                last.and_then(|r| r.dpu_seconds).map(format::thousands).unwrap_or_default(),
            ),
            style,
        )];
        // What fits of the timeline before the pane's edge, its newest end (the run LAST RUN
        // names): a narrow pane cuts its oldest runs, never its newest.
        let room = (jobs.width as usize).saturating_sub(2 + 28 + 11 + 13 + 10 + 10).min(27);
        let mut timeline = timeline(app, job, now, theme);
        timeline.drain(..timeline.len().saturating_sub(room));
        let used = timeline.len();
        spans.extend(timeline.into_iter().map(|(glyph, color)| Span::styled(glyph, style.fg(color))));
        spans.push(Span::styled(" ".repeat(27usize.saturating_sub(used)), style));
        spans.push(Span::styled(job.capacity.clone().unwrap_or_default(), style));
        lines.push(Line::from(spans));
    }
    if data.jobs.is_empty() {
        lines.push(Line::styled("No Glue job found (see the errors view for why).", dim(theme)));
    }
    let title = pane_title(" Jobs ", view.pane == GluePane::Jobs);
    frame.render_widget(
        Paragraph::new(lines).block(
            focus(panel(theme, title), theme, view.pane == GluePane::Jobs).title_bottom(markers::line(
                app,
                theme,
                now,
                markers::DAY_MINUTES,
                "24 h",
            )),
        ),
        jobs,
    );

    draw_runs(app, theme, frame, runs, now);
    draw_crawlers(app, theme, frame, crawlers, now);
    draw_catalog(app, theme, frame, catalog);
}

fn draw_runs(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
    let view = &app.glue;
    let focused = view.pane == GluePane::Runs;
    let Some(job) = view.selected_job() else {
        frame.render_widget(panel(theme, " Runs "), area);
        return;
    };
    let block = focus(panel(theme, pane_title(&format!(" Runs of {} ", sanitize(&job.name)), focused)), theme, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [list, detail] = Layout::vertical([Constraint::Fill(1), Constraint::Length(3)]).areas(inner);
    let mut lines = vec![Line::styled(
        format!(
            "{:<26}{:<11}{:<13}{:<10}{:<8}{:<10}{}",
            "RUN ID", "STATE", "STARTED UTC", "DURATION", "DPU", "DPU-s", "ERROR"
        ),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    let page = (list.height as usize).saturating_sub(1).max(1);
    let offset = view.run.saturating_sub(page - 1);
    for (i, run) in job.runs.iter().enumerate().skip(offset).take(page) {
        let selected = i == view.run;
        let style =
            if selected && focused { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let (_, color) = run_mark(run, theme);
        lines.push(Line::from(vec![
            Span::styled(super::cell(&run.id, 26), style),
            Span::styled(format!("{:<11}", run.state), if selected && focused { style } else { style.fg(color) }),
            Span::styled(
                format!(
                    "{:<13}{:<10}{:<8}{:<10}{}",
                    run.started.format("%m-%d %H:%M"),
                    run.duration_seconds.map(seconds).unwrap_or_default(),
                    run.capacity_dpu.map(|d| format!("{d}")).unwrap_or_default(),
                    run.dpu_seconds.map(format::thousands).unwrap_or_default(),
                    run.error.as_deref().map(|e| clip(e, 60)).unwrap_or_default()
                ),
                style,
            ),
        ]));
    }
    if job.runs.is_empty() {
        lines.push(Line::styled("No runs yet: s starts one.", dim(theme)));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), list);

    let text = match view.selected_run() {
        Some(run) => match (&run.error, run.arguments.is_empty()) {
            (Some(error), _) => Line::from(vec![
                Span::styled("error: ", Style::new().fg(theme.critical)),
                Span::styled(sanitize(error), base(theme)),
            ]),
            (None, false) => {
                let args: Vec<String> =
                    run.arguments.iter().map(|(k, v)| format!("{} {}", sanitize(k), sanitize(v))).collect();
                Line::styled(format!("arguments: {}", args.join("  ")), dim(theme))
            }
            (None, true) => Line::styled(
                format!("{} {} — the job's default arguments", run.state, format::ago(now, run.started)),
                dim(theme),
            ),
        },
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).style(base(theme)), detail);
}

fn draw_crawlers(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, now: DateTime<Utc>) {
    let view = &app.glue;
    let focused = view.pane == GluePane::Crawlers;
    let Some(data) = &view.data else { return };
    let title = pane_title(" Crawlers — tables: new/updated/deleted ", focused);
    let block = focus(panel(theme, title), theme, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::styled(
        format!("{:<19}{:<9}{:<11}{:<11}{}", "CRAWLER", "STATE", "LAST", "WHEN", "TABLES"),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    for (i, c) in data.crawlers.iter().enumerate() {
        let selected = i == view.crawler;
        let style =
            if selected && focused { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let count = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
        let tables = match (c.tables_created, c.tables_updated, c.tables_deleted) {
            (None, None, None) => "—".to_string(),
            (a, b, d) => format!("{}/{}/{}", count(a), count(b), count(d)),
        };
        let status_color = match c.last_status.as_deref() {
            Some("SUCCEEDED") => theme.ok,
            Some("FAILED") => theme.critical,
            Some(_) => theme.warn,
            None => theme.dim,
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{}{:<9}", super::cell(&c.name, 19), c.state), style),
            Span::styled(
                format!("{:<11}", c.last_status.as_deref().unwrap_or("never")),
                if selected && focused { style } else { style.fg(status_color) },
            ),
            Span::styled(
                format!("{:<11}{tables}", c.last_crawl.map(|t| format::ago(now, t)).unwrap_or_default()),
                style,
            ),
        ]));
        if let Some(error) = c.last_error.as_deref().filter(|_| selected) {
            lines.push(Line::styled(format!("  {}", sanitize(error)), Style::new().fg(theme.critical)));
        }
    }
    if data.crawlers.is_empty() {
        lines.push(Line::styled("No crawler found.", dim(theme)));
    }
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).style(base(theme)), inner);
}

fn draw_catalog(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.glue;
    let focused = view.pane == GluePane::Catalog;
    let Some(data) = &view.data else { return };
    let names: Vec<&str> = data.databases.iter().map(|d| d.name.as_str()).collect();
    let title = pane_title(&format!(" Catalog: {} ", sanitize(&names.join(", "))), focused);
    let block = focus(panel(theme, title), theme, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let governance = data.governance.as_ref();
    let readers_header = if governance.is_some() { format!("{:<9}", "READERS") } else { String::new() };
    let mut lines = vec![Line::styled(
        format!("{:<16}{:<9}{:<11}{:<10}{readers_header}{}", "TABLE", "FORMAT", "PARTITIONS", "QUALITY", "LOCATION"),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    let tables = data.databases.iter().flat_map(|d| d.tables.iter());
    for (i, t) in tables.enumerate() {
        let style = if i == view.table && focused {
            Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg)
        } else {
            base(theme)
        };
        let partitions = match t.partitions {
            Some(n) if n >= PARTITIONS_COUNTED => format!("{n}+"),
            Some(n) => n.to_string(),
            None if t.partition_keys.is_empty() => "—".into(),
            None => "?".into(),
        };
        let readers = governance.map(|g| grants::readers(g, &t.name));
        let count = readers.as_ref().map(|r| format!("{:<9}", r.len())).unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "{:<16}{:<9}{:<11}{:<10}{count}{}",
                clip(&t.name, 15),
                t.format.as_deref().map(|f| clip(f, 8)).unwrap_or_default(),
                partitions,
                quality(t),
                t.location.as_deref().map(sanitize).unwrap_or_default()
            ),
            style,
        ));
        // Who may read the selected table, and which columns (Lake Formation).
        if let (Some(g), Some(readers), true) = (governance, readers, i == view.table && focused) {
            lines.extend(reader_lines(g, &t.name, &readers, theme));
        }
        // Each rule a ruleset's newest evaluation failed, under its table.
        for q in &t.quality {
            for rule in q.result.iter().flat_map(|r| r.failed.iter()) {
                let message = rule.message.as_deref().map(|m| format!(": {}", sanitize(m))).unwrap_or_default();
                lines.push(Line::styled(
                    format!("  ✗ {} {} {}{message}", sanitize(&q.ruleset), sanitize(&rule.rule), rule.result),
                    Style::new().fg(theme.warn),
                ));
            }
        }
    }
    if data.databases.iter().all(|d| d.tables.is_empty()) {
        lines.push(Line::styled("No tables: has the crawler run?", dim(theme)));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}

/// The readers of a table, one a line, then its LF-tags.
fn reader_lines(g: &Governance, table: &str, readers: &[grants::Reader], theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = readers
        .iter()
        .map(|r| {
            let who = r.principal.rsplit(['/', ':']).next().unwrap_or(&r.principal);
            Line::styled(format!("  ⚷ {}: {}", sanitize(who), sanitize(&r.columns)), dim(theme))
        })
        .collect();
    if readers.is_empty() {
        lines.push(Line::styled("  ⚷ no Lake Formation grant lets anyone SELECT", Style::new().fg(theme.warn)));
    }
    if let Some(tags) = g.table_tags.iter().find(|t| t.table == table) {
        let text: Vec<String> = tags.tags.iter().map(|t| format!("{}={}", t.key, t.values.join("|"))).collect();
        lines.push(Line::styled(format!("  LF-tags {}", sanitize(&text.join(", "))), dim(theme)));
    }
    lines
}

/// A table's Data Quality in a few characters: the worst ruleset's newest score, marked.
fn quality(t: &crate::model::CatalogTable) -> String {
    let results: Vec<&crate::model::QualityResult> = t.quality.iter().filter_map(|q| q.result.as_ref()).collect();
    let worst = results.iter().min_by(|a, b| a.score.unwrap_or(0.0).total_cmp(&b.score.unwrap_or(0.0)));
    match worst {
        None if t.quality.is_empty() => "—".into(),
        None => "not run".into(),
        Some(r) => {
            let mark = if r.failed.is_empty() { "✓" } else { "✗" };
            format!("{mark} {}", r.score.map(format::percent).unwrap_or_else(|| "?".into()))
        }
    }
}

/// The job's newest runs, oldest first, with one `┊` where changes were made between two of
/// them (or since the newest; the one named under the charts in its own colour): the runs are
/// never crowded out by changes, however many (a busy day's EMR and Step Functions calls hid
/// all but the newest runs).
fn timeline(app: &App, job: &GlueJob, now: DateTime<Utc>, theme: &Theme) -> Vec<(&'static str, Color)> {
    let runs: Vec<&GlueRunDetail> = job.runs.iter().take(TIMELINE / 2).rev().collect();
    let named = app.markers.named();
    let gap = |from: DateTime<Utc>, to: DateTime<Utc>| {
        let mut between = app.markers.marks.iter().filter(|m| m.time > from && m.time <= to).peekable();
        between.peek()?;
        let is_named = between.any(|m| Some(m) == named);
        Some(("┊", markers::color(theme, is_named)))
    };
    let mut glyphs = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        if let Some(before) = i.checked_sub(1).map(|p| runs[p]) {
            glyphs.extend(gap(before.started, run.started));
        }
        glyphs.push(run_mark(run, theme));
    }
    if let Some(newest) = runs.last() {
        glyphs.extend(gap(newest.started, now));
    }
    glyphs
}

/// Glyphs in a job's timeline.
const TIMELINE: usize = 25;

/// A run's glyph in the timeline and its colour: the glyph alone tells the state apart.
fn run_mark(run: &GlueRunDetail, theme: &Theme) -> (&'static str, Color) {
    match run.state.as_str() {
        "SUCCEEDED" => ("✓", theme.ok),
        "STARTING" | "RUNNING" | "WAITING" => ("▶", theme.accent),
        "STOPPING" | "STOPPED" => ("■", theme.warn),
        _ if run.is_failure() => ("✗", theme.critical),
        _ => ("?", theme.dim),
    }
}

fn seconds(s: u64) -> String {
    format::millis(s as f64 * 1000.0)
}

fn pane_title(title: &str, focused: bool) -> String {
    if focused {
        format!("▸{title}")
    } else {
        title.to_string()
    }
}

fn focus<'a>(block: ratatui::widgets::Block<'a>, theme: &Theme, focused: bool) -> ratatui::widgets::Block<'a> {
    if focused {
        block.border_style(Style::new().fg(theme.accent))
    } else {
        block
    }
}
