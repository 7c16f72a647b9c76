//! The resources of the layers a profile adds (MSK, sources, Firehose, OpenSearch, QuickSight)
//! as rows: each with its health and reason (from the overview's own verdicts), its columns and
//! its detail. `:msk`, `:sources`, `:firehose`, `:opensearch`, `:quicksight` draw them, and the
//! headless `lakeops <layer>` prints them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::format::{ago, bytes, millis, percent, thousands};
use super::health::{self, Thresholds};
use crate::model::text::{self, width};
use crate::model::*;

/// One layer's rows, or why there are none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Inventory {
    pub layer: Layer,
    /// The column headers with their widths (the reason follows the last one).
    #[serde(skip)]
    pub columns: &'static [(&'static str, usize)],
    /// The column that names the row: a nested row's is indented under its parent's.
    #[serde(skip)]
    pub name_column: usize,
    pub rows: Vec<InventoryRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InventoryRow {
    /// What the row stands for: a stream, a domain's check, a group on a topic, a refresh.
    pub name: String,
    pub health: Health,
    /// A row under another (a consumer group under its cluster, a refresh under its dataset).
    pub nested: bool,
    pub cells: Vec<String>,
    pub reason: String,
    /// What the detail pane shows for the row, label and text.
    pub detail: Vec<(String, String)>,
    /// What the view's run-now key does on the row: resume the task, run the source, refresh the
    /// dataset (`ops::rerun` checks it).
    #[serde(skip)]
    pub act: Option<Rerun>,
}

/// The room the reason keeps in a narrow console before the columns give way to it.
const REASON_LEAST: usize = 24;
/// How far the name column is cut before other columns are left out, and at the most.
const NAME_FIRST: usize = 24;
const NAME_LEAST: usize = 12;
/// A nested row's indent in the name column.
const INDENT: &str = "  ";

impl Inventory {
    /// Each column's width in `room` cells (what the health mark leaves): as declared while the
    /// reason keeps [`REASON_LEAST`] cells after them (headless gives all the room there is).
    /// Short of that, each column narrows to its widest text; the name is cut to [`NAME_FIRST`];
    /// the columns right of the name are left out (0 wide), the last first; then the name is cut
    /// to [`NAME_LEAST`]. A reason says why a row is not OK: it is the last to go.
    pub fn widths(&self, room: usize) -> Vec<usize> {
        let mut widths: Vec<usize> = self.columns.iter().map(|(_, w)| *w).collect();
        let short = |w: &[usize]| (w.iter().sum::<usize>() + REASON_LEAST).saturating_sub(room);
        if short(&widths) == 0 {
            return widths;
        }
        for (c, w) in widths.iter_mut().enumerate() {
            let texts = self.rows.iter().map(|r| width(&self.text(r, c)));
            *w = (*w).min(texts.chain([width(self.columns[c].0)]).max().unwrap_or(0) + 1);
        }
        let cut_name = |widths: &mut Vec<usize>, least: usize| {
            let excess = short(widths);
            if let Some(name) = widths.get_mut(self.name_column) {
                *name -= excess.min(name.saturating_sub(least));
            }
        };
        cut_name(&mut widths, NAME_FIRST);
        for c in (self.name_column + 1..widths.len()).rev() {
            if short(&widths) > 0 {
                widths[c] = 0;
            }
        }
        cut_name(&mut widths, NAME_LEAST);
        widths
    }

    /// The header of the columns `widths` shows (0: left out).
    pub fn header(&self, widths: &[usize]) -> String {
        self.columns.iter().zip(widths).filter(|(_, w)| **w > 0).map(|((name, _), w)| text::cell(name, *w)).collect()
    }

    /// `row`'s cells in `widths` (0: left out), each cut to leave a space before the next.
    pub fn cells(&self, row: &InventoryRow, widths: &[usize]) -> String {
        widths.iter().enumerate().filter(|(_, w)| **w > 0).map(|(c, w)| text::cell(&self.text(row, c), *w)).collect()
    }

