//! The sandbox rehearses each incident of the layers a profile adds (issue 16): the fault turns
//! its layer red or amber with the reason in words, fires its alarm, and leaves in CloudTrail
//! the change that would have caused it on AWS. Turned off, the layer recovers; what happened
//! while it was on stays in the history (a SPICE refresh that failed stays failed).

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{Change, Health, Layer, LayerHealth, PlatformSnapshot, Reading, Rerun};
use lakeops::ops::health::{assess, Thresholds};
use lakeops::ops::inventory::inventory;
use lakeops::platform::{Gate, Platform};
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

const MINUTE: i64 = 60_000;

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap()
}

struct Rehearsal {
    loaded: lakeops::settings::Loaded,
    clock: Arc<ManualClock>,
    sandbox: Sandbox,
}

impl Rehearsal {
    fn new() -> Rehearsal {
        let loaded = support::sandbox_settings();
        let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
        let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
        Rehearsal { loaded, clock, sandbox }
    }

    fn thresholds(&self) -> Thresholds {
        Thresholds::from_alarms(&self.loaded.settings.platform.alarms)
    }

    async fn pass(&self, minutes: i64) -> PlatformSnapshot {
        for _ in 0..minutes {
            self.clock.advance(MINUTE);
            self.sandbox.snapshot().await.expect("snapshot");
        }
        self.sandbox.snapshot().await.expect("snapshot")
    }

    fn layer(&self, snapshot: &PlatformSnapshot, layer: Layer) -> LayerHealth {
        assess(snapshot, self.thresholds()).into_iter().find(|l| l.layer == layer).expect("the layer is shown")
    }

    fn fault(&self, fault: Fault, on: bool) {
        self.sandbox.with_model(|m| m.set_fault(fault, on)).unwrap();
    }

    async fn alarm(&self, suffix: &str) -> String {
        let snapshot = self.sandbox.snapshot().await.unwrap();
        let alarms = snapshot.alarms.ready().expect("alarms read").alarms.clone();
        let name = format!("clickstream-{suffix}");
        alarms.into_iter().find(|a| a.name == name).unwrap_or_else(|| panic!("alarm {name} exists")).state
    }

    async fn cause(&self, event: &str) -> lakeops::model::AuditEvent {
        let query = lakeops::model::AuditQuery {
            since: start() - chrono::Duration::hours(1),
            user: None,
            source: None,
            resource: None,
            writes_only: true,
            lakeops_only: false,
            limit: 200,
        };
        let events = self.sandbox.audit_events(&query).await.unwrap();
        events.into_iter().find(|e| e.name == event).unwrap_or_else(|| panic!("{event} in CloudTrail"))
    }
}

#[tokio::test]
async fn the_sandbox_profile_shows_every_added_layer_healthy() {
    let r = Rehearsal::new();
    let snapshot = r.pass(5).await;
    for layer in [Layer::Msk, Layer::Sources, Layer::Firehose, Layer::Opensearch, Layer::Quicksight] {
        let l = r.layer(&snapshot, layer);
        assert_eq!(l.health, Health::Ok, "{layer:?}: {}", l.reason);
        let rows = inventory(layer, &snapshot, r.thresholds()).expect("rows").rows;
        assert!(!rows.is_empty(), "{layer:?}");
        assert!(rows.iter().all(|row| row.health == Health::Ok), "{layer:?}: {rows:?}");
    }
    let layers = assess(&snapshot, r.thresholds());
    assert_eq!(layers.len(), 15, "every layer: {:?}", layers.iter().map(|l| l.layer).collect::<Vec<_>>());
    for suffix in ["delivery-freshness", "kafka-lag", "dms-cdc-latency", "search-red", "spice-refresh-failed"] {
        assert_eq!(r.alarm(suffix).await, "OK", "{suffix}");
    }
}

