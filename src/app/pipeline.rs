//! `:pipeline`: the platform drawn as a diagram, each stage coloured by its health.

use super::registry::View;
use crate::model::Layer;

pub const VIEW: &dyn View = &Pipeline;

struct Pipeline;

impl View for Pipeline {
    fn names(&self) -> &'static [&'static str] {
        &["pipeline"]
    }

    fn title(&self) -> &'static str {
        "Pipeline"
    }

    /// The lake's zones are stages of the pipeline; the diagram shows them.
    fn details(&self) -> &'static [Layer] {
        &[Layer::Lake]
    }
}
