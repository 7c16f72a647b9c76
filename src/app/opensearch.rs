//! `:opensearch`: the log-analytics domain: its cluster status and each check behind it, its configuration (rows from `ops::inventory`, drawn as every added layer's view).

use super::registry::{View, ViewSpec};
use super::resources::{count, spec, split, LayerView};
use crate::model::Layer;

pub const VIEW: &dyn View = &LayerView(&SPEC);

const SPEC: ViewSpec = spec(
    &["opensearch"],
    "OpenSearch",
    &[Layer::Opensearch],
    &[],
    |app| &app.resources.opensearch,
    |app| &mut app.resources.opensearch,
    |app| count(app, Layer::Opensearch),
    |app, body| split(app, Layer::Opensearch, body).0,
);
