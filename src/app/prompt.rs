//! The `:` command line (with completion) and the `/` filter line.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::keymap::Command;
use super::state::*;
use super::update::{cursor, open_view, run, toast};
use super::view::ViewId;
use crate::settings::did_you_mean;

/// Commands the line accepts besides view names.
const EXTRA: &[&str] = &["help", "quit", "q", "refresh"];

/// Every name the command line completes, views first.
pub fn names() -> impl Iterator<Item = &'static str> {
    ViewId::ALL.iter().map(|v| v.command()).chain(EXTRA.iter().copied())
}

/// Names starting with what was typed.
pub fn completions(typed: &str) -> Vec<&'static str> {
    names().filter(|n| n.starts_with(typed) && *n != "q").collect()
}

pub fn command_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Mode::Command { input, stem, index } = &mut app.mode else { return };
    match key.code {
        KeyCode::Esc => app.mode = Mode::Normal,
        KeyCode::Enter => {
            let line = input.trim().to_string();
            app.mode = Mode::Normal;
            execute(app, &line, effects);
        }
        KeyCode::Tab | KeyCode::BackTab => {
            // Cycling completes from what the user typed, not from the last completion.
            let typed = stem.get_or_insert_with(|| input.trim().to_string()).clone();
            let matches = completions(&typed);
            if matches.is_empty() {
                return;
            }
            let first_press = input.trim() == typed;
            *index = match (first_press, key.code) {
                (true, KeyCode::BackTab) => matches.len() - 1,
                (true, _) => 0,
                (false, KeyCode::BackTab) => (*index + matches.len() - 1) % matches.len(),
                (false, _) => (*index + 1) % matches.len(),
            };
            *input = matches[*index].to_string();
        }
        KeyCode::Backspace => {
            input.pop();
            *stem = None;
        }
        KeyCode::Char(c) => {
            input.push(c);
            *stem = None;
        }
        _ => {}
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
    match name {
        "q" | "quit" => run(app, Command::Quit, effects),
        "help" => run(app, Command::Help, effects),
        "refresh" => run(app, Command::Refresh, effects),
        other => {
            let hint = did_you_mean(other, names());
            toast(app, ToastLevel::Info, format!("unknown command :{other}{hint}; tab completes the known ones"));
        }
    }
}

pub fn filter_key(app: &mut App, key: KeyEvent) {
    let Mode::Filter { input } = &mut app.mode else { return };
    match key.code {
        KeyCode::Esc => {
            app.mode = Mode::Normal;
            if let Some(c) = cursor(app) {
                c.filter.clear();
            }
        }
        KeyCode::Enter => app.mode = Mode::Normal,
        KeyCode::Backspace => {
            input.pop();
            let text = input.clone();
            set_filter(app, text);
        }
        KeyCode::Char(ch) => {
            input.push(ch);
            let text = input.clone();
            set_filter(app, text);
        }
        _ => {}
    }
}

/// The filter applies as it is typed.
fn set_filter(app: &mut App, text: String) {
    if let Some(c) = cursor(app) {
        c.filter = text;
        c.selected = 0;
        c.offset = 0;
    }
}

/// What a key did to a typed line (Glue arguments, an export path, a query's name).
pub enum LineKey {
    Cancel,
    Submit,
    Edited,
}

/// Edits `input` with `key`; any edit clears the `error` shown beside it.
pub fn edit_line(input: &mut String, error: &mut Option<String>, key: KeyEvent) -> LineKey {
    match key.code {
        KeyCode::Esc => return LineKey::Cancel,
        KeyCode::Enter => return LineKey::Submit,
        KeyCode::Backspace => {
            input.pop();
        }
        KeyCode::Char(c) => input.push(c),
        _ => return LineKey::Edited,
    }
    *error = None;
    LineKey::Edited
}
