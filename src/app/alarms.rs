//! `:alarms`: every alarm of the platform, worst first, above the dead-letter queue and Firehose.

use ratatui::layout::Rect;

use super::layout;
use super::registry::{ListSpec, View, ViewSpec};
use super::state::App;
use crate::model::{Alarm, Layer};

pub const VIEW: &dyn View = &Alarms;

struct Alarms;

const SPEC: ViewSpec = ViewSpec {
    names: &["alarms"],
    title: "Alarms",
    details: &[Layer::Alarms],
    list: Some(ListSpec {
        area: alarms_area,
        filter_help: "filter by name, state, reason or metric",
        ..ListSpec::new(|app| &app.alarms_cursor, |app| &mut app.alarms_cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Alarms {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }
}

/// The alarm list, between the dead-letter queue above and the selected alarm below.
fn alarms_area(_: &App, body: Rect) -> Rect {
    layout::alarms_split(body).1
}

/// The platform's alarms passing the filter, worst first.
pub fn visible(app: &App) -> Vec<&Alarm> {
    let needle = app.alarms_cursor.filter.to_lowercase();
    let Some(status) = app.snapshot.as_ref().and_then(|s| s.alarms.ready()) else { return Vec::new() };
    status
        .alarms
        .iter()
        .filter(|a| {
            needle.is_empty()
                || [&a.name, &a.state, &a.reason].iter().any(|f| f.to_lowercase().contains(&needle))
                || a.metric.as_deref().is_some_and(|m| m.to_lowercase().contains(&needle))
        })
        .collect()
}
