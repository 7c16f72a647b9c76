//! `:stack`: the platform's CloudFormation stack. `plan` makes a change set shown as a diff,
//! `apply` executes it after a confirmation, `delete` wants the stack's name typed, `drift`
//! detects drift; while an operation runs its events are polled and shown with a progress bar.

use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::prompt::{edit_line, LineKey};
use super::registry::{View, ViewId, ViewSpec};
use super::report::{report_error, toast, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode, ToastLevel};
use crate::model::{Change, DriftedResource, StackEvent, StackPlan, StackSummary};
use crate::platform::PlatformError;
use crate::provision::{diff_lines, summary, Progress};

/// Events are read this often while an operation is in progress.
const POLL_EVERY_MS: u64 = 3_000;

pub const VIEW: &dyn View = &Stack;

struct Stack;

const KEYS: &[Binding] = &[
    bind(Command::Plan, &["p"], "plan: a change set from the profile, shown as a diff").hint("plan").changes(),
    bind(Command::Apply, &["a"], "apply the plan, after a yes (plans first if needed)").hint("apply").changes(),
    bind(Command::Discard, &["x"], "discard the plan shown (its change set is deleted)").hint("discard").changes(),
    bind(Command::Drift, &["d"], "detect drift: resources changed outside the stack").hint("drift"),
    bind(Command::Delete, &["D"], "delete the stack (type its name to confirm)").hint("delete").changes(),
    bind(Command::Down, &["j", "↓"], "scroll the events").and(Command::Up, &["k", "↑"]),
];

const SPEC: ViewSpec = ViewSpec { names: &["stack"], title: "Stack", keys: KEYS, ..ViewSpec::NONE };

impl View for Stack {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match command {
            Command::Plan => plan(app, AfterPlan::Show, effects),
            Command::Apply => {
                if app.stack.plan.as_ref().is_some_and(|p| p.change_set.is_some()) {
                    ask_apply(app);
                } else {
                    plan(app, AfterPlan::Apply, effects);
                }
            }
            Command::Delete => ask_delete(app),
            Command::Drift => detect_drift(app, effects),
            Command::Discard => discard(app, effects),
            Command::Down => app.stack.scroll = (app.stack.scroll + 1).min(app.stack.events.len().saturating_sub(1)),
            Command::Up => app.stack.scroll = app.stack.scroll.saturating_sub(1),
            _ => return false,
        }
        true
    }

    fn next_wake_ms(&self, app: &App) -> Option<u64> {
        (app.stack.busy() && !app.stack.request.is_loading()).then_some(app.stack.poll_due_ms)
    }

    /// The first read when the view opens; while the stack changes, its events every few seconds
    /// (the view open or not: the operator is told when an apply ends).
    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        let first = app.view() == ViewId::Stack && !app.stack.request.answered();
        if first || (app.stack.busy() && app.now_ms >= app.stack.poll_due_ms) {
            fetch(app, effects);
        }
    }

    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        fetch(app, effects);
    }
}

/// What the console provisions: the profile's stack and template (or why there is none).
#[derive(Debug, Clone, PartialEq)]
pub struct StackTarget {
    pub name: String,
    pub template: Template,
}

/// The template as sent and its parameters, or the profile problem that prevents it.
pub type Rendered = Result<(String, Vec<(String, String)>), String>;

/// The profile's template, rendered the first time a plan or the delete prompt needs it rather
/// than at launch: rendering its 50 KB of JSON was half of a build from source's launch to first
/// frame (docs/performance.md), for actions most sessions never take. Clones share one rendering.
#[derive(Clone)]
pub struct Template(Arc<Lazy>);

type Render = Box<dyn FnOnce() -> Rendered + Send>;

struct Lazy {
    rendered: OnceLock<Rendered>,
    render: Mutex<Option<Render>>,
}

impl Template {
    /// Rendered by `render` when first needed.
    pub fn later(render: impl FnOnce() -> Rendered + Send + 'static) -> Template {
        Template(Arc::new(Lazy { rendered: OnceLock::new(), render: Mutex::new(Some(Box::new(render))) }))
    }

