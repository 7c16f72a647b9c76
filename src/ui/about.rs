//! `:about`: the version, where lakeops points, the session, and what it costs on AWS.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim, panel};
use crate::app::App;
use crate::model::text::sanitize;
use crate::ops::athena::dollars;
use crate::ops::format::millis;
use crate::settings::Theme;

/// The breakdown's columns: item, count, unit price, so far, per hour.
const WIDTHS: [usize; 5] = [26, 30, 24, 9, 9];

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let block = panel(theme, " About ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let h = &app.header;
    let field = |name: &str, value: String| {
        Line::from(vec![Span::styled(format!("{name:<10}"), dim(theme)), Span::styled(value, base(theme))])
    };
    let session = match app.meter.opened_at {
        Some(opened) => format!(
            "opened {} UTC · {} as of the latest count",
            opened.format("%Y-%m-%d %H:%M:%S"),
            millis(app.meter.as_of_ms as f64)
        ),
        None => "no read yet".into(),
    };
    let mut lines = vec![
        field("version", format!("lakeops {}", env!("CARGO_PKG_VERSION"))),
        field("profile", sanitize(&h.profile)),
        field("backend", format!("{} {}", h.backend, sanitize(&h.location))),
        field("session", session),
        Line::raw(""),
        Line::styled(
            "What this session costs on AWS (us-east-1 list prices; docs/cost.md says what is counted)",
            base(theme).add_modifier(Modifier::BOLD),
        ),
        row(
            ["ITEM", "COUNT", "UNIT PRICE", "SO FAR", "PER HOUR"],
            Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
        ),
    ];
    let items = crate::app::about::lines(app);
    for l in &items {
        let (so_far, hourly) = (dollars(l.so_far_usd), dollars(l.per_hour_usd));
        lines.push(row([l.item, &l.count, &l.unit_price, &so_far, &hourly], base(theme)));
    }
    let (so_far, hourly) = crate::ops::cost::total(&items);
    lines.push(row(["Total", "", "", &dollars(so_far), &dollars(hourly)], base(theme).add_modifier(Modifier::BOLD)));
    if h.backend == "sandbox" {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            "The sandbox bills nothing: these are the calls the same console would pay for on AWS.",
            dim(theme),
        ));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}

fn row(cells: [&str; 5], style: Style) -> Line<'static> {
    let text: String = cells
        .iter()
        .zip(WIDTHS)
        .enumerate()
        .map(|(i, (cell, width))| if i < 3 { format!("{cell:<width$}") } else { format!("{cell:>width$}") })
        .collect();
    Line::styled(text, style)
}
