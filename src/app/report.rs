//! The one route every failure takes to the operator: a toast, and an entry in `:errors` named by
//! where it came from. Nothing the user should know of is only logged.

use chrono::{DateTime, Utc};

use super::state::{App, ErrorRecord, Toast, ToastLevel, ERRORS_KEPT, TOAST_MS};

/// Where an error came from: the SOURCE column of `:errors`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorSource {
    /// The overview's refresh (and the parts of it that could not be read).
    Refresh,
    /// A stream's detail.
    Stream,
    Reshard,
    /// Turning shard-level metrics on or off.
    Monitoring,
    Peek,
    Audit,
    Logs,
    Glue,
    Workflows,
    Emr,
    /// Running a source or a SPICE refresh now.
    Rerun,
    Athena,
    Export,
    Stack,
    Plan,
    Apply,
    Delete,
    Drift,
    Sandbox,
    /// lakeops' journal of its actions.
    Journal,
    /// The local query history.
    History,
    Clipboard,
    /// The log file.
    Log,
    /// A runbook file of the profile that cannot be read.
    Runbook,
}

impl ErrorSource {
    pub fn label(self) -> &'static str {
        match self {
            ErrorSource::Refresh => "refresh",
            ErrorSource::Stream => "stream",
            ErrorSource::Reshard => "reshard",
            ErrorSource::Monitoring => "change",
            ErrorSource::Peek => "peek",
            ErrorSource::Audit => "audit",
            ErrorSource::Logs => "logs",
            ErrorSource::Glue => "glue",
            ErrorSource::Workflows => "workflows",
            ErrorSource::Rerun => "rerun",
            ErrorSource::Emr => "emr",
            ErrorSource::Athena => "athena",
            ErrorSource::Export => "export",
            ErrorSource::Stack => "stack",
            ErrorSource::Plan => "plan",
            ErrorSource::Apply => "apply",
            ErrorSource::Delete => "delete",
            ErrorSource::Drift => "drift",
            ErrorSource::Sandbox => "sandbox",
            ErrorSource::Journal => "journal",
            ErrorSource::History => "history",
            ErrorSource::Clipboard => "clipboard",
            ErrorSource::Log => "log",
            ErrorSource::Runbook => "runbook",
        }
    }
}

/// Records an error in the history and shows it as a toast; the same error again is counted,
/// not toasted again.
pub fn report_error(app: &mut App, source: ErrorSource, message: &str, at: DateTime<Utc>) {
    let message = crate::model::text::sanitize(message);
    match app.errors.back_mut() {
        Some(last) if last.source == source && last.message == message => {
            last.count += 1;
            last.at = at;
            return;
        }
        _ => {
            app.errors.push_back(ErrorRecord { at, source, message: message.clone(), count: 1 });
            while app.errors.len() > ERRORS_KEPT {
                app.errors.pop_front();
            }
        }
    }
    toast(app, ToastLevel::Error, message);
}

/// Shows `message` for a few seconds (at most three at once, the newest last).
pub fn toast(app: &mut App, level: ToastLevel, message: String) {
    app.toasts.retain(|t| t.message != message);
    app.toasts.push_back(Toast { level, message, expires_at_ms: app.now_ms + TOAST_MS });
    while app.toasts.len() > 3 {
        app.toasts.pop_front();
    }
}

/// Toasts whose time is up go; true when one did (the screen changed).
pub fn expire_toasts(app: &mut App) -> bool {
    let now = app.now_ms;
    let before = app.toasts.len();
    app.toasts.retain(|t| t.expires_at_ms > now);
    app.toasts.len() != before
}
