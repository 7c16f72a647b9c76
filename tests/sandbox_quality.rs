//! The sandbox's Glue Data Quality: the curated table's ruleset is evaluated after each curate
//! run; with `bad-records` the completeness rule fails, the Glue row warns naming it, and the
//! catalog in `:glue` carries the failed rule; once the fault is off the next run passes.

mod support;

use std::sync::Arc;

use chrono::{TimeZone, Utc};
use lakeops::model::{Health, Layer};
use lakeops::ops::health::{assess, Thresholds};
use lakeops::platform::Platform;
use lakeops::sandbox::{Fault, ManualClock, Sandbox};

#[tokio::test]
async fn bad_records_fail_the_completeness_rule_until_a_run_after_the_fault_passes() {
    let loaded = support::sandbox_settings();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 20, 13, 50, 0).unwrap().timestamp_millis()));
    let s = Sandbox::in_memory(&loaded.settings, clock.clone());
    let glue = |snapshot: &lakeops::model::PlatformSnapshot| {
        let layers = assess(snapshot, Thresholds::from_alarms(&loaded.settings.platform.alarms));
        let l = layers.into_iter().find(|l| l.layer == Layer::Glue).unwrap();
        (l.health, l.reason)
    };
    s.with_model(|m| {
        m.set_fault(Fault::BadRecords, true);
        m.glue.failure_rate = 0.0;
    })
    .unwrap();
    // The 14:00 run succeeds (it takes a few minutes) and evaluates the ruleset.
    for _ in 0..30 {
        clock.advance(60_000);
        s.snapshot().await.unwrap();
    }
    let (health, reason) = glue(&s.snapshot().await.unwrap());
    assert_eq!(health, Health::Warn, "{reason}");
    assert!(
        reason.contains("table events fails its ruleset events-quality (score 75 %): IsComplete \"user_id\" FAIL"),
        "{reason}"
    );
    let overview = s.glue_overview().await.unwrap();
    let events = overview.databases[0].tables.iter().find(|t| t.name == "events").unwrap();
    let newest = events.quality[0].result.as_ref().expect("evaluated");
    assert!(newest.failed[0].message.as_deref().unwrap().contains("0.81"));

    s.with_model(|m| m.set_fault(Fault::BadRecords, false)).unwrap();
    for _ in 0..60 {
        clock.advance(60_000);
        s.snapshot().await.unwrap();
    }
    let (health, reason) = glue(&s.snapshot().await.unwrap());
    assert_eq!(health, Health::Ok, "{reason}");
}
