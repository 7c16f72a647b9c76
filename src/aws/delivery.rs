//! The Firehose layer on AWS: which delivery streams are watched (the profile's, plus those
//! ListMetrics finds with `discover = true`), their configuration (DescribeDeliveryStream, once
//! a minute), their health from `AWS/Firehose` in the one GetMetricData call, and — only for a
//! stream in trouble — the newest error of its delivery log.

use std::time::Instant;

use super::layers::fresh;
use super::workflows::LATEST_TTL;
use super::{cloudwatch, firehose, logs, AwsPlatform, DISCOVERY_TTL};
use crate::model::*;
use crate::ops::health::FIREHOSE_STALE_SECONDS;
use crate::ops::metrics::{MetricStore, SeriesKey};
use crate::ops::series::{FirehoseKeys, LAYER_GAUGES_FRESH_SECONDS};
use crate::platform::PlatformError;

/// DescribeDeliveryStream calls one refresh may make: with many streams discovered, the list
/// fills in over a few refreshes (a stream not described yet waits; a stale one stands in).
const DESCRIBES_PER_REFRESH: usize = 10;
/// The error log is searched this far back.
const ERROR_LOG_SECONDS: i64 = 3600;

impl AwsPlatform {
    /// The profile's delivery streams, then with `discover = true` those publishing freshness.
    pub(super) async fn watched_delivery_streams(&self, problems: &mut Vec<String>) -> Vec<String> {
        let mut names = self.settings.platform.firehose.watched();
        if self.settings.platform.discover {
            for name in self.listed_delivery_streams(problems).await {
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// Delivery streams publishing freshness (ListMetrics, reused for `DISCOVERY_TTL`); a
    /// failure leaves the list empty and is said in the problems.
    async fn listed_delivery_streams(&self, problems: &mut Vec<String>) -> Vec<String> {
        if let Some(names) = fresh(&self.state().layers.firehose_listed, DISCOVERY_TTL) {
            return names;
        }
        match self.call("ListMetrics", cloudwatch::firehose_streams(&self.cloudwatch)).await {
            Ok(names) => {
                self.state().layers.firehose_listed = Some((Instant::now(), names.clone()));
                names
            }
            Err(e) => {
                problems.push(format!("Firehose delivery streams not listed: {e}"));
                Vec::new()
            }
        }
    }

    pub(super) fn firehose_keys(names: &[String]) -> Vec<SeriesKey> {
        names.iter().flat_map(|name| FirehoseKeys::new(name).all()).collect()
    }

    /// Each watched stream's configuration with its last minutes, and its newest logged error
    /// when it is in trouble.
    pub(super) async fn firehose_status(
        &self,
        names: &[String],
        store: &MetricStore,
        now_s: i64,
    ) -> Result<FirehoseStatus, PlatformError> {
        let mut streams = Vec::new();
        let mut described = 0;
        for name in names {
            let cached = self.state().layers.delivery.get(name).cloned();
            let stream = match cached {
                Some((at, stream)) if at.elapsed() < LATEST_TTL || described >= DESCRIBES_PER_REFRESH => stream,
                None if described >= DESCRIBES_PER_REFRESH => continue,
                _ => {
                    described += 1;
                    let stream =
                        self.call("DescribeDeliveryStream", firehose::describe(&self.layers.firehose, name)).await?;
                    self.state().layers.delivery.insert(name.clone(), (Instant::now(), stream.clone()));
                    stream
                }
            };
            let Some(mut stream) = stream else {
                streams.push(DeliveryStream::missing(name));
                continue;
            };
            let k = FirehoseKeys::new(name);
            let gauge = |key: &SeriesKey| store.latest_within(key, now_s, LAYER_GAUGES_FRESH_SECONDS);
            stream.incoming_records = store.latest(&k.incoming_records, now_s);
            stream.incoming_bytes = store.latest(&k.incoming_bytes, now_s);
            stream.throttled = store.latest(&k.throttled, now_s);
            stream.freshness_seconds = gauge(&k.freshness);
            stream.success = gauge(&k.success);
            let stale = stream.freshness_seconds.is_some_and(|s| s > FIREHOSE_STALE_SECONDS);
            if stale || stream.success.is_some_and(|s| s < 1.0) {
                stream.last_error = self.delivery_error(&stream, now_s).await?;
            }
            streams.push(stream);
        }
        Ok(FirehoseStatus { streams })
    }

    /// The newest event of the stream's error log in the last hour, read at most once a minute.
    async fn delivery_error(&self, stream: &DeliveryStream, now_s: i64) -> Result<Option<String>, PlatformError> {
        let Some(log) = &stream.error_log else { return Ok(None) };
        let cached = self.state().layers.delivery_errors.get(&stream.name).cloned();
        if let Some((_, error)) = cached.filter(|(at, _)| at.elapsed() < LATEST_TTL) {
            return Ok(error);
        }
        // A log group's name holds no space: what follows the first is the log stream's.
        let (group, log_stream) = match log.split_once(' ') {
            Some((group, log_stream)) => (group, Some(log_stream)),
            None => (log.as_str(), None),
        };
        let since_ms = (now_s - ERROR_LOG_SECONDS) * 1000;
        let newest = self
            .call("FilterLogEvents", logs::newest_message(&self.logs, group, log_stream, since_ms))
            .await?
            .map(|message| firehose::error_line(&message));
        self.state().layers.delivery_errors.insert(stream.name.clone(), (Instant::now(), newest.clone()));
        Ok(newest)
    }
}
