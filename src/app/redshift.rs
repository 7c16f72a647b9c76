//! `:redshift`: the warehouse's health, with charts of its load, connections and disk.

use super::registry::{View, ViewSpec};
use crate::model::Layer;

pub const VIEW: &dyn View = &Redshift;

struct Redshift;

const SPEC: ViewSpec =
    ViewSpec { names: &["redshift"], title: "Redshift", details: &[Layer::Redshift], charts: true, ..ViewSpec::NONE };

impl View for Redshift {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }
}
