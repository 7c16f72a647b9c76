//! The read-only rule, written once: the write gate enforces it and the console's dialogs explain
//! it before anything is asked for.

use crate::model::Change;

/// What a user does to leave read-only mode, said with every refusal.
pub const LEAVE_READONLY: &str = "drop --readonly or set console.readonly = false";

/// Why read-only mode refuses `change`, or `None` when the change is not one read-only mode
/// forbids: a query whose statement only reads. (Stopping a query the session started is
/// decided by the gate, which knows what the session started.)
pub fn readonly_refusal(change: &Change) -> Option<String> {
    match change {
        Change::StartQuery(request) => super::athena_readonly::refusal(&request.sql).map(|reason| {
            format!("read-only mode: this statement may change the catalog or the data: {reason} ({LEAVE_READONLY})")
        }),
        other => Some(format!(
            "read-only mode: {} is a change and read-only mode refuses every change ({LEAVE_READONLY})",
            other.what()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::QueryRequest;

    fn query(sql: &str) -> Change {
        Change::StartQuery(QueryRequest { sql: sql.into(), database: "d".into(), workgroup: "w".into() })
    }

    #[test]
    fn reads_pass_and_changes_are_refused_with_the_way_out() {
        assert_eq!(readonly_refusal(&query("SELECT 1")), None);
        let drop = readonly_refusal(&query("DROP TABLE events")).unwrap();
        assert!(
            drop.starts_with("read-only mode: this statement may change the catalog or the data: DROP is not a query"),
            "{drop}"
        );
        let delete = readonly_refusal(&Change::DeleteStack { stack: "clickstream".into() }).unwrap();
        assert_eq!(
            delete,
            "read-only mode: deleting clickstream is a change and read-only mode refuses every change (drop --readonly or set console.readonly = false)"
        );
    }
}
