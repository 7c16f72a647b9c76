//! Drawing: one file per view plus the shared chrome. Reads `App`, never changes it.

mod about;
mod alarms;
mod athena;
mod audit;
mod chart;
mod confirm_dialog;
mod emr;
mod errors;
mod firehose;
pub mod fleet;
mod glue;
mod header;
mod help;
mod lambda;
mod markers;
mod msk;
mod opensearch;
mod overview;
mod peek;
mod pipeline;
mod quicksight;
mod reader;
mod redshift;
mod reshard_dialog;
mod resources;
mod slo;
mod sources;
mod stack;
mod status;
mod stream_detail;
mod streams;
mod toast;
mod workflows;

use ratatui::layout::{Alignment, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::{layout, App, Mode, ViewId};
use crate::model::Health;
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame) {
    let area = frame.area();
    frame.render_widget(Block::default().style(base(theme)), area);
    if layout::too_small(area.width, area.height) {
        return too_small(app.mode != crate::app::Mode::Normal, theme, frame, area);
    }
    let areas = layout::areas(area);
    header::draw(app, theme, frame, areas.header);
    draw_view(app, theme, frame, areas.body);
    status::draw(app, theme, frame, areas.status);
    toast::draw(app, theme, frame, areas.body);
    match &app.mode {
        Mode::Help { scroll } => help::draw(app, *scroll, theme, frame, areas.body),
        Mode::Reshard(dialog) => reshard_dialog::draw(dialog, &dialog_keys(app), theme, frame, areas.body),
        Mode::Confirm(dialog) => confirm_dialog::draw(dialog, &dialog_keys(app), theme, frame, areas.body),
        Mode::Pick(picker) => athena::draw_picker(picker, theme, frame, areas.body),
        _ => {}
    }
}

/// Each view is drawn by the module of its name (the registry in `app::registry` lists them).
macro_rules! draw_views {
    ($($id:ident $module:ident,)*) => {
        fn draw_view(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
            match app.view() {
                $(ViewId::$id => $module::draw(app, theme, frame, area),)*
            }
        }
    };
}
crate::app::registry::for_each_view!(draw_views);

/// What a dialog's keys are, said at its foot: "enter: make this change · esc: cancel".
pub(crate) struct DialogKeys {
    pub yes: String,
    pub cancel: String,
    /// The keys alone, for a dialog that says its own choices.
    pub confirm_key: String,
    pub cancel_key: String,
}

fn dialog_keys(app: &App) -> DialogKeys {
    let (confirm, cancel) = crate::app::prompt::line_keys(&app.keys);
    DialogKeys {
        yes: format!("{confirm}: make this change · {cancel}: cancel"),
        cancel: format!("{cancel}: cancel"),
        confirm_key: confirm.to_string(),
        cancel_key: cancel.to_string(),
    }
}

/// Keys do nothing here but quit (`app::input`); an open dialog waits for a larger window.
fn too_small(dialog_open: bool, theme: &Theme, frame: &mut Frame, area: Rect) {
    let waiting = if dialog_open { " (a dialog is open behind)" } else { "" };
    let text = vec![
        Line::from(format!("terminal too small{waiting}")),
        Line::from(format!(
            "{}×{} here; lakeops needs at least {}×{}",
            area.width,
            area.height,
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT
        )),
        Line::from("enlarge the window, or press q to quit"),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let rect = Rect { y: area.y + top, height: area.height.saturating_sub(top).min(3), ..area };
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true })
            .style(Style::new().fg(theme.warn).bg(theme.background)),
        rect,
    );
}

pub(crate) fn base(theme: &Theme) -> Style {
    Style::new().fg(theme.text).bg(theme.background)
}

pub(crate) fn dim(theme: &Theme) -> Style {
    Style::new().fg(theme.dim).bg(theme.background)
}

pub(crate) fn panel<'a>(theme: &Theme, title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered()
        .title(title.into().style(Style::new().fg(theme.title)))
        .border_style(Style::new().fg(theme.border))
        .style(base(theme))
}

pub(crate) fn health_color(theme: &Theme, health: Health) -> ratatui::style::Color {
    match health {
        Health::Ok => theme.ok,
        Health::Warn => theme.warn,
        Health::Critical => theme.critical,
        Health::Unknown => theme.unknown,
    }
}

/// "●" for a health, plus a word so colour is never the only signal.
pub(crate) fn health_mark(health: Health) -> String {
    let symbol = match health {
        Health::Ok => "●",
        Health::Warn => "▲",
        Health::Critical => "✖",
        Health::Unknown => "○",
    };
    format!("{symbol} {}", health.label())
}

/// A record's data (JSON, text or hex) as styled lines; `style` colours each token kind.
pub(crate) fn record_lines(data: &[u8], style: impl Fn(crate::ops::record_view::Kind) -> Style) -> Vec<Line<'static>> {
    crate::ops::record_view::lines(data)
        .into_iter()
        .map(|line| {
            Line::from(
                line.into_iter().map(|(kind, text)| ratatui::text::Span::styled(text, style(kind))).collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// Lines of a record, made once (`ops::record_view`), styled for a frame.
pub(crate) fn styled_lines<'a>(
    lines: &'a [crate::ops::record_view::ViewLine],
    style: impl Fn(crate::ops::record_view::Kind) -> Style,
) -> Vec<Line<'a>> {
    lines
        .iter()
        .map(|line| {
            Line::from(
                line.iter()
                    .map(|(kind, text)| ratatui::text::Span::styled(text.as_str(), style(*kind)))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

pub(crate) use crate::model::text::{cell, clip, padded};

/// A count of lines as terminal rows: a list longer than any screen (hostile data) saturates
/// instead of wrapping or overflowing.
pub(crate) fn rows(count: usize) -> u16 {
    u16::try_from(count).unwrap_or(u16::MAX)
}

/// The part of `rect` centred with at most `width`×`height`.
/// A dialog for `paragraph` (with its block): `width` wide or the area's width, as tall as its
/// lines wrap there and `extra` rows more, centred; a long line is never cut.
pub(crate) fn dialog_area(area: Rect, width: u16, paragraph: &ratatui::widgets::Paragraph, extra: u16) -> Rect {
    let inner = width.min(area.width).saturating_sub(2).max(1);
    centered(area, width, rows(paragraph.line_count(inner)).saturating_add(extra))
}

pub(crate) fn centered(rect: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(rect.width);
    let h = height.min(rect.height);
    Rect { x: rect.x + (rect.width - w) / 2, y: rect.y + (rect.height - h) / 2, width: w, height: h }
}
