//! A function's log events (CloudWatch Logs), classified so errors stand out.

use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogKind {
    /// An error or exception.
    Error,
    /// "Task timed out after …".
    Timeout,
    /// The Lambda runtime's REPORT line (duration, memory).
    Report,
    Info,
}

impl LogKind {
    /// What an error-only view keeps.
    pub fn is_problem(self) -> bool {
        matches!(self, LogKind::Error | LogKind::Timeout)
    }

    /// Classifies a log message as the Lambda runtimes write them.
    pub fn of(message: &str) -> LogKind {
        if message.contains("Task timed out") {
            LogKind::Timeout
        } else if message.starts_with("REPORT ") {
            LogKind::Report
        } else if ["ERROR", "Error", "Exception", "Traceback", "FATAL"].iter().any(|w| message.contains(w)) {
            LogKind::Error
        } else {
            LogKind::Info
        }
    }
}

/// One event as CloudWatch Logs stores it. `message` is raw: it is sanitized where it is
/// drawn or printed, line by line (stack traces keep their lines).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogEvent {
    pub id: String,
    pub time: DateTime<Utc>,
    pub stream: String,
    pub message: String,
    pub kind: LogKind,
}

/// Which events to read: a function's log group from `since`, newest `limit` kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogQuery {
    pub function: String,
    pub since: DateTime<Utc>,
    /// Errors and timeouts only (a filter pattern on the server, checked again here).
    pub errors_only: bool,
    pub limit: usize,
}

/// The most events one FilterLogEvents call returns: a read's limit on either backend.
pub const MOST_LOG_EVENTS: usize = 10_000;

/// The Lambda log group of a function.
pub fn log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

/// The answer CloudWatch Logs gives, on either backend, when a function has no log group: its
/// code (`ResourceNotFoundException`) and a message naming the group. A function gets its group
/// when it first runs, so a function that exists may have none yet.
pub fn missing_log_group(function: &str) -> crate::platform::ServiceError {
    crate::platform::ServiceError::new(
        MISSING_LOG_GROUP,
        format!("log group {} does not exist: has the function run yet?", log_group(function)),
    )
}

/// CloudWatch Logs' error code for a log group that does not exist.
pub const MISSING_LOG_GROUP: &str = "ResourceNotFoundException";

/// The filter pattern that asks CloudWatch Logs for errors and timeouts only.
pub const ERROR_PATTERN: &str = "?ERROR ?Error ?Exception ?Traceback ?FATAL ?\"Task timed out\"";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_classified_as_the_runtimes_write_them() {
        assert_eq!(LogKind::of("2026-11-21T10:00:00Z abc Task timed out after 30.03 seconds"), LogKind::Timeout);
        assert_eq!(LogKind::of("[ERROR] KeyError: 'user_id'\nTraceback (most recent call last):"), LogKind::Error);
        assert_eq!(LogKind::of("REPORT RequestId: 1 Duration: 182.40 ms"), LogKind::Report);
        assert_eq!(LogKind::of("START RequestId: 1 Version: $LATEST"), LogKind::Info);
        assert!(!LogKind::Report.is_problem() && LogKind::Timeout.is_problem());
    }
}
