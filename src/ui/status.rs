use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim};
use crate::app::{completions, App, Mode, ViewId};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let line = match &app.mode {
        Mode::Command { input, .. } => {
            let matches = completions(input.trim());
            let hint = if input.is_empty() {
                "views: overview streams lambda glue … (tab completes)".to_string()
            } else {
                matches.join(" ")
            };
            Line::from(vec![
                Span::styled(":", key),
                Span::styled(format!("{input}▏"), base(theme)),
                Span::styled(format!("   {hint}"), dim(theme)),
            ])
        }
        Mode::Filter { input } => Line::from(vec![
            Span::styled("/", key),
            Span::styled(format!("{input}▏"), base(theme)),
            Span::styled("   enter keeps the filter, esc clears it", dim(theme)),
        ]),
        Mode::Arguments { job, input, error } => {
            typed_line(theme, &format!("arguments for {job}: "), input, error, "KEY=VALUE … then enter; esc cancels")
        }
        Mode::DeleteStack { stack, input, error } => typed_line(
            theme,
            &format!("type {stack} to DELETE it: "),
            input,
            error,
            "every resource but the buckets and the key goes; esc keeps it",
        ),
        Mode::Pick(picker) => Line::from(vec![
            Span::styled(" ↑↓ ", key),
            Span::styled("choose", dim(theme)),
            Span::styled("  enter ", key),
            Span::styled(picker.purpose.verb(), dim(theme)),
            Span::styled("  esc ", key),
            Span::styled("close", dim(theme)),
        ]),
        Mode::SaveQuery { input, error } => typed_line(
            theme,
            "save query as: ",
            input,
            error,
            "enter saves the editor's SQL in the workgroup; esc cancels",
        ),
        Mode::Export { input, error } => typed_line(
            theme,
            "export results to: ",
            input,
            error,
            "a path ending in .csv or .json, then enter; esc cancels",
        ),
        Mode::Help => Line::from(vec![Span::styled(" esc ", key), Span::styled("close help", dim(theme))]),
        Mode::Reshard(_) | Mode::Confirm(_) => Line::from(vec![
            Span::styled(" enter ", key),
            Span::styled("confirm", dim(theme)),
            Span::styled("  esc ", key),
            Span::styled("cancel", dim(theme)),
        ]),
        Mode::Normal => {
            let mut spans = vec![Span::styled(
                format!(" {} ", app.view().title()),
                Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg),
            )];
            for (k, what) in hints(app) {
                spans.push(Span::styled(format!("  {k}"), key));
                spans.push(Span::styled(format!(" {what}"), dim(theme)));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line).style(base(theme)), area);
}

/// A line being typed: its label, the text with a cursor, then its error or what to do.
fn typed_line(theme: &Theme, label: &str, input: &str, error: &Option<String>, hint: &str) -> Line<'static> {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let after = match error {
        Some(e) => Span::styled(format!("   {e}"), Style::new().fg(theme.critical).bg(theme.background)),
        None => Span::styled(format!("   {hint}"), dim(theme)),
    };
    Line::from(vec![Span::styled(label.to_string(), key), Span::styled(format!("{input}▏"), base(theme)), after])
}

fn hints(app: &App) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    match app.view() {
        ViewId::Overview => {
            out.push(("enter", "open"));
            out.push(("/", "filter"));
        }
        ViewId::Errors => {
            out.push(("/", "filter"));
            out.push(("x", "clear"));
        }
        ViewId::Streams => {
            out.push(("enter", "detail"));
            out.push(("s", "sort"));
            out.push(("/", "filter"));
        }
        ViewId::Audit => {
            out.push(("w", "writes"));
            out.push(("t", "window"));
            out.push(("/", "filter"));
        }
        ViewId::Alarms => out.push(("/", "filter")),
        ViewId::Athena => {
            out.push(("F5", "run"));
            out.push(("tab", "editor/results"));
            out.push(("x", "cancel"));
            out.push(("e", "export"));
        }
        ViewId::Lambda => {
            out.push(("w", "window"));
            out.push(("e", "errors"));
            out.push(("f", "follow"));
        }
        ViewId::Glue => {
            out.push(("tab", "pane"));
            out.push(("s", "run"));
            out.push(("x", "stop"));
            out.push(("c", "crawl"));
        }
        ViewId::Peek => {
            out.push(("f", "follow"));
            out.push(("t", "from"));
        }
        ViewId::StreamDetail => {
            out.push(("p", "peek"));
            out.push(("w", "window"));
            out.push(("u", "scale"));
            out.push(("x", "split"));
            out.push(("m", "merge"));
        }
        _ => {}
    }
    if app.views.len() > 1 {
        out.push(("esc", "back"));
    }
    out.extend([(":", "command"), ("r", "refresh"), ("?", "help"), ("q", "quit")]);
    out
}
