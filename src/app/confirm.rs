//! A confirmation as data: what will happen, and the effect to run if the operator says yes
//! (none when a rule or read-only mode refuses it).

use super::action::Effect;
use super::command::Command;
use super::state::{App, Mode};
use crate::model::Change;

#[derive(Debug, Clone, PartialEq)]
pub struct ConfirmDialog {
    pub title: String,
    pub lines: Vec<String>,
    /// What enter does; `None` when the change is refused.
    pub effect: Option<Effect>,
    pub refusal: Option<String>,
    /// What the console itself does once the effect is on its way.
    pub then: Option<Then>,
    /// A refusal of the gate's rules, journaled as the headless commands journal it: written once,
    /// as the dialog opens (`update`'s housekeeping takes it).
    pub journal: Option<Effect>,
}

/// What the console does after a confirmed effect, besides running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// `:athena` waits on the query it confirmed (`athena_query::begin`).
    QueryStarted,
    /// The console ends.
    Quit,
    /// The console ends once the running query's cancel is answered.
    QuitWhenCancelled,
}

/// Shows the dialog asking to make `change` (`detail`, the plan in words, is journaled with it);
/// a rule of the gate turns it into the gate's refusal, explained before anything is asked.
pub fn ask(app: &mut App, title: &str, lines: Vec<String>, change: Change, detail: String) {
    let refusal = refusal(app, &change);
    let journal = refusal.as_ref().map(|refusal| refusal_record(&change, detail.clone(), refusal));
    let effect = refusal.is_none().then_some(Effect::Change { change, detail });
    let dialog = ConfirmDialog { title: title.to_string(), lines, effect, refusal, then: None, journal };
    app.mode = Mode::Confirm(Box::new(dialog));
}

/// When the gate's rules refuse `change` in this console (read-only mode, what the backend cannot
/// make): shows why in a dialog titled `title`, journals the refusal as the headless command
/// journals it, and says so (`true`); nothing is asked.
pub fn refused(app: &mut App, title: &str, change: &Change) -> bool {
    let Some(refusal) = refusal(app, change) else { return false };
    let journal = refusal_record(change, String::new(), &refusal);
    refuse(app, title, refusal);
    if let Mode::Confirm(dialog) = &mut app.mode {
        dialog.journal = Some(journal);
    }
    true
}

/// When a rule refuses `change` (a resharding limit, a run already running): shows why in a
/// dialog titled `title` and journals the refusal as the headless command journals it.
pub fn refuse_change(app: &mut App, title: &str, change: &Change, refusal: &crate::ops::refusal::Refusal) {
    let journal = Effect::Record {
        action: change.action(),
        target: change.target().to_string(),
        detail: String::new(),
        outcome: refusal.outcome(),
    };
    refuse(app, title, refusal.text());
    if let Mode::Confirm(dialog) = &mut app.mode {
        dialog.journal = Some(journal);
    }
}

/// The journal's line of the gate's `refusal` of `change`.
pub fn refusal_record(change: &Change, detail: String, refusal: &str) -> Effect {
    Effect::Record {
        action: change.action(),
        target: change.target().to_string(),
        detail,
        outcome: format!("refused: {refusal}"),
    }
}

/// The journal line of a refusal just shown, once.
pub fn take_journal(app: &mut App) -> Option<Effect> {
    match &mut app.mode {
        Mode::Confirm(dialog) => dialog.journal.take(),
        _ => None,
    }
}

/// Why the gate would refuse `change` in this console (read-only mode, or what the backend
/// cannot make), or `None`: the gate's own rules, said before anything is asked.
pub fn refusal(app: &App, change: &Change) -> Option<String> {
    readonly_refusal_of(app.readonly, change)
        .or_else(|| crate::ops::change::backend_refusal(&app.header.backend, change))
}

pub fn readonly_refusal_of(readonly: bool, change: &Change) -> Option<String> {
    if readonly {
        crate::ops::change::readonly_refusal(change)
    } else {
        None
    }
}

/// Shows why a change cannot be made (a rule refused it); enter does nothing, esc closes.
pub fn refuse(app: &mut App, title: &str, refusal: String) {
    app.mode = Mode::Confirm(Box::new(ConfirmDialog {
        title: title.to_string(),
        lines: Vec::new(),
        effect: None,
        refusal: Some(refusal),
        then: None,
        journal: None,
    }));
}

/// `confirm` makes the change (when nothing refused it); `back` closes the dialog.
pub fn command(app: &mut App, command: Command, effects: &mut Vec<Effect>) {
    let Mode::Confirm(dialog) = &app.mode else { return };
    match command {
        Command::Back => app.mode = Mode::Normal,
        Command::Confirm if dialog.refusal.is_none() => {
            let then = dialog.then;
            effects.extend(dialog.effect.clone());
            app.mode = Mode::Normal;
            match then {
                Some(Then::QueryStarted) => super::athena_query::begin(app),
                Some(Then::Quit) => super::update::quit(app, effects),
                Some(Then::QuitWhenCancelled) => app.quit_when_cancelled = true,
                None => {}
            }
        }
        _ => {}
    }
}
