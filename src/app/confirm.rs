//! A confirmation as data: what will happen, and the effect to run if the operator says yes
//! (none when a rule or read-only mode refuses it).

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::state::{App, Mode};

#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub title: String,
    pub lines: Vec<String>,
    /// What enter does; `None` when the change is refused.
    pub effect: Option<Effect>,
    pub refusal: Option<String>,
}

/// Shows the dialog; read-only mode turns it into a refusal.
pub fn ask(app: &mut App, title: &str, lines: Vec<String>, effect: Effect, what: &str) {
    let (effect, refusal) = if app.header.readonly {
        (None, Some(format!("read-only mode: {what} is a change and read-only mode refuses every change")))
    } else {
        (Some(effect), None)
    };
    app.mode = Mode::Confirm(Box::new(ConfirmDialog { title: title.to_string(), lines, effect, refusal }));
}

/// Shows why a change cannot be made (a rule refused it); enter does nothing, esc closes.
pub fn refuse(app: &mut App, title: &str, refusal: String) {
    app.mode = Mode::Confirm(Box::new(ConfirmDialog {
        title: title.to_string(),
        lines: Vec::new(),
        effect: None,
        refusal: Some(refusal),
    }));
}

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Mode::Confirm(dialog) = &app.mode else { return };
    match key.code {
        KeyCode::Esc => app.mode = Mode::Normal,
        KeyCode::Enter => {
            if let Some(effect) = dialog.effect.clone() {
                effects.push(effect);
                app.mode = Mode::Normal;
            }
        }
        _ => {}
    }
}
