//! `?`: every key of the view on screen, from the key table as configured. In read-only mode
//! the keys that change something say they are refused.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{base, centered, dim, panel, rows};
use crate::app::keymap::Context;
use crate::app::{App, Command, ViewId};
use crate::settings::Theme;

pub fn draw(app: &App, scroll: usize, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key_style = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    // Keys longer than the column get a line of their own, the description below them.
    const KEYS_WIDTH: usize = 16;
    let mut lines: Vec<Line> = Vec::new();
    for row in app.keys.help(app.view()) {
        let refused = row.changes && app.readonly;
        let does = if refused { format!("{} (refused: read-only)", row.does) } else { row.does };
        let (keys_style, does_style) = if refused { (dim(theme), dim(theme)) } else { (key_style, base(theme)) };
        if row.keys.chars().count() >= KEYS_WIDTH {
            lines.push(Line::styled(format!(" {}", row.keys), keys_style));
            lines.push(Line::styled(format!(" {:KEYS_WIDTH$}{does}", ""), does_style));
        } else {
            lines.push(Line::from(vec![
                Span::styled(format!(" {:<KEYS_WIDTH$}", row.keys), keys_style),
                Span::styled(does, does_style),
            ]));
        }
    }
    lines.push(Line::raw(""));
    let names: Vec<String> = ViewId::ALL.iter().flat_map(|v| v.spec().names.iter()).map(|n| format!(":{n}")).collect();
    lines.push(Line::styled(format!(" views: {}", names[..names.len().min(6)].join(" ")), dim(theme)));
    if names.len() > 6 {
        lines.push(Line::styled(format!("        {}", names[6..].join(" ")), dim(theme)));
    }
    // Taller than the screen: the lines scroll (a list's keys), and the title says so.
    let room = area.height.saturating_sub(2) as usize;
    let scroll = scroll.min(lines.len().saturating_sub(room));
    let more = lines.len() > room;
    let shown: Vec<Line> = lines.into_iter().skip(scroll).take(room).collect();
    // As wide as the longest line, at least 76, at most the screen.
    let longest = shown.iter().map(|l| l.width()).max().map_or(0, rows).saturating_add(3);
    let rect =
        centered(area, longest.clamp(76, area.width.saturating_sub(2).max(76)), rows(shown.len()).saturating_add(2));
    frame.render_widget(Clear, rect);
    let first = |command| app.keys.chords(Context::List, command).first().map(|c| c.to_string()).unwrap_or_default();
    let scrolls =
        if more { format!(", {} {} scroll", first(Command::Down), first(Command::Up)) } else { String::new() };
    let title = format!(" Keys — {} ({} closes{scrolls}) ", app.view().title(), app.key(Command::Back));
    frame.render_widget(Paragraph::new(shown).block(panel(theme, title)).style(base(theme)), rect);
}
