use super::*;

const T: Thresholds = Thresholds { iterator_age_ms: 60_000.0, lambda_error_rate: 0.01, redshift_cpu_percent: 80.0 };

fn cluster(lags: Vec<ConsumerLag>) -> KafkaStatus {
    KafkaStatus {
        cluster: "kafka".into(),
        exists: true,
        state: Some("ACTIVE".into()),
        kafka_version: None,
        brokers: Some(3),
        kind: None,
        under_replicated: Some(0.0),
        disk_used_percent: Some(40.0),
        groups: vec!["sessionizer".into()],
        lags,
    }
}

fn lag(seconds: Option<f64>) -> ConsumerLag {
    ConsumerLag {
        group: "sessionizer".into(),
        topic: "events".into(),
        max_offset_lag: seconds.map(|s| s * 10.0),
        sum_offset_lag: seconds.map(|s| s * 100.0),
        time_lag_seconds: seconds,
    }
}

#[test]
fn a_group_listed_without_datapoints_reports_no_lag() {
    // ListMetrics lists a metric for two weeks after its last datapoint.
    let (health, reason, _) = kafka(&cluster(vec![lag(None)]), T);
    assert_eq!(health, Health::Warn);
    assert_eq!(reason, "no lag reported for sessionizer: rebalancing, or not consuming?");
    let (health, reason, _) = kafka(&cluster(vec![lag(Some(2.0))]), T);
    assert_eq!((health, reason.as_str()), (Health::Ok, "ACTIVE; most behind: sessionizer on events by 2 s"));
}

#[test]
fn a_full_load_task_that_finished_is_not_down() {
    let now = chrono::Utc::now();
    let task = |reason: &str| IngestSource {
        status: Some("stopped".into()),
        status_reason: Some(reason.into()),
        trigger: None,
        exists: true,
        last_success: Some(now - chrono::Duration::minutes(5)),
        ..IngestSource::missing(SourceKind::Dms, "load")
    };
    let (health, reason) = source_verdict(&task("Stop Reason FULL_LOAD_ONLY_FINISHED"), 1440, now, T);
    assert_eq!((health, reason.as_str()), (Health::Ok, "DMS load: landed 5 min ago"));
    let (health, _) = source_verdict(&task("Stop Reason FATAL_ERROR Error Level FATAL"), 1440, now, T);
    assert_eq!(health, Health::Critical);
}
