//! The overview: each layer's health with the reason in words; `enter` opens the layer's view.

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::layout;
use super::registry::{ListSpec, View, ViewId, ViewSpec};
use super::state::App;
use super::update::open_view;
use ratatui::layout::Rect;

pub const VIEW: &dyn View = &Overview;

struct Overview;

const KEYS: &[Binding] = &[bind(Command::Open, &["enter"], "open the selected layer's view").hint("open")];

const SPEC: ViewSpec = ViewSpec {
    names: &["overview"],
    title: "Overview",
    keys: KEYS,
    list: Some(ListSpec {
        area: layers_area,
        lines_per_row: |app| layout::overview_lines_per_layer(body(app), app.layers.len() as u16) as usize,
        ..ListSpec::new(|app| &app.overview, |app| &mut app.overview, |app| visible(app).len())
    }),
    charts: true,
    ..ViewSpec::NONE
};

impl View for Overview {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, _effects: &mut Vec<Effect>) -> bool {
        if command != Command::Open {
            return false;
        }
        let rows = visible(app);
        if let Some(&i) = rows.get(app.overview.selected) {
            open_view(app, ViewId::for_layer(app.layers[i].layer));
        }
        true
    }
}

/// The layers' table: two lines a layer (its numbers, then its reason) when they fit, else one;
/// the trend chart below.
fn layers_area(app: &App, body: Rect) -> Rect {
    layout::overview_split(body, app.layers.len() as u16).0
}

fn body(app: &App) -> Rect {
    layout::areas(Rect::new(0, 0, app.width, app.height)).body
}

/// Overview rows that pass the filter, as indexes into `layers`.
pub fn visible(app: &App) -> Vec<usize> {
    let needle = app.overview.filter.to_lowercase();
    app.layers
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            needle.is_empty()
                || l.layer.title().to_lowercase().contains(&needle)
                || l.reason.to_lowercase().contains(&needle)
        })
        .map(|(i, _)| i)
        .collect()
}
