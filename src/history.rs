//! The local query history: every SQL run from `:athena` or `lakeops query`, one JSON line each,
//! in `$XDG_STATE_HOME/lakeops/query-history.jsonl`, recalled in the editor with ↑ and ↓.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::local_files::{Go, LineFile};

/// Entries read back: the newest this many.
pub const RECALLED: usize = 200;

/// The history's size before it rotates to `query-history.jsonl.1`.
pub const HISTORY_CAP_BYTES: u64 = 2 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    time: DateTime<Utc>,
    workgroup: String,
    sql: String,
}

pub struct QueryHistory {
    file: LineFile,
}

impl QueryHistory {
    pub fn new(path: PathBuf) -> QueryHistory {
        QueryHistory { file: LineFile::new(path, HISTORY_CAP_BYTES, "the query history") }
    }

    pub fn append(&self, workgroup: &str, sql: &str) -> Result<(), String> {
        let entry = Entry { time: Utc::now(), workgroup: workgroup.to_string(), sql: sql.to_string() };
        self.file.append(&serde_json::to_string(&entry).map_err(|e| e.to_string())?)
    }

    /// The newest `RECALLED` queries, oldest first, a query run twice in a row kept once, read
    /// from the end of the file back only that far; a damaged line is skipped, and a history
    /// that cannot be read recalls nothing (the editor works without it).
    pub fn recent(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let _ = self.file.newest_first(|line| {
            if let Ok(entry) = serde_json::from_str::<Entry>(line) {
                if out.last() != Some(&entry.sql) {
                    out.push(entry.sql);
                }
            }
            if out.len() > RECALLED {
                Go::Stop
            } else {
                Go::On
            }
        });
        out.truncate(RECALLED);
        out.reverse();
        out
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn queries_come_back_oldest_first_once_each_in_a_row() {
        let dir = tempfile::tempdir().unwrap();
        let history = QueryHistory::new(dir.path().join("state/query-history.jsonl"));
        assert!(history.recent().is_empty());
        for sql in ["SELECT 1", "SELECT 1", "SELECT 2\nFROM t", "SELECT 1"] {
            history.append("ops", sql).unwrap();
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("state/query-history.jsonl"))
            .unwrap()
            .write_all(b"not json\n")
            .unwrap();
        assert_eq!(history.recent(), ["SELECT 1", "SELECT 2\nFROM t", "SELECT 1"]);
    }
}
