//! `:emr`'s reducer: it reads when opened, lists each cluster followed by its steps, checks a
//! cancel, an added step or a termination against EMR's description before asking, asks for the
//! cluster's name before terminating, and reads again after a change.

use chrono::{Duration, TimeZone, Utc};
use crossterm::event::KeyCode;

use super::tests::{app, awaited, changes, key, type_text};
use super::*;
use crate::model::{
    Applied, Change, ClusterDetail, EmrChange, EmrCluster, EmrOverview, EmrStep, InstanceGroup, StepFailure, StepSpec,
};

fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

pub(super) fn templates(n: usize) -> std::collections::BTreeMap<String, StepSpec> {
    ["compact", "backfill"]
        .iter()
        .take(n)
        .map(|name| {
            let spec =
                StepSpec { name: format!("{name}-curated"), args: vec!["spark-submit".into()], ..StepSpec::empty() };
            (name.to_string(), spec)
        })
        .collect()
}

fn step(id: &str, state: &str) -> EmrStep {
    EmrStep {
        id: id.into(),
        name: "compact-curated".into(),
        state: state.into(),
        created: Some(at() - Duration::minutes(20)),
        started: Some(at() - Duration::minutes(19)),
        ended: (state != "RUNNING" && state != "PENDING").then(|| at() - Duration::minutes(12)),
        action_on_failure: Some("CONTINUE".into()),
        failure: (state == "FAILED").then(|| StepFailure {
            reason: Some("Container killed by YARN for exceeding memory limits".into()),
            message: None,
            log_file: Some("s3://logs/j-1/steps/s-2/stderr.gz".into()),
        }),
    }
}

/// One cluster `spark` with a running step above a failed one.
pub(super) fn overview() -> EmrOverview {
    detailed(vec![step("s-1", "RUNNING"), step("s-2", "FAILED")])
}

fn detailed(steps: Vec<EmrStep>) -> EmrOverview {
    let busy = steps.iter().any(|s| crate::model::is_cancellable_step(&s.state));
    let cluster = EmrCluster {
        id: "j-1".into(),
        name: "spark".into(),
        state: if busy { "RUNNING" } else { "WAITING" }.into(),
        state_reason: None,
        release: Some("emr-7.5.0".into()),
        applications: vec!["Spark".into()],
        instance_groups: vec![InstanceGroup {
            id: "ig-1".into(),
            name: "Core".into(),
            role: "CORE".into(),
            instance_type: "r5.2xlarge".into(),
            requested: 2,
            running: 2,
            state: "RUNNING".into(),
        }],
        created: Some(at() - Duration::days(2)),
        ready: Some(at() - Duration::days(2)),
        log_uri: None,
        termination_protected: false,
        idle_since: (!busy).then(|| at() - Duration::minutes(12)),
    };
    EmrOverview { clusters: vec![ClusterDetail { cluster, steps }], applications: vec![], warnings: vec![] }
}

fn opened(data: EmrOverview) -> App {
    let mut app = app();
    app.emr.templates = templates(2);
    type_text(&mut app, ":emr");
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view(), ViewId::Emr);
    let id = awaited(&app.emr.request);
    update(&mut app, Action::EmrLoaded { id, result: Ok(Box::new(data)), at: at() }, 10);
    app
}

fn described(app: &mut App, effects: &[Effect], data: &EmrOverview) -> Vec<Effect> {
    let Some(Effect::DescribeCluster { change }) =
        effects.iter().find(|e| matches!(e, Effect::DescribeCluster { .. })).cloned()
    else {
        panic!("EMR is asked first: {effects:?}")
    };
    let found = data.clusters.first().cloned().map(Box::new);
    update(app, Action::ClusterDescribed { change, result: Ok(found), at: at() }, 30)
}

