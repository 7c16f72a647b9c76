//! The sandbox's sense of now: the wall clock, or a clock tests step by hand.

use std::sync::atomic::{AtomicI64, Ordering};

pub trait Clock: Send + Sync {
    /// Milliseconds since the Unix epoch.
    fn now_ms(&self) -> i64;
}

pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        chrono::Utc::now().timestamp_millis()
    }
}

/// A clock that moves only when told to.
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(now_ms: i64) -> Self {
        ManualClock(AtomicI64::new(now_ms))
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set(&self, now_ms: i64) {
        self.0.store(now_ms, Ordering::SeqCst);
    }

    pub fn now_ms_for_tests(&self) -> i64 {
        self.now_ms()
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// The wall clock shifted to start at a chosen moment (`LAKEOPS_SANDBOX_START`): tests and
/// demos that need the sandbox at a known hour of its daily and hourly schedules.
pub struct OffsetClock {
    offset_ms: i64,
}

impl OffsetClock {
    /// A clock that reads `start_ms` now and moves with the wall clock from there.
    pub fn starting_at(start_ms: i64) -> Self {
        OffsetClock { offset_ms: start_ms - SystemClock.now_ms() }
    }
}

impl Clock for OffsetClock {
    fn now_ms(&self) -> i64 {
        SystemClock.now_ms() + self.offset_ms
    }
}

/// The environment variable that starts the sandbox's clock at a given time (RFC 3339).
pub const START_VARIABLE: &str = "LAKEOPS_SANDBOX_START";

/// The sandbox's clock: the wall clock, or one starting at `LAKEOPS_SANDBOX_START`.
pub fn from_env(value: Option<&str>) -> Result<std::sync::Arc<dyn Clock>, String> {
    match value {
        None => Ok(std::sync::Arc::new(SystemClock)),
        Some(text) => {
            let start = chrono::DateTime::parse_from_rfc3339(text).map_err(|e| {
                format!("{START_VARIABLE}: expected a time such as 2026-03-20T14:15:00Z, found {text:?} ({e})")
            })?;
            Ok(std::sync::Arc::new(OffsetClock::starting_at(start.timestamp_millis())))
        }
    }
}
