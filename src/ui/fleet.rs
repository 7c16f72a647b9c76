//! The fleet overview: a row per profile, two lines each — its coloured name, read-only, health,
//! when its data was read and where it points; then its worst layer and why, or its error.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::header::profile_badge;
use super::{base, centered, clip, dim, health_color, health_mark, panel, rows};
use crate::app::fleet::{Fleet, FleetRow};
use crate::app::layout;
use crate::model::text::sanitize;
use crate::settings::Theme;

const PROFILE_WIDTH: usize = 20;
const READONLY_WIDTH: usize = 12;
const HEALTH_WIDTH: usize = 10;
const DATA_WIDTH: usize = 22;
/// Where the second line of a row starts.
const INDENT: &str = "   ";

pub fn draw(fleet: &Fleet, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(base(theme)), area);
    if layout::too_small(area.width, area.height) {
        return super::too_small(false, theme, frame, area);
    }
    let areas = layout::areas(area);
    draw_header(fleet, theme, frame, areas.header);
    draw_rows(fleet, theme, frame, areas.body);
    draw_status(fleet, theme, frame, areas.status);
    if fleet.help {
        draw_help(fleet, theme, frame, areas.body);
    }
}

fn draw_header(fleet: &Fleet, theme: &Theme, frame: &mut Frame, area: Rect) {
    let count = fleet.rows.len();
    let left = Line::from(vec![
        Span::styled(" lakeops ", Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD)),
        Span::styled(" │ ", dim(theme)),
        Span::styled(format!("fleet of {count} profile{}", if count == 1 { "" } else { "s" }), base(theme)),
    ]);
    frame.render_widget(Paragraph::new(left).style(base(theme)), area);
    let health = fleet.health();
    let right = Span::styled(format!("worst {} ", health_mark(health)), Style::new().fg(health_color(theme, health)));
    let width = (right.width() as u16).min(area.width);
    frame.render_widget(Paragraph::new(Line::from(right)), Rect { x: area.right() - width, width, ..area });
}

