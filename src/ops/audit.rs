//! Who changed what: the audit query, CloudTrail's one-attribute rule, client-side filters,
//! and lakeops' own journal merged in.

use chrono::Duration;

use crate::journal::Entry;
use crate::model::{AuditEvent, AuditQuery};

/// The one attribute LookupEvents filters on server-side (the API allows one); the others
/// are applied here. An exact user, source or resource name narrows the most.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerFilter {
    Username(String),
    EventSource(String),
    ResourceName(String),
    WritesOnly,
    None,
}

pub fn server_filter(q: &AuditQuery) -> ServerFilter {
    if let Some(u) = &q.user {
        ServerFilter::Username(u.clone())
    } else if let Some(r) = &q.resource {
        ServerFilter::ResourceName(r.clone())
    } else if let Some(s) = &q.source {
        ServerFilter::EventSource(s.clone())
    } else if q.writes_only {
        ServerFilter::WritesOnly
    } else {
        ServerFilter::None
    }
}

fn contains(field: &str, wanted: &Option<String>) -> bool {
    wanted.as_ref().is_none_or(|w| field.to_lowercase().contains(&w.to_lowercase()))
}

/// Whether an event passes every filter of the query.
pub fn matches(e: &AuditEvent, q: &AuditQuery) -> bool {
    e.time >= q.since
        && contains(&e.user, &q.user)
        && contains(&e.source, &q.source)
        && contains(&e.resource, &q.resource)
        && (!q.writes_only || !e.read_only)
}

/// How an event is marked in lists: failed calls first, then lakeops' own, then changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Error(String),
    Journal,
    Write,
    Read,
}

pub fn mark(e: &AuditEvent) -> Mark {
    match (&e.error_code, e.from_journal, e.read_only) {
        (Some(code), _, _) => Mark::Error(code.clone()),
        (None, true, _) => Mark::Journal,
        (None, false, false) => Mark::Write,
        (None, false, true) => Mark::Read,
    }
}

/// A journal entry as an audit event, marked as lakeops' own.
pub fn from_journal(e: &Entry) -> AuditEvent {
    AuditEvent {
        time: e.time,
        user: format!("lakeops ({})", e.profile),
        source: "lakeops".into(),
        name: e.action.clone(),
        resource: e.target.clone(),
        read_only: false,
        error_code: (!e.succeeded()).then(|| e.outcome.clone()),
        event_json: None,
        from_journal: true,
    }
}

/// CloudTrail's events and the journal's, filtered, newest first, at most `limit`.
pub fn merge(platform: Vec<AuditEvent>, journal: &[Entry], q: &AuditQuery) -> Vec<AuditEvent> {
    let mut all: Vec<AuditEvent> =
        platform.into_iter().chain(journal.iter().map(from_journal)).filter(|e| matches(e, q)).collect();
    all.sort_by_key(|e| std::cmp::Reverse(e.time));
    all.truncate(q.limit);
    all
}

/// "15m", "1h", "2d" (CloudTrail keeps 90 days).
pub fn parse_since(text: &str) -> Result<Duration, String> {
    let bad = || format!("expected a duration such as 15m, 1h or 2d (at most 90d), found {text:?}");
    let (number, unit) = text.split_at(text.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?);
    let n: i64 = number.parse().map_err(|_| bad())?;
    let duration = match unit {
        "m" | "min" => Duration::minutes(n),
        "h" => Duration::hours(n),
        "d" => Duration::days(n),
        _ => return Err(bad()),
    };
    if n == 0 || duration > Duration::days(90) {
        return Err(bad());
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn event(user: &str, read_only: bool, minutes_ago: i64) -> AuditEvent {
        AuditEvent::example(user, read_only, Utc::now() - Duration::minutes(minutes_ago))
    }

    fn query() -> AuditQuery {
        AuditQuery {
            since: Utc::now() - Duration::hours(1),
            user: None,
            source: None,
            resource: None,
            writes_only: false,
            limit: 100,
        }
    }

    #[test]
    fn one_attribute_goes_to_the_server() {
        let q = AuditQuery { user: Some("alice".into()), source: Some("kinesis".into()), writes_only: true, ..query() };
        assert_eq!(server_filter(&q), ServerFilter::Username("alice".into()));
        assert_eq!(server_filter(&AuditQuery { writes_only: true, ..query() }), ServerFilter::WritesOnly);
        assert_eq!(server_filter(&query()), ServerFilter::None);
    }

    #[test]
    fn the_rest_is_filtered_here_and_the_journal_merged_in() {
        let q = AuditQuery { writes_only: true, source: Some("KINESIS".into()), ..query() };
        let journal = vec![Entry {
            time: Utc::now() - Duration::minutes(1),
            profile: "prod".into(),
            backend: "aws".into(),
            action: "reshard.update-shard-count".into(),
            target: "orders".into(),
            detail: String::new(),
            outcome: "done".into(),
        }];
        let merged =
            merge(vec![event("alice", false, 5), event("bob", true, 3), event("carol", false, 120)], &journal, &q);
        // The journal's own entry has source "lakeops": filtered out by the source filter.
        assert_eq!(merged.iter().map(|e| e.user.as_str()).collect::<Vec<_>>(), vec!["alice"]);
        let merged = merge(vec![event("alice", false, 5)], &journal, &AuditQuery { writes_only: true, ..query() });
        assert_eq!(merged.len(), 2);
        assert!(merged[0].from_journal, "newest first");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_since("15m"), Ok(Duration::minutes(15)));
        assert_eq!(parse_since("2d"), Ok(Duration::days(2)));
        assert!(
            parse_since("91d").is_err()
                && parse_since("soon").is_err()
                && parse_since("0h").is_err()
                && parse_since("5").is_err()
        );
    }
}
