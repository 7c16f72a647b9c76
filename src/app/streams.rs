//! The streams list, a stream's detail and the reshard dialog: state and reducer steps.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::state::{App, ListCursor, Mode};
use super::update::{open_view, toast};
use super::view::ViewId;
use super::ToastLevel;
use crate::model::{CapacityMode, Change, ReshardCall, StreamFacts, StreamSeries, StreamStatus};
use crate::ops::reshard::{plan, suggested_shards, Refusal, ReshardPlan, ReshardRequest};

/// Columns the list sorts by (`s` cycles, `S` reverses).
/// Columns the list sorts by, in column order (`s` cycles, `S` reverses).
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
            StreamSort::Capacity => number(|s| crate::ops::kinesis::write_capacity_used(s).unwrap_or(-1.0)),
            StreamSort::IteratorAge => number(|s| s.iterator_age_ms.unwrap_or(-1.0)),
            StreamSort::Throttled => number(|s| s.write_throttled.unwrap_or(0.0) + s.read_throttled.unwrap_or(0.0)),
            StreamSort::Consumers => number(|s| s.consumers as f64),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamsList {
    pub cursor: ListCursor,
    pub sort: StreamSort,
    pub descending: bool,
}

/// The charts' time window (`w` cycles).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChartWindow {
    M15,
    #[default]
    H1,
    H3,
    H24,
}

impl ChartWindow {
    /// One-minute points: 15 to 1,440, within CloudWatch's 15 days of 60 s data and its
    /// 1,440-point guidance.
    pub fn minutes(self) -> u32 {
        match self {
            ChartWindow::M15 => 15,
            ChartWindow::H1 => 60,
            ChartWindow::H3 => 180,
            ChartWindow::H24 => 1440,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChartWindow::M15 => "15 m",
            ChartWindow::H1 => "1 h",
            ChartWindow::H3 => "3 h",
            ChartWindow::H24 => "24 h",
        }
    }

