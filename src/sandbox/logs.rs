//! The consumer's CloudWatch Logs, written from the model's minutes: a REPORT line a minute,
//! and the errors and timeouts that minute had, with their stack traces.

use super::state::*;
use crate::model::{LogEvent, LogKind, LogQuery};

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
        for m in minutes.filter(|m| m.minute_ms + 60_000 > since) {
            let mut push = |slot: u64, message: String| {
                let t = m.minute_ms + (noise(m.minute_ms, slot) * 59_000.0) as i64;
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
            if m.invocations > 0.0 {
                let duration = m.duration_ms_sum / m.invocations;
                push(
                    0,
                    format!(
                        "REPORT RequestId: {:08x}-sandbox Duration: {duration:.2} ms Billed Duration: {:.0} ms Memory Size: 512 MB Max Memory Used: {:.0} MB",
                        m.minute_ms / 60_000,
                        duration.ceil(),
                        120.0 + 40.0 * noise(m.minute_ms, 9)
                    ),
                );
            }
            // Errors a minute, shown up to three; a fraction is an error with that chance.
            let errors = m.errors.min(3.0);
            let shown = errors.floor() as u64 + u64::from(noise(m.minute_ms, 7) < errors.fract());
            for i in 0..shown {
                let pick = (noise(m.minute_ms, 100 + i) * ERRORS.len() as f64) as usize;
                // A failing batch that keeps retrying runs into the function's timeout.
                let message = if m.duration_ms_max >= 2_000.0 && i == 0 && noise(m.minute_ms, 11) < 0.5 {
                    format!("{:08x}-sandbox Task timed out after 30.03 seconds", m.minute_ms / 60_000 + i as i64)
                } else {
                    ERRORS[pick.min(ERRORS.len() - 1)].to_string()
                };
                push(1 + i, message);
            }
        }
        events.sort_by_key(|e| e.time);
        let skip = events.len().saturating_sub(query.limit);
        events.split_off(skip)
    }
}
