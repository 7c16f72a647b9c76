//! `:streams`: every watched stream with its load, lag and throttling, sorted and filtered;
//! `enter` opens one in detail (`stream_detail`).

use super::action::Effect;
use super::command::Command;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{ListSpec, View, ViewSpec};
use super::state::App;
use crate::model::{Layer, StreamStatus};
use crate::ops::kinesis::write_capacity_used;

pub const VIEW: &dyn View = &Streams;

struct Streams;

const KEYS: &[Binding] = &[
    bind(Command::Open, &["enter"], "the stream in detail: charts, shard map, resharding").hint("detail"),
    bind(Command::Sort, &["s"], "sort by the next column / reverse the order")
        .and(Command::Reverse, &["S"])
        .hint("sort"),
];

const SPEC: ViewSpec = ViewSpec {
    names: &["streams"],
    title: "Streams",
    details: &[Layer::Kinesis],
    keys: KEYS,
    list: Some(ListSpec {
        filter_help: "filter by name",
        ..ListSpec::new(|app| &app.streams.cursor, |app| &mut app.streams.cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Streams {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        match command {
            Command::Sort => {
                app.streams.sort = app.streams.sort.next();
                app.streams.cursor.selected = 0;
                app.streams.cursor.offset = 0;
            }
            Command::Reverse => app.streams.descending = !app.streams.descending,
            Command::Open => {
                let selected = visible(app).get(app.streams.cursor.selected).map(|s| s.name.clone());
                if let Some(name) = selected {
                    super::stream_detail::open(app, &name, effects);
                }
            }
            _ => return false,
        }
        true
    }
}

/// Columns the list sorts by, in column order (`sort` cycles, `reverse` reverses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StreamSort {
    #[default]
    Name,
    Mode,
    Status,
    Shards,
    Records,
    Bytes,
    Capacity,
    IteratorAge,
    Throttled,
    Consumers,
}

impl StreamSort {
    const ORDER: [StreamSort; 10] = [
        StreamSort::Name,
        StreamSort::Mode,
        StreamSort::Status,
        StreamSort::Shards,
        StreamSort::Records,
        StreamSort::Bytes,
        StreamSort::Capacity,
        StreamSort::IteratorAge,
        StreamSort::Throttled,
        StreamSort::Consumers,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StreamSort::Name => "name",
            StreamSort::Mode => "mode",
            StreamSort::Status => "status",
            StreamSort::Shards => "shards",
            StreamSort::Records => "records/s",
            StreamSort::Bytes => "MiB/s",
            StreamSort::Capacity => "% capacity",
            StreamSort::IteratorAge => "iterator age",
            StreamSort::Throttled => "throttled",
            StreamSort::Consumers => "consumers",
        }
    }

    fn next(self) -> StreamSort {
        let i = Self::ORDER.iter().position(|s| *s == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    /// Text columns sort A to Z; numbers biggest first (the busiest stream on top).
    fn compare(self, a: &StreamStatus, b: &StreamStatus) -> std::cmp::Ordering {
        let number = |f: fn(&StreamStatus) -> f64| f(b).partial_cmp(&f(a)).unwrap_or(std::cmp::Ordering::Equal);
        match self {
            StreamSort::Name => a.name.cmp(&b.name),
            StreamSort::Mode => a.mode.name().cmp(b.mode.name()),
            StreamSort::Status => a.status.cmp(&b.status),
            StreamSort::Shards => number(|s| s.open_shards as f64),
            StreamSort::Records => number(|s| s.incoming_records_per_second.unwrap_or(-1.0)),
            StreamSort::Bytes => number(|s| s.incoming_bytes_per_second.unwrap_or(-1.0)),
            StreamSort::Capacity => number(|s| write_capacity_used(s).unwrap_or(-1.0)),
            StreamSort::IteratorAge => number(|s| s.iterator_age_ms.unwrap_or(-1.0)),
            StreamSort::Throttled => number(|s| s.write_throttled.unwrap_or(0.0) + s.read_throttled.unwrap_or(0.0)),
            StreamSort::Consumers => number(|s| s.consumers.map_or(-1.0, f64::from)),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamsList {
    pub cursor: ListCursor,
    pub sort: StreamSort,
    pub descending: bool,
}

/// Streams in list order: sorted, filtered.
pub fn visible(app: &App) -> Vec<&StreamStatus> {
    let Some(streams) = app.snapshot.as_ref().and_then(|s| s.streams.ready()) else { return Vec::new() };
    let needle = app.streams.cursor.filter.to_lowercase();
    let mut rows: Vec<&StreamStatus> =
        streams.iter().filter(|s| needle.is_empty() || s.name.to_lowercase().contains(&needle)).collect();
    let sort = app.streams.sort;
    rows.sort_by(|a, b| sort.compare(a, b).then_with(|| a.name.cmp(&b.name)));
    if app.streams.descending {
        rows.reverse();
    }
    rows
}
