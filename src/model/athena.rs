//! Athena queries as `lakeops query` and the `:athena` pane see them.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// What to run, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryRequest {
    pub sql: String,
    pub database: String,
    pub workgroup: String,
}

/// QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED (Athena may move a query from RUNNING or
/// FAILED back to QUEUED when it retries it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum QueryState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
}

impl QueryState {
    pub fn parse(text: &str) -> QueryState {
        match text {
            "QUEUED" => QueryState::Queued,
            "RUNNING" => QueryState::Running,
            "SUCCEEDED" => QueryState::Succeeded,
            "CANCELLED" => QueryState::Cancelled,
            _ => QueryState::Failed,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            QueryState::Queued => "QUEUED",
            QueryState::Running => "RUNNING",
            QueryState::Succeeded => "SUCCEEDED",
            QueryState::Failed => "FAILED",
            QueryState::Cancelled => "CANCELLED",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, QueryState::Succeeded | QueryState::Failed | QueryState::Cancelled)
    }
}

/// A query's progress or outcome (GetQueryExecution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueryStatus {
    pub id: String,
    pub state: QueryState,
    /// Athena's message when the query failed or was cancelled.
    pub reason: Option<String>,
    pub scanned_bytes: Option<u64>,
    pub engine_ms: Option<u64>,
    pub submitted: Option<DateTime<Utc>>,
    /// "DDL", "DML", "UTILITY": DDL is not billed.
    pub statement_type: Option<String>,
    /// Whose fault a failure was (Athena's `AthenaError.ErrorCategory`); `None` where Athena did
    /// not say, and for a query that did not fail.
    pub error_category: Option<ErrorCategory>,
}

/// Athena's category of a failed query: the system's fault (running it again may work), the
/// query's (the SQL, a name or the data must change), or another's. `lakeops query` exits 2 on
/// the user's fault, as on any other bad input, and 1 otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorCategory {
    System,
    User,
    Other,
}

impl ErrorCategory {
    /// Athena's number for it: 1 system, 2 user, 3 other; `None` for any other number.
    pub fn from_code(code: i32) -> Option<ErrorCategory> {
        match code {
            1 => Some(ErrorCategory::System),
            2 => Some(ErrorCategory::User),
            3 => Some(ErrorCategory::Other),
            _ => None,
        }
    }
}

/// A result column, with the type from ResultSetMetadata ("varchar", "bigint", "double", …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ResultColumn {
    pub name: String,
    pub kind: String,
}

impl ResultColumn {
    /// Numbers align right and become JSON numbers.
    pub fn is_numeric(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "tinyint" | "smallint" | "integer" | "int" | "bigint" | "double" | "float" | "real" | "decimal"
        ) || self.kind.starts_with("decimal")
    }

    pub fn is_boolean(&self) -> bool {
        self.kind == "boolean"
    }
}

/// One page of results (GetQueryResults: up to 1,000 rows; the header row of a SELECT is
/// already taken off). `None` is SQL NULL, distinct from an empty string.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultPage {
    pub columns: Vec<ResultColumn>,
    pub rows: Vec<Vec<Option<String>>>,
    /// Where the next page starts; `None` on the last page.
    pub next_token: Option<String>,
}

/// A query the workgroup ran (ListQueryExecutions, then GetQueryExecution).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PastQuery {
    pub status: QueryStatus,
    pub sql: String,
    pub database: Option<String>,
}

/// A saved (named) query of the workgroup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SavedQuery {
    /// Athena's id; empty for one not saved yet.
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub database: String,
    pub workgroup: String,
    pub sql: String,
}
