//! `:alarms`: every alarm of the platform, worst first, above the dead-letter queue and Firehose.

use ratatui::layout::Rect;

use super::layout;
use super::list::ListCursor;
use super::registry::{ListView, View};
use super::state::App;
use crate::model::{Alarm, Layer};

pub const VIEW: &dyn View = &Alarms;

struct Alarms;

impl View for Alarms {
    fn names(&self) -> &'static [&'static str] {
        &["alarms"]
    }

    fn title(&self) -> &'static str {
        "Alarms"
    }

    fn details(&self) -> &'static [Layer] {
        &[Layer::Alarms]
    }

    fn list(&self) -> Option<&'static dyn ListView> {
        Some(&AlarmList)
    }
}

struct AlarmList;

impl ListView for AlarmList {
    fn cursor<'a>(&self, app: &'a App) -> &'a ListCursor {
        &app.alarms_cursor
    }

    fn cursor_mut<'a>(&self, app: &'a mut App) -> &'a mut ListCursor {
        &mut app.alarms_cursor
    }

    fn rows(&self, app: &App) -> usize {
        visible(app).len()
    }

    fn area(&self, body: Rect) -> Rect {
        layout::alarms_split(body).1
    }

    fn filter_help(&self) -> &'static str {
        "filter by name, state, reason or metric"
    }
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
