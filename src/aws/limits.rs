//! Each API's rate limit, declared once (AWS-FACTS.md), and the limiter every call passes:
//! at most the API's calls in any one second, and at most `in_flight` of them at once, so that
//! reads made side by side stay inside the limits AWS sets per account (or per resource, where
//! the per-API bound here is the stricter one). The SDK's own retries are counted too
//! (`RetriesCounted`, an interceptor on every client), so the calls after them wait for them.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The window a rate is counted over.
const SECOND: Duration = Duration::from_secs(1);

/// Requests of one API in flight at once when AWS allows more a second than this (or names no
/// rate): enough to hide network latency, few enough not to crowd the connection pool.
pub const MAX_IN_FLIGHT: usize = 16;

/// Calls a second AWS allows each API (AWS-FACTS.md). APIs not named have no published rate
/// that lakeops relies on: they are bounded by `MAX_IN_FLIGHT` only.
const RATES: &[(&str, u32)] = &[
    // Kinesis: per account, except ListShards (per stream) and the changes (per stream).
    ("DescribeStreamSummary", 20),
    ("ListStreams", 5),
    ("DescribeStream", 10),
    ("ListShards", 1_000),
    ("EnableEnhancedMonitoring", 5),
    ("DisableEnhancedMonitoring", 5),
    ("SplitShard", 5),
    ("MergeShards", 5),
    ("UpdateShardCount", 10),
    // CloudWatch, per Region.
    ("GetMetricData", 50),
    ("GetMetricStatistics", 400),
    // CloudTrail, per account and Region.
    ("LookupEvents", 2),
    // CloudWatch Logs: 5 TPS outside us-east-1 (25 there): the lower.
    ("FilterLogEvents", 5),
    ("StartLiveTail", 5),
];

/// The calls a second AWS allows `api`, if it publishes one.
pub fn rate(api: &str) -> Option<u32> {
    RATES.iter().find(|(name, _)| *name == api).map(|(_, tps)| *tps)
}

/// How many calls of `api` may be in flight at once: never more than it may make in a second.
pub fn in_flight(api: &str) -> usize {
    rate(api).map(|tps| (tps as usize).min(MAX_IN_FLIGHT)).unwrap_or(MAX_IN_FLIGHT)
}

/// The limiter of one platform: per API, the start times of its calls in the last second and
/// the permits of the calls in flight.
#[derive(Default)]
pub struct Limiter {
    apis: Mutex<HashMap<&'static str, Api>>,
}

struct Api {
    started: VecDeque<Instant>,
    /// The most calls started within one second so far (for the rate tests).
    busiest_second: usize,
    in_flight: Arc<Semaphore>,
}

/// A call admitted: it holds its place among the API's calls in flight until dropped.
pub struct Admitted {
    _permit: Option<OwnedSemaphorePermit>,
}

impl Limiter {
    /// Waits until a call of `api` may start (a place in flight, then a place in the second's
    /// rate), and answers the place it holds in flight.
    pub async fn admit(&self, api: &'static str) -> Admitted {
        let semaphore = self.with(api, |a| a.in_flight.clone());
        // The semaphore is never closed: acquiring it cannot fail.
        let permit = semaphore.acquire_owned().await.ok();
        self.pace(api).await;
        Admitted { _permit: permit }
    }

    /// Waits until one more request of `api` keeps it within its rate, and counts it: for the
    /// further pages of a call already admitted.
    pub async fn pace(&self, api: &'static str) {
        let Some(tps) = rate(api) else { return };
        loop {
            let now = Instant::now();
            let wait = self.with(api, |a| {
                while a.started.front().is_some_and(|t| now.duration_since(*t) >= SECOND) {
                    a.started.pop_front();
                }
                if a.started.len() < tps as usize {
                    a.started.push_back(now);
                    a.busiest_second = a.busiest_second.max(a.started.len());
                    None
                } else {
                    a.started.front().map(|oldest| (*oldest + SECOND).saturating_duration_since(now))
                }
            });
            match wait {
                None => return,
                Some(wait) => tokio::time::sleep(wait.max(Duration::from_millis(1))).await,
            }
        }
    }

