//! One stream in detail: charts of its load against capacity, lag and throttling, the shard map,
//! and the resharding dialog, each change checked by `ops::reshard` before it can be confirmed.

use crossterm::event::{KeyCode, KeyEvent};

use super::action::Effect;
use super::command::Command;
use super::confirm;
use super::keymap::{bind, Binding};
use super::list::ListCursor;
use super::registry::{View, ViewSpec};
use super::report::{report_error, toast, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode, ToastLevel};
use super::update::open_view;
use crate::model::{CapacityMode, Change, StreamFacts, StreamSeries};
use crate::ops::reshard::{plan, suggested, Refusal, ReshardPlan, ReshardRequest};
use crate::platform::PlatformError;

pub const VIEW: &dyn View = &Detail;

struct Detail;

const KEYS: &[Binding] = &[
    bind(Command::Peek, &["p"], "peek at records: all shards / the selected shard")
        .and(Command::PeekShard, &["P"])
        .hint("peek"),
    bind(Command::Window, &["w"], "chart window: 15 m, 1 h, 3 h, 24 h").hint("window"),
    bind(Command::Down, &["j", "↓"], "select a shard in the shard map").and(Command::Up, &["k", "↑"]),
    bind(Command::Scale, &["u"], "scale uniformly (UpdateShardCount)").hint("scale").changes(),
    bind(Command::Split, &["x"], "split the selected shard at its midpoint").hint("split").changes(),
    bind(Command::Merge, &["m"], "merge the selected shard with its neighbour").hint("merge").changes(),
    bind(Command::SwitchMode, &["M"], "switch capacity mode (on-demand ↔ provisioned)").changes(),
    bind(Command::EnhancedMonitoring, &["e"], "enhanced (shard-level) monitoring on/off — AWS bills it").changes(),
];

const SPEC: ViewSpec =
    ViewSpec { title: "Stream", opened_from: "a row of :streams", keys: KEYS, charts: true, ..ViewSpec::NONE };

impl View for Detail {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }

    fn command(&self, app: &mut App, command: Command, effects: &mut Vec<Effect>) -> bool {
        let Some(detail) = app.detail.as_mut() else { return false };
        let open_count = detail.facts.as_ref().map(|f| f.open_count() as usize).unwrap_or(0);
        match command {
            Command::Window => {
                detail.window = detail.window.next();
                fetch(app, true, effects);
            }
            Command::Down => detail.shards.selected = (detail.shards.selected + 1).min(open_count.saturating_sub(1)),
            Command::Up => detail.shards.selected = detail.shards.selected.saturating_sub(1),
            Command::Peek | Command::PeekShard => {
                let stream = detail.stream.clone();
                let shard = (command == Command::PeekShard)
                    .then(|| {
                        detail.facts.as_ref().and_then(|f| f.open().nth(detail.shards.selected)).map(|s| s.id.clone())
                    })
                    .flatten();
                super::peek::open(app, &stream, shard, effects);
            }
            Command::EnhancedMonitoring => ask_monitoring(app),
            Command::Scale => open_dialog(app, DialogKind::Scale),
            Command::Split => open_dialog(app, DialogKind::Split),
            Command::Merge => open_dialog(app, DialogKind::Merge),
            Command::SwitchMode => open_dialog(app, DialogKind::SwitchMode),
            _ => return false,
        }
        true
    }

    fn refreshed(&self, app: &mut App, effects: &mut Vec<Effect>) {
        fetch(app, false, effects);
    }
}

/// The charts' time window (`window` cycles it).
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
    /// The read of its facts and charts.
    pub request: Request,
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
    /// The stream's open shards when the dialog opened: a read that finds others closes it.
    pub open: u32,
    /// A refused plan is journaled once a dialog, however often enter is pressed.
    pub journaled: bool,
}

