//! `?`: every key of the current view.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{base, centered, dim, panel};
use crate::app::{keymap, App};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let bindings = keymap::bindings(app.view());
    let mut lines: Vec<Line> = bindings
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(
                    format!(" {:<16}", b.keys),
                    Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD),
                ),
                Span::styled(b.does, base(theme)),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" views: :overview :streams :lambda :glue :redshift :alarms", dim(theme)));
    lines.push(Line::styled("        :audit :athena :stack :pipeline :errors", dim(theme)));
    let rect = centered(area, 76, lines.len() as u16 + 2);
    frame.render_widget(Clear, rect);
    let title = format!(" Keys — {} (esc closes) ", app.view().title());
    frame.render_widget(Paragraph::new(lines).block(panel(theme, title)).style(base(theme)), rect);
}
