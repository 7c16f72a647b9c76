//! The overview: every layer with its health, key numbers and the reason in words, and
//! the stream's incoming rate over the last hour against its capacity.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Sparkline};
use ratatui::Frame;

use super::{base, clip, dim, health_color, health_mark, markers, panel};
use crate::app::{layout, App};
use crate::model::text::sanitize;
use crate::model::{CapacityMode, Health, LayerHealth};
use crate::ops::format::{rate, thousands};
use crate::settings::Theme;

/// "Orchestration" and a space.
const LAYER_WIDTH: usize = 15;
const HEALTH_WIDTH: usize = 10;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (table, rest) = layout::overview_split(area, app.layers.len().max(1) as u16);
    draw_layers(app, theme, frame, table);
    if rest.height >= 4 {
        draw_trend(app, theme, frame, rest);
    }
}

fn draw_layers(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let filter = &app.overview.filter;
    let title = if filter.is_empty() {
        " Overview ".to_string()
    } else {
        format!(" Overview — filter: {} ", sanitize(filter))
    };
    let rows = crate::app::overview::visible(app);
    let body = layout::areas(Rect::new(0, 0, app.width, app.height)).body;
    let compact = layout::overview_lines_per_layer(body, app.layers.len() as u16) == 1;
    let mut block = panel(theme, title);
    // One line a layer: the selected one's numbers at the table's foot.
    if let Some(l) = rows.get(app.overview.selected).map(|&i| &app.layers[i]).filter(|_| compact) {
        block = block.title_bottom(Line::styled(
            format!(" {}: {} ", l.layer.title(), numbers(l)),
            Style::new().fg(theme.text).add_modifier(Modifier::BOLD),
        ));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);

    let header = Line::from(Span::styled(
        format!(
            "{:<LAYER_WIDTH$}{:<HEALTH_WIDTH$}{}",
            "LAYER",
            "HEALTH",
            if compact { "REASON (the selected layer's numbers below)" } else { "KEY NUMBERS · REASON" }
        ),
        Style::new().fg(theme.dim).bg(theme.background).add_modifier(Modifier::BOLD),
    ));
    let mut lines = vec![header];
    if app.layers.is_empty() {
        let text = if app.refresh.failures > 0 {
            "Could not read the platform: the error is in :errors."
        } else {
            "Reading the platform…"
        };
        lines.push(Line::from(Span::styled(text, dim(theme))));
    }
    if rows.is_empty() && !app.layers.is_empty() {
        let clear = app.key(crate::app::Command::Back);
        lines.push(Line::from(Span::styled(format!("no layer matches the filter ({clear} clears it)"), dim(theme))));
    }
    let per = if compact { 1 } else { 2 };
    let page = (layout::list_rows(area).height / per) as usize;
    for (pos, &i) in rows.iter().enumerate().skip(app.overview.offset).take(page.max(1)) {
        let selected = pos == app.overview.selected;
        let [first, second] = layer_lines(&app.layers[i], theme, selected, inner.width as usize, compact);
        lines.push(first);
        if !compact {
            lines.push(second);
        }
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}

fn numbers(l: &LayerHealth) -> String {
    l.numbers.iter().map(|n| format!("{} {}", n.label, sanitize(&n.text))).collect::<Vec<_>>().join(" · ")
}

/// A layer's two lines: its title, health and numbers (its reason instead when `compact`), then
/// its reason.
fn layer_lines(l: &LayerHealth, theme: &Theme, selected: bool, width: usize, compact: bool) -> [Line<'static>; 2] {
    let bg = if selected { theme.highlight_bg } else { theme.background };
    let text = if selected { theme.highlight_fg } else { theme.text };
    let color = health_color(theme, l.health);
    let reason_color = if l.health == Health::Ok { theme.dim } else { color };
    let (numbers, numbers_color) = if compact {
        let room = width.saturating_sub(LAYER_WIDTH + HEALTH_WIDTH);
        (clip(&l.reason, room), if selected { text } else { reason_color })
    } else {
        // Cut with `…` at the edge: a number cut by it read as another one.
        (clip(&numbers(l), width.saturating_sub(LAYER_WIDTH + HEALTH_WIDTH)), text)
    };
    let used = LAYER_WIDTH + HEALTH_WIDTH + crate::model::text::width(&numbers);
    let first = Line::from(vec![
        Span::styled(
            format!("{:<LAYER_WIDTH$}", l.layer.title()),
            Style::new().fg(text).bg(bg).add_modifier(Modifier::BOLD),
        ),
        Span::styled(
            format!("{:<HEALTH_WIDTH$}", health_mark(l.health)),
            Style::new().fg(color).bg(bg).add_modifier(Modifier::BOLD),
        ),
        Span::styled(numbers, Style::new().fg(numbers_color).bg(bg)),
        Span::styled(" ".repeat(width.saturating_sub(used)), Style::new().bg(bg)),
    ]);
    let reason = clip(&l.reason, width.saturating_sub(LAYER_WIDTH));
    let used = LAYER_WIDTH + crate::model::text::width(&reason);
    let second = Line::from(vec![
        Span::styled(" ".repeat(LAYER_WIDTH), Style::new().bg(bg)),
        Span::styled(reason, Style::new().fg(reason_color).bg(bg)),
        Span::styled(" ".repeat(width.saturating_sub(used)), Style::new().bg(bg)),
    ]);
    [first, second]
}

fn draw_trend(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let stream = app.snapshot.as_ref().and_then(|s| s.streams.ready()).and_then(|s| s.first());
    let Some(stream) = stream else {
        frame.render_widget(panel(theme, " Kinesis records/s in "), area);
        return;
    };
    // One column a minute: as many of the latest minutes as fit.
    let columns = area.width.saturating_sub(2) as usize;
    let history = &stream.incoming_history[stream.incoming_history.len().saturating_sub(columns)..];
    let capacity = (stream.mode == CapacityMode::Provisioned).then_some(stream.open_shards as f64 * 1000.0);
    let now = stream.incoming_records_per_second.map(rate).unwrap_or_else(|| "—".into());
    let capacity_text =
        capacity.map(|c| format!(", capacity {}/s", thousands(c))).unwrap_or_else(|| ", on-demand".into());
    let title =
        format!(" {} records/s in, last {} min — now {now}{capacity_text} ", sanitize(&stream.name), history.len());
    let now = crate::app::audit::reference_time(app);
    let minutes = history.len() as u32;
    let window = format!("{minutes} min");
    let block = panel(theme, title).title_bottom(markers::line(app, theme, now, minutes, &window));
    let inner = block.inner(area);
    let data: Vec<u64> = history.iter().map(|v| v.round().max(0.0) as u64).collect();
    let peak = data.iter().copied().max().unwrap_or(0);
    let max = capacity.map(|c| c as u64).unwrap_or(peak).max(peak).max(1);
    let color = theme.chart.first().copied().unwrap_or(theme.accent);
    let sparkline =
        Sparkline::default().block(block).data(&data).max(max).style(Style::new().fg(color).bg(theme.background));
    frame.render_widget(sparkline, area);
    markers::draw_on_columns(frame.buffer_mut(), inner, data.len(), &markers::placed(app, now, minutes), theme);
}
