//! `:pipeline`: the platform drawn as a diagram, each stage coloured by its health.

use super::registry::{View, ViewSpec};
use crate::model::Layer;

pub const VIEW: &dyn View = &Pipeline;

struct Pipeline;

const SPEC: ViewSpec = ViewSpec { names: &["pipeline"], title: "Pipeline", details: &[Layer::Lake], ..ViewSpec::NONE };

impl View for Pipeline {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }
}
