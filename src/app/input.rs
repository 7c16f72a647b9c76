//! Keys: each becomes a command through the key table (the mode's, then the view's, its list's,
//! the console's), or text where something is being typed.

use crossterm::event::KeyEvent;

use super::action::Effect;
use super::chord::Chord;
use super::command::Command;
use super::keymap::Context;
use super::list;
use super::state::{App, Mode};
use super::update::run;
use super::{athena, confirm, emr, glue, picker, prompt, stack, stream_detail, workflows};

pub fn on_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Some(chord) = Chord::of(&key) else { return };
    // The interrupt key works in every mode: it cancels what runs, else quits.
    if app.keys.command(Context::Global, None, chord) == Some(Command::Interrupt) {
        let cancelled = app.mode == Mode::Normal && app.view().view().command(app, Command::Interrupt, effects);
        if !cancelled {
            run(app, Command::Quit, effects);
        }
        return;
    }
    // A terminal too small shows only how to get out: a key acting on what is not drawn could
    // confirm a change blind.
    if super::layout::too_small(app.width, app.height) {
        if app.keys.command(Context::Global, None, chord) == Some(Command::Quit) {
            run(app, Command::Quit, effects);
        }
        return;
    }
    let dialog = app.keys.command(Context::Dialog, None, chord);
    match &app.mode {
        Mode::Normal => normal(app, chord, key, effects),
        Mode::Help { .. } => help(app, chord),
        Mode::Command { .. } => prompt::command_key(app, dialog, key, effects),
        Mode::Filter { .. } => prompt::filter_key(app, dialog, key),
        Mode::Reshard(_) => match dialog {
            Some(command) => stream_detail::dialog_command(app, command, effects),
            None => stream_detail::dialog_text(app, key),
        },
        Mode::Confirm(_) => {
            if let Some(command) = dialog {
                confirm::command(app, command, effects);
            }
        }
        Mode::Pick(_) => {
            if let Some(command) = dialog.or_else(|| app.keys.command(Context::List, None, chord)) {
                picker::command(app, command, effects);
            }
        }
        Mode::Arguments { .. } => glue::arguments_key(app, dialog, key),
        Mode::ExecutionInput { .. } => workflows::input_key(app, dialog, key, effects),
        Mode::DeleteStack { .. } => stack::delete_key(app, dialog, key, effects),
        Mode::TerminateCluster { .. } => emr::terminate_key(app, dialog, key, effects),
        Mode::Export { .. } => athena::export_key(app, dialog, key, effects),
        Mode::SaveQuery { .. } => athena::save_key(app, dialog, key, effects),
    }
}

/// The view's own keys first; then text, where the view takes it; then its list's keys and
/// those everywhere (but not keys that type, in a view that takes text).
fn normal(app: &mut App, chord: Chord, key: KeyEvent, effects: &mut Vec<Effect>) {
    if let Some(command) = own_command(app, chord) {
        if dispatch(app, command, effects) {
            return;
        }
    }
    let view = app.view().view();
    if view.takes_text(app) && view.text(app, key, effects) {
        return;
    }
    for command in shared_commands(app, chord) {
        if dispatch(app, command, effects) {
            return;
        }
    }
}

/// What `chord` means on the view on screen, in the part that has the keys.
fn own_command(app: &App, chord: Chord) -> Option<Command> {
    let view = app.view();
    app.keys.command(Context::View(view), view.view().pane(app), chord)
}

/// What `chord` means in the view's list (if it has one) and everywhere, in that order; nothing
/// for a key that types, in a view that takes text.
fn shared_commands(app: &App, chord: Chord) -> Vec<Command> {
    let view = app.view().view();
    if view.takes_text(app) && chord.is_text() {
        return Vec::new();
    }
    Context::shared(app.view()).into_iter().filter_map(|c| app.keys.command(c, None, chord)).collect()
}

/// The command `chord` asks for first on the view on screen (the one the status bar names).
#[cfg(test)]
pub fn meaning(app: &App, chord: Chord) -> Option<Command> {
    own_command(app, chord).or_else(|| shared_commands(app, chord).into_iter().next())
}

/// A command means what the view makes of it first, then what a list does, then the console's.
pub fn dispatch(app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
    app.view().view().command(app, command, effects)
        || list::command(app, command)
        || super::markers::command(app, command, effects)
        || run(app, command, effects)
}

/// In the help: its own key, back, quit or confirm close it; a list's keys scroll it.
fn help(app: &mut App, chord: Chord) {
    let command = [Context::Global, Context::Dialog, Context::List]
        .into_iter()
        .find_map(|context| app.keys.command(context, None, chord));
    let Mode::Help { scroll } = &mut app.mode else { return };
    match command {
        Some(Command::Help | Command::Back | Command::Quit | Command::Confirm) => app.mode = Mode::Normal,
        Some(Command::Down) => *scroll += 1,
        Some(Command::Up) => *scroll = scroll.saturating_sub(1),
        Some(Command::PageDown) => *scroll += 10,
        Some(Command::PageUp) => *scroll = scroll.saturating_sub(10),
        Some(Command::Top) => *scroll = 0,
        _ => {}
    }
}
