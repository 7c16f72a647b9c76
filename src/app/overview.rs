//! The overview: each layer's health with the reason in words; `enter` opens the layer's view.

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::layout;
use super::list::ListCursor;
use super::registry::{ListView, View, ViewId};
use super::state::App;
use super::update::open_view;
use ratatui::layout::Rect;

pub const VIEW: &dyn View = &Overview;

struct Overview;

const KEYS: &[Binding] = &[bind(Command::Open, &["enter"], "open the selected layer's view").hint("open")];

impl View for Overview {
    fn names(&self) -> &'static [&'static str] {
        &["overview"]
    }

    fn title(&self) -> &'static str {
        "Overview"
    }

    fn bindings(&self) -> &'static [Binding] {
        KEYS
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

    fn list(&self) -> Option<&'static dyn ListView> {
        Some(&Layers)
    }
}

struct Layers;

impl ListView for Layers {
    fn cursor<'a>(&self, app: &'a App) -> &'a ListCursor {
        &app.overview
    }

    fn cursor_mut<'a>(&self, app: &'a mut App) -> &'a mut ListCursor {
        &mut app.overview
    }

    fn rows(&self, app: &App) -> usize {
        visible(app).len()
    }

    fn area(&self, body: Rect) -> Rect {
        layout::overview_split(body, crate::model::Layer::ALL.len() as u16).0
    }

    /// A layer takes two lines: its numbers, then its reason.
    fn lines_per_row(&self) -> usize {
        2
    }
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
