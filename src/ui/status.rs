//! The bottom line: in normal mode the view's title and its keys (from the key table, as
//! configured); in a dialog or a typed line, what the keys do there.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{base, dim};
use crate::app::keymap::Context;
use crate::app::prompt::line_keys;
use crate::app::{completions, App, Command, Mode};
use crate::settings::Theme;

pub fn draw(app: &App, theme: &Theme, frame: &mut Frame, area: Rect) {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let (confirm, cancel) = line_keys(&app.keys);
    let line = match &app.mode {
        Mode::Command { input, .. } => {
            let complete = app.keys.chords(Context::Dialog, Command::Complete).first().map(|c| c.to_string());
            let hint = if input.is_empty() {
                format!("views: overview streams lambda glue … ({} completes)", complete.unwrap_or_default())
            } else {
                completions(input.trim()).join(" ")
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
            Span::styled(format!("   {confirm} keeps the filter, {cancel} clears it"), dim(theme)),
        ]),
        Mode::Arguments { job, input, error } => typed_line(
            theme,
            &format!("arguments for {job}: "),
            input,
            error,
            &format!("KEY=VALUE … then {confirm}; {cancel} cancels"),
        ),
        Mode::ExecutionInput { state_machine, input, error } => typed_line(
            theme,
            &format!("input file (JSON) for {state_machine}: "),
            input,
            error,
            &format!("{confirm} reads it and asks; {cancel} cancels"),
        ),
        Mode::TerminateCluster { name, input, error, .. } => typed_line(
            theme,
            &format!("type {name} to TERMINATE it: "),
            input,
            error,
            &format!("its instances and HDFS go; {cancel} keeps the cluster"),
        ),
        Mode::DeleteStack { stack, kept, input, error } => typed_line(
            theme,
            &format!("type {stack} to DELETE it: "),
            input,
            error,
            &format!("everything else goes ({kept}); {cancel} keeps the stack"),
        ),
        Mode::Pick(picker) => keys_line(
            theme,
            &[
                ("↑↓", "choose".to_string()),
                (confirm.as_str(), picker.purpose.verb().to_string()),
                (cancel.as_str(), "close".into()),
            ],
        ),
        Mode::SaveQuery { input, error } => typed_line(
            theme,
            "save query as: ",
            input,
            error,
            &format!("{confirm} saves the editor's SQL in the workgroup; {cancel} cancels"),
        ),
        Mode::Export { input, error } => {
            let default = app.athena.results.as_ref().map(|r| crate::ops::athena::default_export(&r.id));
            // What enter alone writes first: at 80 columns the end of the hint is cut.
            let alone = default.map(|d| format!("{confirm} alone: {} · ", crate::model::text::sanitize(&d)));
            typed_line(
                theme,
                "export results to: ",
                input,
                error,
                &format!("{}or a path ending in .csv or .json · {cancel} cancels", alone.unwrap_or_default()),
            )
        }
        Mode::Help { .. } => keys_line(theme, &[(cancel.as_str(), "close help".to_string())]),
        // A refused change: enter does nothing, so only the way out is offered.
        Mode::Confirm(dialog) if dialog.effect.is_none() => keys_line(theme, &[(cancel.as_str(), "close".to_string())]),
        Mode::Reshard(_) | Mode::Confirm(_) => {
            keys_line(theme, &[(confirm.as_str(), "confirm".to_string()), (cancel.as_str(), "cancel".to_string())])
        }
        Mode::Normal => {
            let mut spans = vec![Span::styled(
                format!(" {} ", app.view().title()),
                Style::new().fg(theme.highlight_fg).bg(theme.highlight_bg),
            )];
            for hint in app.hints() {
                spans.push(Span::styled(format!("  {}", hint.key), key));
                spans.push(Span::styled(format!(" {}", hint.label), dim(theme)));
            }
            Line::from(spans)
        }
    };
    frame.render_widget(Paragraph::new(line).style(base(theme)), area);
}

/// Keys and what they do: " enter confirm  esc cancel".
fn keys_line(theme: &Theme, keys: &[(&str, String)]) -> Line<'static> {
    let key = Style::new().fg(theme.accent).bg(theme.background).add_modifier(Modifier::BOLD);
    let mut spans = Vec::new();
    for (i, (k, what)) in keys.iter().enumerate() {
        let gap = if i == 0 { " " } else { "  " };
        spans.push(Span::styled(format!("{gap}{k} "), key));
        spans.push(Span::styled(what.clone(), dim(theme)));
    }
    Line::from(spans)
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
