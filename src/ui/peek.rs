//! Records read off a stream: a list on top, the selected record below — JSON coloured,
//! other data as text or a hex dump. Everything shown is sanitized.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::{App, Command};
use crate::model::text::{cell, fit, sanitize};
use crate::ops::record_view::Kind;
use crate::settings::Theme;

/// The list's columns, in terminal cells: a day and a time to the second fit in ARRIVAL; a shard
/// id (`shardId-` and 12 digits) in SHARD; a key longer than KEY is cut with `…`.
const ARRIVAL: usize = 16;
const SHARD: usize = 22;
const KEY: usize = 14;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(view) = app.peek.as_ref() else { return };
    let [list, record] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
    let scope = view.shard.as_deref().map(sanitize).unwrap_or_else(|| "all shards".into());
    let f = app.key(Command::Follow);
    let follow = if view.follow { format!("following ({f})") } else { format!("paused ({f})") };
    let title = format!(
        " {} — {scope} — from {} ({}) — {follow} — {} records ",
        sanitize(&view.stream),
        view.from.label(),
        app.key(Command::From),
        view.records.len()
    );
    // Cut with `…` at the border: a count cut by it read as a smaller one.
    let block = panel(theme, crate::model::text::clip(&title, list.width.saturating_sub(2) as usize));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let visible = inner.height.saturating_sub(1) as usize;
    let today = crate::app::audit::reference_time(app).date_naive();
    let mut lines = vec![Line::styled(
        format!("{}{}{}DATA", cell("ARRIVAL UTC", ARRIVAL), cell("SHARD", SHARD), cell("KEY", KEY)),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    if view.records.is_empty() {
        let text = if view.cursor.is_none() { "Opening the shards…" } else { "Waiting for records…" };
        lines.push(Line::styled(text, dim(theme)));
    }
    let first = view.list.selected.saturating_sub(visible.saturating_sub(1));
    for (i, r) in view.records.iter().enumerate().skip(first).take(visible) {
        let style = if i == view.list.selected {
            Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg)
        } else {
            base(theme)
        };
        // A record of an earlier day (a read from the horizon) says its day.
        let arrival = if r.record.arrival.date_naive() == today {
            r.record.arrival.format("%H:%M:%S%.3f")
        } else {
            r.record.arrival.format("%m-%d %H:%M:%S")
        };
        let preview_width = (inner.width as usize).saturating_sub(ARRIVAL + SHARD + KEY);
        let text = format!(
            "{}{}{}{}",
            cell(&arrival.to_string(), ARRIVAL),
            cell(&r.shard, SHARD),
            cell(&r.key, KEY),
            fit(&r.preview, preview_width, false)
        );
        lines.push(Line::styled(text, style));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let (Some(selected), Some(detail)) = (view.selected(), view.detail.as_ref()) else {
        frame.render_widget(panel(theme, " record "), record);
        return;
    };
    let more = if detail.more > 0 { format!(" · {} more lines not shown", detail.more) } else { String::new() };
    let title = format!(" sequence {} · key {}{more} ", sanitize(&selected.record.sequence), selected.key);
    // Only the lines that fit are styled for the frame.
    let fit = detail.lines.len().min(record.height as usize);
    let lines = super::styled_lines(&detail.lines[..fit], |kind| style_of(kind, theme));
    frame.render_widget(Paragraph::new(lines).block(panel(theme, title)).style(base(theme)), record);
}

fn style_of(kind: Kind, theme: &Theme) -> Style {
    let chart = |i: usize| theme.chart.get(i).copied().unwrap_or(theme.accent);
    match kind {
        Kind::Key => Style::new().fg(theme.accent),
        Kind::Text => Style::new().fg(chart(2)),
        Kind::Number => Style::new().fg(chart(3)),
        Kind::Literal => Style::new().fg(chart(1)),
        Kind::Punct | Kind::Offset => Style::new().fg(theme.dim),
        Kind::Hex => Style::new().fg(theme.text),
        Kind::Plain => Style::new().fg(theme.text),
    }
}