#[tokio::test]
async fn a_profile_without_them_looks_as_before() {
    let mut loaded = support::sandbox_settings();
    let p = &mut loaded.settings.platform;
    p.firehose.create = false;
    p.opensearch.domain.clear();
    p.opensearch.create = false;
    p.msk.cluster.clear();
    p.msk.consumer_groups.clear();
    p.sources.dms_tasks.clear();
    p.sources.datasync_tasks.clear();
    p.sources.appflow_flows.clear();
    p.quicksight.datasets.clear();
    let clock = Arc::new(ManualClock::new(start().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock.clone());
    clock.advance(5 * MINUTE);
    let snapshot = s.snapshot().await.unwrap();
    assert!(matches!(snapshot.firehose, Reading::NotWatched));
    let layers: Vec<Layer> =
        assess(&snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms)).iter().map(|l| l.layer).collect();
    assert!(
        !layers.iter().any(|l| matches!(
            l,
            Layer::Msk | Layer::Sources | Layer::Firehose | Layer::Opensearch | Layer::Quicksight
        )),
        "{layers:?}"
    );
    let alarms = snapshot.alarms.ready().unwrap();
    assert!(alarms.alarms.iter().all(|a| !a.name.ends_with("kafka-lag")), "no alarm for a layer not there");
}

#[tokio::test]
async fn firehose_stale_ages_the_oldest_record_fires_the_alarm_and_names_s3s_answer() {
    let r = Rehearsal::new();
    r.pass(2).await;
    r.fault(Fault::FirehoseStale, true);
    let snapshot = r.pass(20).await;
    let l = r.layer(&snapshot, Layer::Firehose);
    assert_eq!(l.health, Health::Critical, "{}", l.reason);
    assert!(
        l.reason.contains("clickstream-delivery: the oldest undelivered record is")
            && l.reason.contains("S3.AccessDenied: Access Denied · downstream: S3 lake, Glue"),
        "{}",
        l.reason
    );
    assert_eq!(r.alarm("delivery-freshness").await, "ALARM");
    let cause = r.cause("PutBucketPolicy").await;
    assert_eq!((cause.user.as_str(), cause.source.as_str()), ("dave.sec", "s3.amazonaws.com"));
    r.fault(Fault::FirehoseStale, false);
    let snapshot = r.pass(6).await;
    assert_eq!(r.layer(&snapshot, Layer::Firehose).health, Health::Ok);
    assert_eq!(r.alarm("delivery-freshness").await, "OK");
}

#[tokio::test]
async fn opensearch_red_is_critical_and_the_domain_is_processing_its_change() {
    let r = Rehearsal::new();
    r.fault(Fault::OpensearchRed, true);
    let snapshot = r.pass(2).await;
    let l = r.layer(&snapshot, Layer::Opensearch);
    assert_eq!(l.health, Health::Critical);
    assert_eq!(l.reason, "clickstream-logs is red: a primary shard is unassigned, some data is unsearchable");
    let domain = snapshot.opensearch.ready().unwrap();
    assert!(domain.processing, "the blue/green change is still being applied");
    assert_eq!(domain.instances.as_deref(), Some("r6g.large.search × 2"));
    assert_eq!(r.alarm("search-red").await, "ALARM");
    assert_eq!(r.cause("UpdateDomainConfig").await.user, "carol.ops");
    let rows = inventory(Layer::Opensearch, &snapshot, r.thresholds()).unwrap().rows;
    let status = rows.iter().find(|row| row.cells[0] == "cluster status").unwrap();
    assert_eq!((status.health, status.cells[1].as_str()), (Health::Critical, "red"));
}