/// Opens `stream` in detail and reads it.
pub fn open(app: &mut App, stream: &str, effects: &mut Vec<Effect>) {
    let window = app.detail.as_ref().map(|d| d.window).unwrap_or_default();
    app.detail = Some(StreamDetail {
        stream: stream.to_string(),
        window,
        facts: None,
        series: None,
        request: Request::default(),
        shards: ListCursor::default(),
    });
    open_view(app, super::registry::ViewId::StreamDetail);
    fetch(app, true, effects);
}

/// Reads the stream again: now (`anew`, superseding a read under way, whose answer is then
/// dropped), or unless a read is under way.
fn fetch(app: &mut App, anew: bool, effects: &mut Vec<Effect>) {
    let now = app.now_ms;
    let Some(d) = app.detail.as_mut() else { return };
    let id = if anew { Some(d.request.restart(now)) } else { d.request.start(now) };
    if let Some(id) = id {
        effects.push(Effect::FetchStreamDetail { stream: d.stream.clone(), minutes: d.window.minutes(), id });
    }
}

/// A change to the stream came back: read it again.
pub fn changed(app: &mut App, effects: &mut Vec<Effect>) {
    fetch(app, true, effects);
}

/// The stream's facts and charts arrived.
pub fn loaded(
    app: &mut App,
    stream: &str,
    id: RequestId,
    result: Result<Box<(StreamFacts, StreamSeries)>, PlatformError>,
    at: chrono::DateTime<chrono::Utc>,
) {
    let now = app.now_ms;
    let Some(detail) = app.detail.as_mut().filter(|d| d.stream == stream) else { return };
    if !detail.request.accept(id, now, &result) {
        return;
    }
    match result {
        Ok(loaded) => {
            let (facts, series) = *loaded;
            let warnings = facts.warnings.clone();
            detail.shards.selected = detail.shards.selected.min((facts.open_count() as usize).saturating_sub(1));
            detail.facts = Some(facts);
            detail.series = Some(series);
            for warning in warnings {
                report_error(app, ErrorSource::Stream, &warning, at);
            }
            replan(app);
        }
        Err(e) => report_error(app, ErrorSource::Stream, &e.to_string(), at),
    }
}

/// A reshard dialog open while the stream's facts were read again shows the plan made on them;
/// one whose stream changed its open shards meanwhile (another operator scaled it) closes, as
/// the plan it showed no longer holds (the runtime checks again before the call).
fn replan(app: &mut App) {
    let readonly = app.readonly;
    let Some(facts) = app.detail.as_ref().and_then(|d| d.facts.as_ref()) else { return };
    let Mode::Reshard(dialog) = &mut app.mode else { return };
    if dialog.open != facts.open_count() {
        let message = format!(
            "{} changed while the reshard dialog was open: {} open shards now; nothing was done — plan again",
            dialog.stream,
            facts.open_count()
        );
        app.mode = Mode::Normal;
        return toast(app, ToastLevel::Error, message);
    }
    check(dialog, facts, readonly);
}

fn ask_monitoring(app: &mut App) {
    let Some(facts) = app.detail.as_ref().and_then(|d| d.facts.as_ref()) else { return };
    let on = !facts.enhanced_monitoring;
    let (stream, shards) = (facts.name.clone(), facts.open_count());
    let (title, lines) = if on {
        (
            " Enable enhanced monitoring ",
            vec![
                format!("EnableEnhancedMonitoring (ALL shard-level metrics) on {stream}"),
                "per-shard rates for the shard map: hot and cold shards show".to_string(),
                format!(
                    "cost: CloudWatch bills each shard-level metric: 7 metrics × {shards} shards = {} metrics",
                    7 * shards
                ),
            ],
        )
    } else {
        (
            " Disable enhanced monitoring ",
            vec![format!("DisableEnhancedMonitoring on {stream}"), "the shard map loses its per-shard rates".into()],
        )
    };
    let change = Change::EnhancedMonitoring { stream, on };
    confirm::ask(app, title, lines, change, "ShardLevelMetrics=ALL".into());
}

