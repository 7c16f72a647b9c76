//! `:stack`: the stack's status, the plan as a diff (replacements in red with their cause), an
//! operation's progress bar and failure, the events, the outputs, and drift once detected.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::{base, dim, panel, rows};
use crate::app::stack::Found;
use crate::app::{App, Command};
use crate::model::text::sanitize;
use crate::model::{is_failure, StackEvent};
use crate::provision::{diff_lines, summary};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.stack;
    // The plan's lines wrap (a replacement's cause, a staged template's S3 URI): its pane is as tall
    // as they are wrapped, leaving the events a few rows; what does not fit is counted in its
    // last line, never cut unsaid.
    let most = area.height.saturating_sub(HEAD_ROWS + EVENT_ROWS_KEPT).max(4);
    let plan = plan_paragraph(app, theme, area.width.saturating_sub(2), most.saturating_sub(2));
    let plan_height = plan.as_ref().map(|p| rows(p.line_count(area.width.saturating_sub(2))).min(most)).unwrap_or(0);
    let drift_height = view
        .drift
        .as_ref()
        .map(|d| rows(d.iter().map(|r| 1 + r.properties.len()).sum::<usize>().max(1)).saturating_add(2).min(10))
        .unwrap_or(0);
    let [head, plan_area, body, drift] = Layout::vertical([
        Constraint::Length(HEAD_ROWS),
        Constraint::Length(plan_height),
        Constraint::Fill(1),
        Constraint::Length(drift_height),
    ])
    .areas(area);
    draw_head(app, theme, frame, head);
    if let Some(paragraph) = plan.filter(|_| plan_height > 0) {
        frame.render_widget(paragraph, plan_area);
    }
    let [events, outputs] = Layout::horizontal([Constraint::Percentage(62), Constraint::Fill(1)]).areas(body);
    draw_events(app, theme, frame, events);
    draw_outputs(app, theme, frame, outputs);
    if drift_height > 0 {
        draw_drift(app, theme, frame, drift);
    }
}

fn status_style(theme: &Theme, status: &str) -> Style {
    let color = if is_failure(status) {
        theme.critical
    } else if status.ends_with("_IN_PROGRESS") {
        theme.warn
    } else {
        theme.ok
    };
    Style::new().fg(color).bg(theme.background)
}

fn draw_head(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.stack;
    let name = view.name();
    let mut lines = Vec::new();
    let first = match &view.found {
        Found::NotRead if view.request.is_loading() => Line::styled(format!("Reading stack {name}…"), dim(theme)),
        Found::NotRead => Line::styled(format!("Stack {name} not read yet."), dim(theme)),
        Found::Missing => Line::from(vec![
            Span::styled(format!("{name}  "), base(theme).add_modifier(Modifier::BOLD)),
            Span::styled("no such stack", Style::new().fg(theme.warn)),
            Span::styled(format!("   {} plans its creation from the profile", app.key(Command::Plan)), dim(theme)),
        ]),
        Found::Stack(s) => {
            let mut spans = vec![
                Span::styled(format!("{}  ", s.name), base(theme).add_modifier(Modifier::BOLD)),
                Span::styled(s.status.clone(), status_style(theme, &s.status)),
            ];
            if let Some(reason) = &s.reason {
                spans.push(Span::styled(format!("  {}", sanitize(reason)), dim(theme)));
            }
            Line::from(spans)
        }
    };
    lines.push(first);
    if let (Some(op), Some(progress)) = (&view.operation, view.progress()) {
        let elapsed = app.now_ms.saturating_sub(op.started_at_ms) / 1000;
        let state = progress.stack_status.clone().unwrap_or_else(|| "starting".into());
        lines.push(Line::from(vec![
            Span::styled(format!("{} ", op.kind), base(theme).add_modifier(Modifier::BOLD)),
            Span::styled(progress.bar(30), status_style(theme, &state)),
            Span::styled(
                format!("  {}/{} resources  {elapsed} s  {state}", progress.done, progress.total),
                base(theme),
            ),
        ]));
        if let Some((resource, reason)) = &progress.failure {
            let rollback = if progress.rolling_back { "  (rolling back)" } else { "" };
            lines.push(Line::styled(
                format!("{resource} failed: {}{rollback}", sanitize(reason)),
                Style::new().fg(theme.critical).add_modifier(Modifier::BOLD),
            ));
        }
    } else if view.planning.is_loading() {
        lines.push(Line::styled("planning: CloudFormation is computing the change set…", dim(theme)));
    } else if view.drifting.is_loading() {
        lines.push(Line::styled("detecting drift…", dim(theme)));
    } else {
        let key = |command| app.key(command);
        lines.push(Line::styled(
            format!(
                "{} plan · {} apply · {} discard plan · {} drift · {} delete · {} keys",
                key(Command::Plan),
                key(Command::Apply),
                key(Command::Discard),
                key(Command::Drift),
                key(Command::Delete),
                key(Command::Help)
            ),
            dim(theme),
        ));
    }
    frame.render_widget(Paragraph::new(lines).style(base(theme)), area);
}

/// The rows of the view's head, and the rows of events a plan leaves at least.
const HEAD_ROWS: u16 = 3;
const EVENT_ROWS_KEPT: u16 = 6;