#[tokio::test]
async fn kafka_lag_grows_past_the_alarm_line_naming_the_group_and_topic() {
    let r = Rehearsal::new();
    r.fault(Fault::KafkaLag, true);
    let snapshot = r.pass(1).await;
    let l = r.layer(&snapshot, Layer::Msk);
    assert_eq!(l.health, Health::Warn, "a minute in, 36 s behind: {}", l.reason);
    assert!(l.reason.ends_with("half-way to the alarm line (1 min)"), "{}", l.reason);
    let snapshot = r.pass(3).await;
    let l = r.layer(&snapshot, Layer::Msk);
    assert_eq!(l.health, Health::Critical, "{}", l.reason);
    assert!(
        l.reason.starts_with("group clickstream-sessionizer is ")
            && l.reason.contains("consumer falling behind · downstream: S3 lake"),
        "{}",
        l.reason
    );
    assert_eq!(r.alarm("kafka-lag").await, "ALARM");
    assert_eq!(r.cause("UpdateService").await.resource, "clickstream-sessionizer");
}

#[tokio::test]
async fn dms_stopped_is_critical_with_dms_own_reason_and_late_landings_follow() {
    let r = Rehearsal::new();
    r.fault(Fault::DmsStopped, true);
    let snapshot = r.pass(2).await;
    let l = r.layer(&snapshot, Layer::Sources);
    assert_eq!(l.health, Health::Critical);
    assert!(l.reason.starts_with("DMS orders-cdc stopped: Stop Reason FATAL_ERROR"), "{}", l.reason);
    assert_eq!(r.alarm("dms-cdc-latency").await, "ALARM");
    assert_eq!(r.cause("RotateSecret").await.source, "secretsmanager.amazonaws.com");
    let dms = snapshot.sources.ready().unwrap().sources.iter().find(|s| s.name == "orders-cdc").unwrap().clone();
    assert_eq!(dms.cdc_latency_source, None, "a stopped task publishes no latency");
    // The hourly sources keep landing.
    let rows = inventory(Layer::Sources, &snapshot, r.thresholds()).unwrap().rows;
    assert_eq!(rows.iter().filter(|row| row.health == Health::Ok).count(), 2, "{rows:?}");
}

#[tokio::test]
async fn a_failed_spice_refresh_is_a_warning_naming_the_dataset_and_stays_failed_in_the_history() {
    let r = Rehearsal::new();
    r.fault(Fault::SpiceRefreshFailed, true);
    // 14:30's refresh runs into the fault.
    let snapshot = r.pass(35).await;
    let l = r.layer(&snapshot, Layer::Quicksight);
    assert_eq!(l.health, Health::Warn);
    assert!(
        l.reason.starts_with("dataset clickstream-sessions: refresh FAILED") && l.reason.contains("SQL_EXCEPTION"),
        "{}",
        l.reason
    );
    assert_eq!(r.alarm("spice-refresh-failed").await, "ALARM");
    assert_eq!(r.cause("DetachRolePolicy").await.resource, "aws-quicksight-service-role-v0");
    r.fault(Fault::SpiceRefreshFailed, false);
    // 15:30's refresh completes; 14:30's stays failed.
    let snapshot = r.pass(60).await;
    assert_eq!(r.layer(&snapshot, Layer::Quicksight).health, Health::Ok);
    let q = snapshot.quicksight.ready().unwrap();
    let statuses: Vec<&str> = q.datasets[0].ingestions.iter().take(2).map(|i| i.status.as_str()).collect();
    assert_eq!(statuses, ["COMPLETED", "FAILED"]);
}

#[tokio::test]
async fn lake_formation_explains_who_may_read_the_curated_events() {
    let r = Rehearsal::new();
    let g = r.sandbox.governance().await.unwrap();
    let access = lakeops::ops::grants::explain(&g, "clickstream-analysts", "clickstream", "events");
    assert!(access.can_select);
    assert!(access.answer.contains("all columns but user_id"), "{}", access.answer);
    let access = lakeops::ops::grants::explain(&g, "clickstream-analysts", "clickstream", "raw_events");
    assert!(!access.can_select, "{}", access.answer);
    let mut loaded = support::sandbox_settings();
    loaded.settings.platform.lakeformation.enabled = false;
    let s = Sandbox::in_memory(&loaded.settings, Arc::new(ManualClock::new(start().timestamp_millis())));
    let e = s.governance().await.unwrap_err().to_string();
    assert!(e.contains("set [platform.lakeformation] enabled = true"), "{e}");
}

