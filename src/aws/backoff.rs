//! Per-API back-off after throttling: wait 15 s before calling that API again, doubling on
//! each further throttle up to 10 minutes; a success clears it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

const FIRST: Duration = Duration::from_secs(15);
const MAX: Duration = Duration::from_secs(600);

#[derive(Debug, Default)]
pub struct Backoff {
    /// Per API: don't call before this instant, and the current wait.
    held: HashMap<&'static str, (Instant, Duration)>,
}

impl Backoff {
    /// How long `api` must still wait at `now`, if it is held back.
    pub fn wait(&self, api: &'static str, now: Instant) -> Option<Duration> {
        let (until, _) = self.held.get(api)?;
        until.checked_duration_since(now).filter(|d| !d.is_zero())
    }

    pub fn throttled(&mut self, api: &'static str, now: Instant) {
        let next = self.held.get(api).map(|(_, d)| (*d * 2).min(MAX)).unwrap_or(FIRST);
        self.held.insert(api, (now + next, next));
    }

    pub fn succeeded(&mut self, api: &'static str) {
        self.held.remove(api);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_per_throttle_up_to_ten_minutes_and_clear_on_success() {
        let mut b = Backoff::default();
        let t0 = Instant::now();
        assert_eq!(b.wait("LookupEvents", t0), None);
        b.throttled("LookupEvents", t0);
        assert_eq!(b.wait("LookupEvents", t0), Some(Duration::from_secs(15)));
        assert_eq!(b.wait("GetMetricData", t0), None, "other APIs are not held back");
        assert_eq!(b.wait("LookupEvents", t0 + Duration::from_secs(15)), None);
        let t1 = t0 + Duration::from_secs(15);
        b.throttled("LookupEvents", t1);
        assert_eq!(b.wait("LookupEvents", t1), Some(Duration::from_secs(30)));
        for _ in 0..10 {
            b.throttled("LookupEvents", t1);
        }
        assert_eq!(b.wait("LookupEvents", t1), Some(Duration::from_secs(600)));
        b.succeeded("LookupEvents");
        assert_eq!(b.wait("LookupEvents", t1), None);
    }
}
