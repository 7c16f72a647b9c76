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
    let widths = columns(inner.width as usize);
    let row = |time: &str, cells: [&str; 4]| -> String {
        let cells = cells.iter().zip(widths).enumerate().map(|(i, (text, w))| match (w, i) {
            (0, _) => String::new(),
            (_, 3) => crate::ops::audit::resource_cell(text, w),
            _ => super::cell(text, w),
        });
        format!("{time:<10}{}", cells.collect::<String>())
    };
    let mut lines = vec![Line::styled(
        row("TIME UTC", ["USER", "SOURCE", "EVENT", "RESOURCE"]),
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
        let text = row(&e.time.format("%H:%M:%S").to_string(), [&e.user, &e.source, &e.name, &e.resource]);
        let mark = crate::model::text::clip(&mark, widths[4]);
        let width = crate::model::text::width;
        let pad = (inner.width as usize).saturating_sub(width(&text) + width(&mark));
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
    let from = if event.from_journal { " — lakeops' journal" } else { "" };
    let title = format!(" {} by {}{from} ", sanitize(&event.name), sanitize(&event.user));
    let entry = event.event_json.as_deref().filter(|_| event.from_journal);
    let entry = entry.and_then(|json| serde_json::from_str::<crate::journal::Entry>(json).ok());
    let body: Vec<Line> = match (&entry, &event.event_json) {
        (Some(entry), _) => journal_lines(entry, theme),
        (None, Some(json)) => super::record_lines(json.as_bytes(), |kind| style_of(kind, theme)),
        (None, None) => vec![Line::styled("no record", dim(theme))],
    };
    let paragraph = Paragraph::new(body).block(panel(theme, title)).style(base(theme));
    let paragraph = if entry.is_some() { paragraph.wrap(ratatui::widgets::Wrap { trim: false }) } else { paragraph };
    frame.render_widget(paragraph, detail);
}

/// A journal line, what matters first: what was asked and what came of it.
fn journal_lines(entry: &crate::journal::Entry, theme: &Theme) -> Vec<Line<'static>> {
    let field = |name: &str, value: &str, style: Style| {
        Line::from(vec![Span::styled(format!("{name:<12}"), dim(theme)), Span::styled(sanitize(value), style)])
    };
    let outcome = if entry.succeeded() { base(theme) } else { base(theme).fg(theme.critical) };
    let mut lines = vec![
        field("what", &format!("{} {}", entry.action, entry.target), base(theme)),
        field("asked", if entry.detail.is_empty() { "—" } else { &entry.detail }, base(theme)),
        field("came of it", &entry.outcome, outcome),
        field("profile", &format!("{} on {}", entry.profile, entry.backend), dim(theme)),
    ];
    let at = entry.time.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let at = match entry.platform_time {
        Some(platform) => format!("{at} (the platform's time {})", platform.format("%Y-%m-%d %H:%M:%S")),
        None => at,
    };
    lines.push(field("when", &at, dim(theme)));
    lines
}

/// The list's columns in `width` cells: USER, SOURCE, EVENT, RESOURCE, and the mark's room after
/// them. A narrow list narrows SOURCE first (the event names its service; under 8 cells it is
/// left out), then USER, RESOURCE and EVENT, and always leaves the mark room: a refused action
/// never reads as a done one.
pub fn columns(width: usize) -> [usize; 5] {
    const TIME: usize = 10;
    const MARK: usize = 14;
    let mut cells = [20, 22, 26, 20];
    let least = [12, 0, 16, 12];
    let mut short = (TIME + cells.iter().sum::<usize>() + MARK).saturating_sub(width);
    for i in [1, 0, 3, 2] {
        let given = short.min(cells[i] - least[i]);
        cells[i] -= given;
        short -= given;
    }
    if cells[1] < 8 {
        cells[1] = 0;
    }
    let mark = width.saturating_sub(TIME + cells.iter().sum::<usize>());
    [cells[0], cells[1], cells[2], cells[3], mark]
}

fn style_of(kind: Kind, theme: &Theme) -> Style {
    match kind {
        Kind::Key => Style::new().fg(theme.accent),
        Kind::Text => Style::new().fg(theme.chart.get(2).copied().unwrap_or(theme.text)),
        Kind::Number | Kind::Literal => Style::new().fg(theme.chart.get(3).copied().unwrap_or(theme.text)),
        _ => Style::new().fg(theme.dim),
    }
}
