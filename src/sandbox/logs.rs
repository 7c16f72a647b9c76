//! The consumer's CloudWatch Logs, written from the model's minutes: a REPORT line a minute,
//! and the errors and timeouts that minute had, with their stack traces (a timeout with its own
//! REPORT, `Status: timeout`, at the function's timeout).

use super::state::*;
use crate::model::{LogEvent, LogKind, LogQuery};
use crate::provision::template::{INGEST_MEMORY_MB, INGEST_TIMEOUT_SECONDS};

const ERRORS: &[&str] = &[
    "[ERROR] KeyError: 'user_id'\nTraceback (most recent call last):\n  File \"/var/task/handler.py\", line 42, in handler\n    user = mask(record[\"user_id\"])\nKeyError: 'user_id'",
    "[ERROR] ValidationError: event_type 'page_veiw' is not one of ['page_view', 'click', 'add_to_cart', 'purchase']\nTraceback (most recent call last):\n  File \"/var/task/schema.py\", line 88, in validate\n    raise ValidationError(message)",
    "[ERROR] ClientError: An error occurred (SlowDown) when calling the PutObject operation: Please reduce your request rate.\nTraceback (most recent call last):\n  File \"/var/task/sink.py\", line 27, in write_batch\n    s3.put_object(Bucket=bucket, Key=key, Body=body)",
];

/// A stable pseudo-random number in [0, 1) for a minute and a slot.
fn noise(minute_ms: i64, slot: u64) -> f64 {
    let mut x =
        (minute_ms as u64 / 60_000).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ slot.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

impl SimState {
    pub fn function_logs(&self, query: &LogQuery) -> Vec<LogEvent> {
        let since = query.since.timestamp_millis();
        let stream = |m: &MinuteMetrics| {
            let day = chrono::DateTime::from_timestamp_millis(m.minute_ms).unwrap_or_default().format("%Y/%m/%d");
            format!("{day}/[$LATEST]{:032x}", (m.minute_ms as u64 / 3_600_000).wrapping_mul(0x2545_F491_4F6C_DD1D))
        };
        let mut events = Vec::new();
        // The minute under way too, up to the model's present: tailing sees lines as they come.
        let minutes = self.minutes.iter().chain(std::iter::once(&self.current));
        let (memory, timeout) = (INGEST_MEMORY_MB, INGEST_TIMEOUT_SECONDS);
        for m in minutes.filter(|m| m.minute_ms + 60_000 > since) {
            let mut push = |slot: u64, at: i64, message: String| {
                let t = m.minute_ms + at;
                if t < since || t > self.now_ms {
                    return;
                }
                let kind = LogKind::of(&message);
                if query.errors_only && !kind.is_problem() {
                    return;
                }
                events.push(LogEvent {
                    id: format!("{}{slot:04}", m.minute_ms),
                    time: chrono::DateTime::from_timestamp_millis(t).unwrap_or_default(),
                    stream: stream(m),
                    message,
                    kind,
                });
            };
            let at = |slot: u64| (noise(m.minute_ms, slot) * 59_000.0) as i64;
            let minute = m.minute_ms / 60_000;
            // How far into the minute the model is (all of it, once it is over).
            let elapsed = (self.now_ms - m.minute_ms).clamp(1, 60_000) as f64;
            if m.invocations > 0.0 {
                // One REPORT a minute stands for its invocations: the average one, written at the
                // minute's end, once (a follow printed each average as the minute went on).
                let duration = m.duration_ms_sum / m.invocations;
                push(
                    0,
                    59_999,
                    format!(
                        "REPORT RequestId: {minute:08x}-sandbox Duration: {duration:.2} ms Billed Duration: {:.0} ms Memory Size: {memory} MB Max Memory Used: {:.0} MB",
                        duration.ceil(),
                        120.0 + 40.0 * noise(m.minute_ms, 9)
                    ),
                );
            }
            // The batches the timeout ended, shown up to two (as many as the minute had, rounded),
            // each with its own REPORT; the other errors up to three, a fraction an error with that
            // chance.
            for i in 0..(m.timeouts.round() as u64).min(2) {
                let (slot, id) = (1 + i, format!("{minute:08x}-{i:04x}-sandbox"));
                // When the minute's count of them reached this one, at its pace so far: a line is
                // never written at a time before it was known (a follow, reading on from the
                // newest event it printed, would miss it).
                let reached = (elapsed * (i as f64 + 0.5) / m.timeouts) as i64;
                push(slot, reached, format!("{id} Task timed out after {timeout}.00 seconds"));
                push(
                    50 + i,
                    reached + 1,
                    format!(
                        "REPORT RequestId: {id} Duration: {timeout}000.00 ms Billed Duration: {timeout}000 ms Memory Size: {memory} MB Max Memory Used: {:.0} MB Status: timeout",
                        120.0 + 40.0 * noise(m.minute_ms, 60 + i)
                    ),
                );
            }
            let errors = (m.errors - m.timeouts).clamp(0.0, 3.0);
            let shown = errors.floor() as u64 + u64::from(noise(m.minute_ms, 7) < errors.fract());
            for i in 0..shown {
                let pick = (noise(m.minute_ms, 100 + i) * ERRORS.len() as f64) as usize;
                push(10 + i, at(10 + i), ERRORS[pick.min(ERRORS.len() - 1)].to_string());
            }
        }
        events.sort_by_key(|e| e.time);
        let skip = events.len().saturating_sub(query.limit);
        events.split_off(skip)
    }
}
