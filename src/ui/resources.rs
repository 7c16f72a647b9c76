//! Every added layer's view (`:msk`, `:sources`, `:firehose`, `:opensearch`, `:quicksight`):
//! its resources as rows, each with its health mark, its columns and its reason, nested rows
//! indented under theirs; the selected row in full below.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, clip, dim, health_color, health_mark, panel};
use crate::app::{layout, resources, App};
use crate::model::text::sanitize;
use crate::model::{Health, Layer};
use crate::settings::Theme;

/// The health mark's column.
const MARK_WIDTH: usize = 9;

/// A column's text: cut to leave a space before the next column, padded to its width.
pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect, layer: Layer) {
    let (list, detail) = resources::split(app, layer, area);
    let title = layer.title();
    let inventory = match resources::visible(app, layer) {
        Ok(inventory) => inventory,
        Err(reason) => {
            let text = Line::styled(sanitize(&reason), dim(theme));
            frame.render_widget(Paragraph::new(text).block(panel(theme, format!(" {title} "))), area);
            return;
        }
    };
    let cursor = resources::cursor(app, layer);
    let troubled = inventory.rows.iter().filter(|r| r.health > Health::Ok).count();
    let filter =
        if cursor.filter.is_empty() { String::new() } else { format!(" — filter: {}", sanitize(&cursor.filter)) };
    let block = panel(theme, format!(" {title} — {} row(s), {troubled} not OK{filter} ", inventory.rows.len()));
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let widths = inventory.widths((inner.width as usize).saturating_sub(MARK_WIDTH));
    let header = format!("{:<MARK_WIDTH$}{}REASON", "HEALTH", inventory.header(&widths));
    let mut lines = vec![Line::styled(header, Style::new().fg(theme.dim).add_modifier(Modifier::BOLD))];
    if inventory.rows.is_empty() {
        lines.push(Line::styled("Nothing matches the filter.", dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    let used: usize = MARK_WIDTH + widths.iter().sum::<usize>();
    let room = (inner.width as usize).saturating_sub(used).max(2);
    for (i, row) in inventory.rows.iter().enumerate().skip(cursor.offset).take(page.max(1)) {
        let selected = i == cursor.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let mark = Span::styled(
            format!("{:<MARK_WIDTH$}", health_mark(row.health)),
            if selected { style } else { style.fg(health_color(theme, row.health)) },
        );
        let cells = inventory.cells(row, &widths);
        let reason_style =
            if selected || row.health == Health::Ok { style } else { style.fg(health_color(theme, row.health)) };
        lines.push(Line::from(vec![
            mark,
            Span::styled(cells, style),
            Span::styled(clip(&row.reason, room), reason_style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let Some(row) = inventory.rows.get(cursor.selected) else {
        frame.render_widget(panel(theme, " detail "), detail);
        return;
    };
    let mut body = vec![Line::styled(sanitize(&row.reason), Style::new().fg(health_color(theme, row.health)))];
    body.extend(row.detail.iter().map(|(label, text)| {
        Line::from(vec![Span::styled(format!("{label}: "), dim(theme)), Span::styled(sanitize(text), base(theme))])
    }));
    let title = format!(" {} ", sanitize(&row.name));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), detail);
}
