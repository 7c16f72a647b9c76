//! The sandbox's EMR cluster rehearses a processing incident end to end: the `spark-oom` fault
//! kills the hourly step, the EMR layer turns red naming the step, why and its log; once the
//! fault is off a step added from the profile's template completes. Cancelling a step and
//! terminating the cluster are checked by the rules first, as on AWS.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{Change, EmrChange, EmrMode, Health, Layer, PlatformSnapshot};
use lakeops::ops::emr::{plan, FoundCluster};
use lakeops::ops::health::{assess, Thresholds};
use lakeops::platform::{Gate, Platform};
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

const MINUTE: i64 = 60_000;

/// 14:00: the last scheduled step (13:45) is done; the next starts at 14:45.
fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

async fn snapshot(s: &Sandbox) -> PlatformSnapshot {
    s.snapshot().await.expect("snapshot")
}

fn processing(loaded: &lakeops::settings::Loaded, snapshot: &PlatformSnapshot) -> (Health, String) {
    let layers = assess(snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms));
    let l = layers.into_iter().find(|l| l.layer == Layer::Processing).expect("the EMR layer is shown");
    (l.health, l.reason)
}

async fn pass(s: &Sandbox, clock: &ManualClock, minutes: i64) {
    for _ in 0..minutes {
        clock.advance(MINUTE);
        snapshot(s).await;
    }
}

fn found(d: &lakeops::model::ClusterDetail) -> FoundCluster<'_> {
    FoundCluster { cluster: Some(&d.cluster), steps: &d.steps, cost_per_hour: 1.46 }
}

/// The sandbox at [`start`] on a clock the test moves, and a directory for its journal.
fn lab() -> (lakeops::settings::Loaded, Arc<ManualClock>, Sandbox, tempfile::TempDir) {
    support::sandbox_lab(start())
}

fn gate(dir: &tempfile::TempDir) -> Gate {
    support::sandbox_gate(dir.path())
}

#[tokio::test]
async fn spark_oom_fails_the_hourly_step_and_a_step_from_a_template_completes_once_it_is_off() {
    let (loaded, clock, s, dir) = lab();
    let gate = gate(&dir);

    let overview = s.emr().await.unwrap();
    assert_eq!(overview.clusters.len(), 1, "{overview:?}");
    let cluster = overview.clusters[0].cluster.clone();
    assert_eq!((cluster.name.as_str(), cluster.state.as_str()), ("clickstream-spark", "WAITING"));
    assert_eq!(cluster.instance_groups.len(), 2);
    let steps = &overview.clusters[0].steps;
    assert!(steps.len() >= 3, "the last hours' compactions: {steps:?}");
    assert!(steps.iter().all(|s| s.state == "COMPLETED" && s.name == "compact-curated"), "{steps:?}");
    let idle = cluster.idle_since.expect("idle since the 13:45 step ended");
    assert_eq!(Some(idle), steps[0].ended);
    assert_eq!(processing(&loaded, &snapshot(&s).await).0, Health::Ok);

    // 14:45's step runs into the fault.
    s.with_model(|m| m.set_fault(Fault::SparkOom, true)).unwrap();
    pass(&s, &clock, 50).await;
    let detail = s.emr_cluster(&cluster.id).await.unwrap().expect("the cluster");
    let failed = &detail.steps[0];
    assert_eq!(failed.state, "FAILED");
    let failure = failed.failure.clone().expect("why it failed");
    assert!(failure.reason.as_deref().unwrap().contains("Container killed by YARN"), "{failure:?}");
    assert!(failure.log_file.as_deref().unwrap().ends_with(&format!("{}/stderr.gz", failed.id)), "{failure:?}");
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Critical, "{reason}");
    assert!(reason.contains("compact-curated FAILED") && reason.contains("killed by YARN"), "{reason}");
    let trail = s.with_model(|m| m.trail.iter().any(|e| e.name == "ModifyInstanceGroups")).unwrap();
    assert!(trail, "the change that caused it is in CloudTrail");

    // With the fault off, the template's step runs and completes.
    s.with_model(|m| m.set_fault(Fault::SparkOom, false)).unwrap();
    let step = loaded.settings.platform.emr.steps["backfill"].clone();
    let add = Change::Emr(EmrChange::AddStep { cluster_id: cluster.id.clone(), step });
    let answer = gate.apply(&s, &add, "").await.expect("added").answer();
    assert!(answer.starts_with("step s-") && answer.ends_with(&cluster.id), "{answer}");
    pass(&s, &clock, 9).await;
    let detail = s.emr_cluster(&cluster.id).await.unwrap().unwrap();
    assert_eq!((detail.steps[0].name.as_str(), detail.steps[0].state.as_str()), ("backfill-sessions", "COMPLETED"));
    // The failure of the last hour is still counted (AppsFailed), no longer the latest step.
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Warn, "{reason}");
    assert!(reason.contains("1 YARN application(s) failed"), "{reason}");
    pass(&s, &clock, 60).await;
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Ok, "{reason}");
    let journal = std::fs::read_to_string(dir.path().join("journal.jsonl")).unwrap();
    assert!(journal.contains("emr.add-step"), "{journal}");
}

