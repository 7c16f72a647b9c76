//! The overview's snapshot on AWS: which resources are watched, the one GetMetricData call a
//! refresh for every series on screen, and each layer read into the model (the governance,
//! serving and ingestion layers in `layers`).

use std::time::{Duration, Instant};

use super::{athena, cloudtrail, cloudwatch, glue, kinesis, sqs, AwsPlatform, DISCOVERY_TTL};
use crate::model::text::sanitize;
use crate::model::*;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{self, FunctionKeys, RedshiftKeys, StreamKeys};
use crate::platform::{Platform, PlatformError};

/// A stream's summary is read at most this often by the overview; the detail and resharding
/// always read afresh.
const SUMMARY_TTL: Duration = Duration::from_secs(30);
/// DescribeStreamSummary calls one refresh may make (the API allows 20 a second per account):
/// with hundreds of streams, the list fills in over a few refreshes.
const SUMMARIES_PER_REFRESH: usize = 20;
/// The overview's CloudTrail row (writes in the last hour) and Athena row are read at most this
/// often: LookupEvents allows 2 calls a second per account, shared with the audit view and people.
const AUDIT_ROW_TTL: Duration = Duration::from_secs(60);
/// The catalog changes with crawls and ETL runs, hourly: reading it every few minutes is plenty.
pub(super) const CATALOG_TTL: Duration = Duration::from_secs(300);

impl AwsPlatform {
    /// Everything the overview shows, or the failure that kept every call of this refresh from
    /// reaching the endpoint: then nothing was read, and answering with what the caches hold
    /// would pass old data off as new (the console says STALE since its last good read instead).
    pub(super) async fn overview(&self) -> Result<PlatformSnapshot, PlatformError> {
        let (answered, unreached) = {
            let state = self.state();
            (state.answered, state.unreached)
        };
        let snapshot = self.read_overview().await?;
        let state = self.state();
        if state.answered == answered && state.unreached > unreached {
            let reason = state.last_unreached.clone();
            return Err(reason.unwrap_or_else(|| PlatformError::unreachable("AWS", "no call was answered")));
        }
        Ok(snapshot)
    }

