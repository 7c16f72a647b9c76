//! `:emr`: the watched EMR clusters with their steps (or the Serverless application with its job
//! runs), and the three changes an operator makes there: add a step from a template of the
//! profile, cancel a step, terminate an idle cluster (its name typed). Each is checked against
//! the cluster as EMR describes it at that moment, confirmed and journaled.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::picker::{Choice, Picker, Purpose};
use super::prompt::{edit_line, LineKey};
use super::registry::{ListSpec, View, ViewId, ViewSpec};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode};
use crate::model::{
    Change, ClusterDetail, EmrApplication, EmrChange, EmrJobRun, EmrOverview, EmrStep, Layer, StepSpec,
};
use crate::ops::emr::{plan, FoundCluster};
use crate::platform::PlatformError;

pub const VIEW: &dyn View = &Emr;

struct Emr;

const KEYS: &[Binding] = &[
    bind(Command::AddStep, &["a"], "add a step to the selected cluster from a template of the profile")
        .hint("add step")
        .changes(),
    bind(Command::StopRun, &["x"], "cancel the selected step (PENDING or RUNNING)").hint("cancel step").changes(),
    bind(Command::Terminate, &["T"], "terminate the selected cluster, when no step is active (its name typed)")
        .hint("terminate")
        .changes(),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["emr"],
    title: "EMR",
    details: &[Layer::Processing],
    keys: KEYS,
    list: Some(ListSpec {
        area: |_, body| super::layout::workflows_split(body).0,
        filter_help: "filter by cluster, step or job run, state, or failure reason",
        ..ListSpec::new(|app| &app.emr.cursor, |app| &mut app.emr.cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Emr {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match command {
            Command::AddStep => choose_template(app, effects),
            Command::StopRun => cancel_step(app, effects),
            Command::Terminate => terminate(app, effects),
            _ => return false,
        }
        true
    }

    fn housekeeping(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.view() == ViewId::Emr && !app.emr.request.answered() {
            fetch(app, effects);
        }
    }

    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        fetch(app, effects);
    }

    fn shown_again(&self, app: &mut App, effects: &mut Vec<Effect>) {
        if app.emr.request.older_than(app.now_ms, app.refresh_interval_ms) {
            fetch(app, effects);
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct EmrView {
    pub data: Option<EmrOverview>,
    pub cursor: ListCursor,
    pub request: Request,
    /// The profile's step templates (`[platform.emr.steps.NAME]`).
    pub templates: BTreeMap<String, StepSpec>,
    /// What an hour of the cluster costs (the profile's `cost_per_hour`, 0: not said).
    pub cost_per_hour: f64,
    /// The plan of the termination being typed, journaled with it.
    pub terminate_plan: Vec<String>,
}

/// One row: a cluster, one of its steps, an application, or one of its job runs.
#[derive(Debug, Clone, Copy)]
pub enum Row<'a> {
    Cluster(&'a ClusterDetail),
    Step(&'a ClusterDetail, &'a EmrStep),
    Application(&'a EmrApplication),
    JobRun(&'a EmrApplication, &'a EmrJobRun),
}

impl<'a> Row<'a> {
    pub fn cluster(&self) -> Option<&'a ClusterDetail> {
        match self {
            Row::Cluster(c) | Row::Step(c, _) => Some(c),
            _ => None,
        }
    }

    /// What the filter matches.
    fn words(&self) -> Vec<&'a str> {
        match self {
            Row::Cluster(c) => vec![&c.cluster.name, &c.cluster.id, &c.cluster.state],
            Row::Step(c, s) => {
                let mut words = vec![c.cluster.name.as_str(), &s.name, &s.id, &s.state];
                words.extend(s.failure.as_ref().and_then(|f| f.reason.as_deref()));
                words
            }
            Row::Application(a) => vec![&a.name, &a.id, &a.state],
            Row::JobRun(a, r) => {
                let mut words = vec![a.name.as_str(), &r.id, &r.state];
                words.extend(r.name.as_deref());
                words.extend(r.state_details.as_deref());
                words
            }
        }
    }
}

/// The rows passing the filter: each cluster, then its steps newest first; each application,
/// then its job runs.
pub fn visible(app: &App) -> Vec<Row<'_>> {
    let needle = app.emr.cursor.filter.to_lowercase();
    let Some(data) = &app.emr.data else { return Vec::new() };
    let mut rows = Vec::new();
    for c in &data.clusters {
        rows.push(Row::Cluster(c));
        rows.extend(c.steps.iter().map(|s| Row::Step(c, s)));
    }
    for a in &data.applications {
        rows.push(Row::Application(a));
        rows.extend(a.job_runs.iter().map(|r| Row::JobRun(a, r)));
    }
    rows.retain(|row| needle.is_empty() || row.words().iter().any(|w| w.to_lowercase().contains(&needle)));
    rows
}

pub fn selected(app: &App) -> Option<Row<'_>> {
    visible(app).get(app.emr.cursor.selected).copied()
}

/// Reads the clusters again unless a read is out.
pub fn fetch(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(id) = app.emr.request.start(app.now_ms) {
        effects.push(Effect::FetchEmr { id });
    }
}

/// The clusters arrived (or why not). A failed read is tried again by the next refresh.
pub fn loaded(app: &mut App, id: RequestId, result: Result<EmrOverview, PlatformError>, at: DateTime<Utc>) {
    if !app.emr.request.accept(id, app.now_ms, &result) {
        return;
    }
    match result {
        Ok(data) => {
            for warning in &data.warnings {
                report_error(app, ErrorSource::Emr, warning, at);
            }
            app.emr.data = Some(data);
            let rows = visible(app).len();
            app.emr.cursor.selected = app.emr.cursor.selected.min(rows.saturating_sub(1));
        }
        Err(e) => report_error(app, ErrorSource::Emr, &e.to_string(), at),
    }
}

/// A change came back: the clusters are read again.
pub fn changed(app: &mut App, effects: &mut Vec<Effect>) {
    let id = app.emr.request.restart(app.now_ms);
    effects.push(Effect::FetchEmr { id });
}

fn selected_cluster(app: &App) -> Option<(String, String)> {
    let c = selected(app)?.cluster()?;
    Some((c.cluster.id.clone(), c.cluster.name.clone()))
}

/// `a`: the profile's one template at once, or a list of them to choose from.
fn choose_template(app: &mut App, effects: &mut Vec<Effect>) {
    let Some((cluster_id, _)) = selected_cluster(app) else {
        return confirm::refuse(app, "Add a step", "select a cluster or one of its steps first".into());
    };
    let probe = EmrChange::AddStep { cluster_id, step: StepSpec::empty() };
    if confirm::refused(app, "Add a step", &Change::Emr(probe)) {
        return;
    }
    let templates = &app.emr.templates;
    match templates.len() {
        0 => confirm::refuse(
            app,
            "Add a step",
            "the profile has no step template: add one as [platform.emr.steps.NAME] with name and args".into(),
        ),
        1 => {
            let name = templates.keys().next().cloned().unwrap_or_default();
            template_chosen(app, &name, effects);
        }
        _ => {
            let choices = templates
                .iter()
                .map(|(name, step)| Choice::new(name.clone(), format!("{}: {}", step.name, step.args.join(" ")), name))
                .collect();
            app.mode = Mode::Pick(Box::new(Picker::new("step templates", Purpose::StepTemplate, choices)));
        }
    }
}

/// A template was chosen: the cluster is described afresh, then the step checked and asked.
pub fn template_chosen(app: &mut App, template: &str, effects: &mut Vec<Effect>) {
    let (Some((cluster_id, _)), Some(step)) = (selected_cluster(app), app.emr.templates.get(template).cloned()) else {
        return;
    };
    effects.push(Effect::DescribeCluster { change: EmrChange::AddStep { cluster_id, step } });
}

fn cancel_step(app: &mut App, effects: &mut Vec<Effect>) {
    let Some(Row::Step(c, s)) = selected(app) else { return };
    let change = EmrChange::CancelStep { cluster_id: c.cluster.id.clone(), step_id: s.id.clone() };
    describe_then(app, effects, change);
}

fn terminate(app: &mut App, effects: &mut Vec<Effect>) {
    let Some((cluster_id, name)) = selected_cluster(app) else { return };
    describe_then(app, effects, EmrChange::Terminate { cluster_id, name });
}

/// Read-only mode refuses at once; otherwise EMR is asked for the cluster as it is now.
fn describe_then(app: &mut App, effects: &mut Vec<Effect>, change: EmrChange) {
    if confirm::refused(app, &title(&change), &Change::Emr(change.clone())) {
        return;
    }
    effects.push(Effect::DescribeCluster { change });
}

fn title(change: &EmrChange) -> String {
    match change {
        EmrChange::AddStep { step, cluster_id } => format!("Add step {} to {cluster_id}", step.name),
        EmrChange::CancelStep { step_id, .. } => format!("Cancel step {step_id}"),
        EmrChange::Terminate { cluster_id, name } => format!("Terminate {name} ({cluster_id})"),
    }
}

/// EMR described the cluster a change is for: check, then ask (a termination asks for the
/// cluster's name to be typed).
pub fn described(
    app: &mut App,
    change: EmrChange,
    result: Result<Option<ClusterDetail>, PlatformError>,
    at: DateTime<Utc>,
) {
    let title = title(&change);
    let found = match result {
        Ok(found) => found,
        Err(e) => return report_error(app, ErrorSource::Emr, &format!("{title}: {e}"), at),
    };
    let cost = app.emr.cost_per_hour;
    let checked = FoundCluster {
        cluster: found.as_ref().map(|d| &d.cluster),
        steps: found.as_ref().map(|d| d.steps.as_slice()).unwrap_or_default(),
        cost_per_hour: cost,
    };
    match (plan(&change, checked, at), change) {
        (Err(refusal), change) => confirm::refuse_change(app, &title, &Change::Emr(change), &refusal),
        (Ok(lines), EmrChange::Terminate { cluster_id, name }) => {
            app.emr.terminate_plan = lines;
            app.mode = Mode::TerminateCluster { cluster_id, name, input: String::new(), error: None };
        }
        (Ok(lines), change) => {
            let detail = lines.join("; ");
            confirm::ask(app, &title, lines, Change::Emr(change), detail);
        }
    }
}

/// The terminate prompt: only the cluster's exact name terminates it.
pub fn terminate_key(
    app: &mut App,
    command: Option<Command>,
    key: crossterm::event::KeyEvent,
    effects: &mut Vec<Effect>,
) {
    let keep = super::prompt::line_keys(&app.keys).1;
    let detail = app.emr.terminate_plan.join("; ");
    let Mode::TerminateCluster { cluster_id, name, input, error } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit if input.trim() == name.as_str() => {
            let change = EmrChange::Terminate { cluster_id: cluster_id.clone(), name: name.clone() };
            effects.push(Effect::Change { change: Change::Emr(change), detail });
            app.mode = Mode::Normal;
        }
        LineKey::Submit => *error = Some(format!("type {name} exactly to terminate it ({keep}: keep it)")),
    }
}
