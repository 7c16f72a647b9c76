//! `:emr`: the watched clusters, each followed by its steps newest first (or the Serverless
//! application and its job runs), then the selected row in full: instance groups and idle cost
//! for a cluster, why a step failed and where its log is.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::emr::{visible, Row};
use crate::app::{audit, layout, App, Mode};
use crate::model::text::{cell, sanitize};
use crate::model::{ClusterDetail, EmrJobRun, EmrStep};
use crate::ops::emr::idle_cost;
use crate::ops::format::{ago, millis};
use crate::settings::Theme;

const COLUMNS: [(&str, usize); 4] = [("STATE", 15), ("NAME", 30), ("ID", 17), ("WHEN", 14)];

fn state_color(theme: &Theme, state: &str) -> ratatui::style::Color {
    match state {
        "FAILED" | "INTERRUPTED" | "TERMINATED_WITH_ERRORS" => theme.critical,
        "CANCELLED" | "CANCEL_PENDING" | "TERMINATING" | "CANCELLING" => theme.warn,
        "RUNNING" | "PENDING" | "STARTING" | "BOOTSTRAPPING" | "SUBMITTED" | "SCHEDULED" => theme.accent,
        _ => theme.ok,
    }
}

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (list, detail) = layout::workflows_split(area);
    let Some(data) = &app.emr.data else {
        let text = match app.emr.request.state() {
            crate::app::request::RequestState::Failed { error, .. } => sanitize(&error),
            _ => "Reading EMR…".into(),
        };
        frame.render_widget(Paragraph::new(Line::styled(text, dim(theme))).block(panel(theme, " EMR ")), area);
        return;
    };
    let now = audit::reference_time(app);
    let rows = visible(app);
    let cursor = &app.emr.cursor;
    let failed = rows
        .iter()
        .filter(|r| match r {
            Row::Step(_, s) => s.is_failed(),
            Row::JobRun(_, r) => r.is_failed(),
            _ => false,
        })
        .count();
    let filter =
        if cursor.filter.is_empty() { String::new() } else { format!(" — filter: {}", sanitize(&cursor.filter)) };
    let what = if data.applications.is_empty() {
        format!("{} cluster(s)", data.clusters.len())
    } else {
        format!("{} Serverless application(s)", data.applications.len())
    };
    let block = panel(theme, format!(" EMR — {what}, {failed} failed{filter} "));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    // NAME gives way first, so DETAIL (a step's reason, how long a cluster idled) keeps room to
    // read; what does not fit is cut with ….
    let detail_least = 24;
    let others: usize = COLUMNS.iter().map(|(_, w)| w).sum::<usize>() - COLUMNS[1].1;
    let name_width = (inner.width as usize).saturating_sub(others + detail_least).clamp(14, COLUMNS[1].1);
    let detail_width = (inner.width as usize).saturating_sub(others + name_width);
    let widths = [COLUMNS[0].1, name_width, COLUMNS[2].1, COLUMNS[3].1];
    let header: String =
        COLUMNS.iter().zip(widths).map(|((name, _), w)| format!("{name:<w$}")).collect::<String>() + "DETAIL";
    let mut lines = vec![Line::styled(header, Style::new().fg(theme.dim).add_modifier(Modifier::BOLD))];
    if rows.is_empty() {
        let text = if data.clusters.is_empty() && data.applications.is_empty() {
            "No live cluster or application of the profile's name (platform.emr): a terminated one is not listed; :audit shows who ended it."
        } else {
            "Nothing matches the filter."
        };
        lines.push(Line::styled(text, dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    for (i, row) in rows.iter().enumerate().skip(cursor.offset).take(page.max(1)) {
        let selected = i == cursor.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let (state, name, id, when, detail) = match row {
            Row::Cluster(c) => {
                let idle = c.cluster.idle_seconds(now).map(|s| format!("idle {}", millis(s as f64 * 1000.0)));
                let release = c.cluster.release.clone().unwrap_or_default();
                let detail = [Some(release), idle].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                let when = c.cluster.created.map(|t| ago(now, t)).unwrap_or_default();
                (c.cluster.state.clone(), c.cluster.name.clone(), c.cluster.id.clone(), when, detail)
            }
            Row::Step(_, s) => {
                let when = s.started.or(s.created).map(|t| ago(now, t)).unwrap_or_default();
                let detail = match &s.failure {
                    Some(f) => f.summary(),
                    None => s.duration_seconds(now).map(|d| millis(d as f64 * 1000.0)).unwrap_or_default(),
                };
                (s.state.clone(), format!("  {}", s.name), s.id.clone(), when, detail)
            }
            Row::Application(a) => {
                let detail = [a.kind.clone(), a.release.clone()].into_iter().flatten().collect::<Vec<_>>().join(" · ");
                (a.state.clone(), a.name.clone(), a.id.clone(), String::new(), detail)
            }
            Row::JobRun(_, r) => {
                let when = r.created.map(|t| ago(now, t)).unwrap_or_default();
                let name = format!("  {}", r.name.clone().unwrap_or_else(|| "job run".into()));
                (r.state.clone(), name, r.id.clone(), when, r.state_details.clone().unwrap_or_default())
            }
        };
        let color = state_color(theme, &state);
        lines.push(Line::from(vec![
            Span::styled(cell(&state, COLUMNS[0].1), if selected { style } else { style.fg(color) }),
            Span::styled(
                format!(
                    "{}{}{}{}",
                    cell(&name, name_width),
                    cell(&id, COLUMNS[2].1),
                    cell(&when, COLUMNS[3].1),
                    crate::model::text::clip(&detail, detail_width)
                ),
                style,
            ),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
    if let Mode::TerminateCluster { name, .. } = &app.mode {
        let mut body: Vec<Line> =
            app.emr.terminate_plan.iter().map(|l| Line::styled(sanitize(l), Style::new().fg(theme.critical))).collect();
        body.push(Line::styled(format!("type {} below to terminate it", sanitize(name)), dim(theme)));
        let block = panel(theme, " Terminate ");
        frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(block), detail);
        return;
    }
    let (title, body) = match rows.get(cursor.selected) {
        Some(Row::Cluster(c)) => cluster_detail(c, app.emr.cost_per_hour, now, theme),
        Some(Row::Step(c, s)) => step_detail(c, s, now, theme),
        Some(Row::JobRun(_, r)) => job_run_detail(r, theme),
        Some(Row::Application(a)) => {
            (format!(" {} ", sanitize(&a.name)), vec![Line::styled(format!("{} · {}", a.state, a.id), dim(theme))])
        }
        None => (" detail ".into(), Vec::new()),
    };
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), detail);
}

fn cluster_detail<'a>(
    c: &'a ClusterDetail,
    cost: f64,
    now: chrono::DateTime<chrono::Utc>,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let k = &c.cluster;
    let mut body = vec![Line::styled(
        format!(
            "{} · {} · {}{}",
            k.state,
            k.release.as_deref().map(sanitize).unwrap_or_default(),
            sanitize(&k.applications.join(", ")),
            k.state_reason.as_deref().map(|r| format!(" · {}", sanitize(r))).unwrap_or_default()
        ),
        dim(theme),
    )];
    let groups: Vec<String> = k
        .instance_groups
        .iter()
        .map(|g| format!("{} {}× {} ({}/{} {})", g.role, g.requested, g.instance_type, g.running, g.requested, g.state))
        .collect();
    if !groups.is_empty() {
        body.push(Line::styled(sanitize(&groups.join(" · ")), base(theme)));
    }
    match k.idle_seconds(now) {
        Some(idle) => body.push(Line::styled(
            format!("idle for {}{}: T terminates it", millis(idle as f64 * 1000.0), idle_cost(idle, cost)),
            Style::new().fg(theme.warn),
        )),
        None if k.state == "RUNNING" => {
            body.push(Line::styled("a step is active: x cancels the selected step", dim(theme)))
        }
        None => {
            body.push(Line::styled(format!("{}: nothing to do until it is WAITING", sanitize(&k.state)), dim(theme)))
        }
    }
    if let Some(log) = &k.log_uri {
        body.push(Line::styled(format!("logs: {}", sanitize(log)), dim(theme)));
    }
    (format!(" {} ({}) ", sanitize(&k.name), k.id), body)
}

fn step_detail<'a>(
    c: &'a ClusterDetail,
    s: &'a EmrStep,
    now: chrono::DateTime<chrono::Utc>,
    theme: &Theme,
) -> (String, Vec<Line<'a>>) {
    let mut body = vec![Line::styled(
        format!(
            "{} on {} · {}{} · on failure {}",
            s.state,
            sanitize(&c.cluster.name),
            s.started.map(|t| format!("started {}", ago(now, t))).unwrap_or_else(|| "not started".into()),
            s.duration_seconds(now).map(|d| format!(" · ran {}", millis(d as f64 * 1000.0))).unwrap_or_default(),
            s.action_on_failure.as_deref().unwrap_or("—")
        ),
        dim(theme),
    )];
    if let Some(f) = &s.failure {
        if let Some(reason) = &f.reason {
            body.push(Line::styled(sanitize(reason), Style::new().fg(theme.critical).add_modifier(Modifier::BOLD)));
        }
        if let Some(message) = &f.message {
            body.push(Line::styled(sanitize(message), base(theme)));
        }
        if let Some(log) = &f.log_file {
            body.push(Line::styled(format!("log: {}", sanitize(log)), dim(theme)));
        }
    } else if crate::model::is_cancellable_step(&s.state) {
        body.push(Line::styled("x cancels it", dim(theme)));
    }
    (format!(" {} ({}) ", sanitize(&s.name), s.id), body)
}

fn job_run_detail<'a>(r: &'a EmrJobRun, theme: &Theme) -> (String, Vec<Line<'a>>) {
    let mut body = vec![Line::styled(format!("{} · {}", r.state, r.id), dim(theme))];
    if let Some(d) = &r.state_details {
        let color = if r.is_failed() { theme.critical } else { theme.text };
        body.push(Line::styled(sanitize(d), Style::new().fg(color)));
    }
    (format!(" {} ", sanitize(r.name.as_deref().unwrap_or(&r.id))), body)
}
