//! Logs go to `$XDG_STATE_HOME/lakeops/lakeops.log`, never to the terminal.

use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

use crate::local_files;

/// The log's size past which it is set aside (as `lakeops.log.1`) when lakeops starts.
const LOG_CAP_BYTES: u64 = 8 * 1024 * 1024;

/// Starts logging to `path` (level from `LAKEOPS_LOG`, default `info`). A log that cannot
/// be opened is not a reason to stop: the console runs without one and says so.
pub fn init(path: &Path) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        local_files::private_dir(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    // One older generation is kept: the log never grows past twice its cap.
    if std::fs::metadata(path).is_ok_and(|m| m.len() > LOG_CAP_BYTES) {
        let _ = std::fs::rename(path, local_files::older(path));
    }
    let file = local_files::private_options()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let filter = EnvFilter::try_from_env("LAKEOPS_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .map_err(|e| e.to_string())
}