#[tokio::test]
async fn a_pending_step_is_cancelled_and_an_idle_cluster_terminated_by_the_rules() {
    let (loaded, clock, s, dir) = lab();
    let gate = gate(&dir);
    let id = s.emr().await.unwrap().clusters[0].cluster.id.clone();
    let step = loaded.settings.platform.emr.steps["compact"].clone();
    gate.apply(&s, &Change::Emr(EmrChange::AddStep { cluster_id: id.clone(), step }), "").await.unwrap();
    let detail = s.emr_cluster(&id).await.unwrap().unwrap();
    assert_eq!(detail.steps[0].state, "PENDING");
    let now = start();

    // Terminating while steps are active is refused; so is a completed step's cancel.
    let terminate = EmrChange::Terminate { cluster_id: id.clone(), name: "clickstream-spark".into() };
    let refused = plan(&terminate, found(&detail), now).unwrap_err().text();
    assert!(refused.contains("only an idle cluster is terminated"), "{refused}");
    let done = detail.steps.iter().find(|s| s.state == "COMPLETED").unwrap();
    let cancel_done = EmrChange::CancelStep { cluster_id: id.clone(), step_id: done.id.clone() };
    assert!(plan(&cancel_done, found(&detail), now).unwrap_err().text().contains("is COMPLETED"));

    let pending = EmrChange::CancelStep { cluster_id: id.clone(), step_id: detail.steps[0].id.clone() };
    plan(&pending, found(&detail), now).expect("a pending step may be cancelled");
    gate.apply(&s, &Change::Emr(pending), "").await.expect("cancelled");
    pass(&s, &clock, 10).await;
    let detail = s.emr_cluster(&id).await.unwrap().unwrap();
    assert_eq!(detail.steps[0].state, "CANCELLED");
    assert!(detail.cluster.idle_since.is_some(), "nothing runs: the cluster is idle");

    let lines = plan(&terminate, found(&detail), Utc::now()).expect("an idle cluster may be terminated");
    assert!(lines.iter().any(|l| l.starts_with("idle for") && l.contains('$')), "{lines:?}");
    let wrong = EmrChange::Terminate { cluster_id: id.clone(), name: "clickstream".into() };
    assert!(plan(&wrong, found(&detail), now).unwrap_err().text().contains("is named"));
    gate.apply(&s, &Change::Emr(terminate), "").await.expect("terminated");
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Warn, "{reason}");
    assert!(reason.contains("no live EMR cluster named clickstream-spark"), "{reason}");
    assert!(s.emr().await.unwrap().clusters.is_empty());
}

#[tokio::test]
async fn a_profile_without_emr_shows_no_such_layer() {
    let mut loaded = support::sandbox_settings();
    loaded.settings.platform.emr.mode = EmrMode::Off;
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock);
    let layers = assess(&snapshot(&s).await, Thresholds::from_alarms(&loaded.settings.platform.alarms));
    assert!(layers.iter().all(|l| l.layer != Layer::Processing));
    let overview = s.emr().await.unwrap();
    assert!(overview.clusters.is_empty() && overview.warnings.is_empty());
}

#[tokio::test]
async fn a_serverless_application_runs_the_hourly_job_and_spark_oom_fails_it() {
    let mut loaded = support::sandbox_settings();
    loaded.settings.platform.emr.mode = EmrMode::Serverless;
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock.clone());
    snapshot(&s).await;
    s.with_model(|m| m.set_fault(Fault::SparkOom, true)).unwrap();
    pass(&s, &clock, 46).await;
    let overview = s.emr().await.unwrap();
    assert!(overview.clusters.is_empty() && overview.warnings.is_empty(), "{overview:?}");
    let app = &overview.applications[0];
    assert_eq!((app.name.as_str(), app.state.as_str()), ("clickstream-spark", "STARTED"));
    assert_eq!(app.job_runs[0].state, "RUNNING");
    pass(&s, &clock, 4).await;
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Critical, "{reason}");
    assert!(
        reason.contains("job run compact-curated FAILED") && reason.contains("Container killed by YARN"),
        "{reason}"
    );

    s.with_model(|m| m.set_fault(Fault::SparkOom, false)).unwrap();
    pass(&s, &clock, 70).await;
    let (health, reason) = processing(&loaded, &snapshot(&s).await);
    assert_eq!(health, Health::Ok, "{reason}");
    assert!(reason.contains("SUCCESS"), "{reason}");
    // 15 idle minutes after its run the application has stopped.
    pass(&s, &clock, 30).await;
    assert_eq!(s.emr().await.unwrap().applications[0].state, "STOPPED");
}

