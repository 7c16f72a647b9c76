//! `:alarms`: the dead-letter queue and Firehose freshness, then every alarm of the platform
//! (ALARM and INSUFFICIENT_DATA first) with its reason and since when, the selected in full.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, clip, dim, panel, reader};
use crate::app::alarms::{self, LineKind};
use crate::app::{audit, layout, App, Command};
use crate::model::text::sanitize;
use crate::model::{Alarm, AlarmStatus, Reading};
use crate::ops::format::{ago, millis, thousands};
use crate::ops::runbook::{Content, Match};
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
    let rows = alarms::visible(app);
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
        let clip = super::cell;
        let since = alarm.since.map(|t| ago(now, t)).unwrap_or_default();
        let width = (inner.width as usize).saturating_sub(19 + 36 + 12);
        lines.push(Line::from(vec![
            Span::styled(format!("{mark:<19}"), if selected { style } else { style.fg(color) }),
            Span::styled(format!("{}{:<12}{}", clip(&alarm.name, 36), since, clip(&alarm.reason, width.max(2))), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let (alarm_area, runbook_area) = layout::alarm_detail_split(detail);
    let Some(alarm) = rows.get(cursor.selected) else {
        frame.render_widget(panel(theme, " alarm "), alarm_area);
        frame.render_widget(panel(theme, " Runbook "), runbook_area);
        return;
    };
    let since = alarm.since.map(|t| format!(" since {} UTC", t.format("%Y-%m-%d %H:%M:%S"))).unwrap_or_default();
    let metric = alarm.metric.as_deref().map(sanitize).unwrap_or_else(|| "a composite or math alarm".into());
    let body = vec![
        Line::styled(format!("{}{since} · watches {metric}", sanitize(&alarm.state)), dim(theme)),
        Line::styled(sanitize(&alarm.reason), base(theme)),
    ];
    let title = format!(" {} ", sanitize(&alarm.name));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), alarm_area);
    draw_runbook(app, alarm, theme, frame, runbook_area);
    if let Some(scroll) = app.alarms.reading {
        draw_reader(app, alarm, scroll, theme, frame, area);
    }
}

/// The selected alarm's runbook, its first lines and the commands it suggests; or how to add one.
fn draw_runbook(app: &App, alarm: &Alarm, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(2) as usize;
    let room = area.height.saturating_sub(2) as usize;
    let Some(found) = alarms::runbook_of(&app.runbooks, alarm) else {
        let lines = vec![
            Line::styled("no runbook: add one under [runbooks] in the profile", base(theme)),
            Line::styled(format!("as {} (docs/runbooks.md)", alarms::runbook_keys(app, alarm)), dim(theme)),
        ];
        let block = panel(theme, " Runbook ");
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
        return;
    };
    let runbook = found.runbook;
    let title = match found.by {
        Match::Layer(layer) => format!(" {} layer's runbook · {} ", layer.title(), runbook.location),
        _ => format!(" Runbook · {} ", runbook.location),
    };
    let open = app.key(Command::Open);
    let copy = app.key(Command::CopyCommand);
    let accent = Style::new().fg(theme.accent).bg(theme.background);
    let mut lines: Vec<Line> = Vec::new();
    match &runbook.content {
        Content::Text(text) => {
            let shown = runbook.commands.len().min(room.saturating_sub(2).min(3));
            let next = alarms::next_command(app, &alarm.name, runbook.commands.len());
            let mut fenced = false;
            let prose = text.lines().filter(|l| {
                let fence = l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~");
                let inside = fenced || fence;
                fenced ^= fence;
                !inside && !l.trim().is_empty()
            });
            let text_room = room.saturating_sub(shown + 1);
            let mut prose = prose.flat_map(|l| alarms::wrap(&alarms::plain(l.trim_start_matches('#').trim()), width));
            let mut shown_prose: Vec<String> = prose.by_ref().take(text_room).collect();
            // More than fits: the last line says so.
            if let (Some(last), Some(_)) = (shown_prose.last_mut(), prose.next()) {
                *last = clip(&format!("{last} …"), width);
            }
            for (i, line) in shown_prose.into_iter().enumerate() {
                let style = if i == 0 { base(theme).add_modifier(Modifier::BOLD) } else { base(theme) };
                lines.push(Line::styled(line, style));
            }
            for (i, command) in runbook.commands.iter().enumerate().take(shown) {
                let mark = if i == next { "▸ " } else { "  " };
                lines.push(Line::styled(clip(&format!("{mark}{command}"), width), accent));
            }
            let more = runbook.commands.len().saturating_sub(shown);
            let more = if more > 0 { format!(" (+{more} more)") } else { String::new() };
            let keys = if runbook.commands.is_empty() {
                format!("{open} reads it all · it suggests no lakeops command")
            } else {
                format!("{open} reads all · {copy} copies ▸ for a shell{more}")
            };
            lines.push(Line::styled(clip(&keys, width), dim(theme)));
        }
        Content::Url(url) => {
            lines.push(Line::styled("a web page:", base(theme)));
            lines.push(Line::styled(clip(url, width), accent));
            lines.push(Line::styled(format!("open it in a browser · {copy} copies the address"), dim(theme)));
        }
        Content::Unreadable(problem) => {
            lines.push(Line::styled("the runbook cannot be read:", Style::new().fg(theme.warn).bg(theme.background)));
            lines.extend(alarms::wrap(problem, width).into_iter().map(|l| Line::styled(l, base(theme))));
        }
    }
    frame.render_widget(Paragraph::new(lines).block(panel(theme, title)), area);
}

/// The runbook in full over the view, scrolled to `scroll`, with its keys at the foot.
fn draw_reader(app: &App, alarm: &Alarm, scroll: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(found) = alarms::runbook_of(&app.runbooks, alarm) else { return };
    let (width, _) = layout::reader_text_size(area);
    let accent = Style::new().fg(theme.accent).bg(theme.background);
    let lines = alarms::reader_lines(app, width)
        .into_iter()
        .map(|(kind, text)| {
            let style = match kind {
                LineKind::Heading => Style::new().fg(theme.title).bg(theme.background).add_modifier(Modifier::BOLD),
                LineKind::Code => accent,
                LineKind::Text => base(theme),
            };
            Line::styled(text, style)
        })
        .collect();
    let count = found.runbook.commands.len();
    let copy = if count > 0 {
        let next = alarms::next_command(app, &alarm.name, count);
        format!(" · {} copies command {} of {count} (OSC 52)", app.key(Command::CopyCommand), next + 1)
    } else {
        String::new()
    };
    let keys =
        format!("{} closes · {} {} scroll{copy}", app.key(Command::Back), app.key(Command::Down), app.key(Command::Up));
    let title = format!("Runbook for {} · {}", sanitize(&alarm.name), found.runbook.location);
    reader::draw(frame, theme, area, &title, lines, scroll, &keys);
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