    /// The text of `row`'s column `c`: the name indented under its parent's.
    fn text(&self, row: &InventoryRow, c: usize) -> String {
        let text = row.cells.get(c).map(String::as_str).unwrap_or_default();
        if row.nested && c == self.name_column {
            format!("{INDENT}{text}")
        } else {
            text.to_string()
        }
    }
}

impl InventoryRow {
    fn new(health: Health, reason: String, cells: Vec<String>) -> InventoryRow {
        let name = cells.iter().find(|c| !c.is_empty()).cloned().unwrap_or_default();
        InventoryRow { name, health, nested: false, cells, reason, detail: Vec::new(), act: None }
    }

    fn named(mut self, name: &str) -> InventoryRow {
        self.name = name.to_string();
        self
    }

    fn nested(mut self) -> InventoryRow {
        self.nested = true;
        self
    }

    fn acting(mut self, act: Rerun) -> InventoryRow {
        self.act = Some(act);
        self
    }

    fn with(mut self, label: &str, text: Option<String>) -> InventoryRow {
        if let Some(text) = text.filter(|t| !t.is_empty()) {
            self.detail.push((label.into(), text));
        }
        self
    }

    /// What the filter matches.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        self.cells.iter().map(String::as_str).chain(std::iter::once(self.reason.as_str()))
    }
}

/// `layer`'s rows from the snapshot: `Err` with the reason when the layer is not read (not in
/// the profile, or its read failed).
pub fn inventory(layer: Layer, s: &PlatformSnapshot, t: Thresholds) -> Result<Inventory, String> {
    let now = s.taken_at;
    match layer {
        Layer::Msk => ready(&s.msk).map(|k| kafka(k, t)),
        Layer::Sources => ready(&s.sources).map(|x| sources(x, now, t)),
        Layer::Firehose => ready(&s.firehose).map(firehose),
        Layer::Opensearch => ready(&s.opensearch).map(opensearch),
        Layer::Quicksight => ready(&s.quicksight).map(|q| quicksight(q, now)),
        other => Err(format!("{} has no resource list", other.title())),
    }
}

fn ready<T>(reading: &Reading<T>) -> Result<&T, String> {
    match reading {
        Reading::Ready { data } => Ok(data),
        Reading::Unavailable { reason } => Err(reason.clone()),
        Reading::NotWatched => Err(super::health::NOT_IN_PROFILE.into()),
    }
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "—".into())
}