fn open_dialog(app: &mut App, kind: DialogKind) {
    let Some(detail) = app.detail.as_ref() else { return };
    let Some(facts) = detail.facts.as_ref() else {
        return toast(app, ToastLevel::Info, "the stream's shards are still being read".into());
    };
    let selected: Vec<&crate::model::ShardInfo> = facts.open().collect();
    let shard = selected.get(detail.shards.selected).copied();
    let suggestion = crate::ops::reshard::suggestion(facts);
    let input = match kind {
        DialogKind::Scale => {
            let open = facts.open_count();
            let suggested = suggested(facts).unwrap_or(open + 1);
            // Never fewer shards offered while writes were being throttled: enter out of habit
            // must not shrink a stream in the middle of its incident.
            let throttled = crate::ops::reshard::throttled(facts).is_some();
            let target = if suggested == open || (throttled && suggested < open) { open + 1 } else { suggested };
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
    let mut dialog = ReshardDialog {
        stream: facts.name.clone(),
        kind,
        input,
        request,
        outcome: Err(String::new()),
        suggestion,
        open: facts.open_count(),
        journaled: false,
    };
    check(&mut dialog, facts, app.readonly);
    app.mode = Mode::Reshard(Box::new(dialog));
}

/// The plan the dialog would make, or the rule (or read-only mode) that refuses it.
fn check(dialog: &mut ReshardDialog, facts: &StreamFacts, readonly: bool) {
    dialog.outcome = match &dialog.request {
        None => Err("type the number of shards".into()),
        Some(request) => plan(facts, request).map_err(|r: Refusal| r.text()),
    };
    if let Ok(p) = &dialog.outcome {
        let change = Change::Reshard { stream: dialog.stream.clone(), call: p.call.clone() };
        if let Some(refusal) = confirm::readonly_refusal_of(readonly, &change) {
            dialog.outcome = Err(refusal);
        }
    }
}

/// The reshard dialog: `confirm` makes the checked plan, `back` closes; digits type the target.
pub fn dialog_command(app: &mut App, command: Command, effects: &mut Vec<Effect>) {
    let readonly = app.readonly;
    let facts = app.detail.as_ref().and_then(|d| d.facts.clone());
    let Mode::Reshard(dialog) = &mut app.mode else { return };
    match command {
        Command::Back => app.mode = Mode::Normal,
        Command::Confirm => match &dialog.outcome {
            Ok(plan) => {
                effects.push(Effect::Reshard(Box::new(plan.clone())));
                app.mode = Mode::Normal;
            }
            // A refused plan is journaled once, as the headless command journals it: read-only
            // mode's refusal with the plan, a rule's with what was asked.
            Err(refusal) => {
                let Some((facts, request)) = facts.as_ref().zip(dialog.request.as_ref()) else { return };
                if dialog.journaled {
                    return;
                }
                match plan(facts, request) {
                    Ok(p) if readonly => {
                        let change = Change::Reshard { stream: dialog.stream.clone(), call: p.call.clone() };
                        effects.push(confirm::refusal_record(&change, p.describe().join("; "), refusal));
                    }
                    Ok(_) => return,
                    Err(rule) => effects.push(Effect::Record {
                        action: request.action(),
                        target: dialog.stream.clone(),
                        detail: request.asked(),
                        outcome: rule.outcome(),
                    }),
                }
                dialog.journaled = true;
            }
        },
        _ => {}
    }
}

/// A key typed into the dialog: the target shard count, for a uniform scaling.
pub fn dialog_text(app: &mut App, key: KeyEvent) {
    let readonly = app.readonly;
    let facts = app.detail.as_ref().and_then(|d| d.facts.clone());
    let Mode::Reshard(dialog) = &mut app.mode else { return };
    if dialog.kind != DialogKind::Scale {
        return;
    }
    match key.code {
        KeyCode::Char(c) if c.is_ascii_digit() && dialog.input.len() < 5 => dialog.input.push(c),
        KeyCode::Backspace => {
            dialog.input.pop();
        }
        _ => return,
    }
    dialog.request = dialog.input.parse().ok().map(ReshardRequest::ScaleTo);
    if let Some(f) = &facts {
        check(dialog, f, readonly);
    }
}
