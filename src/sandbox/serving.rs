//! The layers that serve the lake's data, simulated from the clock and the faults' spans: the
//! OpenSearch log-analytics domain and QuickSight's SPICE datasets, refreshed every hour at :30
//! from Athena (after the curate job).

use super::emr::fnv;
use super::ingest::noise;
use super::snapshot::time;
use super::state::SimState;
use crate::model::*;
use crate::settings::Settings;

const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
/// SPICE refreshes start at :30 and take a minute and a half; the last day's are kept.
const REFRESH_MINUTE: i64 = 30;
const REFRESH_MS: i64 = 90_000;
const REFRESHES_KEPT: i64 = 24;
/// The domain's data nodes and each one's volume.
const DATA_NODES: u32 = 3;
const VOLUME_GB: u32 = 100;
/// How long the blue/green change that lost the node is "processing".
const PROCESSING_MS: i64 = 20 * MINUTE_MS;
pub(super) const SPICE_ERROR_TYPE: &str = "SQL_EXCEPTION";
pub(super) const SPICE_ERROR: &str = "[Simba][AthenaJDBC](100071) An error has been thrown from the AWS Athena \
     client. User: arn:aws:sts::000000000000:assumed-role/aws-quicksight-service-role-v0/QuickSight is not \
     authorized to perform: athena:StartQueryExecution on resource: workgroup/clickstream-ops";

impl SimState {
    pub(super) fn search_domain(&self, settings: &Settings) -> Option<SearchDomain> {
        let domain = &settings.platform.opensearch.domain;
        if domain.is_empty() {
            return None;
        }
        let now = self.now_ms;
        let red = self.fault_since(Fault::OpensearchRed);
        let nodes = if red.is_some() { DATA_NODES - 1 } else { DATA_NODES };
        let load = super::sim::daily_curve(now);
        Some(SearchDomain {
            name: domain.clone(),
            exists: true,
            engine_version: Some(crate::provision::template::SEARCH_ENGINE.into()),
            processing: red.is_some_and(|since| now - since < PROCESSING_MS),
            upgrading: false,
            instances: Some(format!("r6g.large.search × {nodes}")),
            volume_gb: Some(VOLUME_GB),
            masters: Some("m6g.large.search × 3".into()),
            endpoint: Some(format!("vpc-{domain}-{:x}.{}.es.amazonaws.com", fnv(domain) as u32, "sandbox")),
            in_vpc: true,
            encrypted_at_rest: true,
            fine_grained_access: true,
            color: Some(if red.is_some() { ClusterColor::Red } else { ClusterColor::Green }),
            // The day's logs fill the disks slowly: about 38 GiB free of 100 by the evening.
            free_storage_mb: Some(((62.0 - 8.0 * load) * 1024.0).round()),
            jvm_memory_pressure: Some((45.0 + 15.0 * noise("jvm", now)).round()),
            cpu_percent: Some((18.0 + 20.0 * load + if red.is_some() { 35.0 } else { 0.0 }).round()),
            errors_5xx: Some(if red.is_some() { (20.0 + 20.0 * noise("5xx", now)).round() } else { 0.0 }),
            writes_blocked: false,
            snapshot_failures: Some(0.0),
        })
    }

    pub(super) fn quicksight_status(&self, settings: &Settings) -> Option<QuicksightStatus> {
        let q = &settings.platform.quicksight;
        if q.datasets.is_empty() {
            return None;
        }
        let datasets = q.datasets.iter().map(|id| self.spice_dataset(id)).collect();
        Some(QuicksightStatus { datasets, refresh_within_hours: q.refresh_within_hours })
    }

    /// The day's hourly refreshes and those an operator asked for (`rerun`), newest first: each
    /// fails when the fault was on as it ran.
    fn spice_dataset(&self, id: &str) -> SpiceDataset {
        let now = self.now_ms;
        let hour = now.div_euclid(HOUR_MS);
        let started = |h: i64| h * HOUR_MS + REFRESH_MINUTE * MINUTE_MS;
        let last = if now >= started(hour) { hour } else { hour - 1 };
        let refresh = |at: i64, ingestion_id: String, manual: bool| {
            let running = now < at + REFRESH_MS;
            let failed = !running && self.fault_at(Fault::SpiceRefreshFailed, at);
            let rows = (1_150_000.0 * (0.9 + 0.2 * noise(id, at))) as i64;
            Ingestion {
                id: ingestion_id,
                status: match (running, failed) {
                    (true, _) => "RUNNING",
                    (_, true) => "FAILED",
                    _ => "COMPLETED",
                }
                .into(),
                created: Some(time(at)),
                seconds: (!running).then_some(if failed { 4 } else { REFRESH_MS / 1000 }),
                rows_ingested: (!running && !failed).then_some(rows),
                rows_dropped: (!running && !failed).then_some(0),
                error_type: failed.then(|| SPICE_ERROR_TYPE.into()),
                error_message: failed.then(|| SPICE_ERROR.into()),
                manual,
            }
        };
        let mut ingestions: Vec<Ingestion> = (0..REFRESHES_KEPT)
            .map(|back| {
                let at = started(last - back);
                refresh(at, format!("{:08x}-{:04x}", fnv(&format!("{id}{at}")) as u32, (at / HOUR_MS) as u16), false)
            })
            .chain(self.asked_refreshes(id, |at, ingestion_id| refresh(at, ingestion_id, true)))
            .collect();
        // Every refresh asked for is kept (two days): the 32 a day are counted over them.
        ingestions.sort_by_key(|i| std::cmp::Reverse(i.created));
        SpiceDataset { id: id.into(), exists: true, ingestions }
    }

    /// What these layers' alarms say now: (alarm suffix, metric, breached, reason).
    pub(super) fn serving_alarm_verdicts(
        &self,
        settings: &Settings,
    ) -> Vec<(&'static str, &'static str, bool, String)> {
        let mut verdicts = Vec::new();
        if let Some(d) = self.search_domain(settings) {
            let red = d.color == Some(ClusterColor::Red);
            verdicts.push((
                "search-red",
                "AWS/ES ClusterStatus.red",
                red,
                format!("ClusterStatus.red {} ≥ 1 for 1 datapoint", u8::from(red)),
            ));
        }
        if let Some(q) = self.quicksight_status(settings) {
            let failed = q.datasets.iter().filter(|d| d.ingestions.first().is_some_and(Ingestion::is_failed)).count();
            verdicts.push((
                "spice-refresh-failed",
                "AWS/QuickSight IngestionErrorCount",
                failed > 0,
                format!("IngestionErrorCount {failed} > 0 over the last hour"),
            ));
        }
        verdicts
    }
}