impl Rehearsal {
    /// `rerun` checked against a fresh snapshot as the console and `lakeops sources start` check
    /// it, then made through the write gate: the plan, or the refusal in words.
    async fn rerun(&self, rerun: Rerun) -> Result<String, String> {
        let snapshot = self.sandbox.snapshot().await.unwrap();
        let lines = lakeops::ops::rerun::plan(&rerun, &snapshot, snapshot.taken_at).map_err(|r| r.text())?;
        let dir = tempfile::tempdir().unwrap();
        let journal = lakeops::journal::Journal::new(dir.path().join("journal.jsonl"));
        let gate = Gate::new(false, journal, "sandbox", "sandbox", Box::new(|p| panic!("{p}")));
        let applied = gate.apply(&self.sandbox, &Change::Rerun(rerun), &lines.join("; ")).await;
        applied.map(|a| a.answer()).map_err(|e| e.to_string())
    }

    fn source(snapshot: &PlatformSnapshot, name: &str) -> lakeops::model::IngestSource {
        snapshot.sources.ready().unwrap().sources.iter().find(|s| s.name == name).unwrap().clone()
    }
}

#[tokio::test]
async fn a_stopped_dms_task_stays_stopped_after_the_fix_until_resumed_and_a_resume_too_early_fails_again() {
    let r = Rehearsal::new();
    r.fault(Fault::DmsStopped, true);
    r.pass(2).await;
    // Resumed while the password is still wrong: it starts, then fails again a minute later.
    assert_eq!(r.rerun(Rerun::DmsTask("orders-cdc".into())).await.unwrap(), "task orders-cdc is starting");
    assert_eq!(r.cause("StartReplicationTask").await.user, "lakeops");
    let snapshot = r.pass(2).await;
    let task = Rehearsal::source(&snapshot, "orders-cdc");
    assert_eq!(task.status.as_deref(), Some("failed"));
    assert_eq!(r.layer(&snapshot, Layer::Sources).health, Health::Critical);
    // The password is fixed: the task does not restart by itself.
    r.fault(Fault::DmsStopped, false);
    let snapshot = r.pass(5).await;
    assert_eq!(Rehearsal::source(&snapshot, "orders-cdc").status.as_deref(), Some("failed"));
    assert_eq!(r.alarm("dms-cdc-latency").await, "ALARM");
    // Resumed now, it replicates again and the alarm clears.
    r.rerun(Rerun::DmsTask("orders-cdc".into())).await.unwrap();
    let snapshot = r.pass(3).await;
    let task = Rehearsal::source(&snapshot, "orders-cdc");
    assert_eq!(task.status.as_deref(), Some("running"));
    assert!(task.cdc_latency_source.is_some());
    assert_eq!(r.layer(&snapshot, Layer::Sources).health, Health::Ok);
    assert_eq!(r.alarm("dms-cdc-latency").await, "OK");
    // A running task has nothing to resume.
    let refused = r.rerun(Rerun::DmsTask("orders-cdc".into())).await.unwrap_err();
    assert!(refused.contains("orders-cdc is running: nothing to resume"), "{refused}");
}

