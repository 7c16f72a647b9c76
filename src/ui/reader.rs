//! A reader open over a view's list (`:alarms`' runbook, `:errors`' whole error): its lines from
//! the scrolled one, a line of keys under them, and where the reader is in the title.

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};
use ratatui::Frame;

use super::{base, clip, dim, panel};
use crate::app::layout;
use crate::settings::Theme;

/// Draws `lines` (wrapped to [`layout::reader_text_size`]'s width) over `area` from line
/// `scroll`, `keys` under them and `title` with the lines shown when they do not all fit.
pub fn draw(
    frame: &mut Frame,
    theme: &Theme,
    area: Rect,
    title: &str,
    lines: Vec<Line<'static>>,
    scroll: usize,
    keys: &str,
) {
    let (width, height) = layout::reader_text_size(area);
    let height = height as usize;
    let total = lines.len();
    let scroll = scroll.min(total.saturating_sub(height));
    let last = (scroll + height).min(total);
    let mut shown: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
    shown.resize(height, Line::raw(""));
    shown.push(Line::styled(clip(keys, width as usize), dim(theme)));
    let position =
        if total > height { format!(" — lines {}–{last} of {total}", scroll + 1) } else { String::new() };
    frame.render_widget(Clear, area);
    let block = panel(theme, format!(" {title}{position} "));
    frame.render_widget(Paragraph::new(shown).block(block).style(base(theme)), area);
}
