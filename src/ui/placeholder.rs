//! Views that are planned but not built yet say so, and say what they will hold.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::ViewId;
use crate::settings::Theme;

pub fn draw(view: ViewId, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = panel(theme, format!(" {} ", view.title()));
    let text = vec![
        Line::styled(
            format!("The {} view is not built yet.", view.title()),
            Style::new().fg(theme.warn).bg(theme.background),
        ),
        Line::raw(""),
        Line::styled(format!("It will show {}.", view.planned()), base(theme)),
        Line::raw(""),
        Line::styled("Until then the overview (:overview) shows this layer's key numbers and health.", dim(theme)),
        Line::styled("esc goes back.", dim(theme)),
    ];
    frame.render_widget(Paragraph::new(text).block(block).wrap(Wrap { trim: true }).style(base(theme)), area);
}
