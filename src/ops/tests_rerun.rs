//! The rules for running a source or a refresh now: what each refuses, naming the rule, and the
//! plan it shows.

use chrono::{Duration, TimeZone, Utc};

use super::rerun::{plan, source_named, MANUAL_REFRESHES_PER_DAY};
use crate::model::*;
use crate::settings::SourcesSettings;

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

fn snapshot(sources: Vec<IngestSource>, datasets: Vec<SpiceDataset>) -> PlatformSnapshot {
    let mut s = PlatformSnapshot::example();
    s.taken_at = now();
    s.sources = Reading::Ready { data: SourcesStatus { sources, expect_within_minutes: 90 } };
    s.quicksight = Reading::Ready { data: QuicksightStatus { datasets, refresh_within_hours: 2 } };
    s
}

fn source(kind: SourceKind, name: &str, status: &str) -> IngestSource {
    IngestSource { exists: true, status: Some(status.into()), ..IngestSource::missing(kind, name) }
}

fn refusal(rerun: &Rerun, s: &PlatformSnapshot) -> String {
    plan(rerun, s, now()).expect_err("refused").text()
}

fn ingestion(id: &str, status: &str, minutes_ago: i64, manual: bool) -> Ingestion {
    Ingestion {
        id: id.into(),
        status: status.into(),
        created: Some(now() - Duration::minutes(minutes_ago)),
        seconds: None,
        rows_ingested: None,
        rows_dropped: None,
        error_type: None,
        error_message: None,
        manual,
    }
}

#[test]
fn only_a_stopped_or_failed_dms_task_resumes() {
    let dms = |status: &str| Rerun::DmsTask(format!("t-{status}"));
    let s = snapshot(
        ["stopped", "failed", "running", "ready", "starting"]
            .iter()
            .map(|st| source(SourceKind::Dms, &format!("t-{st}"), st))
            .collect(),
        vec![],
    );
    for ok in ["stopped", "failed"] {
        let lines = plan(&dms(ok), &s, now()).unwrap();
        assert_eq!(lines[0], format!("StartReplicationTask (resume-processing) on DMS task t-{ok}"));
    }
    assert!(refusal(&dms("running"), &s).ends_with("DMS task t-running is running: nothing to resume"));
    assert!(refusal(&dms("starting"), &s).contains("\"only a stopped or failed task resumes\""));
    assert!(refusal(&dms("ready"), &s).contains("has never run (ready)"));
}

#[test]
fn a_source_that_is_not_there_or_not_the_profiles_is_refused() {
    let s = snapshot(vec![IngestSource::missing(SourceKind::DataSync, "gone")], vec![]);
    assert!(refusal(&Rerun::DataSyncTask("gone".into()), &s).contains("DataSync does not know gone"));
    assert!(refusal(&Rerun::DataSyncTask("other".into()), &s).contains("not one of the profile's DataSync sources"));
    let mut unread = s.clone();
    unread.sources = Reading::unavailable("DescribeReplicationTasks: AccessDenied");
    let text = refusal(&Rerun::DmsTask("t".into()), &unread);
    assert!(text.contains("could not be read") && text.contains("AccessDenied"), "{text}");
    unread.quicksight = Reading::NotWatched;
    assert!(refusal(&Rerun::SpiceDataset("d".into()), &unread).contains("the profile does not watch QuickSight"));
}