    pub(super) fn next(self) -> ChartWindow {
        match self {
            ChartWindow::M15 => ChartWindow::H1,
            ChartWindow::H1 => ChartWindow::H3,
            ChartWindow::H3 => ChartWindow::H24,
            ChartWindow::H24 => ChartWindow::M15,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StreamDetail {
    pub stream: String,
    pub window: ChartWindow,
    pub facts: Option<StreamFacts>,
    pub series: Option<StreamSeries>,
    pub loading: bool,
    /// The selected open shard in the shard map.
    pub shards: ListCursor,
}

/// What the reshard dialog is asking for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogKind {
    Scale,
    Split,
    Merge,
    SwitchMode,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ReshardDialog {
    pub stream: String,
    pub kind: DialogKind,
    /// The target shard count as typed (scale only).
    pub input: String,
    pub request: Option<ReshardRequest>,
    /// The checked plan, or the rule it breaks in words.
    pub outcome: Result<ReshardPlan, String>,
    /// "peak 3,400 records/s needs 5 shards at 70 % headroom".
    pub suggestion: Option<String>,
}

/// Streams in list order: sorted, filtered.
pub fn visible_streams(app: &App) -> Vec<&StreamStatus> {
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

pub fn list_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    match key.code {
        KeyCode::Char('s') => {
            app.streams.sort = app.streams.sort.next();
            app.streams.cursor.selected = 0;
            app.streams.cursor.offset = 0;
        }
        KeyCode::Char('S') => app.streams.descending = !app.streams.descending,
        KeyCode::Enter => {
            let Some(name) = visible_streams(app).get(app.streams.cursor.selected).map(|s| s.name.clone()) else {
                return true;
            };
            open_detail(app, &name, effects);
        }
        _ => return false,
    }
    true
}

pub fn open_detail(app: &mut App, stream: &str, effects: &mut Vec<Effect>) {
    let window = app.detail.as_ref().map(|d| d.window).unwrap_or_default();
    app.detail = Some(StreamDetail {
        stream: stream.to_string(),
        window,
        facts: None,
        series: None,
        loading: true,
        shards: ListCursor::default(),
    });
    open_view(app, ViewId::StreamDetail);
    effects.push(Effect::FetchStreamDetail { stream: stream.to_string(), minutes: window.minutes() });
}

/// A change to the stream came back: read the stream again.
pub fn changed(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(d) = app.detail.as_mut() {
        d.loading = false;
    }
    refresh_detail(app, effects);
}

/// Asks for the detail again (after a refresh or a change), unless a request is out.
pub fn refresh_detail(app: &mut App, effects: &mut Vec<Effect>) {
    if let Some(d) = app.detail.as_mut().filter(|d| !d.loading) {
        d.loading = true;
        effects.push(Effect::FetchStreamDetail { stream: d.stream.clone(), minutes: d.window.minutes() });
    }
}

pub fn detail_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) -> bool {
    let Some(detail) = app.detail.as_mut() else { return false };
    let open_count = detail.facts.as_ref().map(|f| f.open_count() as usize).unwrap_or(0);
    match key.code {
        KeyCode::Char('w') => {
            detail.window = detail.window.next();
            detail.loading = false;
            refresh_detail(app, effects);
        }
        KeyCode::Char('j') | KeyCode::Down => {
            detail.shards.selected = (detail.shards.selected + 1).min(open_count.saturating_sub(1));
        }
        KeyCode::Char('k') | KeyCode::Up => detail.shards.selected = detail.shards.selected.saturating_sub(1),
        KeyCode::Char('p') => {
            let stream = detail.stream.clone();
            super::peek::open(app, &stream, None, effects);
        }
        KeyCode::Char('P') => {
            let stream = detail.stream.clone();
            let shard = detail.facts.as_ref().and_then(|f| f.open().nth(detail.shards.selected)).map(|s| s.id.clone());
            super::peek::open(app, &stream, shard, effects);
        }
        KeyCode::Char('e') => {
            let Some(facts) = detail.facts.as_ref() else { return true };
            let on = !facts.enhanced_monitoring;
            let (stream, shards) = (facts.name.clone(), facts.open_count());
            let (title, lines) = if on {
                (
                    " Enable enhanced monitoring ",
                    vec![
                        format!("EnableEnhancedMonitoring (ALL shard-level metrics) on {stream}"),
                        format!("per-shard rates for the shard map: hot and cold shards show"),
                        format!(
                            "cost: CloudWatch bills each shard-level metric: 7 metrics × {shards} shards = {} metrics",
                            7 * shards
                        ),
                    ],
                )
            } else {
                (
                    " Disable enhanced monitoring ",
                    vec![
                        format!("DisableEnhancedMonitoring on {stream}"),
                        "the shard map loses its per-shard rates".into(),
                    ],
                )
            };
            let change = Change::EnhancedMonitoring { stream, on };
            super::confirm::ask(app, title, lines, change, "ShardLevelMetrics=ALL".into());
        }
        KeyCode::Char('u') => open_dialog(app, DialogKind::Scale),
        KeyCode::Char('x') => open_dialog(app, DialogKind::Split),
        KeyCode::Char('m') => open_dialog(app, DialogKind::Merge),
        KeyCode::Char('M') => open_dialog(app, DialogKind::SwitchMode),
        _ => return false,
    }
    true
}

fn open_dialog(app: &mut App, kind: DialogKind) {
    let Some(detail) = app.detail.as_ref() else { return };
    let Some(facts) = detail.facts.as_ref() else {
        return toast(app, ToastLevel::Info, "the stream's shards are still being read".into());
    };
    let selected: Vec<&crate::model::ShardInfo> = facts.open().collect();
    let shard = selected.get(detail.shards.selected).copied();
    let suggestion = facts.peak_records_per_second.map(crate::ops::reshard::suggestion);
    let input = match kind {
        DialogKind::Scale => {
            let suggested = facts.peak_records_per_second.map(suggested_shards).unwrap_or(facts.open_count() + 1);
            let target = if suggested == facts.open_count() { suggested + 1 } else { suggested };
            target.to_string()
        }
        _ => String::new(),
    };
    let request = match kind {
        DialogKind::Scale => input.parse().ok().map(ReshardRequest::ScaleTo),
        DialogKind::Split => shard.map(|s| ReshardRequest::Split { shard: s.id.clone(), at: None }),
        DialogKind::Merge => shard.map(|s| {
            // The neighbour above, or below for the last shard.
            let adjacent = facts
                .open()
                .find(|o| s.end.checked_add(1) == Some(o.start))
                .or_else(|| facts.open().find(|o| o.end.checked_add(1) == Some(s.start)))
                .map(|o| o.id.clone())
                .unwrap_or_default();
            ReshardRequest::MergeShards { shard: s.id.clone(), adjacent }
        }),
        DialogKind::SwitchMode => Some(ReshardRequest::SwitchMode(match facts.mode {
            CapacityMode::Provisioned => CapacityMode::OnDemand,
            CapacityMode::OnDemand => CapacityMode::Provisioned,
        })),
    };
    let mut dialog =
        ReshardDialog { stream: facts.name.clone(), kind, input, request, outcome: Err(String::new()), suggestion };
    check(&mut dialog, facts, app.header.readonly);
    app.mode = Mode::Reshard(Box::new(dialog));
}

fn check(dialog: &mut ReshardDialog, facts: &StreamFacts, readonly: bool) {
    dialog.outcome = match &dialog.request {
        None => Err("type the number of shards".into()),
        Some(request) => plan(facts, request).map_err(|r: Refusal| r.text()),
    };
    if let Ok(p) = &dialog.outcome {
        let change = Change::Reshard { stream: dialog.stream.clone(), call: p.call.clone() };
        if let Some(refusal) = super::confirm::readonly_refusal_of(readonly, &change) {
            dialog.outcome = Err(refusal);
        }
    }
}

pub fn dialog_key(app: &mut App, key: KeyEvent, effects: &mut Vec<Effect>) {
    let readonly = app.header.readonly;
    let facts = app.detail.as_ref().and_then(|d| d.facts.clone());
    let Mode::Reshard(dialog) = &mut app.mode else { return };
    match key.code {
        KeyCode::Esc => app.mode = Mode::Normal,
        KeyCode::Enter => {
            if let Ok(plan) = &dialog.outcome {
                let call: ReshardCall = plan.call.clone();
                let stream = dialog.stream.clone();
                let detail = plan.describe().join("; ");
                effects.push(Effect::Change { change: Change::Reshard { stream, call }, detail });
                app.mode = Mode::Normal;
            }
        }
        KeyCode::Char(c) if dialog.kind == DialogKind::Scale && c.is_ascii_digit() && dialog.input.len() < 5 => {
            dialog.input.push(c);
            dialog.request = dialog.input.parse().ok().map(ReshardRequest::ScaleTo);
            if let Some(f) = &facts {
                check(dialog, f, readonly);
            }
        }
        KeyCode::Backspace if dialog.kind == DialogKind::Scale => {
            dialog.input.pop();
            dialog.request = dialog.input.parse().ok().map(ReshardRequest::ScaleTo);
            if let Some(f) = &facts {
                check(dialog, f, readonly);
            }
        }
        _ => {}
    }
}
