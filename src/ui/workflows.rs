//! `:workflows`: the executions of the watched state machines, newest first, then the selected
//! one in full: where it failed (state, error, cause) and what can be done with it.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::workflows::{visible, Row, LISTED_DAYS};
use crate::app::{audit, layout, App};
use crate::model::text::{cell, sanitize};
use crate::ops::format::ago;
use crate::settings::Theme;

const COLUMNS: [(&str, usize); 5] =
    [("STATUS", 12), ("STATE MACHINE", 24), ("EXECUTION", 34), ("STARTED", 14), ("DURATION", 10)];

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (list, detail) = layout::workflows_split(area);
    let Some(data) = &app.workflows.data else {
        let text = match app.workflows.request.state() {
            crate::app::request::RequestState::Failed { error, .. } => sanitize(&error),
            _ => "Reading the state machines…".into(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, dim(theme))).block(panel(theme, " Workflows ")), area);
        return;
    };
    let now = audit::reference_time(app);
    let rows = visible(app);
    let cursor = &app.workflows.cursor;
    let failed = rows
        .iter()
        .filter(|r| match r {
            Row::Execution(_, e) => e.is_failed(),
            Row::GlueRun(_, run) => run.is_failed(),
            _ => false,
        })
        .count();
    let filter =
        if cursor.filter.is_empty() { String::new() } else { format!(" — filter: {}", sanitize(&cursor.filter)) };
    let glue = match data.glue_workflows.len() {
        0 => String::new(),
        n => format!(", {n} Glue workflow(s)"),
    };
    let title = format!(
        " Workflows — {} state machine(s){glue}, {failed} failed in the last {LISTED_DAYS} days{filter} ",
        data.state_machines.len()
    );
    let block = panel(theme, title);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let header: String = COLUMNS.iter().map(|(name, w)| format!("{name:<w$}")).collect::<String>() + "FAILED AT";
    let mut lines = vec![Line::styled(header, Style::new().fg(theme.dim).add_modifier(Modifier::BOLD))];
    if rows.is_empty() {
        let text = if data.state_machines.is_empty() && data.glue_workflows.is_empty() {
            "No state machine or Glue workflow is watched: set platform.orchestration in the profile."
        } else {
            "No execution matches the filter."
        };
        lines.push(Line::styled(text, dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    for (i, row) in rows.iter().enumerate().skip(cursor.offset).take(page.max(1)) {
        let selected = i == cursor.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let machine = cell(row.workflow(), COLUMNS[1].1);
        let line = match row {
            Row::GlueIdle(w) => {
                let why = if w.exists { "Glue workflow: no run in the window" } else { "Glue workflow not found" };
                Line::from(vec![
                    Span::styled(format!("{:<12}", "—"), style),
                    Span::styled(format!("{machine}{why}"), if selected { style } else { dim(theme) }),
                ])
            }
            Row::GlueRun(_, r) => {
                let color = if r.is_failed() {
                    theme.critical
                } else if r.status == "RUNNING" {
                    theme.accent
                } else {
                    theme.ok
                };
                let failing: Vec<&str> = r.failed_nodes.iter().map(|n| n.name.as_str()).collect();
                let duration = r.duration_ms(now).map(crate::ops::format::millis).unwrap_or_else(|| "—".into());
                let started = r.started.map(|t| ago(now, t)).unwrap_or_default();
                Line::from(vec![
                    Span::styled(format!("{:<12}", r.status), if selected { style } else { style.fg(color) }),
                    Span::styled(
                        format!(
                            "{machine}{}{}{:<10}{}",
                            cell(&r.id, COLUMNS[2].1),
                            cell(&started, COLUMNS[3].1),
                            duration,
                            sanitize(&failing.join(", "))
                        ),
                        style,
                    ),
                ])
            }
            Row::Idle(m) => {
                let why = if m.arn.is_none() { "not found" } else { "no execution in the window" };
                Line::from(vec![
                    Span::styled(format!("{:<12}", "—"), style),
                    Span::styled(format!("{machine}{why}"), if selected { style } else { dim(theme) }),
                ])
            }
            Row::Execution(_, e) => {
                let color = match e.status.as_str() {
                    "FAILED" | "TIMED_OUT" => theme.critical,
                    "ABORTED" => theme.warn,
                    "RUNNING" | "PENDING_REDRIVE" => theme.accent,
                    _ => theme.ok,
                };
                let failing = e.failure.as_ref().and_then(|f| f.state.as_deref()).map(sanitize).unwrap_or_default();
                let duration = crate::ops::format::millis(e.duration_seconds(now) as f64 * 1000.0);
                Line::from(vec![
                    Span::styled(format!("{:<12}", e.status), if selected { style } else { style.fg(color) }),
                    Span::styled(
                        format!(
                            "{machine}{}{}{:<10}{failing}",
                            cell(&e.name, COLUMNS[2].1),
                            cell(&ago(now, e.started), COLUMNS[3].1),
                            duration
                        ),
                        style,
                    ),
                ])
            }
        };
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
    draw_detail(rows.get(cursor.selected).copied(), now, theme, frame, detail);
}

fn draw_detail(row: Option<Row<'_>>, now: chrono::DateTime<chrono::Utc>, theme: &Theme, frame: &mut Frame, area: Rect) {
    if let Some(Row::GlueRun(workflow, run)) = row {
        return draw_glue_run(workflow, run, now, theme, frame, area);
    }
    let Some(Row::Execution(machine, e)) = row else {
        frame.render_widget(panel(theme, " execution "), area);
        return;
    };
    let mut body = vec![Line::styled(
        format!(
            "{} · {} · started {} UTC{}{}",
            sanitize(&machine.name),
            e.status,
            e.started.format("%Y-%m-%d %H:%M:%S"),
            e.stopped.map(|t| format!(" · stopped {}", ago(now, t))).unwrap_or_default(),
            if e.redrive_count > 0 { format!(" · redriven {}×", e.redrive_count) } else { String::new() }
        ),
        dim(theme),
    )];
    match &e.failure {
        Some(f) => {
            let at = f.state.as_deref().map(|s| format!("failed at {} ", sanitize(s))).unwrap_or_default();
            body.push(Line::from(vec![
                Span::styled(at, Style::new().fg(theme.critical).add_modifier(Modifier::BOLD)),
                Span::styled(sanitize(&f.error), base(theme)),
            ]));
            body.push(Line::styled(sanitize(&f.cause), base(theme)));
            body.push(Line::styled(
                "R redrives it from that state; the states that succeeded are not run again",
                dim(theme),
            ));
        }
        None if e.is_failed() => body.push(Line::styled("where it failed was not read (see the warnings)", dim(theme))),
        None if e.status == "RUNNING" => body.push(Line::styled("x stops it (it ends ABORTED)", dim(theme))),
        None => {}
    }
    body.push(Line::styled(sanitize(&e.arn), dim(theme)));
    let title = format!(" {} ", sanitize(&e.name));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), area);
}

fn draw_glue_run(
    workflow: &crate::model::GlueWorkflow,
    run: &crate::model::GlueWorkflowRun,
    now: chrono::DateTime<chrono::Utc>,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let mut body = vec![Line::styled(
        format!(
            "Glue workflow {} · {} · {} of {} actions succeeded{}",
            sanitize(&workflow.name),
            run.status,
            run.succeeded_actions,
            run.total_actions,
            run.started.map(|t| format!(" · started {}", ago(now, t))).unwrap_or_default()
        ),
        dim(theme),
    )];
    for node in &run.failed_nodes {
        body.push(Line::from(vec![
            Span::styled(
                format!("{} {} {} ", node.kind.to_lowercase(), sanitize(&node.name), node.state),
                Style::new().fg(theme.critical).add_modifier(Modifier::BOLD),
            ),
            Span::styled(node.error.as_deref().map(sanitize).unwrap_or_default(), base(theme)),
        ]));
    }
    if let Some(error) = &run.error {
        body.push(Line::styled(sanitize(error), base(theme)));
    }
    if run.is_failed() && !run.failed_nodes.is_empty() {
        body.push(Line::styled("R resumes the run: the failed nodes and what follows them run again", dim(theme)));
    }
    let title = format!(" {} ", sanitize(&run.id));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), area);
}
