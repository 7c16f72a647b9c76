//! `:redshift`: the warehouse's health and numbers, with charts of its load, connections and
//! disk over the last hours.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chart::{render_chart, ChartSpec};
use super::markers;
use super::{base, dim, health_color, health_mark, panel};
use crate::app::App;
use crate::model::text::sanitize;
use crate::model::{Layer, Reading, RedshiftMode};
use crate::settings::Theme;

/// The snapshot holds three hours of the warehouse's minutes.
const MINUTES: u32 = 180;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let reading = app.snapshot.as_ref().map(|s| &s.redshift);
    let Some(Reading::Ready { data: r }) = reading else {
        let reason = match reading {
            Some(Reading::Unavailable { reason }) => sanitize(reason),
            Some(Reading::NotWatched) => "Redshift is off in this profile (platform.redshift.mode = \"off\").".into(),
            _ => "Reading Redshift…".into(),
        };
        frame.render_widget(Paragraph::new(Line::styled(reason, dim(theme))).block(panel(theme, " Redshift ")), area);
        return;
    };
    let serverless = r.mode == RedshiftMode::Serverless;
    let kind = if serverless { "Serverless workgroup" } else { "cluster" };
    let block = panel(theme, format!(" Redshift {kind} {} — last 3 h ", sanitize(&r.name)));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [info, top, bottom] =
        Layout::vertical([Constraint::Length(3), Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(inner);
    let verdict = app.layers.iter().find(|l| l.layer == Layer::Redshift);
    let mut lines = Vec::new();
    if let Some(v) = verdict {
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} ", health_mark(v.health)),
                Style::new().fg(health_color(theme, v.health)).add_modifier(Modifier::BOLD),
            ),
            Span::styled(sanitize(&v.reason), base(theme)),
        ]));
        let numbers: Vec<String> = v.numbers.iter().map(|n| format!("{} {}", n.label, n.text)).collect();
        lines.push(Line::styled(numbers.join(" · "), dim(theme)));
    }
    let now = crate::app::audit::reference_time(app);
    lines.push(markers::line(app, theme, now, MINUTES, "3 h"));
    frame.render_widget(Paragraph::new(lines), info);

    let h = &r.history;
    let series = |v: &[f64]| v.iter().map(|x| Some(*x)).collect::<Vec<_>>();
    let spec = |title: &str, unit: &str, values: Vec<Option<f64>>, capacity: Option<f64>, color| ChartSpec {
        title: title.into(),
        unit: unit.into(),
        values,
        overlay: None,
        capacity,
        color,
        minutes: MINUTES,
        changes: markers::placed(app, now, MINUTES),
    };
    let (load_title, load_unit) = if serverless { ("compute", "RPU") } else { ("CPU", "%") };
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(top);
    render_chart(&spec(load_title, load_unit, series(&h.load), None, 0), theme, frame, a);
    render_chart(&spec("connections", "", series(&h.connections), None, 1), theme, frame, b);
    let disk_title = if h.disk_used_percent.is_empty() { "disk used (a cluster metric)" } else { "disk used" };
    let disk_line = Some(crate::ops::health::REDSHIFT_DISK_WARN_PERCENT);
    render_chart(&spec(disk_title, "%", series(&h.disk_used_percent), disk_line, 2), theme, frame, bottom);
}
