//! One stream: charts of its load against capacity, lag and throttling; the shard map.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::chart::{render_chart, ChartSpec};
use super::markers::{self, Placed};
use super::{base, dim, panel};
use crate::app::stream_detail::StreamDetail;
use crate::app::{App, Command};
use crate::model::text::sanitize;
use crate::model::{CapacityMode, StreamFacts, StreamPoint, StreamStatus};
use crate::ops::format::thousands;
use crate::ops::kinesis::{Heat, SCALINGS_PER_DAY, SHARD_WRITE_BYTES_PER_SECOND, SHARD_WRITE_RECORDS_PER_SECOND};
use crate::ops::shard_map;
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(detail) = app.detail.as_ref() else { return };
    let title =
        format!(" {} — charts {} ({}) ", sanitize(&detail.stream), detail.window.label(), app.key(Command::Window));
    let block = panel(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let Some(facts) = detail.facts.as_ref() else {
        frame.render_widget(Paragraph::new(Line::styled("Reading the stream…", dim(theme))), inner);
        return;
    };
    let chart_height = (inner.height.saturating_sub(1) / 2).clamp(6, 14);
    let [info, charts, map] =
        Layout::vertical([Constraint::Length(3), Constraint::Length(chart_height), Constraint::Min(3)]).areas(inner);
    let status = app
        .snapshot
        .as_ref()
        .and_then(|s| s.streams.ready())
        .and_then(|all| all.iter().find(|s| s.name == detail.stream));
    let now = crate::app::audit::reference_time(app);
    let minutes = detail.window.minutes();
    let mut lines = info_lines(app, facts, status, theme);
    lines.push(markers::line(app, theme, now, minutes, detail.window.label()));
    frame.render_widget(Paragraph::new(lines), info);
    draw_charts(detail, facts, &markers::placed(app, now, minutes), theme, frame, charts);
    draw_shard_map(app, detail, facts, theme, frame, map);
}

fn info_lines(app: &App, facts: &StreamFacts, status: Option<&StreamStatus>, theme: &Theme) -> Vec<Line<'static>> {
    let status_color = if facts.status == "ACTIVE" { theme.ok } else { theme.warn };
    let quota = match (facts.account_open_shards, facts.account_shard_limit) {
        (Some(open), Some(limit)) => format!(" · account shards {open}/{limit}"),
        _ => String::new(),
    };
    let peak = facts.peak_records_per_second.map(|p| format!(" · peak {}/s", thousands(p))).unwrap_or_default();
    let retention =
        status.and_then(|s| s.retention_hours).map(|hours| format!("retention {hours} h · ")).unwrap_or_default();
    let encryption = facts.encryption.as_deref().map(sanitize).unwrap_or_else(|| "unencrypted".into());
    let e = app.key(Command::EnhancedMonitoring);
    let monitoring =
        if facts.enhanced_monitoring { format!("shard metrics on ({e})") } else { format!("shard metrics off ({e})") };
    let consumers = if facts.consumers.is_empty() {
        "no fan-out consumers".to_string()
    } else {
        let names: Vec<String> =
            facts.consumers.iter().map(|c| format!("{} ({})", sanitize(&c.name), sanitize(&c.status))).collect();
        format!("consumers {}", names.join(", "))
    };
    vec![
        Line::from(vec![
            Span::styled(sanitize(&facts.status), Style::new().fg(status_color).add_modifier(Modifier::BOLD)),
            Span::styled(
                format!(
                    " · {} · {} open shards · scalings in 24 h {}/{SCALINGS_PER_DAY}{quota}{peak}",
                    facts.mode.name(),
                    facts.open_count(),
                    facts.scalings_last_day.count()
                ),
                base(theme),
            ),
        ]),
        Line::styled(format!("{retention}{encryption} · {monitoring} · {consumers}"), dim(theme)),
    ]
}

