//! `:sources`: the landing zone's sources: DMS tasks, DataSync tasks, AppFlow flows, each with its last landing (rows from `ops::inventory`, drawn as every added layer's view).

use super::registry::{View, ViewSpec};
use super::resources::{count, spec, split, LayerView};
use crate::model::Layer;

pub const VIEW: &dyn View = &LayerView(&SPEC);

const SPEC: ViewSpec = spec(
    &["sources"],
    "Sources",
    &[Layer::Sources],
    super::resources::RUN_SOURCE,
    |app| &app.resources.sources,
    |app| &mut app.resources.sources,
    |app| count(app, Layer::Sources),
    |app, body| split(app, Layer::Sources, body).0,
);
