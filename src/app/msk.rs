//! `:msk`: the MSK cluster and each watched consumer group's lag on each topic (rows from `ops::inventory`, drawn as every added layer's view).

use super::registry::{View, ViewSpec};
use super::resources::{count, spec, split, LayerView};
use crate::model::Layer;

pub const VIEW: &dyn View = &LayerView(&SPEC);

const SPEC: ViewSpec = spec(
    &["msk"],
    "MSK",
    &[Layer::Msk],
    &[],
    |app| &app.resources.msk,
    |app| &mut app.resources.msk,
    |app| count(app, Layer::Msk),
    |app, body| split(app, Layer::Msk, body).0,
);
