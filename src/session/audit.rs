//! Who changed what: the platform's CloudTrail events with lakeops' own journal merged in, as
//! `:audit` and `lakeops audit` both show them.

use super::Session;
use crate::model::{AuditEvent, AuditQuery};
use crate::platform::{Platform, PlatformError};

/// Events matching `query`, newest first, the journal's entries merged in and marked.
pub struct Audit {
    pub events: Vec<AuditEvent>,
    /// Why the journal's entries are missing, when it could not be read.
    pub journal_problem: Option<String>,
}

pub async fn events(session: &Session, platform: &dyn Platform, query: &AuditQuery) -> Result<Audit, PlatformError> {
    let events = platform.audit_events(query).await?;
    Ok(match session.journal().since(session.scope(), query.since, platform.now()) {
        Ok(read) => {
            let journal_problem = read.damage();
            Audit { events: crate::ops::audit::merge(events, &read.entries, query), journal_problem }
        }
        Err(problem) => Audit { events: crate::ops::audit::merge(events, &[], query), journal_problem: Some(problem) },
    })
}