    /// Already rendered.
    pub fn ready(rendered: Rendered) -> Template {
        Template(Arc::new(Lazy { rendered: OnceLock::from(rendered), render: Mutex::new(None) }))
    }

    pub fn get(&self) -> &Rendered {
        self.0.rendered.get_or_init(|| {
            let render = self.0.render.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take();
            render.map_or_else(|| Err("the template could not be rendered".into()), |render| render())
        })
    }
}

/// The same rendering, or two rendered alike; comparing never renders.
impl PartialEq for Template {
    fn eq(&self, other: &Template) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
            || matches!((self.0.rendered.get(), other.0.rendered.get()), (Some(a), Some(b)) if a == b)
    }
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.rendered.get() {
            Some(rendered) => f.debug_tuple("Template").field(rendered).finish(),
            None => f.write_str("Template(not rendered yet)"),
        }
    }
}

/// An apply or delete this console started.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    pub kind: &'static str,
    /// The journal's action and detail for it: its end is journaled as `lakeops provision` does.
    pub action: &'static str,
    pub detail: String,
    /// The platform's time just before it started: its events are those from then on.
    pub since_ms: i64,
    pub expected: usize,
    pub started_at_ms: u64,
    pub reported: bool,
}

/// What the last read found.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Found {
    #[default]
    NotRead,
    /// There is no such stack.
    Missing,
    Stack(StackSummary),
}

/// What a plan is for when it arrives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum AfterPlan {
    #[default]
    Show,
    /// Ask to apply it at once (`apply` with no plan shown).
    Apply,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StackView {
    pub target: Option<StackTarget>,
    pub found: Found,
    pub events: Vec<StackEvent>,
    /// The read of the stack and its events.
    pub request: Request,
    pub plan: Option<StackPlan>,
    /// The change set being made, and what it is for.
    pub planning: Request,
    pub after_plan: AfterPlan,
    pub drift: Option<Vec<DriftedResource>>,
    pub drifting: Request,
    pub operation: Option<Operation>,
    /// The operation's progress, read from `events` when they arrive (not on every key or frame).
    progress: Option<Progress>,
    pub poll_due_ms: u64,
    /// First event row shown.
    pub scroll: usize,
}

impl StackView {
    pub fn name(&self) -> &str {
        self.target.as_ref().map(|t| t.name.as_str()).unwrap_or_default()
    }

    /// The stack as last read, when there is one.
    pub fn summary(&self) -> Option<&StackSummary> {
        match &self.found {
            Found::Stack(summary) => Some(summary),
            _ => None,
        }
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
        self.progress().is_some_and(|p| !p.finished()) || self.summary().is_some_and(|s| !s.is_settled())
    }
}

/// Reads the stack unless a read is out.
pub(super) fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if app.stack.target.is_none() {
        return;
    }
    if let Some(id) = app.stack.request.start(app.now_ms) {
        app.stack.poll_due_ms = app.now_ms + POLL_EVERY_MS;
        effects.push(Effect::FetchStack { name: app.stack.name().to_string(), id });
    }
}

/// The stack and its events arrived (or why not).
pub fn loaded(
    app: &mut App,
    id: RequestId,
    result: Result<(Option<StackSummary>, Vec<StackEvent>), PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
    effects: &mut Vec<Effect>,
) {
    let now = app.now_ms;
    if !app.stack.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok((summary, events)) => {
            super::markers::stack_read(app, &events, at);
            read(app, summary, events, effects)
        }
        Err(e) => report_error(app, ErrorSource::Stack, &e.to_string(), at),
    }
}