#[test]
fn each_cluster_is_followed_by_its_steps_and_the_filter_finds_a_failure_reason() {
    let mut app = opened(overview());
    let rows = emr::visible(&app);
    assert_eq!(rows.len(), 3);
    assert!(matches!(rows[0], emr::Row::Cluster(_)) && matches!(rows[2], emr::Row::Step(_, s) if s.id == "s-2"));
    app.emr.cursor.filter = "yarn".into();
    assert_eq!(emr::visible(&app).len(), 1);
}

#[test]
fn a_running_step_is_cancelled_after_emr_describes_it_and_the_list_is_read_again() {
    let data = overview();
    let mut app = opened(data.clone());
    key(&mut app, KeyCode::Char('j'));
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('x'))), 20);
    described(&mut app, &effects, &data);
    let Mode::Confirm(dialog) = &app.mode else { panic!("a confirmation: {:?}", app.mode) };
    assert!(dialog.lines[0].starts_with("CancelSteps s-1 on j-1"), "{:?}", dialog.lines);
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 40);
    let change = Change::Emr(EmrChange::CancelStep { cluster_id: "j-1".into(), step_id: "s-1".into() });
    assert_eq!(changes(&effects), vec![&change]);
    let effects = update(&mut app, Action::Changed { change, started_ms: 40, result: Ok(Applied::Done), at: at() }, 50);
    assert!(effects.iter().any(|e| matches!(e, Effect::FetchEmr { .. })), "{effects:?}");

    // A failed step is not cancelled: the rule says why and nothing is asked.
    key(&mut app, KeyCode::Char('j'));
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('x'))), 60);
    described(&mut app, &effects, &data);
    let Mode::Confirm(dialog) = &app.mode else { panic!() };
    assert!(dialog.refusal.as_deref().unwrap().contains("only a pending or running step is cancelled"));
}

#[test]
fn a_step_is_added_from_a_chosen_template() {
    let data = overview();
    let mut app = opened(data.clone());
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('a'))), 20);
    assert!(effects.is_empty());
    let Mode::Pick(picker) = &app.mode else { panic!("two templates: a list to choose from, {:?}", app.mode) };
    assert_eq!(picker.choices.len(), 2);
    // "backfill" is first (by name); the second is "compact".
    key(&mut app, KeyCode::Char('j'));
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 30);
    described(&mut app, &effects, &data);
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(dialog.lines.iter().any(|l| l == "step: compact-curated"), "{:?}", dialog.lines);
    assert!(dialog.lines.iter().any(|l| l.contains("waits behind them")), "{:?}", dialog.lines);
}

#[test]
fn an_idle_cluster_is_terminated_only_with_its_name_typed() {
    let data = detailed(vec![step("s-2", "COMPLETED")]);
    let mut app = opened(data.clone());
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('T'))), 20);
    described(&mut app, &effects, &data);
    assert!(matches!(app.mode, Mode::TerminateCluster { .. }), "{:?}", app.mode);
    assert!(app.emr.terminate_plan.iter().any(|l| l.starts_with("idle for 12 min")), "{:?}", app.emr.terminate_plan);
    type_text(&mut app, "spar");
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 30);
    assert!(changes(&effects).is_empty());
    assert!(matches!(&app.mode, Mode::TerminateCluster { error: Some(e), .. } if e.contains("type spark exactly")));
    type_text(&mut app, "k");
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Enter)), 40);
    let change = Change::Emr(EmrChange::Terminate { cluster_id: "j-1".into(), name: "spark".into() });
    assert_eq!(changes(&effects), vec![&change]);

    // A busy cluster is not: the rule says why.
    let busy = overview();
    let mut app = opened(busy.clone());
    let effects = update(&mut app, Action::Key(crossterm::event::KeyEvent::from(KeyCode::Char('T'))), 20);
    described(&mut app, &effects, &busy);
    let Mode::Confirm(dialog) = &app.mode else { panic!("{:?}", app.mode) };
    assert!(dialog.refusal.as_deref().unwrap().contains("only an idle cluster is terminated"));
}
