//! `:slo`: each freshness objective of the profile (`[slo]`), worst first: the dataset, its last
//! update, its lag, the objective, its state and the error budget left over the window. Its rows
//! are judged by `ops::slo` once per snapshot; the overview's layers read the same verdicts.

use ratatui::layout::Rect;

use super::registry::{ListSpec, View, ViewSpec};
use super::state::App;
use crate::model::PlatformSnapshot;
use crate::ops::slo::{judge_all, Objective};
use crate::settings::Slo;

pub const VIEW: &dyn View = &Objectives;

struct Objectives;

const SPEC: ViewSpec = ViewSpec {
    names: &["slo"],
    title: "Freshness objectives",
    details: &[],
    list: Some(ListSpec {
        area: |_, body| split(body).0,
        filter_help: "filter by dataset, state or reason",
        ..ListSpec::new(|app| &app.slo.cursor, |app| &mut app.slo.cursor, |app| visible(app).len())
    }),
    ..ViewSpec::NONE
};

impl View for Objectives {
    fn spec(&self) -> &'static ViewSpec {
        &SPEC
    }
}

/// Lines the selected objective's detail takes at the foot of the view.
const DETAIL_LINES: u16 = 7;

/// The list above, the selected objective in full below.
pub fn split(body: Rect) -> (Rect, Rect) {
    let detail_height = DETAIL_LINES.min(body.height);
    let list = Rect { height: body.height - detail_height, ..body };
    (list, Rect { y: list.bottom(), height: detail_height, ..body })
}

/// The profile's objectives and how they stand at the newest snapshot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SloView {
    /// `[slo]`; `None`: the profile sets no objectives.
    pub settings: Option<Slo>,
    /// The catalog database the curated table is in (`platform.glue.database`).
    pub database: String,
    /// The objectives judged at the newest snapshot, worst first.
    pub objectives: Vec<Objective>,
    pub cursor: super::list::ListCursor,
}

/// The profile's objectives, set when the console opens.
pub fn set_objectives(app: &mut App, settings: Option<Slo>, database: &str) {
    app.slo.settings = settings;
    app.slo.database = database.to_string();
}

/// A snapshot arrived: each objective judged again, and a burning or broken one said on the
/// overview's layer of its dataset.
pub fn judged(app: &mut App, snapshot: &PlatformSnapshot) {
    app.slo.objectives = match &app.slo.settings {
        Some(slo) => judge_all(slo, snapshot, &app.slo.database, &app.layers),
        None => Vec::new(),
    };
    crate::ops::health::with_objectives(&mut app.layers, &app.slo.objectives);
}

/// The objectives passing the filter, worst first.
pub fn visible(app: &App) -> Vec<&Objective> {
    let needle = app.slo.cursor.filter.to_lowercase();
    app.slo
        .objectives
        .iter()
        .filter(|o| {
            needle.is_empty()
                || [o.dataset.as_str(), o.state.label(), o.reason.as_str(), o.kind]
                    .iter()
                    .any(|f| f.to_lowercase().contains(&needle))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;
    use crate::app::Header;
    use crate::model::{DatasetUpdate, GlueStatus, Health, Layer, Reading, UpdateHistory};
    use crate::ops::health::{assess as health, Thresholds};
    use crate::ops::slo::State;

    fn app() -> App {
        let header = Header { profile: "p".into(), backend: "sandbox".into(), location: "seed 1".into() };
        let thresholds = Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 };
        App::new(header, thresholds, 5_000)
    }

    /// The curate job's last success 4 h before the snapshot, holding what it read then.
    fn snapshot() -> PlatformSnapshot {
        let mut snapshot = PlatformSnapshot::example();
        let ended = snapshot.taken_at - Duration::hours(4);
        snapshot.glue = Reading::Ready {
            data: GlueStatus {
                curated_writes: UpdateHistory {
                    updates: vec![DatasetUpdate { at: ended, holds_until: ended - Duration::minutes(5) }],
                    complete_since: Some(ended - Duration::hours(30)),
                },
                ..GlueStatus::example()
            },
        };
        snapshot
    }

    #[test]
    fn each_snapshot_judges_the_objectives_and_a_broken_one_turns_its_layer_red() {
        let mut app = app();
        let slo = Slo {
            window_seconds: 24 * 3600,
            target: 0.99,
            raw: None,
            curated: Some(90 * 60),
            spice: None,
            spice_datasets: Vec::new(),
            origin: "p.toml".into(),
        };
        set_objectives(&mut app, Some(slo), "lake");
        let snapshot = snapshot();
        app.layers = health(&snapshot, app.thresholds);
        judged(&mut app, &snapshot);
        assert_eq!(app.slo.objectives.len(), 1);
        assert_eq!(app.slo.objectives[0].state, State::Broken);
        let lake = app.layers.iter().find(|l| l.layer == Layer::Lake).unwrap();
        assert_eq!(lake.health, Health::Critical);
        assert!(lake.reason.starts_with("freshness objective broken for curated lake.events: error budget spent"));
        // The filter matches the state's word.
        app.slo.cursor.filter = "BROKEN".into();
        assert_eq!(visible(&app).len(), 1);
        app.slo.cursor.filter = "met".into();
        assert!(visible(&app).is_empty());
    }

    #[test]
    fn without_objectives_nothing_is_judged_and_the_layers_stay_as_they_were() {
        let mut app = app();
        let snapshot = snapshot();
        app.layers = health(&snapshot, app.thresholds);
        let before = app.layers.clone();
        judged(&mut app, &snapshot);
        assert!(app.slo.objectives.is_empty());
        assert_eq!(app.layers, before);
    }
}
