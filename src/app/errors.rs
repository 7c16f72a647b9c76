//! `:errors`: every error the console met, newest first.

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{ListView, View};
use super::state::{App, ErrorRecord};

pub const VIEW: &dyn View = &Errors;

struct Errors;

const KEYS: &[Binding] = &[bind(Command::Clear, &["x"], "clear the error history").hint("clear")];

impl View for Errors {
    fn names(&self) -> &'static [&'static str] {
        &["errors"]
    }

    fn title(&self) -> &'static str {
        "Errors"
    }

    fn bindings(&self) -> &'static [Binding] {
        KEYS
    }

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        if command != Command::Clear {
            return false;
        }
        app.errors.clear();
        app.errors_cursor = ListCursor::default();
        true
    }

    fn list(&self) -> Option<&'static dyn ListView> {
        Some(&History)
    }
}

struct History;

impl ListView for History {
    fn cursor<'a>(&self, app: &'a App) -> &'a ListCursor {
        &app.errors_cursor
    }

    fn cursor_mut<'a>(&self, app: &'a mut App) -> &'a mut ListCursor {
        &mut app.errors_cursor
    }

    fn rows(&self, app: &App) -> usize {
        visible(app).len()
    }

    fn filter_help(&self) -> &'static str {
        "filter by source or message"
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
