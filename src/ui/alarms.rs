//! `:alarms`: the dead-letter queue and Firehose freshness, then every alarm of the platform
//! (ALARM and INSUFFICIENT_DATA first) with its reason and since when, the selected in full.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::{audit, layout, App};
use crate::model::text::sanitize;
use crate::model::{AlarmStatus, Reading};
use crate::ops::format::{ago, millis, thousands};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (top, list, detail) = layout::alarms_split(area);
    let status = app.snapshot.as_ref().map(|s| &s.alarms);
    let Some(Reading::Ready { data }) = status else {
        let reason = match status {
            Some(Reading::Unavailable { reason }) => sanitize(reason),
            _ => "Reading the alarms…".into(),
        };
        frame.render_widget(Paragraph::new(Line::styled(reason, dim(theme))).block(panel(theme, " Alarms ")), area);
        return;
    };
    draw_queues(data, theme, frame, top);
    let now = audit::reference_time(app);
    let rows = crate::app::alarms::visible(app);
    let cursor = &app.alarms_cursor;
    let firing = data.firing().count();
    let filter =
        if cursor.filter.is_empty() { String::new() } else { format!(" — filter: {}", sanitize(&cursor.filter)) };
    let block = panel(theme, format!(" Alarms — {firing} firing of {}{filter} ", data.total));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let mut lines = vec![Line::styled(
        format!("{:<19}{:<36}{:<12}{}", "STATE", "ALARM", "SINCE", "REASON"),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    if rows.is_empty() {
        let text = if data.total == 0 {
            "No alarms named <stack>-… or listed in platform.alarms.names: nothing would page anyone."
        } else {
            "No alarm matches the filter."
        };
        lines.push(Line::styled(text, dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    for (i, alarm) in rows.iter().enumerate().skip(cursor.offset).take(page.max(1)) {
        let (mark, color) = match alarm.state.as_str() {
            "ALARM" => ("✖ ALARM", theme.critical),
            "INSUFFICIENT_DATA" => ("? INSUFFICIENT_DATA", theme.warn),
            _ => ("● OK", theme.ok),
        };
        let selected = i == cursor.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let clip = |t: &str, w: usize| {
            let t = sanitize(t);
            if t.chars().count() < w {
                format!("{t:<w$}")
            } else {
                format!("{}… ", t.chars().take(w - 2).collect::<String>())
            }
        };
        let since = alarm.since.map(|t| ago(now, t)).unwrap_or_default();
        let width = (inner.width as usize).saturating_sub(19 + 36 + 12);
        lines.push(Line::from(vec![
            Span::styled(format!("{mark:<19}"), if selected { style } else { style.fg(color) }),
            Span::styled(format!("{}{:<12}{}", clip(&alarm.name, 36), since, clip(&alarm.reason, width.max(2))), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let Some(alarm) = rows.get(cursor.selected) else {
        frame.render_widget(panel(theme, " alarm "), detail);
        return;
    };
    let since = alarm.since.map(|t| format!(" since {} UTC", t.format("%Y-%m-%d %H:%M:%S"))).unwrap_or_default();
    let metric = alarm.metric.as_deref().map(sanitize).unwrap_or_else(|| "a composite or math alarm".into());
    let body = vec![
        Line::styled(format!("{}{since} · watches {metric}", sanitize(&alarm.state)), dim(theme)),
        Line::styled(sanitize(&alarm.reason), base(theme)),
    ];
    let title = format!(" {} ", sanitize(&alarm.name));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), detail);
}

fn draw_queues(data: &AlarmStatus, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut lines = Vec::new();
    match &data.dlq {
        Reading::Ready { data: d } => {
            let waiting = d.visible.unwrap_or(0);
            let color = if waiting > 0 { theme.warn } else { theme.ok };
            let age = d.oldest_age_seconds.map(|s| format!(" · oldest {}", millis(s * 1000.0))).unwrap_or_default();
            lines.push(Line::from(vec![
                Span::styled(format!("dead-letter queue {} ", sanitize(&d.queue)), base(theme)),
                Span::styled(
                    format!("{} waiting", d.visible.map(|v| thousands(v as f64)).unwrap_or_else(|| "?".into())),
                    Style::new().fg(color).add_modifier(Modifier::BOLD),
                ),
                Span::styled(
                    format!(" · {} being handled{age}", d.in_flight.map(|v| thousands(v as f64)).unwrap_or_default()),
                    base(theme),
                ),
            ]));
            if waiting > 0 {
                lines.push(Line::styled(
                    "  these batches failed every retry: read them, fix the cause, then redrive the queue",
                    dim(theme),
                ));
            }
        }
        Reading::Unavailable { reason } => {
            lines.push(Line::styled(format!("dead-letter queue: {}", sanitize(reason)), dim(theme)))
        }
        Reading::NotWatched => lines.push(Line::styled("dead-letter queue: not part of this platform", dim(theme))),
    }
    frame.render_widget(Paragraph::new(lines).block(panel(theme, " Dead-letter queue ")), area);
}
