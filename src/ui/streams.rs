//! `:streams`: every watched stream with its load, capacity, lag and throttling.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Cell, Paragraph, Row, Table};
use ratatui::Frame;

use super::{base, dim, health_color, panel};
use crate::app::streams::visible as visible_streams;
use crate::app::{layout, App};
use crate::model::text::sanitize;
use crate::model::{CapacityMode, StreamStatus};
use crate::ops::format::{fixed, millis, percent, rate, thousands};
use crate::ops::health::stream_verdict;
use crate::settings::Theme;

/// Columns after the name, which takes what is left (at least 16); all fit in 80 columns.
/// Consumers, retention and limits are in the detail.
const COLUMNS: [(&str, u16); 8] =
    [("MODE", 7), ("STATUS", 8), ("SHRD", 5), ("REC/S", 8), ("MiB/S", 5), ("CAP", 5), ("AGE", 7), ("THR W/R", 7)];

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = visible_streams(app);
    // Consumers get a column when there is room for it (always in the detail).
    let wide = area.width >= 100;
    let order = if app.streams.descending { "↑" } else { "↓" };
    let filter = &app.streams.cursor.filter;
    let mut title = format!(" Streams ({}) — sorted by {} {order} ", rows.len(), app.streams.sort.label());
    if !filter.is_empty() {
        title.push_str(&format!("— filter: {} ", sanitize(filter)));
    }
    let block = panel(theme, title);
    if rows.is_empty() {
        let text =
            if app.snapshot.is_none() { "Reading the platform…" } else { "No streams (or none match the filter)." };
        frame.render_widget(Paragraph::new(Line::styled(text, dim(theme))).block(block), area);
        return;
    }
    let page = layout::list_rows(area).height as usize;
    let cursor = &app.streams.cursor;
    let body: Vec<Row> = rows
        .iter()
        .enumerate()
        .skip(cursor.offset)
        .take(page.max(1))
        .map(|(i, s)| {
            let (health, _) = stream_verdict(s, app.thresholds);
            let style = if i == cursor.selected {
                Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg)
            } else {
                base(theme)
            };
            let mut texts = cells(s);
            if wide {
                texts.push(s.consumers.map_or_else(|| "—".to_string(), |n| n.to_string()));
            }
            Row::new(texts.into_iter().enumerate().map(|(c, text)| {
                let cell = Cell::from(text);
                if c == 0 {
                    cell.style(Style::new().fg(health_color(theme, health)).add_modifier(Modifier::BOLD))
                } else {
                    cell
                }
            }))
            .style(style)
        })
        .collect();
    let columns: Vec<(&str, u16)> = COLUMNS.iter().copied().chain(wide.then_some(("CONS", 5))).collect();
    let header = Row::new(std::iter::once("NAME").chain(columns.iter().map(|(name, _)| *name)))
        .style(Style::new().fg(theme.dim).bg(theme.background).add_modifier(Modifier::BOLD));
    let widths = std::iter::once(Constraint::Min(16)).chain(columns.iter().map(|(_, w)| Constraint::Length(*w)));
    let table = Table::new(body, widths).header(header).block(block).style(base(theme));
    frame.render_widget(table, area);
}

fn cells(s: &StreamStatus) -> Vec<String> {
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".into());
    vec![
        sanitize(&s.name),
        match s.mode {
            CapacityMode::Provisioned => "prov.".into(),
            CapacityMode::OnDemand => "on-dem.".into(),
        },
        sanitize(&s.status),
        s.open_shards.to_string(),
        or_dash(s.incoming_records_per_second.map(rate)),
        or_dash(s.incoming_bytes_per_second.map(|b| fixed(b / 1_048_576.0, 2).to_string())),
        or_dash(crate::ops::kinesis::write_capacity_used(s).map(percent)),
        or_dash(s.iterator_age_ms.map(millis)),
        format!("{}/{}", or_dash(s.write_throttled.map(thousands)), or_dash(s.read_throttled.map(thousands))),
    ]
}
