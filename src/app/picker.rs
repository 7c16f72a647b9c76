//! One list to choose from over `:athena`: saved queries, the workgroup's history, the
//! catalog (databases → tables → columns), databases and workgroups. What enter does
//! depends on what the list is for.

use super::athena::AthenaFocus;
use super::command::Command;
use super::state::{App, Mode};

/// What choosing does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The choice's SQL replaces the editor's (one undo step).
    ReplaceSql,
    /// The choice's name goes in at the cursor.
    InsertName,
    /// Queries run in this database from now on.
    Database,
    /// Queries run in this workgroup from now on.
    Workgroup,
    /// The template's step is added to the cluster selected in `:emr` (after its check).
    StepTemplate,
}

impl Purpose {
    /// What enter does, for the status line.
    pub fn verb(self) -> &'static str {
        match self {
            Purpose::ReplaceSql => "put it in the editor",
            Purpose::InsertName => "insert the name at the cursor",
            Purpose::Database => "run queries in this database",
            Purpose::Workgroup => "run queries in this workgroup",
            Purpose::StepTemplate => "add this step to the cluster",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    pub label: String,
    /// Said after the label, dimmed (a state, a type, a description).
    pub detail: String,
    /// What choosing it uses: SQL, a name.
    pub value: String,
    /// Indentation in a tree (the catalog).
    pub depth: u8,
    /// SQL shown below the list for the selected choice.
    pub preview: Option<String>,
}

impl Choice {
    pub fn new(label: impl Into<String>, detail: impl Into<String>, value: impl Into<String>) -> Choice {
        Choice { label: label.into(), detail: detail.into(), value: value.into(), depth: 0, preview: None }
    }

    pub fn at_depth(self, depth: u8) -> Choice {
        Choice { depth, ..self }
    }

    /// A query: its SQL is both what is chosen and what is shown below the list.
    pub fn query(label: impl Into<String>, detail: impl Into<String>, sql: &str) -> Choice {
        Choice { preview: Some(sql.to_string()), ..Choice::new(label, detail, sql) }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub title: String,
    pub purpose: Purpose,
    pub choices: Vec<Choice>,
    pub selected: usize,
}

impl Picker {
    pub fn new(title: impl Into<String>, purpose: Purpose, choices: Vec<Choice>) -> Picker {
        Picker { title: title.into(), purpose, choices, selected: 0 }
    }
}

/// A list's moves choose; `confirm` uses the choice; `back` closes.
pub fn command(app: &mut App, command: Command, effects: &mut Vec<super::action::Effect>) {
    let Mode::Pick(picker) = &mut app.mode else { return };
    let last = picker.choices.len().saturating_sub(1);
    let s = &mut picker.selected;
    match command {
        Command::Back => app.mode = Mode::Normal,
        Command::Down => *s = (*s + 1).min(last),
        Command::Up => *s = s.saturating_sub(1),
        Command::PageDown => *s = (*s + PAGE).min(last),
        Command::PageUp => *s = s.saturating_sub(PAGE),
        Command::Top => *s = 0,
        Command::Bottom => *s = last,
        Command::Confirm => {
            let choice = picker.choices.get(picker.selected).cloned();
            let purpose = picker.purpose;
            app.mode = Mode::Normal;
            if let Some(choice) = choice {
                apply(app, purpose, choice, effects);
            }
        }
        _ => {}
    }
}

/// Choices a page key moves.
const PAGE: usize = 10;

fn apply(app: &mut App, purpose: Purpose, choice: Choice, effects: &mut Vec<super::action::Effect>) {
    let view = &mut app.athena;
    match purpose {
        Purpose::StepTemplate => super::emr::template_chosen(app, &choice.value, effects),
        Purpose::ReplaceSql => {
            view.draft = None;
            view.recalled = None;
            view.editor.replace_text(&choice.value);
            view.error = None;
            view.error_at = None;
            view.focus = AthenaFocus::Editor;
        }
        Purpose::InsertName => {
            view.editor.insert_text(&choice.value);
            view.focus = AthenaFocus::Editor;
        }
        Purpose::Database | Purpose::Workgroup => {
            if let Some(target) = app.athena_target.as_mut() {
                let (slot, what) = if purpose == Purpose::Database {
                    (&mut target.1, "database")
                } else {
                    (&mut target.0, "workgroup")
                };
                *slot = choice.value.clone();
                view.hint = Some(format!("queries now run in {what} {}", choice.value));
            }
        }
    }
}
