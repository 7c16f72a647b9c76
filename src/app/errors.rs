//! `:errors`: every error the console met, newest first; the selected one read whole with `enter`
//! (the list cuts it at the edge).

use ratatui::layout::Rect;

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::layout;
use super::list::ListCursor;
use super::registry::{ListSpec, Pane, View, ViewSpec};
use super::state::{App, ErrorRecord};

pub const VIEW: &dyn View = &Errors;

struct Errors;

const KEYS: &[Binding] = &[
    bind(Command::Open, &["enter"], "read the selected error whole / close it").hint("read"),
    bind(Command::Clear, &["x"], "clear the error history").hint("clear"),
    bind(Command::Down, &["j", "↓"], "scroll the error").and(Command::Up, &["k", "↑"]).pane(Pane::Error),
    bind(Command::PageDown, &["pgdn", "ctrl-d"], "scroll the error a page")
        .and(Command::PageUp, &["pgup", "ctrl-u"])
        .pane(Pane::Error),
    bind(Command::Top, &["home", "g"], "the error's start / end").and(Command::Bottom, &["end", "G"]).pane(Pane::Error),
    bind(Command::Back, &["esc"], "close the error").pane(Pane::Error).hint("close"),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["errors"],
    title: "Errors",
    keys: KEYS,
    list: Some(ListSpec {
        filter_help: "filter by source or message",
        ..ListSpec::new(|app| &app.errors_cursor, |app| &mut app.errors_cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Errors {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn pane(&self, app: &App) -> Option<Pane> {
        app.errors_reading.as_ref().map(|_| Pane::Error)
    }

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        let reading = app.errors_reading.is_some();
        match command {
            Command::Open | Command::Back if reading => app.errors_reading = None,
            Command::Open => {
                app.errors_reading = visible(app).get(app.errors_cursor.selected).map(|e| ((*e).clone(), 0))
            }
            Command::Clear => {
                app.errors.clear();
                app.errors_cursor = ListCursor::default();
                app.errors_reading = None;
            }
            Command::Down | Command::Up | Command::PageDown | Command::PageUp | Command::Top | Command::Bottom
                if reading =>
            {
                scroll(app, command)
            }
            // The list under the reader stays as it is while the error is read.
            Command::Filter if reading => {}
            _ => return false,
        }
        true
    }
}

/// The reader's lines: when and where the error happened, then its text, wrapped to `width`.
pub fn reader_lines(error: &ErrorRecord, width: u16) -> Vec<String> {
    let count = if error.count > 1 {
        format!(" · {} times in a row, the last at that time", error.count)
    } else {
        String::new()
    };
    let head = format!("{} UTC · {}{count}", error.at.format("%Y-%m-%d %H:%M:%S"), error.source.label());
    let mut lines = crate::model::text::wrap(&head, width as usize);
    lines.push(String::new());
    lines.extend(crate::model::text::wrap(&error.message, width as usize));
    lines
}

fn scroll(app: &mut App, command: Command) {
    let body = layout::areas(Rect::new(0, 0, app.width, app.height)).body;
    let (width, height) = layout::reader_text_size(body);
    if let Some((error, at)) = app.errors_reading.as_mut() {
        let lines = reader_lines(error, width).len();
        *at = layout::reader_scrolled(*at, command, lines, height as usize);
    }
}

/// Error history rows that pass the filter, newest first.
pub fn visible(app: &App) -> Vec<&ErrorRecord> {
    let needle = app.errors_cursor.filter.to_lowercase();
    app.errors
        .iter()
        .rev()
        .filter(|e| {
            needle.is_empty() || e.message.to_lowercase().contains(&needle) || e.source.label().contains(&needle)
        })
        .collect()
}