fn draw_rows(fleet: &Fleet, theme: &Theme, frame: &mut Frame, area: Rect) {
    let mut block = panel(theme, " Fleet ");
    if let Some(notice) = &fleet.notice {
        let width = area.width.saturating_sub(4) as usize;
        block = block.title_bottom(Line::styled(
            format!(" {} ", clip(notice, width.saturating_sub(2))),
            Style::new().fg(theme.warn).add_modifier(Modifier::BOLD),
        ));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let header = format!(
        "{:<PROFILE_WIDTH$}{:<READONLY_WIDTH$}{:<HEALTH_WIDTH$}{:<DATA_WIDTH$}{}",
        "PROFILE", "", "HEALTH", "DATA (UTC)", "WHERE"
    );
    let mut lines = vec![Line::styled(
        clip(&header, width),
        Style::new().fg(theme.dim).bg(theme.background).add_modifier(Modifier::BOLD),
    )];
    for (i, row) in fleet.rows.iter().enumerate().skip(fleet.offset).take(fleet.page()) {
        let selected = i == fleet.selected;
        let [first, second] = row_lines(row, theme, selected, width);
        lines.push(first);
        lines.push(second);
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}

/// A row's two lines: name, read-only, health, data time, where; then the worst layer, or the error.
fn row_lines(row: &FleetRow, theme: &Theme, selected: bool, width: usize) -> [Line<'static>; 2] {
    let plain = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
    let health = row.health();
    let mut first = Vec::new();
    let badge =
        profile_badge(&clip(&crate::model::text::shown_name(&row.profile), PROFILE_WIDTH - 3), row.color, theme);
    let pad = PROFILE_WIDTH.saturating_sub(badge.width());
    first.push(badge);
    first.push(Span::styled(" ".repeat(pad), plain));
    if row.readonly {
        first.push(Span::styled(
            " READ-ONLY ",
            Style::new().fg(theme.badge_fg).bg(theme.badge_bg).add_modifier(Modifier::BOLD),
        ));
        first.push(Span::styled(" ".repeat(READONLY_WIDTH - 11), plain));
    } else {
        first.push(Span::styled(" ".repeat(READONLY_WIDTH), plain));
    }
    first.push(Span::styled(format!("{:<HEALTH_WIDTH$}", health_mark(health)), plain.fg(health_color(theme, health))));
    let (data, data_style) = data_time(row, theme, plain);
    first.push(Span::styled(format!("{data:<DATA_WIDTH$}"), data_style));
    let used = PROFILE_WIDTH + READONLY_WIDTH + HEALTH_WIDTH + DATA_WIDTH;
    let place = format!("{} {}", row.backend, sanitize(&row.location));
    first.push(Span::styled(super::padded(place.trim(), width.saturating_sub(used)), plain));

    let room = width.saturating_sub(INDENT.len());
    let critical = plain.fg(theme.critical);
    let second = match (row.unloadable_because(), &row.error, row.worst()) {
        // The row is the profile: its file's path goes; the key and the value found stay.
        (Some(error), _, _) => {
            let said =
                error.split_once(": key `").map_or_else(|| error.to_string(), |(_, rest)| format!("key `{rest}"));
            let said = crate::model::text::clip_middle(&("cannot load: ".to_string() + &said), room);
            (said, critical)
        }
        (None, Some(error), _) => ("last read failed: ".to_string() + error, critical),
        (None, None, Some(layer)) => {
            (format!("{}: {}", layer.layer.title(), layer.reason), plain.fg(health_color(theme, layer.health)))
        }
        (None, None, None) if row.last_success.is_some() => ("every layer OK".to_string(), plain.fg(theme.ok)),
        (None, None, None) => ("reading…".to_string(), plain.fg(theme.dim)),
    };
    let second = Line::from(vec![Span::styled(INDENT, plain), Span::styled(super::padded(&second.0, room), second.1)]);
    [Line::from(first), second]
}

/// When the row's data was read, or why there is none.
fn data_time(row: &FleetRow, theme: &Theme, plain: Style) -> (String, Style) {
    match (&row.last_success, row.is_stale()) {
        (_, _) if row.settings.is_err() => ("not loaded".into(), plain.fg(theme.critical)),
        (None, true) => ("no data".into(), plain.fg(theme.critical)),
        (None, false) => ("reading…".into(), plain.fg(theme.dim)),
        (Some(at), true) => (format!("STALE since {}", at.format("%H:%M:%S")), plain.fg(theme.warn)),
        (Some(at), false) => (at.format("%H:%M:%S").to_string(), plain),
    }
}

fn draw_status(fleet: &Fleet, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let mut spans = vec![Span::styled(" Fleet ", Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg))];
    for hint in fleet.hints() {
        spans.push(Span::styled(format!("  {}", hint.key), key));
        spans.push(Span::styled(format!(" {}", hint.label), dim(theme)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base(theme)), area);
}

fn draw_help(fleet: &Fleet, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let help = fleet.help_rows();
    // The keys' column fits the longest keys (rebound keys can be long).
    let width = help.iter().map(|r| r.keys.chars().count() + 2).max().unwrap_or(0).max(16);
    let lines: Vec<Line> = help
        .into_iter()
        .map(|r| Line::from(vec![Span::styled(format!(" {:<width$}", r.keys), key), Span::styled(r.does, base(theme))]))
        .collect();
    let longest = lines.iter().map(|l| l.width()).max().map_or(0, rows).saturating_add(3);
    let rect = centered(area, longest.max(60), rows(lines.len()).saturating_add(2));
    frame.render_widget(Clear, rect);
    frame.render_widget(Paragraph::new(lines).block(panel(theme, " Keys — the fleet (any key closes) ")), rect);
}
