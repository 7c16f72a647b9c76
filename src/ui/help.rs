//! `?`: every key of the view on screen, from the key table as configured. In read-only mode
//! the keys that change something say they are refused.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{base, centered, dim, panel};
use crate::app::keymap::Context;
use crate::app::{App, Command, ViewId};
use crate::settings::Theme;

pub fn draw(app: &App, scroll: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key_style = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    // Keys longer than the column get a line of their own, the description below them.
    const KEYS_WIDTH: usize = 16;
    let rows: Vec<(String, String, bool)> = app
        .keys
        .help(app.view())
        .into_iter()
        .map(|row| {
            let refused = row.changes && app.readonly;
            let does = if refused { format!("{} (refused: read-only)", row.does) } else { row.does };
            (row.keys, does, refused)
        })
        .collect();
    // As wide as the longest line, at least 76, at most the screen; a longer description wraps
    // under itself (at 80 columns they were cut).
    let natural = rows
        .iter()
        .map(|(_, does, _)| 1 + KEYS_WIDTH + unicode_width::UnicodeWidthStr::width(does.as_str()))
        .max()
        .unwrap_or(0)
        + 3;
    let width = natural.clamp(76, (area.width.saturating_sub(2) as usize).max(76));
    let does_width = width.saturating_sub(3 + 1 + KEYS_WIDTH).max(16);
    let indent = " ".repeat(1 + KEYS_WIDTH);
    let mut lines: Vec<Line> = Vec::new();
    for (keys, does, refused) in rows {
        let (keys_style, does_style) = if refused { (dim(theme), dim(theme)) } else { (key_style, base(theme)) };
        let mut wrapped = crate::model::text::wrap(&does, does_width).into_iter();
        let first = wrapped.next().unwrap_or_default();
        if keys.chars().count() >= KEYS_WIDTH {
            lines.push(Line::styled(format!(" {keys}"), keys_style));
            lines.push(Line::styled(format!("{indent}{first}"), does_style));
        } else {
            lines.push(Line::from(vec![
                Span::styled(format!(" {keys:<KEYS_WIDTH$}"), keys_style),
                Span::styled(first, does_style),
            ]));
        }
        lines.extend(wrapped.map(|more| Line::styled(format!("{indent}{more}"), does_style)));
    }
    lines.push(Line::raw(""));
    let names: Vec<String> = ViewId::ALL.iter().flat_map(|v| v.spec().names.iter()).map(|n| format!(":{n}")).collect();
    let views = crate::model::text::wrap(&names.join(" "), width.saturating_sub(3 + 8).max(16));
    for (i, line) in views.into_iter().enumerate() {
        lines.push(Line::styled(format!("{}{line}", if i == 0 { " views: " } else { "        " }), dim(theme)));
    }
    // Taller than the screen: the lines scroll (a list's keys), and the title says so.
    let room = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    let rect = centered(area, super::rows(width), super::rows(shown.len()).saturating_add(2));
    frame.render_widget(Clear, rect);
    let first = |command| app.keys.chords(Context::List, command).first().map(|c| c.to_string()).unwrap_or_default();
    let scrolls =
        if more { format!(", {} {} scroll", first(Command::Down), first(Command::Up)) } else { String::new() };
    let title = format!(" Keys — {} ({} closes{scrolls}) ", app.view().title(), app.key(Command::Back));
    frame.render_widget(Paragraph::new(shown).block(panel(theme, title)).style(base(theme)), rect);
}
