//! `:slo`: the freshness objectives, worst first, each with its dataset, last update, lag,
//! objective, state and a bar of the error budget left; the selected one in full below.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, cell, dim, health_color, panel};
use crate::app::{audit, layout, slo, App};
use crate::model::text::sanitize;
use crate::ops::format::ago;
use crate::ops::slo::{seconds, Budget, Objective, State};
use crate::settings::Theme;

/// Columns: state, dataset, last update, lag, objective, budget bar. The dataset takes what the
/// others leave, as wide as its widest and at least [`DATASET_LEAST`].
const STATE: usize = 11;
const DATASET_LEAST: usize = 14;
const UPDATED: usize = 12;
const LAG: usize = 13;
const GOAL: usize = 10;
const BAR: usize = 10;

/// "✖ broken", with a symbol so colour is never the only signal.
fn mark(state: State) -> String {
    let symbol = match state {
        State::Met => "●",
        State::Unknown => "○",
        State::AtRisk => "△",
        State::Burning => "▲",
        State::Broken => "✖",
    };
    format!("{symbol} {}", state.label())
}

/// "███████░░░ 72 %": the budget left; a bound (`≤`) when the history does not cover the window.
fn bar(budget: &Budget) -> String {
    let left = budget.remaining.unwrap_or(budget.remaining_at_most).clamp(0.0, 1.0);
    let full = (left * BAR as f64).round() as usize;
    format!("{}{} {}", "█".repeat(full), "░".repeat(BAR - full), budget.text())
}

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let (list, detail) = slo::split(area);
    if app.slo.settings.is_none() {
        let text = vec![
            Line::styled("This profile sets no freshness objectives.", base(theme)),
            Line::styled(
                "Add [slo] to it (docs/slo.md): e.g. [slo.objectives] curated = \"90m\" — the curated events at \
                 most 90 minutes behind.",
                dim(theme),
            ),
        ];
        let block = panel(theme, " Freshness objectives ");
        frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }).block(block), area);
        return;
    }
    if app.snapshot.is_none() {
        let block = panel(theme, " Freshness objectives ");
        frame.render_widget(Paragraph::new(Line::styled("Reading the platform…", dim(theme))).block(block), area);
        return;
    }
    let now = audit::reference_time(app);
    let rows = slo::visible(app);
    let cursor = &app.slo.cursor;
    let all = &app.slo.objectives;
    let troubled = all.iter().filter(|o| matches!(o.state, State::AtRisk | State::Burning | State::Broken)).count();
    let window = app.slo.settings.as_ref().map(|s| s.window_seconds / 3600).unwrap_or_default();
    let target = app.slo.settings.as_ref().map(|s| s.target * 100.0).unwrap_or_default();
    let filter =
        if cursor.filter.is_empty() { String::new() } else { format!(" — filter: {}", sanitize(&cursor.filter)) };
    let block = panel(
        theme,
        format!(
            " Freshness objectives — {} objective(s), {troubled} at risk, burning or broken · budget over {window} h at {target} % {filter}",
            all.len()
        ),
    );
    let inner = block.inner(list);
    frame.render_widget(block, list);
    // The budget's bar and its words ("██████████ ≤ 100 %") keep their room.
    let others = STATE + UPDATED + LAG + GOAL + BAR + " ≤ 100 %".len();
    let widest = rows.iter().map(|o| crate::model::text::width(&o.dataset) + 1).max().unwrap_or(0);
    let dataset = (inner.width as usize).saturating_sub(others).min(widest).max(DATASET_LEAST);
    let header = format!(
        "{:<STATE$}{}{:<UPDATED$}{:<LAG$}{:<GOAL$}{}",
        "STATE",
        cell("DATASET", dataset),
        "LAST UPDATE",
        "LAG",
        "OBJECTIVE",
        "BUDGET LEFT"
    );
    let mut lines = vec![Line::styled(header, Style::new().fg(theme.dim).add_modifier(Modifier::BOLD))];
    if rows.is_empty() {
        lines.push(Line::styled("No objective matches the filter.", dim(theme)));
    }
    let page = layout::list_rows(list).height as usize;
    for (i, o) in rows.iter().enumerate().skip(cursor.offset).take(page.max(1)) {
        let selected = i == cursor.selected;
        let style = if selected { Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg) } else { base(theme) };
        let color = health_color(theme, o.state.health());
        let updated = o.last_update.map(|t| ago(now, t)).unwrap_or_else(|| "—".into());
        let lag = o.lag.map(|l| l.text()).unwrap_or_else(|| "—".into());
        let cells = cell(&o.dataset, dataset)
            + &cell(&updated, UPDATED)
            + &cell(&lag, LAG)
            + &cell(&format!("≤ {}", seconds(o.objective_seconds)), GOAL);
        let budget = o.budget.as_ref().map(bar).unwrap_or_else(|| "—".into());
        lines.push(Line::from(vec![
            Span::styled(cell(&mark(o.state), STATE), if selected { style } else { style.fg(color) }),
            Span::styled(cells, style),
            Span::styled(budget, if selected { style } else { style.fg(color) }),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), inner);
    match rows.get(cursor.selected) {
        Some(o) => draw_detail(o, theme, frame, detail),
        None => frame.render_widget(panel(theme, " objective "), detail),
    }
}

fn draw_detail(o: &Objective, theme: &Theme, frame: &mut Frame, area: Rect) {
    let color = health_color(theme, o.state.health());
    let label = |l: &str| Span::styled(format!("{l}: "), dim(theme));
    let mut body = vec![Line::styled(sanitize(&o.reason), Style::new().fg(color))];
    if let Some(detail) = &o.detail {
        body.push(Line::from(vec![label("partition"), Span::styled(sanitize(detail), base(theme))]));
    }
    if let Some(last) = o.last_update {
        let text = last.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        body.push(Line::from(vec![label("last update"), Span::styled(text, base(theme))]));
    }
    if let Some(b) = &o.budget {
        let unknown = if b.unknown_seconds > 0 {
            format!(", {} not known (the history read does not reach it)", seconds(b.unknown_seconds))
        } else {
            String::new()
        };
        let text = format!(
            "{} left — over {} h: met {}, missed {}{unknown}; {} may be missed",
            b.text(),
            b.window_seconds / 3600,
            seconds(b.met_seconds),
            seconds(b.broken_seconds),
            seconds(b.allowed_seconds as i64)
        );
        body.push(Line::from(vec![label("budget"), Span::styled(text, base(theme))]));
    }
    let title = format!(" {} ", sanitize(&o.dataset));
    frame.render_widget(Paragraph::new(body).wrap(Wrap { trim: true }).block(panel(theme, title)), area);
}