/// A cluster that took a step after its terminate was planned (another operator, the hourly
/// schedule) is read again when the terminate is confirmed, and refused: EMR would terminate it,
/// the step with it.
#[tokio::test]
async fn a_terminate_confirmed_after_the_cluster_took_a_step_is_refused() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock.clone());
    let (_dir, paths) = support::temp_paths();
    let session = lakeops::session::Session::headless(&loaded, &paths, &s);
    let id = s.emr().await.unwrap().clusters[0].cluster.id.clone();
    let terminate = EmrChange::Terminate { cluster_id: id.clone(), name: "clickstream-spark".into() };
    let detail = s.emr_cluster(&id).await.unwrap().unwrap();
    plan(&terminate, found(&detail), start()).expect("idle when the plan is shown");
    // Meanwhile a step is added.
    let step = loaded.settings.platform.emr.steps["compact"].clone();
    session.gate.apply(&s, &Change::Emr(EmrChange::AddStep { cluster_id: id.clone(), step }), "").await.unwrap();
    let change = Change::Emr(terminate);
    let refused = lakeops::session::change::apply(&session, &s, &change, "idle for 5 s").await.unwrap_err();
    assert!(matches!(refused, lakeops::platform::GateError::Refused(_)), "{refused:?}");
    assert!(refused.to_string().contains("changed since its plan was shown"), "{refused}");
    assert!(refused.to_string().contains("only an idle cluster is terminated"), "{refused}");
    assert_eq!(s.emr().await.unwrap().clusters.len(), 1, "the cluster still runs");
    let journal = std::fs::read_to_string(paths.journal_file()).unwrap();
    assert!(journal.contains("\"outcome\":\"refused: ") && journal.contains("emr.terminate-cluster"), "{journal}");
    // Terminated anyway (EMR does not refuse it): its live steps end with it.
    session.gate.apply(&s, &change, "").await.expect("EMR terminates a busy cluster");
    let detail = s.emr_cluster(&id).await.unwrap().expect("a terminated cluster is still described");
    let live: Vec<&str> = detail
        .steps
        .iter()
        .filter(|s| matches!(s.state.as_str(), "PENDING" | "RUNNING"))
        .map(|s| s.id.as_str())
        .collect();
    assert!(live.is_empty(), "steps left running on a terminated cluster: {live:?}");
    assert!(detail.steps.iter().any(|s| s.state == "CANCELLED" && s.ended.is_some()));
}

/// A failed step does what it asked EMR to do on failure: CANCEL_AND_WAIT cancels the steps
/// waiting behind it; TERMINATE_CLUSTER ends the cluster with them.
#[tokio::test]
async fn a_failed_step_s_action_on_failure_is_what_emr_does() {
    let (loaded, clock, s, dir) = lab();
    let gate = gate(&dir);
    let id = s.emr().await.unwrap().clusters[0].cluster.id.clone();
    s.with_model(|m| m.set_fault(Fault::SparkOom, true)).unwrap();
    // The fault's cause shows: the core group moved to smaller instances.
    let groups = s.emr_cluster(&id).await.unwrap().unwrap().cluster.instance_groups;
    assert!(groups.iter().any(|g| g.role == "CORE" && g.instance_type == "r5.xlarge"), "{groups:?}");
    let steps = &loaded.settings.platform.emr.steps;
    assert_eq!(steps["backfill"].action_on_failure, "CANCEL_AND_WAIT");
    for name in ["backfill", "compact"] {
        let add = EmrChange::AddStep { cluster_id: id.clone(), step: steps[name].clone() };
        gate.apply(&s, &Change::Emr(add), "").await.unwrap();
    }
    pass(&s, &clock, 10).await;
    let detail = s.emr_cluster(&id).await.unwrap().unwrap();
    let states: Vec<(&str, &str)> = detail.steps.iter().take(2).map(|s| (s.name.as_str(), s.state.as_str())).collect();
    assert_eq!(states, [("compact-curated", "CANCELLED"), ("backfill-sessions", "FAILED")], "{:?}", detail.steps);

    let mut ending = steps["compact"].clone();
    ending.action_on_failure = "TERMINATE_CLUSTER".into();
    gate.apply(&s, &Change::Emr(EmrChange::AddStep { cluster_id: id.clone(), step: ending }), "").await.unwrap();
    pass(&s, &clock, 10).await;
    let detail = s.emr_cluster(&id).await.unwrap().unwrap();
    assert_eq!(detail.cluster.state, "TERMINATED_WITH_ERRORS", "{:?}", detail.cluster);
    assert!(s.emr().await.unwrap().clusters.is_empty(), "no live cluster");
}
