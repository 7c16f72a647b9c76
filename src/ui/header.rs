use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim, health_color};
use crate::app::App;
use crate::model::text::sanitize;
use crate::ops::health::overall;

pub fn draw(app: &App, theme: &crate::settings::Theme, frame: &mut Frame, area: Rect) {
    let h = &app.header;
    let sep = Span::styled(" │ ", dim(theme));
    let mut left = vec![Span::styled(
        " lakeops ",
        Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD),
    )];
    // Read-only mode is said first: at 80 columns the freshness on the right covers the end of
    // the line, and this must never be what is lost.
    if app.readonly {
        left.push(Span::styled(
            " READ-ONLY ",
            Style::new().fg(theme.badge_fg).bg(theme.badge_bg).add_modifier(Modifier::BOLD),
        ));
    }
    left.extend([
        sep.clone(),
        match app.profile_color {
            Some(color) => profile_badge(&sanitize(&h.profile), Some(color), theme),
            None => Span::styled(format!("profile {}", sanitize(&h.profile)), base(theme)),
        },
        sep.clone(),
    ]);
    let location = format!("{} {}", h.backend, sanitize(&h.location));
    let freshness = match (&app.refresh.last_success, app.is_stale()) {
        (None, _) if app.refresh.failures > 0 => Span::styled("no data: see :errors ", Style::new().fg(theme.critical)),
        (None, _) => Span::styled("reading… ", dim(theme)),
        (Some(at), true) => {
            Span::styled(format!("STALE since {} UTC ", at.format("%H:%M:%S")), Style::new().fg(theme.warn))
        }
        (Some(at), false) => Span::styled(format!("data {} UTC ", at.format("%H:%M:%S")), dim(theme)),
    };
    let overall = (!app.layers.is_empty()).then(|| overall(&app.layers));
    let mut right = Vec::new();
    if let Some(health) = overall {
        right.push(Span::styled(
            format!("{} ", super::health_mark(health)),
            Style::new().fg(health_color(theme, health)),
        ));
    }
    if let Some(cost) = crate::app::about::per_hour(app) {
        right.push(Span::styled(format!("{cost} "), dim(theme)));
    }
    right.push(freshness);
    let right_width: usize = right.iter().map(|s| s.width()).sum();
    // Where the backend is, cut with … before the health on the right (which drew over it).
    let used: usize = left.iter().map(|s| s.width()).sum();
    let room = (area.width as usize).saturating_sub(used + right_width + 1);
    left.push(Span::styled(crate::model::text::clip(&location, room), base(theme)));
    frame.render_widget(Paragraph::new(Line::from(left)).style(base(theme)), area);
    let width = (right_width as u16).min(area.width);
    let rect = Rect { x: area.right() - width, width, ..area };
    frame.render_widget(Paragraph::new(Line::from(right)).style(base(theme)), rect);
}

/// A profile's name as a badge of its colour (`console.color`), its text dark or light to stay
/// readable on it; without a colour, the name in bold, as wide.
pub(crate) fn profile_badge(name: &str, color: Option<Color>, theme: &crate::settings::Theme) -> Span<'static> {
    match color {
        Some(color) => Span::styled(
            format!(" {name} "),
            Style::new().fg(readable_on(color, theme)).bg(color).add_modifier(Modifier::BOLD),
        ),
        None => Span::styled(format!(" {name} "), base(theme).add_modifier(Modifier::BOLD)),
    }
}

/// Black or white, whichever reads on `background`.
fn readable_on(background: Color, theme: &crate::settings::Theme) -> Color {
    let light = match background {
        Color::Rgb(r, g, b) => 299 * r as u32 + 587 * g as u32 + 114 * b as u32 > 140_000,
        Color::Reset => return theme.text,
        Color::Gray
        | Color::Green
        | Color::Yellow
        | Color::Cyan
        | Color::White
        | Color::LightRed
        | Color::LightGreen
        | Color::LightYellow
        | Color::LightBlue
        | Color::LightMagenta
        | Color::LightCyan => true,
        _ => false,
    };
    if light {
        Color::Black
    } else {
        Color::White
    }
}
