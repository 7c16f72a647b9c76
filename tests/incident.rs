//! The incident workflow on the sandbox (issue 17): a fault starts with the change that would
//! cause it on AWS, as CloudTrail records it, and the failing layer names what it affects
//! downstream, down to the curated tables and what reads them.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{AuditQuery, Health, Layer};
use lakeops::ops::health::{assess, Thresholds};
use lakeops::ops::impact::impacts;
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

#[tokio::test]
async fn consumer_errors_show_their_cause_and_their_blast_radius_within_a_few_refreshes() {
    let loaded = support::sandbox_settings();
    let start = Utc.with_ymd_and_hms(2026, 3, 20, 14, 0, 0).unwrap();
    let clock = Arc::new(ManualClock::new(start.timestamp_millis()));
    let sandbox = Sandbox::in_memory(&loaded.settings, clock.clone());
    let thresholds = Thresholds::from_alarms(&loaded.settings.platform.alarms);
    sandbox.with_model(|m| m.set_fault(Fault::ConsumerErrors, true)).unwrap();
    let mut snapshot = sandbox.snapshot().await.unwrap();
    // Within one refresh, the deploy is a change marked on the Lambda chart's hour.
    let writes = &snapshot.audit.ready().expect("the audit row").writes;
    let marks = lakeops::ops::markers::from_audit(writes);
    let deploy = marks.iter().find(|m| m.what == "UpdateFunctionCode").expect("the deploy is a change");
    assert_eq!(deploy.label(), "14:00 ci-deployer UpdateFunctionCode clickstream-ingest");
    assert_eq!(lakeops::ops::markers::position(deploy.time, snapshot.taken_at, 60), Some(60.0), "at the chart's now");
    for _ in 0..3 {
        clock.advance(60_000);
        snapshot = sandbox.snapshot().await.unwrap();
    }
    // The cause, as CloudTrail records it: a deploy of the consumer, and no marker of a fault.
    let query = AuditQuery {
        since: start - chrono::Duration::hours(1),
        user: None,
        source: None,
        resource: None,
        writes_only: true,
        limit: 200,
        lakeops_only: false,
    };
    let events = sandbox.audit_events(&query).await.unwrap();
    let deploy = events.iter().find(|e| e.name == "UpdateFunctionCode").expect("the deploy in CloudTrail");
    assert_eq!((deploy.user.as_str(), deploy.resource.as_str()), ("ci-deployer", "clickstream-ingest"));
    assert!(events.iter().all(|e| !e.name.starts_with("Fault")), "{events:?}");
    // The blast radius: the consumer fails, and names the raw zone, the curate job and its
    // curated tables, and what reads them.
    let layers = assess(&snapshot, thresholds);
    let lambda = layers.iter().find(|l| l.layer == Layer::Lambda).unwrap();
    assert_eq!(lambda.health, Health::Critical, "{}", lambda.reason);
    assert!(
        lambda.reason.ends_with("· downstream: S3 lake, Glue, EMR, Athena, Redshift, QuickSight"),
        "{}",
        lambda.reason
    );
    // The curated freshness objective is at risk at once: met, but its feed fails upstream.
    let slo = loaded.slo.as_ref().expect("the sandbox profile sets [slo]");
    let objectives = lakeops::ops::slo::judge_all(slo, &snapshot, "clickstream", &layers);
    let curated = objectives.iter().find(|o| o.kind == "curated").expect("the curated objective");
    assert_eq!(curated.state, lakeops::ops::slo::State::AtRisk, "{}", curated.reason);
    assert!(curated.reason.starts_with("Lambda is failing: if it stays down, 150 min behind in"), "{}", curated.reason);
    // The raw zone and the SPICE datasets are not: objects keep landing and refreshes succeed (what
    // they measure), so no countdown that would never come true.
    for o in objectives.iter().filter(|o| o.kind != "curated") {
        assert_eq!(o.state, lakeops::ops::slo::State::Met, "{} {}: {}", o.kind, o.dataset, o.reason);
    }
    let hit = impacts(&layers, &snapshot);
    let from_lambda: Vec<_> = hit.iter().filter(|i| i.caused_by == Layer::Lambda).collect();
    let glue = from_lambda.iter().find(|i| i.layer == Layer::Glue).unwrap();
    assert!(glue.affected.contains("the curated tables fall behind"), "{}", glue.affected);
    let quicksight = from_lambda.iter().find(|i| i.layer == Layer::Quicksight).unwrap();
    assert_eq!(quicksight.path, [Layer::Lambda, Layer::Lake, Layer::Glue, Layer::Athena, Layer::Quicksight]);
    assert!(quicksight.affected.contains("clickstream-sessions"), "{}", quicksight.affected);
}
