//! The console's views and the names the command line knows them by.

use crate::model::Layer;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViewId {
    Overview,
    Streams,
    Lambda,
    Glue,
    Redshift,
    Alarms,
    Audit,
    Athena,
    Stack,
    Pipeline,
    Errors,
    /// One stream in detail; opened from `:streams`, not from the command line.
    StreamDetail,
    /// Records read off a stream; opened from a stream's detail.
    Peek,
}

impl ViewId {
    pub const ALL: [ViewId; 11] = [
        ViewId::Overview,
        ViewId::Streams,
        ViewId::Lambda,
        ViewId::Glue,
        ViewId::Redshift,
        ViewId::Alarms,
        ViewId::Audit,
        ViewId::Athena,
        ViewId::Stack,
        ViewId::Pipeline,
        ViewId::Errors,
    ];

    /// The `:name` that opens it.
    pub fn command(self) -> &'static str {
        match self {
            ViewId::Overview => "overview",
            ViewId::Streams => "streams",
            ViewId::Lambda => "lambda",
            ViewId::Glue => "glue",
            ViewId::Redshift => "redshift",
            ViewId::Alarms => "alarms",
            ViewId::Audit => "audit",
            ViewId::Athena => "athena",
            ViewId::Stack => "stack",
            ViewId::Pipeline => "pipeline",
            ViewId::Errors => "errors",
            ViewId::StreamDetail => "stream",
            ViewId::Peek => "peek",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ViewId::Overview => "Overview",
            ViewId::Streams => "Streams",
            ViewId::Lambda => "Lambda",
            ViewId::Glue => "Glue",
            ViewId::Redshift => "Redshift",
            ViewId::Alarms => "Alarms",
            ViewId::Audit => "Audit (CloudTrail)",
            ViewId::Athena => "Athena",
            ViewId::Stack => "Stack",
            ViewId::Pipeline => "Pipeline",
            ViewId::Errors => "Errors",
            ViewId::StreamDetail => "Stream",
            ViewId::Peek => "Peek",
        }
    }

    pub fn parse(name: &str) -> Option<ViewId> {
        ViewId::ALL.into_iter().find(|v| v.command() == name)
    }

    /// The view that details a layer of the overview.
    pub fn for_layer(layer: Layer) -> ViewId {
        match layer {
            Layer::Kinesis => ViewId::Streams,
            Layer::Lambda => ViewId::Lambda,
            Layer::Lake => ViewId::Pipeline,
            Layer::Glue => ViewId::Glue,
            Layer::Redshift => ViewId::Redshift,
            Layer::Athena => ViewId::Athena,
            Layer::Cloudtrail => ViewId::Audit,
            Layer::Alarms => ViewId::Alarms,
        }
    }
}
