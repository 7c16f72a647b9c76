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
    let hit = impacts(&layers, &snapshot);
    let from_lambda: Vec<_> = hit.iter().filter(|i| i.caused_by == Layer::Lambda).collect();
    let glue = from_lambda.iter().find(|i| i.layer == Layer::Glue).unwrap();
    assert!(glue.affected.contains("the curated tables fall behind"), "{}", glue.affected);
    let quicksight = from_lambda.iter().find(|i| i.layer == Layer::Quicksight).unwrap();
    assert_eq!(quicksight.path, [Layer::Lambda, Layer::Lake, Layer::Glue, Layer::Athena, Layer::Quicksight]);
    assert!(quicksight.affected.contains("clickstream-sessions"), "{}", quicksight.affected);
}