    /// Three steps, the reads of each side by side (each API within its limits, `limits`): what
    /// names the series (the streams — nothing shows without them —, the state machines, EMR, the
    /// layers) with the rows that need no metrics (alarms, the DLQ, Glue, Athena, CloudTrail);
    /// then one GetMetricData call per 500 series; then the rows that read the metrics.
    async fn read_overview(&self) -> Result<PlatformSnapshot, PlatformError> {
        let now = chrono::Utc::now();
        let now_s = now.timestamp();
        let mut problems = Vec::new();
        let mut layer_problems = Vec::new();
        // Each read on the heap: side by side, their futures would all be held at once, and in a
        // debug build that is more than a thread's stack.
        let (streams, watched_machines, watched_emr, layer_watch, alarm_reads, glue, athena, audit) = tokio::join!(
            Box::pin(self.streams()),
            Box::pin(self.watched_state_machines()),
            Box::pin(self.watched_emr()),
            Box::pin(self.watch_layers(&mut layer_problems)),
            Box::pin(self.alarm_reads()),
            Box::pin(self.glue_status()),
            Box::pin(self.athena_status()),
            Box::pin(self.audit_status()),
        );
        // Nothing can be shown without the streams: their failure fails the refresh.
        let (mut streams, missing) = streams?;
        if !missing.is_empty() && streams.is_empty() {
            problems.push(format!(
                "stream {} not found in {}: is the stack provisioned?",
                missing.join(", "),
                self.settings.aws.region
            ));
        }
        problems.append(&mut layer_problems);

        let function = self.settings.platform.lambda.function.clone();
        let function_keys = FunctionKeys::new(&function);
        let redshift_keys = RedshiftKeys::new(&self.settings.platform.redshift);
        let mut keys: Vec<SeriesKey> = streams.iter().flat_map(|s| StreamKeys::new(&s.name).all()).collect();
        keys.extend(function_keys.all());
        keys.push(series::dlq_age(&self.settings.platform.dlq.queue));
        keys.extend(redshift_keys.iter().flat_map(RedshiftKeys::all));
        let watched_machines = watched_machines.map_err(|e| e.to_string());
        keys.extend(Self::orchestration_keys(watched_machines.as_deref().unwrap_or_default()));
        let watched_emr = watched_emr.map_err(|e| e.to_string());
        if let Ok(watched) = &watched_emr {
            keys.extend(Self::processing_keys(watched));
        }
        keys.extend(Self::layer_keys(&layer_watch));
        let store = self.state().metrics.clone();
        let fetch = cloudwatch::fetch(&self.cloudwatch, &self.ledger, &self.limiter, &store, &keys, now_s);
        match self.call("GetMetricData", fetch).await {
            Ok((window, data)) => {
                let mut state = self.state();
                for (key, points) in data {
                    state.metrics.record(&key, window, points);
                }
            }
            Err(e) => problems.push(format!("metrics not refreshed: {e}")),
        }

        let store = &self.state().metrics.clone();
        let latest = |k: &SeriesKey| store.latest(k, now_s);
        for s in &mut streams {
            let k = StreamKeys::new(&s.name);
            s.incoming_records_per_second = latest(&k.incoming_records).map(|v| v / 60.0);
            s.incoming_bytes_per_second = latest(&k.incoming_bytes).map(|v| v / 60.0);
            s.incoming_history = store.history(&k.incoming_records, now_s, 180).into_iter().map(|v| v / 60.0).collect();
            s.iterator_age_ms = latest(&k.iterator_age);
            s.iterator_age_ms_before = store.earlier(&k.iterator_age, now_s, 10);
            s.write_throttled = latest(&k.write_throttled);
            s.read_throttled = latest(&k.read_throttled);
        }
        let k = &function_keys;
        let history = |k: &SeriesKey| store.history(k, now_s, crate::ops::metrics::HISTORY_SECONDS / 60);
        let function = FunctionStatus {
            name: function.clone(),
            invocations_per_minute: latest(&k.invocations),
            errors_per_minute: latest(&k.errors).or(latest(&k.invocations).map(|_| 0.0)),
            throttles_per_minute: latest(&k.throttles),
            duration_ms: latest(&k.duration),
            duration_p99_ms: latest(&k.duration_p99),
            iterator_age_ms: latest(&k.iterator_age),
            concurrency: latest(&k.concurrency),
            history: FunctionHistory {
                invocations: history(&k.invocations),
                errors: history(&k.errors),
                throttles: history(&k.throttles),
                duration_ms: history(&k.duration),
                duration_p99_ms: history(&k.duration_p99),
                iterator_age_ms: history(&k.iterator_age),
                concurrency: history(&k.concurrency),
            },
        };

        let alarms = self.alarm_status(alarm_reads, store, now_s);
        let glue = match glue {
            Ok(g) => Reading::Ready { data: g },
            Err(e) => Reading::Unavailable { reason: e.to_string() },
        };
        let orchestration = async {
            match watched_machines {
                Ok(watched) if watched.is_empty() && self.settings.platform.orchestration.glue_workflows.is_empty() => {
                    Reading::NotWatched
                }
                Ok(watched) => match self.orchestration_status(&watched, store, now_s).await {
                    Ok(status) => Reading::Ready { data: status },
                    Err(e) => Reading::Unavailable { reason: e.to_string() },
                },
                Err(reason) => Reading::Unavailable { reason },
            }
        };
        let processing = async {
            match watched_emr {
                Ok(super::processing::WatchedEmr::Off) => Reading::NotWatched,
                Ok(watched) => match self.processing_status(&watched, store, now_s).await {
                    Ok(status) => Reading::Ready { data: status },
                    Err(e) => Reading::Unavailable { reason: e.to_string() },
                },
                Err(reason) => Reading::Unavailable { reason },
            }
        };
        let (orchestration, processing, layers) = tokio::join!(
            Box::pin(orchestration),
            Box::pin(processing),
            Box::pin(self.read_layers(layer_watch, store, now_s, &mut problems))
        );
        Ok(PlatformSnapshot {
            taken_at: now,
            orchestration,
            processing,
            streams: Reading::Ready { data: streams },
            msk: layers.msk,
            sources: layers.sources,
            firehose: layers.firehose,
            opensearch: layers.opensearch,
            quicksight: layers.quicksight,
            function: Reading::Ready { data: function },
            lake: Reading::unavailable(
                "the S3 zones are not read on AWS (their storage metrics are daily); the DLQ is under Alarms",
            ),
            glue,
            redshift: match &redshift_keys {
                Some(keys) => {
                    Reading::Ready { data: redshift_status(&self.settings.platform.redshift, keys, store, now_s) }
                }
                None => Reading::NotWatched,
            },
            athena: match athena {
                Ok(status) => Reading::Ready { data: status },
                Err(e) => Reading::Unavailable { reason: e.to_string() },
            },
            audit: match audit {
                Ok(row) => Reading::Ready { data: row },
                Err(e) => Reading::Unavailable { reason: e.to_string() },
            },
            alarms,
            problems,
            usage: self.ledger.usage(),
        })
    }