fn when(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> String {
    or_dash(t.map(|t| ago(now, t)))
}

fn kafka(k: &KafkaStatus, t: Thresholds) -> Inventory {
    const COLUMNS: &[(&str, usize)] =
        &[("STATE", 10), ("CLUSTER · TOPIC · GROUP", 48), ("TIME LAG", 10), ("MESSAGES", 10)];
    let (health, reason, _) = health::kafka_verdict(k, t);
    let cluster = InventoryRow::new(
        health,
        reason,
        vec![or_dash(k.state.clone()), k.cluster.clone(), String::new(), String::new()],
    )
    .named(&k.cluster)
    .with("kind", k.kind.clone())
    .with("Kafka", k.kafka_version.clone())
    .with("brokers", k.brokers.map(|b| b.to_string()))
    .with("under-replicated", k.under_replicated.map(thousands))
    .with("data disk (fullest broker)", k.disk_used_percent.map(|d| percent(d / 100.0)))
    .with("consumer groups", Some(k.groups.join(", ")));
    let mut rows = vec![cluster];
    for l in &k.lags {
        let ms = l.time_lag_seconds.map(|s| s * 1000.0);
        let health = match ms {
            Some(ms) if ms > t.iterator_age_ms => Health::Critical,
            Some(ms) if ms > t.iterator_age_ms / 2.0 => Health::Warn,
            Some(_) => Health::Ok,
            None => Health::Unknown,
        };
        let reason = format!(
            "{} behind, at most {} on one partition",
            or_dash(ms.map(millis)),
            or_dash(l.max_offset_lag.map(thousands))
        );
        rows.push(
            InventoryRow::new(
                health,
                reason,
                vec![
                    String::new(),
                    format!("{} · {}", l.topic, l.group),
                    or_dash(ms.map(millis)),
                    or_dash(l.sum_offset_lag.map(thousands)),
                ],
            )
            .nested()
            .named(&format!("{} on {}", l.group, l.topic))
            .with("group", Some(l.group.clone()))
            .with("topic", Some(l.topic.clone()))
            .with("max offset lag (a partition)", l.max_offset_lag.map(thousands))
            .with("sum offset lag", l.sum_offset_lag.map(thousands))
            .with("estimated time lag", ms.map(millis)),
        );
    }
    Inventory { layer: Layer::Msk, columns: COLUMNS, name_column: 1, rows }
}

fn sources(s: &SourcesStatus, now: DateTime<Utc>, t: Thresholds) -> Inventory {
    const COLUMNS: &[(&str, usize)] = &[("KIND", 10), ("NAME", 26), ("STATUS", 14), ("LANDED", 12)];
    let rows = s
        .sources
        .iter()
        .map(|x| {
            let (health, reason) = health::source_verdict(x, s.expect_within_minutes, now, t);
            let run = x.last_run.as_ref();
            InventoryRow::new(
                health,
                reason,
                vec![x.kind.label().into(), x.name.clone(), or_dash(x.status.clone()), when(now, x.last_success)],
            )
            .named(&format!("{} {}", x.kind.label(), x.name))
            .acting(Rerun::source(x.kind, &x.name))
            .with("status reason", x.status_reason.clone())
            .with("last run", run.map(|r| format!("{} {}", r.id, r.status)))
            .with("started", run.and_then(|r| r.started).map(|t| ago(now, t)))
            .with("ended", run.and_then(|r| r.ended).map(|t| ago(now, t)))
            .with("moved", run.and_then(|r| r.bytes).map(|b| bytes(b as f64)))
            .with(
                if x.kind == SourceKind::AppFlow { "records" } else { "files" },
                run.and_then(|r| r.items).map(|n| thousands(n as f64)),
            )
            .with("error", run.and_then(|r| r.error.clone()).filter(|e| Some(e) != x.status_reason.as_ref()))
            .with("CDC latency (source)", x.cdc_latency_source.map(|s| millis(s * 1000.0)))
            .with("CDC latency (target)", x.cdc_latency_target.map(|s| millis(s * 1000.0)))
            .with("tables in error", x.tables_errored.map(|n| n.to_string()))
            .with(
                "expected",
                Some(format!("a landing at least every {}", millis(s.expect_within_minutes as f64 * 60_000.0))),
            )
        })
        .collect();
    Inventory { layer: Layer::Sources, columns: COLUMNS, name_column: 1, rows }
}

fn firehose(f: &FirehoseStatus) -> Inventory {
    const COLUMNS: &[(&str, usize)] =
        &[("STATUS", 10), ("DELIVERY STREAM", 28), ("IN/MIN", 10), ("OLDEST", 10), ("DELIVERED", 10)];
    let rows = f
        .streams
        .iter()
        .map(|s| {
            let (health, reason) = health::delivery_verdict(s);
            let cells = vec![
                or_dash(s.status.clone().or_else(|| (!s.exists).then(|| "NOT FOUND".into()))),
                s.name.clone(),
                or_dash(s.incoming_records.map(thousands)),
                or_dash(s.freshness_seconds.map(|a| millis(a * 1000.0))),
                or_dash(s.success.map(percent)),
            ];
            InventoryRow::new(health, reason, cells)
                .named(&s.name)
                .with("source", s.source.clone())
                .with("destination", s.destination.clone())
                .with("partitioning", Some(if s.dynamic_partitioning { "dynamic" } else { "by arrival time" }.into()))
                .with("buffering", s.buffering.clone())
                .with("source backup", s.backup.clone())
                .with("failed records", s.error_prefix.clone())
                .with("error log", s.error_log.clone())
                .with("last error", s.last_error.clone())
                .with("bytes in (1 min)", s.incoming_bytes.map(bytes))
                .with("throttled (1 min)", s.throttled.map(thousands))
        })
        .collect();
    Inventory { layer: Layer::Firehose, columns: COLUMNS, name_column: 1, rows }
}

fn opensearch(d: &SearchDomain) -> Inventory {
    const COLUMNS: &[(&str, usize)] = &[("CHECK", 24), ("VALUE", 16)];
    let (health, reason) = health::domain_verdict(d);
    let flag = |on: bool| if on { "yes" } else { "no" }.to_string();
    let domain = |row: InventoryRow| {
        row.with("engine", d.engine_version.clone())
            .with("data nodes", d.instances.clone())
            .with("storage per node", d.volume_gb.map(|g| format!("{g} GiB")))
            .with("dedicated masters", d.masters.clone())
            .with("endpoint", d.endpoint.clone())
            .with("in a VPC", Some(flag(d.in_vpc)))
            .with("encrypted at rest", Some(flag(d.encrypted_at_rest)))
            .with("fine-grained access", Some(flag(d.fine_grained_access)))
            .with(
                "configuration change",
                Some(
                    if d.upgrading {
                        "upgrading"
                    } else if d.processing {
                        "processing"
                    } else {
                        "none"
                    }
                    .into(),
                ),
            )
    };
    let check = |name: &str, value: String, bad: Option<Health>, what: &str| {
        let health = bad.unwrap_or(Health::Ok);
        InventoryRow::new(health, what.into(), vec![name.into(), value]).nested()
    };
    let over = |v: Option<f64>, warn: f64, crit: f64| match v {
        Some(v) if v > crit => Some(Health::Critical),
        Some(v) if v > warn => Some(Health::Warn),
        None => Some(Health::Unknown),
        _ => None,
    };
    let color = match d.color {
        Some(ClusterColor::Red) => Some(Health::Critical),
        Some(ClusterColor::Yellow) => Some(Health::Warn),
        None => Some(Health::Unknown),
        _ => None,
    };
    let rows = vec![
        domain(InventoryRow::new(health, reason, vec![d.name.clone(), or_dash(d.color.map(|c| c.name().into()))]))
            .named(&d.name),
        check(
            "cluster status",
            or_dash(d.color.map(|c| c.name().into())),
            color,
            // What the colour means now, not a legend of every colour.
            health::color_meaning(d.color),
        ),
        check(
            "JVM memory pressure",
            or_dash(d.jvm_memory_pressure.map(|v| percent(v / 100.0))),
            over(d.jvm_memory_pressure, health::JVM_WARN_PERCENT, health::JVM_CRITICAL_PERCENT),
            "writes are blocked at 95 %",
        ),
        check(
            "CPU",
            or_dash(d.cpu_percent.map(|v| percent(v / 100.0))),
            over(d.cpu_percent, health::SEARCH_CPU_WARN_PERCENT, 100.0),
            "sustained over 80 %: scale up or out",
        ),
        check(
            "free storage",
            or_dash(d.free_storage_mb.map(|m| bytes(m * 1_048_576.0))),
            None,
            "the node with the least",
        ),
        check(
            "5xx (1 min)",
            or_dash(d.errors_5xx.map(thousands)),
            over(d.errors_5xx, 0.0, f64::MAX),
            "answers the cluster failed",
        ),
        check(
            "writes blocked",
            flag(d.writes_blocked),
            d.writes_blocked.then_some(Health::Critical),
            "ClusterIndexWritesBlocked",
        ),
        check(
            "snapshot failures",
            or_dash(d.snapshot_failures.map(thousands)),
            over(d.snapshot_failures, 0.0, f64::MAX),
            "automated snapshots",
        ),
    ];
    Inventory { layer: Layer::Opensearch, columns: COLUMNS, name_column: 0, rows }
}

/// Refreshes listed under each dataset.
const REFRESHES_SHOWN: usize = 5;

fn quicksight(q: &QuicksightStatus, now: DateTime<Utc>) -> Inventory {
    const COLUMNS: &[(&str, usize)] = &[("STATUS", 11), ("DATASET · REFRESH", 34), ("WHEN", 12), ("ROWS", 12)];
    let mut rows = Vec::new();
    for d in &q.datasets {
        let (health, reason) = health::dataset_verdict(d, q.refresh_within_hours, now);
        let last = d.ingestions.first();
        rows.push(
            InventoryRow::new(
                health,
                reason,
                vec![
                    or_dash(last.map(|i| i.status.clone()).or_else(|| (!d.exists).then(|| "NOT FOUND".into()))),
                    d.id.clone(),
                    when(now, d.last_success()),
                    // What the dashboards serve: the last completed refresh's rows, as the overview.
                    or_dash(d.last_completed().and_then(|i| i.rows_ingested).map(|r| thousands(r as f64))),
                ],
            )
            .named(&d.id)
            .acting(Rerun::SpiceDataset(d.id.clone()))
            .with("last good refresh", d.last_success().map(|t| ago(now, t)))
            .with(
                "expected",
                Some(format!("a refresh at least every {}", millis(q.refresh_within_hours as f64 * 3_600_000.0))),
            ),
        );
        for i in d.ingestions.iter().take(REFRESHES_SHOWN) {
            let health = if i.is_failed() { Health::Warn } else { Health::Ok };
            let reason = match (&i.error_type, &i.error_message) {
                (Some(t), Some(m)) => format!("{t}: {m}"),
                (Some(e), None) | (None, Some(e)) => e.clone(),
                _ => i.seconds.map(|s| format!("took {}", millis(s as f64 * 1000.0))).unwrap_or_default(),
            };
            rows.push(
                InventoryRow::new(
                    health,
                    reason,
                    vec![
                        i.status.clone(),
                        i.id.clone(),
                        when(now, i.created),
                        or_dash(i.rows_ingested.map(|r| thousands(r as f64))),
                    ],
                )
                .nested()
                .named(&format!("refresh {} of {}", i.id, d.id))
                .acting(Rerun::SpiceDataset(d.id.clone()))
                .with("refresh", Some(i.id.clone()))
                .with("created", i.created.map(|t| ago(now, t)))
                .with("took", i.seconds.map(|s| millis(s as f64 * 1000.0)))
                .with("rows ingested", i.rows_ingested.map(|r| thousands(r as f64)))
                .with("rows dropped", i.rows_dropped.map(|r| thousands(r as f64)))
                .with("error", i.error_type.clone())
                .with("message", i.error_message.clone()),
            );
        }
    }
    Inventory { layer: Layer::Quicksight, columns: COLUMNS, name_column: 1, rows }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str], nested: bool) -> InventoryRow {
        let row = InventoryRow::new(Health::Ok, "why".into(), cells.iter().map(|c| c.to_string()).collect());
        if nested {
            row.nested()
        } else {
            row
        }
    }

    /// A narrow console keeps the reason readable: the columns narrow to their text, the name is
    /// cut, the columns after it go, the last first, and the name is cut again; wide, all stay.
    #[test]
    fn columns_give_way_to_the_reason_in_a_narrow_console() {
        const COLUMNS: &[(&str, usize)] = &[("STATE", 10), ("NAME", 48), ("LAG", 10), ("MESSAGES", 10)];
        let inventory = Inventory {
            layer: Layer::Msk,
            columns: COLUMNS,
            name_column: 1,
            rows: vec![
                row(&["ACTIVE", "clickstream-kafka", "", ""], false),
                row(&["", "clickstream.events · clickstream-sessionizer", "27 min", "3,226,688"], true),
            ],
        };
        assert_eq!(inventory.widths(usize::MAX), [10, 48, 10, 10], "headless: as declared");
        assert_eq!(inventory.widths(111), [10, 48, 10, 10], "the reason has its 24 cells");
        assert_eq!(inventory.widths(100), [7, 47, 7, 10], "fitted to the text");
        assert_eq!(inventory.widths(90), [7, 42, 7, 10], "then the name cut");
        assert_eq!(inventory.widths(69), [7, 24, 7, 0], "then the last column goes");
        assert_eq!(inventory.widths(50), [7, 19, 0, 0]);
        assert_eq!(inventory.widths(30), [7, 12, 0, 0], "the name keeps 12 cells; the reason what is left");
        let header = inventory.header(&[7, 24, 7, 0]);
        assert_eq!(header, "STATE  NAME                    LAG    ");
        assert_eq!(inventory.cells(&inventory.rows[1], &[7, 24, 7, 0]), "         clickstream.events ·… 27 min ");
    }
}