/// The plan as a diff in its panel, wrapped to `width` in at most `most_rows` rows: the lines
/// that do not fit are counted in a last line, which says where the whole plan is; `None`
/// without a plan.
fn plan_paragraph<'a>(app: &App, theme: &'a Theme, width: u16, most_rows: u16) -> Option<Paragraph<'a>> {
    let plan = app.stack.plan.as_ref()?;
    let mut lines: Vec<Line> = diff_lines(plan)
        .into_iter()
        .map(|line| {
            let style = match line.mark {
                '+' => Style::new().fg(theme.ok),
                '~' => Style::new().fg(theme.warn),
                '-' => Style::new().fg(theme.critical),
                '!' | '⚠' => Style::new().fg(theme.critical).add_modifier(Modifier::BOLD),
                _ => Style::new().fg(theme.text),
            };
            Line::styled(format!("{} {}", line.mark, line.text), style.bg(theme.background))
        })
        .collect();
    let wrapped = |line: &Line| rows(Paragraph::new(line.clone()).wrap(Wrap { trim: false }).line_count(width.max(1)));
    if lines.iter().map(wrapped).sum::<u16>() > most_rows {
        let count = |hidden: usize| {
            let noun = if hidden == 1 { "line" } else { "lines" };
            Line::styled(format!("… {hidden} more {noun} (`lakeops provision plan` prints the whole plan)"), dim(theme))
        };
        let mut used = wrapped(&count(lines.len())); // the count's own rows
        let shown = lines.iter().take_while(|l| {
            used += wrapped(l);
            used <= most_rows
        });
        let shown = shown.count();
        let hidden = lines.len() - shown;
        lines.truncate(shown);
        lines.push(count(hidden));
    }
    let creates = if plan.creates { " (new stack)" } else { "" };
    let title = if plan.has_changes() {
        let (apply, discard) = (app.key(Command::Apply), app.key(Command::Discard));
        format!(" Plan{creates}: {} — {apply} applies, {discard} discards ", summary(plan))
    } else {
        " Plan ".to_string()
    };
    Some(Paragraph::new(lines).block(panel(theme, title)).wrap(Wrap { trim: false }))
}

fn event_line(theme: &Theme, event: &StackEvent) -> Line<'static> {
    let time = chrono::DateTime::from_timestamp_millis(event.at_ms).map(|t| t.format("%H:%M:%S").to_string());
    let mut spans = vec![
        Span::styled(format!("{} ", time.unwrap_or_default()), dim(theme)),
        Span::styled(format!("{:<35} ", event.status), status_style(theme, &event.status)),
        Span::styled(super::cell(&event.logical_id, 25), base(theme)),
        Span::styled(event.resource_type.clone(), dim(theme)),
    ];
    if let Some(reason) = &event.reason {
        spans.push(Span::styled(format!("  {}", sanitize(reason)), dim(theme)));
    }
    Line::from(spans)
}

fn draw_events(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let view = &app.stack;
    let mut lines: Vec<Line> = view.events.iter().skip(view.scroll).map(|e| event_line(theme, e)).collect();
    if lines.is_empty() {
        lines.push(Line::styled("No events.", dim(theme)));
    }
    let title = format!(" Events ({}, newest first) ", view.events.len());
    frame.render_widget(Paragraph::new(lines).block(panel(theme, title)), area);
}

fn draw_outputs(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let outputs = app.stack.summary().map(|s| s.outputs.as_slice()).unwrap_or(&[]);
    let width = outputs.iter().map(|o| o.key.len()).max().unwrap_or(0).min(24);
    let inner = area.width.saturating_sub(2) as usize;
    // A value that does not fit beside its key goes whole on the lines below it: a bucket's name
    // cut by the border read as another bucket's.
    let mut lines: Vec<Line> = Vec::new();
    for o in outputs {
        let value = sanitize(&o.value);
        if width + 1 + crate::model::text::width(&value) <= inner {
            lines.push(Line::from(vec![
                Span::styled(format!("{} ", super::padded(&o.key, width)), dim(theme)),
                Span::styled(value, base(theme)),
            ]));
        } else {
            lines.push(Line::styled(super::padded(&o.key, inner), dim(theme)));
            let wrapped = crate::model::text::wrap(&value, inner.saturating_sub(2).max(8));
            lines.extend(wrapped.into_iter().map(|l| Line::styled(format!("  {l}"), base(theme))));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("No outputs.", dim(theme)));
    }
    frame.render_widget(Paragraph::new(lines).block(panel(theme, " Outputs ")), area);
}

fn draw_drift(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let Some(drift) = &app.stack.drift else { return };
    let mut lines = Vec::new();
    for resource in drift {
        lines.push(Line::styled(
            format!("{} {} {}", resource.status, resource.logical_id, resource.resource_type),
            Style::new().fg(theme.warn).add_modifier(Modifier::BOLD),
        ));
        for p in &resource.properties {
            lines.push(Line::styled(
                format!(
                    "    {} {}: expected {}, actual {}",
                    p.difference,
                    p.path,
                    sanitize(&p.expected),
                    sanitize(&p.actual)
                ),
                base(theme),
            ));
        }
    }
    if lines.is_empty() {
        lines.push(Line::styled("No drift: every resource is as the stack deployed it.", Style::new().fg(theme.ok)));
    }
    frame.render_widget(Paragraph::new(lines).block(panel(theme, " Drift ")), area);
}
