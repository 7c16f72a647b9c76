//! `:redshift`: the warehouse's health, with charts of its load, connections and disk.

use super::registry::View;
use crate::model::Layer;

pub const VIEW: &dyn View = &Redshift;

struct Redshift;

impl View for Redshift {
    fn names(&self) -> &'static [&'static str] {
        &["redshift"]
    }

    fn title(&self) -> &'static str {
        "Redshift"
    }

    fn details(&self) -> &'static [Layer] {
        &[Layer::Redshift]
    }
}
