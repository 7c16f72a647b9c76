//! Toasts: the latest errors and notices, bottom right, for a few seconds.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::{App, ToastLevel};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let width = 60.min(area.width.saturating_sub(2));
    let mut bottom = area.bottom();
    for toast in app.toasts.iter().rev() {
        let color = match toast.level {
            ToastLevel::Error => theme.critical,
            ToastLevel::Info => theme.accent,
        };
        let inner_width = width.saturating_sub(2).max(1) as usize;
        let lines = (toast.message.chars().count() / inner_width + 1).min(4) as u16;
        let height = lines + 2;
        if bottom < area.y + height {
            break;
        }
        let rect = Rect { x: area.right().saturating_sub(width + 1), y: bottom - height, width, height };
        let title = match toast.level {
            ToastLevel::Error => " error — :errors keeps it ",
            ToastLevel::Info => " note ",
        };
        frame.render_widget(Clear, rect);
        let block = Block::bordered()
            .title(Line::styled(title, Style::new().fg(color)))
            .border_style(Style::new().fg(color))
            .style(super::base(theme));
        frame.render_widget(Paragraph::new(toast.message.as_str()).wrap(Wrap { trim: true }).block(block), rect);
        bottom -= height;
    }
}
