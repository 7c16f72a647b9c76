//! `:audit`: who changed what — CloudTrail events with lakeops' journal merged in, writes
//! highlighted, changes made through lakeops (by anyone) marked, the selected event's record below.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::{audit, layout, App, Command};
use crate::model::text::sanitize;
use crate::ops::audit::{mark as audit_mark, Mark};
use crate::ops::record_view::Kind;
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.audit;
    let rows = audit::visible(app);
    let [list, detail] = Layout::vertical([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
    let writes = app.key(Command::WritesOnly);
    let scope = if view.lakeops_only {
        format!("lakeops' changes ({})", app.key(Command::LakeopsOnly))
    } else if view.writes_only {
        format!("writes only ({writes})")
    } else {
        format!("all events ({writes})")
    };
    let filter = if view.cursor.filter.is_empty() {
        String::new()
    } else {
        format!(" — filter: {}", sanitize(&view.cursor.filter))
    };
    let window = app.key(Command::Window);
    let title = format!(" Audit — last {} ({window}) — {scope} — {} events{filter} ", view.window.label(), rows.len());
    let block = panel(theme, title);
    let inner = block.inner(list);
    frame.render_widget(block, list);
    let mut lines = vec![Line::styled(
        format!("{:<10}{:<20}{:<22}{:<26}{:<20}{}", "TIME UTC", "USER", "SOURCE", "EVENT", "RESOURCE", ""),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    if rows.is_empty() {
        let text = if !view.request.answered() { "Reading CloudTrail…" } else { "No events in this window." };
        lines.push(Line::styled(text, dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    for (i, e) in rows.iter().enumerate().skip(view.cursor.offset).take(page.max(1)) {
        let (mark, color) = match audit_mark(e) {
            Mark::Error(code) => (format!("✖ {}", sanitize(&code)), theme.critical),
            Mark::Journal | Mark::Lakeops => ("◆ lakeops".to_string(), theme.accent),
            Mark::Write => ("● write".to_string(), theme.warn),
            Mark::Read => (String::new(), theme.text),
        };
        let selected = i == view.cursor.selected;
        let style = if selected {
            Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg)
        } else {
            base(theme).fg(if e.read_only { theme.dim } else { theme.text })
        };
        let clip = super::cell;
        let text = format!(
            "{:<10}{}{}{}{}",
            e.time.format("%H:%M:%S"),
            clip(&e.user, 20),
            clip(&e.source, 22),
            clip(&e.name, 26),
            clip(&e.resource, 20)
        );
        let pad = (inner.width as usize).saturating_sub(text.chars().count() + mark.chars().count());
        lines.push(Line::from(vec![
            Span::styled(text, style),
            Span::styled(mark, style.fg(if selected { theme.highlight_fg } else { color })),
            Span::styled(" ".repeat(pad), style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);

    let Some(event) = rows.get(view.cursor.selected) else {
        frame.render_widget(panel(theme, " event "), detail);
        return;
    };
    let title = format!(" {} by {} ", sanitize(&event.name), sanitize(&event.user));
    let body: Vec<Line> = match &event.event_json {
        Some(json) => super::record_lines(json.as_bytes(), |kind| style_of(kind, theme)),
        None => vec![Line::styled("from lakeops' journal: no CloudTrail record", dim(theme))],
    };
    frame.render_widget(Paragraph::new(body).block(panel(theme, title)).style(base(theme)), detail);
}

fn style_of(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Key => Style::new().fg(theme.accent),
        Kind::Text => Style::new().fg(theme.chart.get(2).copied().unwrap_or(theme.text)),
        Kind::Number | Kind::Literal => Style::new().fg(theme.chart.get(3).copied().unwrap_or(theme.text)),
        _ => Style::new().fg(theme.dim),
    }
}