#[tokio::test]
async fn an_extra_datasync_or_appflow_run_lands_beside_the_scheduled_ones() {
    let r = Rehearsal::new();
    // 14:40: the 14:10 DataSync run and the 14:20 AppFlow run have ended.
    r.pass(40).await;
    for (name, kind) in [("partner-share", "StartTaskExecution"), ("salesforce-accounts", "StartFlow")] {
        let rerun =
            if kind == "StartFlow" { Rerun::AppFlowFlow(name.into()) } else { Rerun::DataSyncTask(name.into()) };
        let answer = r.rerun(rerun.clone()).await.unwrap();
        let id = answer.split_whitespace().nth(1).unwrap().to_string();
        let snapshot = r.sandbox.snapshot().await.unwrap();
        let run = Rehearsal::source(&snapshot, name).last_run.unwrap();
        assert_eq!(run.id, id, "{name}: the newest run is the one asked for");
        assert_eq!(run.ended, None);
        let refused = r.rerun(rerun).await.unwrap_err();
        assert!(refused.contains("\"one run at a time\""), "{refused}");
        assert_eq!(r.cause(kind).await.resource, name);
    }
    let snapshot = r.pass(5).await;
    for name in ["partner-share", "salesforce-accounts"] {
        let source = Rehearsal::source(&snapshot, name);
        assert!(source.last_run.as_ref().unwrap().ended.is_some(), "{name}");
        assert!(source.last_success.unwrap() > start() + chrono::Duration::minutes(40), "{name} landed again");
    }
}

#[tokio::test]
async fn a_spice_refresh_asked_for_fails_while_the_cause_is_there_and_completes_after() {
    let r = Rehearsal::new();
    r.fault(Fault::SpiceRefreshFailed, true);
    let snapshot = r.pass(35).await;
    assert_eq!(r.layer(&snapshot, Layer::Quicksight).health, Health::Warn);
    let first = r.rerun(Rerun::SpiceDataset("clickstream-sessions".into())).await.unwrap();
    assert!(first.starts_with("refresh lakeops-"), "{first}");
    assert_eq!(r.cause("CreateIngestion").await.resource, "clickstream-sessions");
    let refused = r.rerun(Rerun::SpiceDataset("clickstream-sessions".into())).await.unwrap_err();
    assert!(refused.contains("\"one refresh at a time\""), "{refused}");
    let snapshot = r.pass(2).await;
    let newest = snapshot.quicksight.ready().unwrap().datasets[0].ingestions[0].clone();
    assert_eq!((newest.status.as_str(), newest.manual), ("FAILED", true));
    r.fault(Fault::SpiceRefreshFailed, false);
    r.rerun(Rerun::SpiceDataset("clickstream-sessions".into())).await.unwrap();
    let snapshot = r.pass(2).await;
    assert_eq!(snapshot.quicksight.ready().unwrap().datasets[0].ingestions[0].status, "COMPLETED");
    // The other dataset, not refreshed, is what the layer still names.
    let l = r.layer(&snapshot, Layer::Quicksight);
    assert!(l.reason.starts_with("dataset clickstream-funnel: refresh FAILED"), "{}", l.reason);
    r.rerun(Rerun::SpiceDataset("clickstream-funnel".into())).await.unwrap();
    let snapshot = r.pass(2).await;
    let l = r.layer(&snapshot, Layer::Quicksight);
    assert_eq!(l.health, Health::Ok, "{}", l.reason);
}

/// QuickSight refreshes a dataset on request 32 times in 24 hours: the 33rd is refused before
/// any call (the sandbox kept, and AWS read, too few refreshes for the count ever to reach 32).
#[tokio::test]
async fn the_33rd_refresh_asked_for_in_a_day_is_refused() {
    let r = Rehearsal::new();
    let dataset = || Rerun::SpiceDataset("clickstream-funnel".into());
    let mut made = 0;
    while made < 32 {
        match r.rerun(dataset()).await {
            Ok(_) => made += 1,
            Err(refused) => assert!(refused.contains("\"one refresh at a time\""), "refresh {made}: {refused}"),
        }
        r.pass(2).await;
    }
    let refused = r.rerun(dataset()).await.unwrap_err();
    assert!(refused.contains("refreshed on request 32 times in the last 24 hours; QuickSight allows 32"), "{refused}");
    assert!(r.rerun(Rerun::SpiceDataset("clickstream-sessions".into())).await.is_ok(), "another dataset's own count");
}
