use chrono::{DateTime, Utc};

/// What to look up. Text filters match case-insensitively anywhere in the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditQuery {
    pub since: DateTime<Utc>,
    pub user: Option<String>,
    pub source: Option<String>,
    pub resource: Option<String>,
    pub writes_only: bool,
    /// Only changes made through lakeops (its journal, and writes whose user agent says lakeops).
    pub lakeops_only: bool,
    pub limit: usize,
}
