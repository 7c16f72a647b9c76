//! The `:` command line (with completion), the `/` filter line, and typed lines in general.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Effect;
use super::command::Command;
use super::keymap::{Context, Keymap};
use super::list;
use super::registry::ViewId;
use super::report::toast;
use super::state::*;
use super::update::{open_view, run};
use crate::settings::did_you_mean;

/// Commands the line runs by name besides opening views: the console's own (`:quit`, `:help`,
/// `:refresh`), and `:q`.
const LINE_COMMANDS: &[Command] = &[Command::Help, Command::Quit, Command::Refresh];
const ALIASES: &[(&str, Command)] = &[("q", Command::Quit)];

/// Every name the command line knows, views first.
pub fn names() -> impl Iterator<Item = &'static str> {
    ViewId::ALL
        .iter()
        .flat_map(|v| v.spec().names.iter().copied())
        .chain(LINE_COMMANDS.iter().map(|c| c.name()))
        .chain(ALIASES.iter().map(|(alias, _)| *alias))
}

/// Names starting with what was typed (aliases are not offered).
pub fn completions(typed: &str) -> Vec<&'static str> {
    names().filter(|n| n.starts_with(typed) && !ALIASES.iter().any(|(a, _)| a == n)).collect()
}

pub fn command_key(app: &mut App, command: Option<Command>, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Mode::Command { input, stem, index } = &mut app.mode else { return };
    match command {
        Some(Command::Back) => app.mode = Mode::Normal,
        Some(Command::Confirm) => {
            let line = input.trim().to_string();
            app.mode = Mode::Normal;
            execute(app, &line, effects);
        }
        Some(Command::Complete | Command::CompleteBack) => {
            // Cycling completes from what the user typed, not from the last completion.
            let typed = stem.get_or_insert_with(|| input.trim().to_string()).clone();
            let matches = completions(&typed);
            if matches.is_empty() {
                return;
            }
            let back = command == Some(Command::CompleteBack);
            let first_press = input.trim() == typed;
            *index = match (first_press, back) {
                (true, true) => matches.len() - 1,
                (true, false) => 0,
                (false, true) => (*index + matches.len() - 1) % matches.len(),
                (false, false) => (*index + 1) % matches.len(),
            };
            *input = matches[*index].to_string();
        }
        _ => {
            if type_into(input, key) {
                *stem = None;
            }
        }
    }
}

fn execute(app: &mut App, line: &str, effects: &mut Vec<Effect>) {
    let name = line.trim_start_matches(':');
    if name.is_empty() {
        return;
    }
    if let Some(view) = ViewId::parse(name) {
        return open_view(app, view);
    }
    let command = LINE_COMMANDS
        .iter()
        .copied()
        .find(|c| c.name() == name)
        .or_else(|| ALIASES.iter().find(|(alias, _)| *alias == name).map(|(_, c)| *c));
    match command {
        Some(command) => {
            run(app, command, effects);
        }
        None => {
            let hint = did_you_mean(name, names());
            let complete = app.keys.label(app.view(), Command::Complete);
            toast(app, ToastLevel::Info, format!("unknown command :{name}{hint}; {complete} completes the known ones"));
        }
    }
}

/// The filter applies as it is typed; `confirm` keeps it, `back` clears it.
pub fn filter_key(app: &mut App, command: Option<Command>, key: KeyEvent) {
    let Mode::Filter { input } = &mut app.mode else { return };
    match command {
        Some(Command::Back) => {
            app.mode = Mode::Normal;
            list::clear_filter(app);
        }
        Some(Command::Confirm) => app.mode = Mode::Normal,
        _ => {
            if type_into(input, key) {
                let text = input.clone();
                list::set_filter(app, text);
            }
        }
    }
}

/// What a key did to a typed line (Glue arguments, an export path, a query's name).
pub enum LineKey {
    Cancel,
    Submit,
    Edited,
}

/// Edits `input` with `key` (`command` is what the dialogs' keys make of it); any edit clears the
/// `error` shown beside it.
pub fn edit_line(input: &mut String, error: &mut Option<String>, command: Option<Command>, key: KeyEvent) -> LineKey {
    match command {
        Some(Command::Back) => LineKey::Cancel,
        Some(Command::Confirm) => LineKey::Submit,
        _ => {
            if type_into(input, key) {
                *error = None;
            }
            LineKey::Edited
        }
    }
}

/// Types `key` into a line: a character, or backspace. True when the line changed.
fn type_into(input: &mut String, key: KeyEvent) -> bool {
    match key.code {
        KeyCode::Backspace => input.pop().is_some(),
        KeyCode::Char(c) if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
            input.push(c);
            true
        }
        _ => false,
    }
}

/// The status line's words for a typed line: `confirm` and `back` as configured.
pub fn line_keys(keys: &Keymap) -> (String, String) {
    let first = |command| keys.chords(Context::Dialog, command).first().map(|c| c.to_string()).unwrap_or_default();
    (first(Command::Confirm), first(Command::Back))
}
