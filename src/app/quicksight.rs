//! `:quicksight`: the SPICE datasets behind the dashboards, each with its newest refreshes (rows from `ops::inventory`, drawn as every added layer's view).

use super::registry::{View, ViewSpec};
use super::resources::{count, spec, split, LayerView};
use crate::model::Layer;

pub const VIEW: &dyn View = &LayerView(&SPEC);

const SPEC: ViewSpec = spec(
    &["quicksight"],
    "QuickSight",
    &[Layer::Quicksight],
    super::resources::REFRESH_DATASET,
    |app| &app.resources.quicksight,
    |app| &mut app.resources.quicksight,
    |app| count(app, Layer::Quicksight),
    |app, body| split(app, Layer::Quicksight, body).0,
);
