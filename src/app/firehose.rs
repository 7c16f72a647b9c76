//! `:firehose`: the watched delivery streams: what comes in, how fresh deliveries are, where they go (rows from `ops::inventory`, drawn as every added layer's view).

use super::registry::{View, ViewSpec};
use super::resources::{count, spec, split, LayerView};
use crate::model::Layer;

pub const VIEW: &dyn View = &LayerView(&SPEC);

const SPEC: ViewSpec = spec(
    &["firehose"],
    "Firehose",
    &[Layer::Firehose],
    &[],
    |app| &app.resources.firehose,
    |app| &mut app.resources.firehose,
    |app| count(app, Layer::Firehose),
    |app, body| split(app, Layer::Firehose, body).0,
);