    /// The profile's stream, plus every stream in the region with `discover = true` (with the
    /// status and mode ListStreams lists, re-read at most every `SUMMARY_TTL`).
    async fn watched_streams(&self) -> Result<Vec<kinesis::Listed>, PlatformError> {
        let mut watched = vec![kinesis::Listed { name: self.settings.platform.stream.name.clone(), summary: None }];
        if self.settings.platform.discover {
            let cached = self.state().discovered.clone().filter(|(at, _)| at.elapsed() < SUMMARY_TTL);
            let found = match cached {
                Some((_, found)) => found,
                None => {
                    let found = self.call("ListStreams", kinesis::list_streams(&self.kinesis, &self.limiter)).await?;
                    self.state().discovered = Some((Instant::now(), found.clone()));
                    found
                }
            };
            for listed in found {
                match watched.iter_mut().find(|w| w.name == listed.name) {
                    Some(profile_stream) => profile_stream.summary = listed.summary,
                    None => watched.push(listed),
                }
            }
        }
        Ok(watched)
    }

    /// Every watched stream's status, read side by side: a fresh summary from the cache; up to
    /// `SUMMARIES_PER_REFRESH` DescribeStreamSummary calls (the profile's stream first, then
    /// those never described, then the stalest); every other stream from ListStreams' status
    /// and mode and ListShards' open shards, which is what the health rules read (its retention
    /// and consumers from its last summary until its turn comes).
    async fn streams(&self) -> Result<(Vec<StreamStatus>, Vec<String>), PlatformError> {
        let watched = self.watched_streams().await?;
        let plan = self.plan_stream_reads(&watched);
        let reads = plan.into_iter().map(|read| async move {
            match read {
                StreamRead::Cached(name, summary) => Ok((name, summary)),
                StreamRead::Describe(name) => {
                    let summary = self.call("DescribeStreamSummary", kinesis::describe(&self.kinesis, &name)).await?;
                    self.state().summaries.insert(name.clone(), (Instant::now(), summary.clone()));
                    Ok((name, summary))
                }
                StreamRead::Count { name, status, mode, last } => {
                    let cached = self.state().counted.get(&name).copied().filter(|(at, _)| at.elapsed() < SUMMARY_TTL);
                    let open = match cached {
                        Some((_, open)) => Some(open),
                        None => {
                            let open = self
                                .call("ListShards", kinesis::open_shard_count(&self.kinesis, &name, &self.limiter))
                                .await?;
                            if let Some(open) = open {
                                self.state().counted.insert(name.clone(), (Instant::now(), open));
                            }
                            open
                        }
                    };
                    let summary = open.map(|open_shards| StreamStatus {
                        name: sanitize(&name),
                        status,
                        mode,
                        open_shards,
                        ..last.unwrap_or_else(|| kinesis::unread(&name))
                    });
                    Ok((name, summary))
                }
            }
        });
        let mut streams = Vec::new();
        let mut missing = Vec::new();
        for read in futures::future::join_all(reads).await {
            let (name, summary): (String, Option<StreamStatus>) = read?;
            match summary {
                Some(s) => streams.push(s),
                None => missing.push(name),
            }
        }
        Ok((streams, missing))
    }

