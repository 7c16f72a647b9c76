//! `:errors`: every error the console met, newest first.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, clip, dim, panel, reader};
use crate::app::{errors, layout, App, Command};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = crate::app::errors::visible(app);
    let filter = &app.errors_cursor.filter;
    let title = if filter.is_empty() {
        format!(" Errors ({}) ", rows.len())
    } else {
        format!(" Errors ({}) — filter: {} ", rows.len(), crate::model::text::sanitize(filter))
    };
    let block = panel(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::from(Span::styled(
        format!("{:<10}{:<10}{}", "TIME UTC", "SOURCE", "WHAT HAPPENED"),
        Style::new().fg(theme.dim).bg(theme.background).add_modifier(Modifier::BOLD),
    ))];
    if rows.is_empty() {
        lines.push(Line::from(Span::styled("No errors. Every error the console meets is kept here.", dim(theme))));
    }
    let page = layout::list_rows(area).height as usize;
    for (pos, e) in rows.iter().enumerate().skip(app.errors_cursor.offset).take(page.max(1)) {
        let selected = pos == app.errors_cursor.selected;
        let (fg, bg) = if selected { (theme.highlight_fg, theme.highlight_bg) } else { (theme.text, theme.background) };
        let count = if e.count > 1 { format!(" (×{})", e.count) } else { String::new() };
        let text = format!("{:<10}{:<10}{}{count}", e.at.format("%H:%M:%S"), e.source.label(), e.message);
        let text = clip(&text, inner.width as usize);
        let pad = (inner.width as usize).saturating_sub(crate::model::text::width(&text));
        lines.push(Line::from(vec![
            Span::styled(text, Style::new().fg(fg).bg(bg)),
            Span::styled(" ".repeat(pad), Style::new().bg(bg)),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
    if let Some((error, scroll)) = &app.errors_reading {
        let (width, _) = layout::reader_text_size(area);
        let lines = errors::reader_lines(error, width).into_iter().enumerate();
        let lines = lines.map(|(i, l)| Line::styled(l, if i == 0 { dim(theme) } else { base(theme) })).collect();
        let keys =
            format!("{} closes · {} {} scroll", app.key(Command::Back), app.key(Command::Down), app.key(Command::Up));
        let title = format!("Error · {}", error.source.label());
        reader::draw(frame, theme, area, &title, lines, *scroll, &keys);
    }
}