#[test]
fn datasync_and_appflow_run_one_at_a_time_and_a_scheduled_flow_is_not_run_now() {
    let running = SourceRun {
        id: "exec-1".into(),
        status: "TRANSFERRING".into(),
        started: Some(now() - Duration::minutes(3)),
        ended: None,
        bytes: None,
        items: None,
        error: None,
    };
    let s = snapshot(
        vec![
            IngestSource { last_run: Some(running), ..source(SourceKind::DataSync, "busy", "RUNNING") },
            source(SourceKind::DataSync, "agentless", "UNAVAILABLE"),
            IngestSource { trigger: Some("Event".into()), ..source(SourceKind::AppFlow, "events", "Active") },
            IngestSource { trigger: Some("OnDemand".into()), ..source(SourceKind::AppFlow, "paused", "Suspended") },
            IngestSource { trigger: Some("OnDemand".into()), ..source(SourceKind::AppFlow, "accounts", "Active") },
        ],
        vec![],
    );
    assert!(refusal(&Rerun::DataSyncTask("busy".into()), &s).contains("run exec-1 is TRANSFERRING since 3 min ago"));
    assert!(refusal(&Rerun::DataSyncTask("agentless".into()), &s).contains("UNAVAILABLE"));
    assert!(refusal(&Rerun::AppFlowFlow("events".into()), &s).contains("runs on its event trigger"));
    assert!(refusal(&Rerun::AppFlowFlow("paused".into()), &s).contains("is Suspended"));
    assert_eq!(
        plan(&Rerun::AppFlowFlow("accounts".into()), &s, now()).unwrap()[0],
        "StartFlow on AppFlow flow accounts"
    );
}

#[test]
fn a_dataset_refreshes_once_at_a_time_within_quicksights_daily_limit() {
    let busy =
        SpiceDataset { id: "busy".into(), exists: true, ingestions: vec![ingestion("i-9", "RUNNING", 1, false)] };
    let spent = SpiceDataset {
        id: "spent".into(),
        exists: true,
        ingestions: (0..MANUAL_REFRESHES_PER_DAY as i64)
            .map(|i| ingestion(&format!("m{i}"), "COMPLETED", 30 * i + 5, true))
            .collect(),
    };
    let mut fine = spent.clone();
    fine.id = "fine".into();
    // The oldest manual refresh is more than a day old: one fewer counts, and scheduled ones never do.
    fine.ingestions.last_mut().unwrap().created = Some(now() - Duration::hours(25));
    fine.ingestions.push(ingestion("s1", "COMPLETED", 2, false));
    let missing = SpiceDataset { id: "missing".into(), exists: false, ingestions: vec![] };
    let s = snapshot(vec![], vec![busy, spent, fine, missing]);
    assert!(refusal(&Rerun::SpiceDataset("busy".into()), &s).contains("refresh i-9 is RUNNING"));
    let limit = refusal(&Rerun::SpiceDataset("spent".into()), &s);
    assert!(limit.contains("\"QuickSight's manual refresh limit\"") && limit.contains("32 times"), "{limit}");
    let lines = plan(&Rerun::SpiceDataset("fine".into()), &s, now()).unwrap();
    assert_eq!(lines[0], "CreateIngestion (a full refresh) of SPICE dataset fine");
    assert!(lines.last().unwrap().starts_with("manual refreshes in the last 24 hours: 31 of 32"), "{lines:?}");
    assert!(refusal(&Rerun::SpiceDataset("missing".into()), &s).contains("QuickSight does not know dataset missing"));
    assert!(refusal(&Rerun::SpiceDataset("other".into()), &s).contains("not one of the profile's datasets"));
}

#[test]
fn a_name_on_the_command_line_is_the_profiles_source_of_its_kind() {
    let sources = SourcesSettings {
        dms_tasks: vec!["orders".into(), "both".into()],
        datasync_tasks: vec!["share".into(), "both".into()],
        appflow_flows: vec!["accounts".into()],
        expect_within_minutes: 90,
    };
    assert_eq!(source_named(&sources, "orders").unwrap(), Rerun::DmsTask("orders".into()));
    assert_eq!(source_named(&sources, "share").unwrap(), Rerun::DataSyncTask("share".into()));
    assert_eq!(source_named(&sources, "accounts").unwrap(), Rerun::AppFlowFlow("accounts".into()));
    let unknown = source_named(&sources, "nope").unwrap_err().text();
    assert!(
        unknown.contains("nope is not one of the profile's sources ([platform.sources]: orders, both, share"),
        "{unknown}"
    );
    let both = source_named(&sources, "both").unwrap_err().text();
    assert!(both.contains("named as a DMS task and as a DataSync task"), "{both}");
}