    /// How each watched stream is read this refresh, in the order watched.
    fn plan_stream_reads(&self, watched: &[kinesis::Listed]) -> Vec<StreamRead> {
        let state = self.state();
        let described = |name: &str| state.summaries.get(name).map(|(at, summary)| (at.elapsed(), summary));
        // The profile's stream first, then those never described, then the stalest.
        let mut turns: Vec<(usize, Option<Duration>)> = watched
            .iter()
            .enumerate()
            .map(|(i, w)| (i, described(&w.name).map(|(age, _)| age)))
            .filter(|(_, age)| age.is_none_or(|age| age >= SUMMARY_TTL))
            .collect();
        turns.sort_by_key(|(i, age)| (*i != 0, age.is_some(), age.map(std::cmp::Reverse)));
        let describe: Vec<usize> = turns.iter().take(SUMMARIES_PER_REFRESH).map(|(i, _)| *i).collect();
        let mut plan = Vec::new();
        for (i, w) in watched.iter().enumerate() {
            let name = w.name.clone();
            let last = described(&w.name);
            plan.push(match (last, &w.summary) {
                (Some((age, summary)), _) if age < SUMMARY_TTL => StreamRead::Cached(name, summary.clone()),
                _ if describe.contains(&i) => StreamRead::Describe(name),
                // Out of this refresh's budget: ListStreams' status and ListShards' count.
                (last, Some((status, mode))) => StreamRead::Count {
                    name,
                    status: status.clone(),
                    mode: *mode,
                    last: last.and_then(|(_, summary)| summary.clone()),
                },
                // Listed without a status (an older server): its last summary stands in.
                (Some((_, summary)), None) => StreamRead::Cached(name, summary.clone()),
                // A new stream with neither waits for its turn.
                (None, None) => continue,
            });
        }
        plan
    }
}

/// How one stream is read in a refresh (`plan_stream_reads`).
enum StreamRead {
    Cached(String, Option<StreamStatus>),
    Describe(String),
    Count { name: String, status: String, mode: CapacityMode, last: Option<StreamStatus> },
}

impl AwsPlatform {
    /// The profile's job and crawler, plus every one in the region with `discover = true`.
    pub(super) async fn watched_glue(&self) -> Result<(Vec<String>, Vec<String>), PlatformError> {
        let g = &self.settings.platform.glue;
        let mut jobs = vec![g.job.clone()];
        let mut crawlers = vec![g.crawler.clone()];
        if self.settings.platform.discover {
            let cached = self.state().discovered_glue.clone().filter(|(at, _)| at.elapsed() < DISCOVERY_TTL);
            let (found_jobs, found_crawlers) = match cached {
                Some((_, found)) => found,
                None => {
                    let found = self.call("ListJobs", glue::list_names(&self.glue)).await?;
                    self.state().discovered_glue = Some((Instant::now(), found.clone()));
                    found
                }
            };
            jobs.extend(found_jobs.into_iter().filter(|j| *j != g.job));
            crawlers.extend(found_crawlers.into_iter().filter(|c| *c != g.crawler));
        }
        Ok((jobs, crawlers))
    }

    pub(super) async fn catalog(&self) -> Result<Option<CatalogDatabase>, PlatformError> {
        if let Some((_, db)) = self.state().catalog.clone().filter(|(at, _)| at.elapsed() < CATALOG_TTL) {
            return Ok(db);
        }
        let db = self.call("GetTables", glue::database(&self.glue, &self.settings.platform.glue.database)).await?;
        self.state().catalog = Some((Instant::now(), db.clone()));
        Ok(db)
    }

    /// The overview's Glue row: the profile's job and crawler.
    async fn glue_status(&self) -> Result<GlueStatus, PlatformError> {
        let g = &self.settings.platform.glue;
        let job = self.glue_job(&g.job).await?;
        let crawler = self.glue_crawler(&g.crawler).await?;
        let summary = |r: &GlueRunDetail| JobRun {
            id: r.id.clone(),
            state: r.state.clone(),
            started: r.started,
            ended: r.ended,
            duration_seconds: r.duration_seconds,
            error: r.error.clone(),
        };
        let runs = job.as_ref().map(|j| j.runs.as_slice()).unwrap_or_default();
        Ok(GlueStatus {
            job: g.job.clone(),
            last_run: runs.first().map(summary),
            last_finished: runs.iter().find(|r| !r.is_active()).map(summary),
            crawler: g.crawler.clone(),
            crawler_state: crawler.as_ref().map(|c| c.state.clone()).unwrap_or_else(|| "NOT FOUND".into()),
            crawler_last_status: crawler.as_ref().and_then(|c| c.last_status.clone()),
            crawler_last_crawl: crawler.as_ref().and_then(|c| c.last_crawl),
            // Failures only: a Data Quality API this account or endpoint does not serve is said
            // in `:glue`, not in every refresh.
            quality_failures: match self.data_quality().await {
                Ok(quality) => quality_failures(quality.iter().map(|(table, q)| (table.as_str(), q))),
                Err(_) => Vec::new(),
            },
            curated_writes: crate::model::UpdateHistory::from_runs(runs),
        })
    }
}

