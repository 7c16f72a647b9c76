//! `:lambda`: the consumer's numbers and four charts, then its log (errors first) with the
//! selected event in full below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chart::{render_chart, ChartSpec};
use super::markers::{self, Placed};
use super::{base, dim, panel};
use crate::app::{App, Command};
use crate::model::text::sanitize;
use crate::model::{FunctionStatus, LogKind};
use crate::ops::format::{millis, percent, thousands};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.lambda;
    let function = app.snapshot.as_ref().map(|s| &s.function);
    let Some(f) = function.and_then(|f| f.ready()) else {
        let reason = match function {
            Some(crate::model::Reading::Unavailable { reason }) => sanitize(reason),
            _ => "Reading the function…".into(),
        };
        frame.render_widget(Paragraph::new(Line::styled(reason, dim(theme))).block(panel(theme, " Lambda ")), area);
        return;
    };
    let title = format!(" {} — charts {} ({}) ", sanitize(&f.name), view.window.label(), app.key(Command::Window));
    let block = panel(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let chart_height = (inner.height.saturating_sub(2) / 2).clamp(8, 16);
    let [info, charts, log] =
        Layout::vertical([Constraint::Length(3), Constraint::Length(chart_height), Constraint::Min(4)]).areas(inner);
    let now = crate::app::audit::reference_time(app);
    let minutes = view.window.minutes();
    let mut info_lines = numbers(f, app, theme);
    info_lines.push(markers::line(app, theme, now, minutes, view.window.label()));
    frame.render_widget(Paragraph::new(info_lines), info);
    draw_charts(f, minutes, &markers::placed(app, now, minutes), theme, frame, charts);
    draw_log(app, theme, frame, log);
}

fn numbers(f: &FunctionStatus, app: &App, theme: &Theme) -> Vec<Line<'static>> {
    let rate = f.error_rate();
    let over = rate.is_some_and(|r| r > app.thresholds.lambda_error_rate);
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    let first = Line::from(vec![
        Span::styled(format!("invocations {}/min · ", or_dash(f.invocations_per_minute.map(thousands))), base(theme)),
        Span::styled(
            format!("errors {}/min ({})", or_dash(f.errors_per_minute.map(thousands)), or_dash(rate.map(percent))),
            if over { Style::new().fg(theme.critical).add_modifier(Modifier::BOLD) } else { base(theme) },
        ),
        Span::styled(format!(" · throttles {}/min", or_dash(f.throttles_per_minute.map(thousands))), base(theme)),
    ]);
    let second = Line::styled(
        format!(
            "duration {} avg, {} p99 · iterator age {} · concurrency {} (last complete minute)",
            or_dash(f.duration_ms.map(millis)),
            or_dash(f.duration_p99_ms.map(millis)),
            or_dash(f.iterator_age_ms.map(millis)),
            or_dash(f.concurrency.map(thousands)),
        ),
        base(theme),
    );
    vec![first, second]
}

fn draw_charts(f: &FunctionStatus, minutes: u32, changes: &Placed, theme: &Theme, frame: &mut Frame, area: Rect) {
    let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(bottom);
    let h = &f.history;
    let window = |v: &[f64]| -> Vec<Option<f64>> {
        v.iter().skip(v.len().saturating_sub(minutes as usize)).map(|x| Some(*x)).collect()
    };
    let spec = |title: &str, unit: &str, values: Vec<Option<f64>>, overlay: Option<(&str, Vec<Option<f64>>)>, color| {
        ChartSpec {
            title: title.into(),
            unit: unit.into(),
            values,
            overlay: overlay.map(|(name, v)| (name.to_string(), v)),
            capacity: None,
            color,
            minutes,
            changes: changes.clone(),
        }
    };
    render_chart(
        &spec("invocations /min", "/min", window(&h.invocations), Some(("errors", window(&h.errors))), 0),
        theme,
        frame,
        a,
    );
    render_chart(
        &spec("duration avg", "ms", window(&h.duration_ms), Some(("p99", window(&h.duration_p99_ms))), 1),
        theme,
        frame,
        b,
    );
    let seconds: Vec<f64> = h.iterator_age_ms.iter().map(|ms| ms / 1000.0).collect();
    render_chart(&spec("iterator age", "s", window(&seconds), None, 2), theme, frame, c);
    render_chart(
        &spec("concurrency", "", window(&h.concurrency), Some(("throttles", window(&h.throttles))), 3),
        theme,
        frame,
        d,
    );
}

fn draw_log(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.lambda;
    let [list, detail] = Layout::vertical([Constraint::Percentage(55), Constraint::Fill(1)]).areas(area);
    let (e, f) = (app.key(Command::ErrorsOnly), app.key(Command::Follow));
    let scope = if view.errors_only { format!("errors and timeouts ({e})") } else { format!("every line ({e})") };
    let follow = if view.tail.following() { format!("following ● ({f})") } else { format!("not following ({f})") };
    let title = format!(" log — {scope} — {follow} — {} events ", view.events.len());
    let block = panel(theme, title);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let rows = inner.height as usize;
    let mut lines = Vec::new();
    if view.events.is_empty() {
        let text =
            if view.request.is_loading() { "Reading CloudWatch Logs…" } else { "No log events in the last hour." };
        lines.push(Line::styled(text, dim(theme)));
    }
    // Newest at the bottom, like a terminal tail; the selection scrolls the window up.
    let newest_first: Vec<_> = view.events.iter().rev().enumerate().collect();
    let start = view.selected.saturating_sub(rows.saturating_sub(1));
    let shown: Vec<_> = newest_first.iter().skip(start).take(rows).collect();
    for (i, event) in shown.into_iter().rev() {
        let (mark, color) = match event.kind {
            LogKind::Error => ("✖ ERROR  ", theme.critical),
            LogKind::Timeout => ("⧗ TIMEOUT", theme.critical),
            LogKind::Report => ("  report ", theme.dim),
            LogKind::Info => ("         ", theme.dim),
        };
        let first = event.message.lines().next().unwrap_or_default();
        let selected = *i == view.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", event.time.format("%H:%M:%S")), if selected { style } else { dim(theme) }),
            Span::styled(format!("{mark} "), if selected { style } else { Style::new().fg(color) }),
            Span::styled(sanitize(first), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let Some(event) = view.selected_event() else {
        frame.render_widget(panel(theme, " event "), detail);
        return;
    };
    let title = format!(" {} · {} ", event.time.format("%Y-%m-%d %H:%M:%S%.3f UTC"), sanitize(&event.stream));
    // Each line of a stack trace on its own row, every one sanitized.
    let body: Vec<Line> = event.message.lines().map(|l| Line::styled(sanitize(l), base(theme))).collect();
    frame.render_widget(Paragraph::new(body).block(panel(theme, title)).style(base(theme)), detail);
}