fn read(app: &mut App, summary: Option<StackSummary>, events: Vec<StackEvent>, effects: &mut Vec<Effect>) {
    let view = &mut app.stack;
    if summary.is_none() && view.operation.as_ref().is_some_and(|op| !op.reported) {
        // The stack is gone (CloudFormation no longer lists a deleted stack's events by name).
        if let Some(op) = view.operation.take() {
            let name = view.name().to_string();
            effects.push(ended_record(&op, &name, &format!("{name} ended DELETE_COMPLETE")));
        }
        view.found = Found::Missing;
        view.events = events;
        view.reread();
        let message = format!("delete finished: {} is gone", app.stack.name());
        toast(app, ToastLevel::Info, message);
        app.refresh.due_at_ms = app.now_ms;
        return;
    }
    view.found = summary.map(Found::Stack).unwrap_or(Found::Missing);
    view.events = events;
    view.scroll = view.scroll.min(view.events.len().saturating_sub(1));
    view.reread();
    let Some(progress) = view.progress().cloned() else { return };
    let name = view.name().to_string();
    let Some(op) = view.operation.as_mut().filter(|op| !op.reported && progress.finished()) else { return };
    op.reported = true;
    let kind = op.kind;
    effects.push(ended_record(op, &name, &crate::session::stack::end_of(&name, &progress)));
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

/// The journal line of how `op` on `stack` ended, as `lakeops provision apply|delete` writes it.
fn ended_record(op: &Operation, stack: &str, outcome: &str) -> Effect {
    Effect::Record { action: op.action, target: stack.to_string(), detail: op.detail.clone(), outcome: outcome.into() }
}

/// A plan came back from the gate (or why not).
pub fn planned(app: &mut App, result: Result<Option<StackPlan>, String>, at: chrono::DateTime<chrono::Utc>) {
    app.stack.planning.forget();
    let after = std::mem::take(&mut app.stack.after_plan);
    let plan = match result {
        Ok(Some(plan)) => plan,
        Ok(None) => return report_error(app, ErrorSource::Plan, "the platform made no change set", at),
        Err(e) => return report_error(app, ErrorSource::Plan, &e, at),
    };
    if !plan.has_changes() {
        toast(app, ToastLevel::Info, crate::provision::no_changes(&plan.stack));
    }
    app.stack.plan = Some(plan);
    if after == AfterPlan::Apply {
        ask_apply(app);
    }
}

/// An apply (of the plan shown: its changes are what the progress counts) or a delete started.
pub fn started(app: &mut App, change: &Change, since_ms: i64, effects: &mut Vec<Effect>) {
    let (kind, expected, detail) = match change {
        Change::ApplyPlan { .. } => {
            let plan = app.stack.plan.as_ref();
            ("apply", plan.map(|p| p.changes.len()).unwrap_or(0), plan.map(summary).unwrap_or_default())
        }
        _ => ("delete", 0, app.stack.summary().map(|s| s.status.clone()).unwrap_or_default()),
    };
    app.stack.plan = None;
    let action = change.action();
    let started_at_ms = app.now_ms;
    app.stack.operation = Some(Operation { kind, action, detail, since_ms, expected, started_at_ms, reported: false });
    app.stack.reread();
    app.stack.request.forget();
    fetch(app, effects);
}

fn plan(app: &mut App, after: AfterPlan, effects: &mut Vec<Effect>) {
    let Some(target) = app.stack.target.clone() else { return };
    let (template, parameters) = match target.template.get() {
        Ok(t) => t.clone(),
        Err(problem) => return confirm::refuse(app, "Plan", problem.clone()),
    };
    let change = Change::PlanStack { stack: target.name.clone(), template, parameters };
    // `a` is refused as the apply it is for, as `lakeops provision apply` is (and journaled so).
    let refused = match after {
        AfterPlan::Apply => {
            let apply = Change::ApplyPlan { stack: target.name.clone(), change_set: String::new() };
            confirm::refused(app, "Apply", &apply)
        }
        _ => confirm::refused(app, "Plan", &change),
    };
    if refused {
        return;
    }
    if app.stack.busy() {
        return toast(app, ToastLevel::Error, format!("{} is changing: plan once it settles", target.name));
    }
    if app.stack.planning.is_loading() {
        return;
    }
    discard(app, effects);
    app.stack.planning.restart(app.now_ms);
    app.stack.after_plan = after;
    effects.push(Effect::Change { change, detail: String::new() });
}

/// Drops the plan shown (its change set is deleted; read-only mode refuses that, and keeps it).
fn discard(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(plan) = app.stack.plan.as_ref() else { return };
    if let Some(change_set) = plan.change_set.clone() {
        let change = Change::DiscardPlan { stack: plan.stack.clone(), change_set };
        if confirm::refused(app, "Discard the plan", &change) {
            return;
        }
        effects.push(Effect::Change { change, detail: String::new() });
    }
    app.stack.plan = None;
}

fn ask_apply(app: &mut App) {
    let Some(plan) = app.stack.plan.clone() else { return };
    let Some(change_set) = plan.change_set.clone() else { return };
    let mut lines = vec![format!("{}: {}", plan.stack, summary(&plan)), String::new()];
    let diff = diff_lines(&plan);
    lines.extend(diff.iter().take(12).map(|l| format!("{} {}", l.mark, l.text)));
    if diff.len() > 12 {
        lines.push(format!("… and {} more lines (`lakeops provision plan` prints them all)", diff.len() - 12));
    }
    lines.push(String::new());
    let confirm_key = app.keys.label(ViewId::Stack, Command::Confirm);
    lines.push(format!("{confirm_key} executes the change set; events follow in :stack"));
    let change = Change::ApplyPlan { stack: plan.stack.clone(), change_set };
    confirm::ask(app, &format!("Apply to {}", plan.stack), lines, change, summary(&plan));
}

fn ask_delete(app: &mut App) {
    let name = app.stack.name().to_string();
    if name.is_empty() {
        return;
    }
    if confirm::refused(app, "Delete stack", &Change::DeleteStack { stack: name.clone() }) {
        return;
    }
    if app.stack.found == Found::Missing {
        return toast(app, ToastLevel::Error, format!("there is no stack {name} to delete"));
    }
    let kept = match app.stack.target.as_ref().map(|t| t.template.get()) {
        Some(Ok((body, _))) => serde_json::from_str(body).map(|body| crate::provision::kept_text(&body)).ok(),
        _ => None,
    };
    let kept = kept.unwrap_or_else(|| "what the stack's deletion policies keep stays".into());
    app.mode = Mode::DeleteStack { stack: name, kept, input: String::new(), error: None };
}

/// The delete prompt: only the stack's exact name deletes it.
pub fn delete_key(app: &mut App, command: Option<Command>, key: crossterm::event::KeyEvent, effects: &mut Vec<Effect>) {
    let keep = super::prompt::line_keys(&app.keys).1;
    let Mode::DeleteStack { stack, input, error, .. } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
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
                *error = Some(format!("type {stack} exactly to delete it ({keep}: keep it)"));
            }
        }
    }
}

fn detect_drift(app: &mut App, effects: &mut Vec<Effect>) {
    if app.stack.target.is_none() {
        return;
    }
    if let Some(id) = app.stack.drifting.start(app.now_ms) {
        effects.push(Effect::DetectDrift { name: app.stack.name().to_string(), id });
        toast(app, ToastLevel::Info, "detecting drift (this takes a while on AWS)…".into());
    }
}

/// Drift detection ended (or why not).
pub fn drift_loaded(
    app: &mut App,
    id: RequestId,
    result: Result<Vec<DriftedResource>, PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let now = app.now_ms;
    if !app.stack.drifting.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(drift) => {
            let message = match drift.len() {
                0 => "no drift: every resource is as the stack deployed it".to_string(),
                n => format!("{n} resource(s) drifted from the stack's template"),
            };
            app.stack.drift = Some(drift);
            toast(app, ToastLevel::Info, message);
        }
        Err(e) => report_error(app, ErrorSource::Drift, &e.to_string(), at),
    }
}