fn draw_charts(
    detail: &StreamDetail,
    facts: &StreamFacts,
    changes: &Placed,
    theme: &Theme,
    frame: &mut Frame,
    area: Rect,
) {
    let [top, bottom] = Layout::vertical([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(area);
    let [a, b] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(top);
    let [c, d] = Layout::horizontal([Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)]).areas(bottom);
    let points = detail.series.as_ref().map(|s| s.points.as_slice()).unwrap_or(&[]);
    let provisioned = facts.mode == CapacityMode::Provisioned;
    let shards = facts.open_count() as f64;
    let minutes = detail.window.minutes();
    let cap = |per_shard: f64| provisioned.then_some(per_shard * shards);
    let chart =
        |title: &str, unit: &str, f: fn(&StreamPoint) -> Option<f64>, capacity: Option<f64>, color: usize| ChartSpec {
            title: title.to_string(),
            unit: unit.to_string(),
            values: points.iter().map(f).collect(),
            overlay: None,
            capacity,
            color,
            minutes,
            changes: changes.clone(),
        };
    render_chart(
        &chart("records/s in", "/s", |p| p.records_per_second, cap(SHARD_WRITE_RECORDS_PER_SECOND), 0),
        theme,
        frame,
        a,
    );
    render_chart(
        &chart(
            "MiB/s in",
            "MiB/s",
            |p| p.bytes_per_second.map(|b| b / 1_048_576.0),
            cap(SHARD_WRITE_BYTES_PER_SECOND / 1_048_576.0),
            1,
        ),
        theme,
        frame,
        b,
    );
    render_chart(&chart("iterator age", "s", |p| p.iterator_age_ms.map(|ms| ms / 1000.0), None, 2), theme, frame, c);
    render_chart(
        &chart(
            "throttled writes+reads /min",
            "/min",
            |p| Some(p.write_throttled.unwrap_or(0.0) + p.read_throttled.unwrap_or(0.0)),
            None,
            3,
        ),
        theme,
        frame,
        d,
    );
}

fn draw_shard_map(app: &App, detail: &StreamDetail, facts: &StreamFacts, theme: &Theme, frame: &mut Frame, area: Rect) {
    let rows = shard_map::rows(facts);
    let open: Vec<_> = rows.iter().filter(|r| r.open).collect();
    let closed = rows.len() - open.len();
    let k = |command| app.key(command);
    let title = format!(
        " shard map — {} open, {} closed ({} scale · {} split · {} merge · {} mode) ",
        open.len(),
        closed,
        k(Command::Scale),
        k(Command::Split),
        k(Command::Merge),
        k(Command::SwitchMode)
    );
    let block = panel(theme, title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let bar_width = 24usize;
    let mut lines = vec![Line::styled(
        format!(
            "{:<22}{:<w$}  {:>7}  {:>9}  {:<5} {}",
            "SHARD",
            "HASH-KEY RANGE",
            "SHARE",
            "REC/S",
            "HEAT",
            "LINEAGE",
            w = bar_width
        ),
        Style::new().fg(theme.dim).add_modifier(Modifier::BOLD),
    )];
    let visible = inner.height.saturating_sub(1) as usize;
    let skip = detail.shards.selected.saturating_sub(visible.saturating_sub(1));
    let infos: Vec<_> = facts.open().collect();
    for (i, row) in open.iter().enumerate().skip(skip).take(visible) {
        let rate = infos.get(i).and_then(|s| s.incoming_per_second);
        let heat = rate.map(Heat::of);
        let heat_color = match heat {
            Some(Heat::Hot) => theme.critical,
            Some(Heat::Cold) => theme.accent,
            Some(Heat::Normal) => theme.text,
            None => theme.dim,
        };
        let heat = heat.map(Heat::label).unwrap_or_default();
        let covered = shard_map::cells(row.from, row.to, bar_width);
        let bar: String = (0..bar_width).map(|c| if covered.contains(&c) { '█' } else { '·' }).collect();
        let selected = i == detail.shards.selected;
        let row_style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        lines.push(Line::from(vec![
            Span::styled(format!("{:<22}", sanitize(&row.id)), row_style),
            Span::styled(bar, row_style.fg(theme.chart.first().copied().unwrap_or(theme.accent))),
            Span::styled(
                format!(
                    "  {:>7}  {:>9}  ",
                    shard_map::share(row.to - row.from),
                    rate.map(thousands).unwrap_or_else(|| "—".into())
                ),
                row_style,
            ),
            Span::styled(format!("{heat:<5} "), row_style.fg(heat_color).add_modifier(Modifier::BOLD)),
            // What is left of the line: a lineage cut at the edge named other shards.
            Span::styled(
                crate::model::text::clip(&row.lineage, (inner.width as usize).saturating_sub(22 + bar_width + 28)),
                row_style.fg(theme.dim),
            ),
        ]));
    }
    if infos.iter().all(|s| s.incoming_per_second.is_none()) && lines.len() < visible + 1 {
        lines.push(Line::styled("per-shard rates need enhanced (shard-level) monitoring, which AWS bills", dim(theme)));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
}
