//! `:stack`: the platform's CloudFormation stack. `p` plans (a change set shown as a diff), `a`
//! applies it after a confirmation, `D` deletes after the stack's name is typed, `d` detects
//! drift; while an operation runs its events are polled and shown with a progress bar.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::confirm;
use super::prompt::{edit_line, LineKey};
use super::state::{App, Mode, ToastLevel};
use super::update::toast;
use super::view::ViewId;
use crate::model::{Change, DriftedResource, StackEvent, StackPlan, StackSummary};
use crate::provision::{diff_lines, summary, Progress};

/// Events are read this often while an operation is in progress.
const POLL_EVERY_MS: u64 = 3_000;

/// What the console provisions: the profile's stack and template (or why there is none).
#[derive(Debug, Clone, PartialEq)]
pub struct StackTarget {
    pub name: String,
    /// The template as sent and its parameters, or the profile problem that prevents it.
    pub template: Result<(String, Vec<(String, String)>), String>,
}

/// An apply or delete this console started.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: &'static str,
    /// The platform's time just before it started: its events are those from then on.
    pub since_ms: i64,
    pub expected: usize,
    pub started_at_ms: u64,
    pub reported: bool,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StackView {
    pub target: Option<StackTarget>,
    /// `Some(None)`: read, and there is no such stack.
    pub summary: Option<Option<StackSummary>>,
    pub events: Vec<StackEvent>,
    pub plan: Option<StackPlan>,
    pub planning: bool,
    /// Ask to apply as soon as the plan arrives (`a` with no plan shown).
    pub apply_when_planned: bool,
    pub drift: Option<Vec<DriftedResource>>,
    pub drifting: bool,
    pub operation: Option<Operation>,
    /// The operation's progress, read from `events` when they arrive (not on every key or frame).
    progress: Option<Progress>,
    pub loading: bool,
    pub loaded_once: bool,
    pub poll_due_ms: u64,
    /// First event row shown.
    pub scroll: usize,
}

impl StackView {
    pub fn name(&self) -> &str {
        self.target.as_ref().map(|t| t.name.as_str()).unwrap_or_default()
    }

    /// The operation's progress, from the events read so far.
    pub fn progress(&self) -> Option<&Progress> {
        self.progress.as_ref()
    }

    /// Reads the operation's progress again; called whenever the events or the operation change.
    fn reread(&mut self) {
        self.progress =
            self.operation.as_ref().map(|op| Progress::read(self.name(), &self.events, op.since_ms, op.expected));
    }

    /// Something is changing the stack (this console's operation, or anyone's).
    pub fn busy(&self) -> bool {
        self.progress().is_some_and(|p| !p.finished())
            || self.summary.as_ref().and_then(|s| s.as_ref()).is_some_and(|s| !s.is_settled())
    }
}

fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if app.stack.loading || app.stack.target.is_none() {
        return;
    }
    app.stack.loading = true;
    app.stack.poll_due_ms = app.now_ms + POLL_EVERY_MS;
    effects.push(Effect::FetchStack { name: app.stack.name().to_string() });
}

/// Reads the stack when the view opens, and again when the overview refreshes.
pub fn refresh(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Stack {
        fetch(app, effects);
    }
}

pub fn on_open(app: &mut App, effects: &mut Vec<Effect>) {
    if app.view() == ViewId::Stack && !app.stack.loaded_once {
        fetch(app, effects);
    }
}

/// While the stack changes, its events are read every few seconds (the view open or not: the
/// operator is told when an apply ends).
pub fn poll(app: &mut App, now_ms: u64, effects: &mut Vec<Effect>) {
    if app.stack.busy() && now_ms >= app.stack.poll_due_ms {
        fetch(app, effects);
    }
}

pub fn next_wake_ms(app: &App) -> Option<u64> {
    (app.stack.busy() && !app.stack.loading).then_some(app.stack.poll_due_ms)
}

pub fn loaded(app: &mut App, summary: Option<StackSummary>, events: Vec<StackEvent>) {
    let view = &mut app.stack;
    view.loading = false;
    view.loaded_once = true;
    if summary.is_none() && view.operation.as_ref().is_some_and(|op| !op.reported) {
        // The stack is gone (CloudFormation no longer lists a deleted stack's events by name).
        view.operation = None;
        view.summary = Some(None);
        view.events = events;
        view.reread();
        let message = format!("delete finished: {} is gone", app.stack.name());
        toast(app, ToastLevel::Info, message);
        app.refresh.due_at_ms = app.now_ms;
        return;
    }
    view.summary = Some(summary);
    view.events = events;
    view.scroll = view.scroll.min(view.events.len().saturating_sub(1));
    view.reread();
    let Some(progress) = view.progress().cloned() else { return };
    let Some(op) = view.operation.as_mut().filter(|op| !op.reported && progress.finished()) else { return };
    op.reported = true;
    let kind = op.kind;
    let status = progress.stack_status.clone().unwrap_or_default();
    let (level, message) = match (&progress.failure, progress.succeeded()) {
        (_, true) => (ToastLevel::Info, format!("{kind} finished: {} {status}", app.stack.name())),
        (Some((resource, reason)), false) => {
            (ToastLevel::Error, format!("{kind} failed: {resource}: {reason} ({status})"))
        }
        (None, false) => (ToastLevel::Error, format!("{kind} ended {status}")),
    };
    toast(app, level, message);
    // What the stack made is what the overview watches: read it now.
    app.refresh.due_at_ms = app.now_ms;
}

