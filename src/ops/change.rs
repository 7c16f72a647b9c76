//! The rules that refuse a change whatever its plan, written once: read-only mode, and what a
//! backend cannot do at all. The write gate enforces them and the console's dialogs explain them
//! before anything is asked for.

use crate::model::Change;
use crate::settings::Backend;

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

/// Why `backend` refuses `change` in any mode, or `None`: the sandbox's stack is the platform
/// the sandbox runs, so it is never deleted (a reset starts it afresh).
pub fn backend_refusal(backend: &str, change: &Change) -> Option<String> {
    match change {
        Change::DeleteStack { stack } if backend == Backend::Sandbox.as_str() => Some(format!(
            "the sandbox platform cannot be deleted ({stack} is what the sandbox runs); `lakeops sandbox reset` starts it afresh"
        )),
        _ => None,
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

    #[test]
    fn only_the_sandbox_refuses_deleting_its_stack() {
        let delete = Change::DeleteStack { stack: "clickstream".into() };
        assert!(backend_refusal("sandbox", &delete).is_some_and(|r| r.contains("lakeops sandbox reset")));
        assert_eq!(backend_refusal("aws", &delete), None);
        assert_eq!(backend_refusal("sandbox", &query("DROP TABLE events")), None);
    }
}
