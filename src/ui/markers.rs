//! The changes on the charts: where each sits on a chart's time axis, and the line under the
//! charts that names one (the latest, or the one stepped to) with the keys that step and open it.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use super::dim;
use crate::app::{App, Command};
use crate::model::text::sanitize;
use crate::ops::markers::{in_window, Origin};
use crate::settings::Theme;

/// A day, the widest window (the Glue timeline's line names changes of the last day).
pub(crate) const DAY_MINUTES: u32 = crate::ops::markers::KEPT_HOURS as u32 * 60;

/// The marks of a chart's window: their positions (minutes from its start), and the named one's.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Placed {
    pub marks: Vec<f64>,
    pub named: Option<f64>,
}

/// The changes inside the `minutes` up to `now`.
pub(crate) fn placed(app: &App, now: DateTime<Utc>, minutes: u32) -> Placed {
    let named = app.markers.named();
    let shown = in_window(&app.markers.marks, now, minutes);
    Placed {
        named: shown.iter().find(|(_, m)| Some(*m) == named).map(|(x, _)| *x),
        marks: shown.into_iter().map(|(x, _)| x).collect(),
    }
}

/// The colour of a mark: the named one stands out.
pub(crate) fn color(theme: &Theme, named: bool) -> Color {
    if named {
        theme.warn
    } else {
        theme.accent
    }
}

/// "▲ 14:02 ci-deployer UpdateFunctionCode clickstream-ingest (CloudTrail) · 3 changes in 1 h ·
/// [/] step · C opens it", or that nothing changed in the window.
pub(crate) fn line(app: &App, theme: &Theme, now: DateTime<Utc>, minutes: u32, window: &str) -> Line<'static> {
    let count = in_window(&app.markers.marks, now, minutes).len();
    let Some(named) = app.markers.named() else {
        return Line::styled(format!("no change recorded in the last {window}"), dim(theme));
    };
    let inside = crate::ops::markers::position(named.time, now, minutes).is_some();
    let origin = match named.origin {
        Origin::CloudTrail => "CloudTrail",
        Origin::Journal => "lakeops' journal",
        Origin::Stack => "stack event",
    };
    let keys = format!(
        "{}/{} step · {} opens it",
        app.key(Command::EarlierChange),
        app.key(Command::LaterChange),
        app.key(Command::ShowChange)
    );
    let count = match count {
        0 => format!("no change in the last {window}"),
        1 => format!("1 change in {window}"),
        n => format!("{n} changes in {window}"),
    };
    let before = if inside { "" } else { " (before this window)" };
    Line::from(vec![
        Span::styled("▲ ", Style::new().fg(color(theme, true)).add_modifier(Modifier::BOLD)),
        Span::styled(sanitize(&named.label()), Style::new().fg(theme.text).add_modifier(Modifier::BOLD)),
        Span::styled(format!(" ({origin}){before} · {count} · {keys}"), dim(theme)),
    ])
}

/// Marks the changes on a bar chart already drawn in `inner` from its left edge, one column a
/// minute of its window: a dotted line up each change's column, where no bar is.
pub(crate) fn draw_on_columns(buffer: &mut Buffer, inner: Rect, columns: usize, placed: &Placed, theme: &Theme) {
    let columns = columns.min(inner.width as usize);
    if columns == 0 {
        return;
    }
    let left = inner.x;
    for &x in &placed.marks {
        let column = (x.floor() as usize).min(columns - 1) as u16;
        let style = Style::new().fg(color(theme, placed.named == Some(x)));
        for y in inner.top()..inner.bottom() {
            if let Some(cell) = buffer.cell_mut((left + column, y)) {
                if cell.symbol() == " " {
                    cell.set_symbol("┊").set_style(style);
                }
            }
        }
    }
}
