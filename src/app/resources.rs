//! The views of the layers a profile adds — `:msk`, `:sources`, `:firehose`, `:opensearch`,
//! `:quicksight` — are one kind of view: the layer's resources as rows from the snapshot (see
//! `ops::inventory`), each with its health and reason, and the selected one in full. Each has a
//! module of its own name declaring its [`ViewSpec`] with [`spec`]; the rest is here.

use ratatui::layout::Rect;

use super::list::ListCursor;
use super::registry::{ListSpec, View, ViewSpec};
use super::state::App;
use crate::model::Layer;
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

/// A layer's view: nothing to do but list and filter (its keys are the list's).
pub struct LayerView(pub &'static ViewSpec);

impl View for LayerView {
    fn spec(&self) -> &'static ViewSpec {
        self.0
    }
}

/// The spec of `layer`'s view: opened by `names`, detailing the overview's row of `details`.
pub const fn spec(
    names: &'static [&'static str],
    title: &'static str,
    details: &'static [Layer],
    cursor: fn(&App) -> &ListCursor,
    cursor_mut: fn(&mut App) -> &mut ListCursor,
    rows: fn(&App) -> usize,
    area: fn(&App, Rect) -> Rect,
) -> ViewSpec {
    ViewSpec {
        names,
        title,
        details,
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
