//! A line chart of one per-minute series (with an optional second series and a capacity
//! line) over a window ending now, with the changes of that window marked as vertical lines;
//! shared by the stream detail, :lambda and :redshift.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::{Axis, Chart, Dataset, GraphType};
use ratatui::Frame;

use super::{base, dim, panel};
use crate::ops::format::fixed;
use crate::settings::Theme;

/// Points up a change's column: more than a chart has rows, so each row gets its dot.
const CHANGE_DOTS: u32 = 48;

pub(crate) struct ChartSpec {
    pub title: String,
    pub unit: String,
    pub values: Vec<Option<f64>>,
    /// A second series drawn over the first (p99 over the average), with its name.
    pub overlay: Option<(String, Vec<Option<f64>>)>,
    /// A horizontal line (provisioned capacity) in the critical colour.
    pub capacity: Option<f64>,
    /// Index into the theme's chart colours.
    pub color: usize,
    /// The window the chart spans; values fill its newest end.
    pub minutes: u32,
    /// The changes inside the window, each a vertical line.
    pub changes: super::markers::Placed,
}

pub(crate) fn render_chart(spec: &ChartSpec, theme: &Theme, frame: &mut Frame, area: Rect) {
    let n = spec.values.len();
    let offset = spec.minutes as f64 - n as f64;
    let data: Vec<(f64, f64)> =
        spec.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (offset + i as f64, v))).collect();
    let points = |values: &[Option<f64>]| -> Vec<(f64, f64)> {
        let offset = spec.minutes as f64 - values.len() as f64;
        values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (offset + i as f64, v))).collect()
    };
    let overlay: Vec<(f64, f64)> = spec.overlay.as_ref().map(|(_, v)| points(v)).unwrap_or_default();
    let peak = data.iter().chain(&overlay).map(|(_, y)| *y).fold(0.0, f64::max);
    let top = peak.max(spec.capacity.unwrap_or(0.0)).max(1e-9) * 1.1;
    let capacity_line: Vec<(f64, f64)> =
        spec.capacity.map(|c| vec![(0.0, c), (spec.minutes as f64, c)]).unwrap_or_default();
    let color = theme.chart.get(spec.color % theme.chart.len().max(1)).copied().unwrap_or(theme.accent);
    let mut datasets = vec![Dataset::default()
        .marker(Marker::Braille)
        .graph_type(GraphType::Line)
        .style(Style::new().fg(color))
        .data(&data)];
    if !overlay.is_empty() {
        let color = theme.chart.get((spec.color + 1) % theme.chart.len().max(1)).copied().unwrap_or(theme.warn);
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(color))
                .data(&overlay),
        );
    }
    if !capacity_line.is_empty() {
        datasets.push(
            Dataset::default()
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(theme.critical))
                .data(&capacity_line),
        );
    }
    // A change is a dotted column (`•` a cell): under the series, so it never hides a value or
    // reads as one, but for the named change.
    let change_lines: Vec<(Vec<(f64, f64)>, bool)> = spec
        .changes
        .marks
        .iter()
        .map(|&x| {
            let dots = (0..=CHANGE_DOTS).map(|i| (x, top * i as f64 / CHANGE_DOTS as f64)).collect();
            (dots, spec.changes.named == Some(x))
        })
        .collect();
    for (line, named) in &change_lines {
        let dataset = Dataset::default()
            .marker(Marker::Dot)
            .graph_type(GraphType::Scatter)
            .style(Style::new().fg(super::markers::color(theme, *named)))
            .data(line);
        // The named change over the series, so a small chart still shows it.
        if *named {
            datasets.push(dataset);
        } else {
            datasets.insert(0, dataset);
        }
    }
    let latest = data.last().map(|(_, y)| format!(" now {}", short(*y, &spec.unit))).unwrap_or_default();
    let capacity = spec.capacity.map(|c| format!(" · cap {}", short(c, &spec.unit))).unwrap_or_default();
    let second = match (&spec.overlay, overlay.last()) {
        (Some((name, _)), Some((_, y))) => format!(" · {name} {}", short(*y, &spec.unit)),
        _ => String::new(),
    };
    let title = format!(" {}{latest}{second}{capacity} ", spec.title);
    let x_labels = vec![Span::styled(format!("-{} min", spec.minutes), dim(theme)), Span::styled("now", dim(theme))];
    let y_labels = vec![Span::styled("0", dim(theme)), Span::styled(short(top, &spec.unit), dim(theme))];
    let chart = Chart::new(datasets)
        .block(panel(theme, title))
        .style(base(theme))
        .x_axis(Axis::default().bounds([0.0, spec.minutes as f64]).labels(x_labels).style(dim(theme)))
        .y_axis(Axis::default().bounds([0.0, top]).labels(y_labels).style(dim(theme)));
    frame.render_widget(chart, area);
}

/// A number with its unit, short enough for an axis.
pub(crate) fn short(v: f64, unit: &str) -> String {
    let text = if v >= 10_000.0 {
        format!("{}k", fixed(v / 1000.0, 0))
    } else if v >= 100.0 || v == 0.0 {
        fixed(v, 0).to_string()
    } else {
        fixed(v, 1).to_string()
    };
    format!("{text} {unit}")
}
