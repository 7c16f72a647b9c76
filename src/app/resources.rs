//! The views of the layers a profile adds — `:msk`, `:sources`, `:firehose`, `:opensearch`,
//! `:quicksight` — are one kind of view: the layer's resources as rows from the snapshot (see
//! `ops::inventory`), each with its health and reason, and the selected one in full. Each has a
//! module of its own name declaring its [`ViewSpec`] with [`spec`]; the rest is here.

use ratatui::layout::Rect;

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{ListSpec, View, ViewSpec};
use super::state::App;
use crate::model::{Change, Layer};
use crate::ops::inventory::{inventory, Inventory};

/// Each added layer's list cursor.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ResourceCursors {
    pub msk: ListCursor,
    pub sources: ListCursor,
    pub firehose: ListCursor,
    pub opensearch: ListCursor,
    pub quicksight: ListCursor,
}

/// A layer's view: it lists and filters, and where its rows say what running them again means
/// (`InventoryRow::act`), its keys (declared in its spec) do that.
pub struct LayerView(pub &'static ViewSpec);

impl View for LayerView {
    fn spec(&self) -> &'static ViewSpec {
        self.0
    }

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        if command != Command::StartRun || !self.0.keys.iter().any(|b| b.command == command) {
            return false;
        }
        if let Some(layer) = self.0.details.first() {
            run_now(app, *layer);
        }
        true
    }
}

/// `:sources`' key: resume the selected DMS task, or run the selected DataSync task or AppFlow
/// flow now.
pub const RUN_SOURCE: &[Binding] = &[bind(
    Command::StartRun,
    &["s"],
    "run the selected source now: resume a stopped DMS task, start a DataSync task or an on-demand AppFlow flow",
)
.hint("run now")
.changes()];

/// `:quicksight`'s key: refresh the selected dataset now.
pub const REFRESH_DATASET: &[Binding] =
    &[bind(Command::StartRun, &["s"], "refresh the selected SPICE dataset now (a full refresh)")
        .hint("refresh SPICE")
        .changes()];

/// The selected row's rerun, checked against the newest snapshot, then asked.
fn run_now(app: &mut App, layer: Layer) {
    let Ok(shown) = visible(app, layer) else { return };
    let Some(act) = shown.rows.get(cursor(app, layer).selected).and_then(|row| row.act.clone()) else {
        return;
    };
    let title = act.title();
    let change = Change::Rerun(act);
    if confirm::refused(app, &title, &change) {
        return;
    }
    let Some(snapshot) = app.snapshot.as_ref() else { return };
    let Change::Rerun(act) = &change else { return };
    match crate::ops::rerun::plan(act, snapshot, snapshot.taken_at) {
        Ok(lines) => {
            let detail = lines.join("; ");
            confirm::ask(app, &title, lines, change, detail);
        }
        Err(refusal) => confirm::refuse_change(app, &title, &change, &refusal),
    }
}

/// A rerun came back: the platform is read again now, so the view shows the run.
pub fn changed(app: &mut App) {
    if !app.refresh.request.is_loading() {
        app.refresh.due_at_ms = app.now_ms;
    }
}

/// The spec of `layer`'s view: opened by `names`, detailing the overview's row of `details`,
/// with its own `keys`.
#[allow(clippy::too_many_arguments)]
pub const fn spec(
    names: &'static [&'static str],
    title: &'static str,
    details: &'static [Layer],
    keys: &'static [Binding],
    cursor: fn(&App) -> &ListCursor,
    cursor_mut: fn(&mut App) -> &mut ListCursor,
    rows: fn(&App) -> usize,
    area: fn(&App, Rect) -> Rect,
) -> ViewSpec {
    ViewSpec {
        names,
        title,
        details,
        keys,
        list: Some(ListSpec {
            area,
            filter_help: "filter by name, state or reason",
            ..ListSpec::new(cursor, cursor_mut, rows)
        }),
        ..ViewSpec::NONE
    }
}

/// The list as tall as its rows (at least half the body), the selected row's detail below it.
pub fn split(app: &App, layer: Layer, body: Rect) -> (Rect, Rect) {
    let rows = count(app, layer) as u16;
    let list_height =
        (rows + super::layout::LIST_CHROME_TOP + 1).max(body.height / 2).min(body.height.saturating_sub(7));
    let list = Rect { height: list_height, ..body };
    let detail = Rect { y: list.bottom(), height: body.height - list_height, ..body };
    (list, detail)
}

/// `layer`'s rows from the newest snapshot, filtered by its cursor's filter; `Err` says why
/// there are none (not read yet, not in the profile, the read failed).
pub fn visible(app: &App, layer: Layer) -> Result<Inventory, String> {
    let snapshot = app.snapshot.as_ref().ok_or_else(|| "Reading the platform…".to_string())?;
    let mut inventory = inventory(layer, snapshot, app.thresholds)?;
    let needle = cursor(app, layer).filter.to_lowercase();
    if !needle.is_empty() {
        inventory.rows.retain(|r| r.words().any(|w| w.to_lowercase().contains(&needle)));
    }
    Ok(inventory)
}

/// How many rows `layer`'s view lists.
pub fn count(app: &App, layer: Layer) -> usize {
    visible(app, layer).map(|i| i.rows.len()).unwrap_or(0)
}

pub fn cursor(app: &App, layer: Layer) -> &ListCursor {
    let c = &app.resources;
    match layer {
        Layer::Msk => &c.msk,
        Layer::Sources => &c.sources,
        Layer::Opensearch => &c.opensearch,
        Layer::Quicksight => &c.quicksight,
        _ => &c.firehose,
    }
}