impl AwsPlatform {
    /// The workgroup's row: its 50 newest queries, read at most once a minute.
    async fn athena_status(&self) -> Result<AthenaStatus, PlatformError> {
        if let Some((_, row)) = self.state().athena_row.clone().filter(|(at, _)| at.elapsed() < AUDIT_ROW_TTL) {
            return Ok(row);
        }
        let workgroup = &self.settings.platform.athena.workgroup;
        let row = self
            .call(
                "BatchGetQueryExecution",
                athena::workgroup_status(&self.athena, workgroup, chrono::Utc::now(), &self.athena_batching),
            )
            .await?;
        self.state().athena_row = Some((Instant::now(), row.clone()));
        Ok(row)
    }

    /// Write events of the last hour (one LookupEvents page of 50, ReadOnly=false).
    async fn audit_status(&self) -> Result<AuditStatus, PlatformError> {
        if let Some((_, row)) = self.state().audit_row.clone().filter(|(at, _)| at.elapsed() < AUDIT_ROW_TTL) {
            return Ok(row);
        }
        let query = AuditQuery {
            since: chrono::Utc::now() - chrono::Duration::hours(1),
            user: None,
            source: None,
            resource: None,
            writes_only: true,
            lakeops_only: false,
            limit: 50,
        };
        let events = self.call("LookupEvents", cloudtrail::lookup(&self.cloudtrail, &query)).await?;
        let row = AuditStatus {
            write_events_last_hour: events.len() as u32,
            latest_write: events.first().cloned(),
            writes: events,
        };
        self.state().audit_row = Some((Instant::now(), row.clone()));
        Ok(row)
    }

    /// The platform's alarms and the DLQ's depth, read beside the refresh's other reads.
    async fn alarm_reads(&self) -> AlarmReads {
        let p = &self.settings.platform;
        tokio::join!(
            self.call("DescribeAlarms", cloudwatch::alarms(&self.cloudwatch, &p.stack_name, &p.alarms.names)),
            self.call("GetQueueAttributes", sqs::depth(&self.sqs, &p.dlq.queue)),
        )
    }

    /// The Alarms row: the alarms and the DLQ's depth with its age, which comes from the
    /// snapshot's one GetMetricData call (as does Firehose's freshness).
    fn alarm_status(&self, (alarms, dlq): AlarmReads, store: &MetricStore, now_s: i64) -> Reading<AlarmStatus> {
        let p = &self.settings.platform;
        let alarms = match alarms {
            Ok(a) => a,
            Err(e) => return Reading::Unavailable { reason: e.to_string() },
        };
        let dlq = match dlq {
            Ok(Some(mut d)) => {
                d.oldest_age_seconds = store.latest(&series::dlq_age(&p.dlq.queue), now_s);
                Reading::Ready { data: d }
            }
            Ok(None) => Reading::unavailable(format!("queue {} not found: is the stack provisioned?", p.dlq.queue)),
            Err(e) => Reading::Unavailable { reason: e.to_string() },
        };
        let mut status = AlarmStatus { total: alarms.len() as u32, alarms, dlq };
        status.sort();
        Reading::Ready { data: status }
    }
}

/// What DescribeAlarms and the DLQ's GetQueueAttributes answered.
type AlarmReads = (Result<Vec<Alarm>, PlatformError>, Result<Option<DlqStatus>, PlatformError>);

/// The warehouse as its series read, each by name.
fn redshift_status(
    settings: &crate::settings::RedshiftSettings,
    keys: &RedshiftKeys,
    store: &MetricStore,
    now_s: i64,
) -> RedshiftStatus {
    let latest = |k: Option<&SeriesKey>| k.and_then(|k| store.latest(k, now_s));
    let history = |k: Option<&SeriesKey>| {
        k.map(|k| store.history(k, now_s, crate::ops::metrics::HISTORY_SECONDS / 60)).unwrap_or_default()
    };
    let load = latest(Some(&keys.load));
    let serverless = keys.mode == RedshiftMode::Serverless;
    RedshiftStatus {
        name: settings.name.clone(),
        mode: keys.mode,
        cpu_percent: if serverless { None } else { load },
        compute_rpu: if serverless { load } else { None },
        connections: latest(Some(&keys.connections)),
        disk_used_percent: latest(keys.disk_used.as_ref()),
        healthy: latest(keys.health.as_ref()).map(|v| v >= 1.0),
        history: RedshiftHistory {
            load: history(Some(&keys.load)),
            connections: history(Some(&keys.connections)),
            disk_used_percent: history(keys.disk_used.as_ref()),
        },
    }
}
