//! The local query history: every SQL run from `:athena` or `lakeops query`, one JSON line each,
//! in `$XDG_STATE_HOME/lakeops/query-history.jsonl`, recalled in the editor with ↑ and ↓.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Entries read back: the newest this many.
pub const RECALLED: usize = 200;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Entry {
    time: DateTime<Utc>,
    workgroup: String,
    sql: String,
}

pub struct QueryHistory {
    path: PathBuf,
}

impl QueryHistory {
    pub fn new(path: PathBuf) -> QueryHistory {
        QueryHistory { path }
    }

    pub fn append(&self, workgroup: &str, sql: &str) -> Result<(), String> {
        let entry = Entry { time: Utc::now(), workgroup: workgroup.to_string(), sql: sql.to_string() };
        crate::journal::append_json_line(&self.path, &entry, "the query history")
    }

    /// The newest `RECALLED` queries, oldest first, a query run twice in a row kept once; a
    /// damaged line is skipped.
    pub fn recent(&self) -> Vec<String> {
        let text = std::fs::read_to_string(&self.path).unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for entry in text.lines().filter_map(|l| serde_json::from_str::<Entry>(l).ok()) {
            if out.last() != Some(&entry.sql) {
                out.push(entry.sql);
            }
        }
        let skip = out.len().saturating_sub(RECALLED);
        out.split_off(skip)
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
