//! `:errors`: every error the console met, newest first.

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{ListSpec, View, ViewSpec};
use super::state::{App, ErrorRecord};

pub const VIEW: &dyn View = &Errors;

struct Errors;

const KEYS: &[Binding] = &[bind(Command::Clear, &["x"], "clear the error history").hint("clear")];

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

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        if command != Command::Clear {
            return false;
        }
        app.errors.clear();
        app.errors_cursor = ListCursor::default();
        true
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