    /// Counts a retry of `operation` that the SDK sends on its own after its backoff
    /// (`RetriesCounted`): it does not pass `admit`, but the calls after it wait for it as for
    /// any other in the second.
    pub fn count_retry(&self, operation: &str) {
        let Some(&(api, _)) = RATES.iter().find(|(name, _)| *name == operation) else { return };
        let now = Instant::now();
        self.with(api, |a| {
            while a.started.front().is_some_and(|t| now.duration_since(*t) >= SECOND) {
                a.started.pop_front();
            }
            a.started.push_back(now);
            a.busiest_second = a.busiest_second.max(a.started.len());
        });
    }

    /// The most calls of `api` started within one second, as the limiter let them go (what a
    /// server sees also holds the network's jitter).
    pub fn busiest_second(&self, api: &'static str) -> usize {
        self.with(api, |a| a.busiest_second)
    }

    fn with<T>(&self, api: &'static str, f: impl FnOnce(&mut Api) -> T) -> T {
        let mut apis = self.apis.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = apis.entry(api).or_insert_with(|| Api {
            started: VecDeque::new(),
            busiest_second: 0,
            in_flight: Arc::new(Semaphore::new(in_flight(api))),
        });
        f(entry)
    }
}

/// The SDK interceptor every client carries: it tells the limiter of each retry the SDK makes
/// of a call (the second attempt and after), which `admit` never sees.
#[derive(Clone)]
pub struct RetriesCounted(pub Arc<Limiter>);

impl std::fmt::Debug for RetriesCounted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetriesCounted")
    }
}

impl Intercept for RetriesCounted {
    fn name(&self) -> &'static str {
        "RetriesCounted"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let retry = cfg.load::<RequestAttempts>().is_some_and(|attempts| attempts.attempts() > 1);
        if let (true, Some(operation)) = (retry, cfg.load::<Metadata>()) {
            self.0.count_retry(operation.name());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_is_bounded_by_its_published_rate() {
        assert_eq!(rate("DescribeStreamSummary"), Some(20));
        assert_eq!(rate("ListStreams"), Some(5));
        assert_eq!(rate("GetMetricData"), Some(50));
        assert_eq!(rate("LookupEvents"), Some(2));
        assert_eq!(in_flight("LookupEvents"), 2);
        assert_eq!(in_flight("ListShards"), MAX_IN_FLIGHT);
        assert_eq!(in_flight("GetJob"), MAX_IN_FLIGHT);
    }

    #[tokio::test]
    async fn no_second_holds_more_calls_than_the_rate() {
        let limiter = Limiter::default();
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..12 {
            limiter.pace("ListStreams").await;
            starts.push(start.elapsed());
        }
        // 5 at once, then one more each time the oldest of the last five is a second old.
        for window in starts.windows(6) {
            assert!(window[5] - window[0] >= SECOND, "{starts:?}");
        }
        assert!(starts[4] < Duration::from_millis(200), "{starts:?}");
    }

    #[tokio::test]
    async fn a_retry_the_sdk_makes_counts_and_the_next_call_waits_for_it() {
        let limiter = Limiter::default();
        let start = Instant::now();
        limiter.pace("LookupEvents").await;
        limiter.count_retry("LookupEvents");
        limiter.count_retry("GetJob"); // No published rate: nothing to count.
        assert_eq!(limiter.busiest_second("LookupEvents"), 2);
        limiter.pace("LookupEvents").await;
        assert!(start.elapsed() >= SECOND, "{:?}", start.elapsed());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_in_flight_never_exceed_the_bound() {
        let limiter = Arc::new(Limiter::default());
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let calls = (0..4).map(|_| {
            let (limiter, running, most) = (limiter.clone(), running.clone(), most.clone());
            tokio::spawn(async move {
                let _admitted = limiter.admit("LookupEvents").await;
                let now = running.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
                most.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                running.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            })
        });
        futures::future::join_all(calls).await;
        assert_eq!(most.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}