pub fn planned(app: &mut App, plan: StackPlan, effects: &mut Vec<Effect>) {
    app.stack.planning = false;
    let apply = std::mem::take(&mut app.stack.apply_when_planned);
    if !plan.has_changes() {
        toast(app, ToastLevel::Info, format!("no changes: {} already matches the profile", plan.stack));
    }
    app.stack.plan = Some(plan);
    if apply {
        ask_apply(app, effects);
    }
}

/// A plan could not be made.
pub fn plan_failed(app: &mut App, error: &str, at: chrono::DateTime<chrono::Utc>) {
    app.stack.planning = false;
    app.stack.apply_when_planned = false;
    super::update::report_error(app, "plan", error, at);
}

/// An apply (of the plan shown: its changes are what the progress counts) or a delete started.
pub fn started(app: &mut App, kind: &'static str, since_ms: i64, effects: &mut Vec<Effect>) {
    let expected = if kind == "apply" { app.stack.plan.as_ref().map(|p| p.changes.len()).unwrap_or(0) } else { 0 };
    app.stack.plan = None;
    app.stack.operation = Some(Operation { kind, since_ms, expected, started_at_ms: app.now_ms, reported: false });
    app.stack.reread();
    app.stack.loading = false;
    fetch(app, effects);
}

pub fn key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    match key.code {
        KeyCode::Char('p') => plan(app, false, effects),
        KeyCode::Char('a') => {
            if app.stack.plan.as_ref().is_some_and(|p| p.change_set.is_some()) {
                ask_apply(app, effects);
            } else {
                plan(app, true, effects);
            }
        }
        KeyCode::Char('D') => ask_delete(app),
        KeyCode::Char('d') => {
            if !app.stack.drifting && app.stack.target.is_some() {
                app.stack.drifting = true;
                effects.push(Effect::DetectDrift { name: app.stack.name().to_string() });
                toast(app, ToastLevel::Info, "detecting drift (this takes a while on AWS)…".into());
            }
        }
        KeyCode::Char('x') => discard(app, effects),
        KeyCode::Char('j') | KeyCode::Down => {
            app.stack.scroll = (app.stack.scroll + 1).min(app.stack.events.len().saturating_sub(1))
        }
        KeyCode::Char('k') | KeyCode::Up => app.stack.scroll = app.stack.scroll.saturating_sub(1),
        _ => return false,
    }
    true
}

fn plan(app: &mut App, then_apply: bool, effects: &mut Vec<Effect>) {
    let Some(target) = app.stack.target.clone() else { return };
    let (template, parameters) = match target.template {
        Ok(t) => t,
        Err(problem) => return confirm::refuse(app, "Plan", problem),
    };
    let change = Change::PlanStack { stack: target.name.clone(), template, parameters };
    if let Some(refusal) = confirm::readonly_refusal(app, &change) {
        return confirm::refuse(app, "Plan", refusal);
    }
    if app.stack.busy() {
        return toast(app, ToastLevel::Error, format!("{} is changing: plan once it settles", target.name));
    }
    if app.stack.planning {
        return;
    }
    discard(app, effects);
    app.stack.planning = true;
    app.stack.apply_when_planned = then_apply;
    effects.push(Effect::Change { change, detail: String::new() });
}

/// Drops the plan shown (its change set is deleted).
fn discard(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(plan) = app.stack.plan.take() {
        if let Some(change_set) = plan.change_set {
            let change = Change::DiscardPlan { stack: plan.stack, change_set };
            effects.push(Effect::Change { change, detail: String::new() });
        }
    }
}

fn ask_apply(app: &mut App, _effects: &mut Vec<Effect>) {
    let Some(plan) = app.stack.plan.clone() else { return };
    let Some(change_set) = plan.change_set.clone() else { return };
    let mut lines = vec![format!("{}: {}", plan.stack, summary(&plan)), String::new()];
    lines.extend(diff_lines(&plan).into_iter().take(12).map(|l| format!("{} {}", l.mark, l.text)));
    if plan.changes.len() > 12 {
        lines.push(format!("… and {} more (see :stack)", plan.changes.len() - 12));
    }
    lines.push(String::new());
    lines.push("enter executes the change set; events follow in :stack".into());
    let change = Change::ApplyPlan { stack: plan.stack.clone(), change_set };
    confirm::ask(app, &format!("Apply to {}", plan.stack), lines, change, summary(&plan));
}

fn ask_delete(app: &mut App) {
    let name = app.stack.name().to_string();
    if name.is_empty() {
        return;
    }
    if let Some(refusal) = confirm::readonly_refusal(app, &Change::DeleteStack { stack: name.clone() }) {
        return confirm::refuse(app, "Delete stack", refusal);
    }
    if app.stack.summary.as_ref().is_some_and(|s| s.is_none()) {
        return toast(app, ToastLevel::Error, format!("there is no stack {name} to delete"));
    }
    app.mode = Mode::DeleteStack { stack: name, input: String::new(), error: None };
}

/// The delete prompt: only the stack's exact name deletes it.
pub fn delete_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let Mode::DeleteStack { stack, input, error } = &mut app.mode else { return };
    match edit_line(input, error, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            if input.trim() == stack.as_str() {
                effects.push(Effect::Change {
                    change: Change::DeleteStack { stack: stack.clone() },
                    detail: String::new(),
                });
                app.mode = Mode::Normal;
            } else {
                *error = Some(format!("type {stack} exactly to delete it (esc: keep it)"));
            }
        }
    }
}

pub fn drift_loaded(app: &mut App, drift: Vec<DriftedResource>) {
    app.stack.drifting = false;
    let message = match drift.len() {
        0 => "no drift: every resource is as the stack deployed it".to_string(),
        n => format!("{n} resource(s) drifted from the stack's template"),
    };
    app.stack.drift = Some(drift);
    toast(app, ToastLevel::Info, message);
}
