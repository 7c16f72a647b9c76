//! Who changed what: the audit query, CloudTrail's one-attribute rule, client-side filters,
//! lakeops' own journal merged in, and which calls lakeops made (its name in the user agent).

use chrono::Duration;

use crate::journal::Entry;
use crate::model::{AuditEvent, AuditQuery, QUERY_ACTION, STOP_QUERY_ACTION};

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

/// The SDK's app name lakeops gives every client (aws-config's `AppName`): the SDKs write it in
/// the user agent as `app/lakeops`, and CloudTrail records the user agent of every call.
pub const APP_NAME: &str = "lakeops";

/// Whether a call's user agent (CloudTrail's `userAgent`) says lakeops made it: one of its
/// space-separated tokens is `app/lakeops` exactly, as the AWS SDKs write an app name (the Rust
/// SDK last: `aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,N,P,g
/// md/http#hyper-1.x app/lakeops`, as moto's front saw it in `tests/aws_overview.rs`).
/// CloudTrail writes some services' user agents in brackets (`[aws-cli/2.…]`), which are taken
/// off a token's ends. A user agent is what the caller says it is: this marks what lakeops (or
/// anything calling itself lakeops) did, it proves nothing.
pub fn made_by_lakeops(user_agent: &str) -> bool {
    user_agent
        .split_whitespace()
        .map(|token| token.trim_matches(|c| matches!(c, '[' | ']' | '(' | ')' | ',')))
        .any(|token| token.strip_prefix("app/") == Some(APP_NAME))
}

/// A change made through lakeops: its own journal's entries, and writes whose user agent says
/// lakeops (by anyone on the team, from any machine). lakeops' own reads are not changes.
pub fn lakeops_change(e: &AuditEvent) -> bool {
    e.by_lakeops && !e.read_only
}

pub fn server_filter(q: &AuditQuery) -> ServerFilter {
    if let Some(u) = &q.user {
        ServerFilter::Username(u.clone())
    } else if let Some(r) = &q.resource {
        ServerFilter::ResourceName(r.clone())
    } else if let Some(s) = &q.source {
        ServerFilter::EventSource(s.clone())
    } else if q.writes_only || q.lakeops_only {
        // lakeops' changes are writes; CloudTrail cannot filter on the user agent.
        ServerFilter::WritesOnly
    } else {
        ServerFilter::None
    }
}

/// Whether `field` is the value asked for: the whole value, case and all, as CloudTrail's
/// LookupEvents matches its lookup attributes (the one attribute it filters by is matched there,
/// the rest here, alike; the sandbox does the same).
fn is(field: &str, wanted: &Option<String>) -> bool {
    wanted.as_ref().is_none_or(|w| field == w)
}

/// Whether an event passes every filter of the query.
pub fn matches(e: &AuditEvent, q: &AuditQuery) -> bool {
    e.time >= q.since
        && is(&e.user, &q.user)
        && is(&e.source, &q.source)
        && is(&e.resource, &q.resource)
        && (!q.writes_only || !e.read_only)
        && (!q.lakeops_only || lakeops_change(e))
}

/// How an event is marked in lists: failed calls first, then lakeops' own (this machine's
/// journal, then CloudTrail's changes made through lakeops by anyone), then changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mark {
    Error(String),
    Journal,
    Lakeops,
    Write,
    Read,
}

pub fn mark(e: &AuditEvent) -> Mark {
    match (&e.error_code, e.from_journal, lakeops_change(e), e.read_only) {
        (Some(code), _, _, _) => Mark::Error(code.clone()),
        (None, true, _, _) => Mark::Journal,
        (None, false, true, _) => Mark::Lakeops,
        (None, false, false, false) => Mark::Write,
        (None, false, false, true) => Mark::Read,
    }
}

/// An event's RESOURCE cell in a table: an ARN keeps its end (an execution's name, a role's),
/// where ARNs differ.
pub fn resource_cell(resource: &str, width: usize) -> String {
    if resource.starts_with("arn:") {
        crate::model::text::cell_keeping_end(resource, width)
    } else {
        crate::model::text::cell(resource, width)
    }
}

/// A journal entry as an audit event, marked as lakeops' own.
pub fn from_journal(e: &Entry) -> AuditEvent {
    AuditEvent {
        time: e.at(),
        user: format!("lakeops ({})", e.profile),
        source: "lakeops".into(),
        name: e.action.clone(),
        resource: e.target.clone(),
        // A query that only read, and a query cancelled: lakeops' actions, but no change to the
        // platform (the charts marked each of an incident's investigating queries).
        read_only: (e.action == QUERY_ACTION && super::athena_readonly::opens_as_a_read(&e.detail))
            || e.action == STOP_QUERY_ACTION,
        error_code: (!e.succeeded()).then(|| e.outcome.clone()),
        // The journal's line is its record: what was asked (detail) and what came of it.
        event_json: serde_json::to_string(e).ok(),
        from_journal: true,
        by_lakeops: true,
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
    // A number too large for a duration is past the limit too (it overflowed, and panicked).
    let duration = match unit {
        "m" | "min" => Duration::try_minutes(n),
        "h" => Duration::try_hours(n),
        "d" => Duration::try_days(n),
        _ => return Err(bad()),
    };
    let duration = duration.ok_or_else(bad)?;
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
            lakeops_only: false,
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
        let q = AuditQuery { writes_only: true, source: Some("kinesis.amazonaws.com".into()), ..query() };
        let journal = vec![Entry {
            time: Utc::now() - Duration::minutes(1),
            platform_time: None,
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

    /// The AWS SDK for Rust's user agent as lakeops sends it (aws-runtime 1.10, aws-types 1.7).
    const RUST_SDK: &str =
        "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,N,P,g md/http#hyper-1.x app/lakeops";

    #[test]
    fn lakeops_is_known_by_its_app_name_in_the_user_agent() {
        for agent in [
            RUST_SDK,
            "aws-sdk-rust/1.7.0 ua/2.1 api/glue/1.183.0 os/macos lang/rust/1.95.0 exec-env/AWS_ECS_FARGATE m/E app/lakeops",
            // CloudTrail writes some services' user agents in brackets.
            "[aws-sdk-rust/1.7.0 ua/2.1 api/athena/1.127.0 os/linux lang/rust/1.95.0 m/E,b app/lakeops]",
            // Other SDKs write an app id the same way: a team script calling itself lakeops.
            "Boto3/1.39.3 md/Botocore#1.39.3 ua/2.1 os/linux#6.1.141 md/arch#x86_64 lang/python#3.12.11 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.39.3 app/lakeops",
            "aws-sdk-go-v2/1.36.5 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/kinesis#1.35.3 m/E,g app/lakeops",
            "app/lakeops",
        ] {
            assert!(made_by_lakeops(agent), "{agent}");
        }
    }

    #[test]
    fn other_tools_and_other_apps_are_not_lakeops() {
        for agent in [
            "AWS Internal",
            "AWS Internal/3",
            "console.amazonaws.com",
            "signin.amazonaws.com",
            "cloudformation.amazonaws.com",
            "lambda.amazonaws.com",
            "aws-cli/2.13.5 Python/3.11.4 Linux/4.14.255-314-253.539.amzn2.x86_64 exec-env/CloudShell exe/x86_64.amzn.2 prompt/off command/cloudtrail.start-logging",
            "aws-cli/2.27.41 md/awscrt#0.26.1 ua/2.1 os/linux#6.8.0-1029-aws md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython m/E,b cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.24 md/prompt#off md/command#kinesis.update-shard-count",
            "AWS Console, aws-sdk-java/unknown-version Linux/2.6.18-kaos_fleet-1108-prod.2 Java_HotSpot(TM)_64-Bit_Server_VM/24.45-b08",
            "APN/1.0 HashiCorp/1.0 Terraform/1.12.2 (+https://www.terraform.io) terraform-provider-aws/6.2.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.36.5 ua/2.1 os/linux lang/go#1.24.4 md/GOOS#linux md/GOARCH#amd64 api/kinesis#1.35.3 m/C,E,Z,g",
            "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
            // The Rust SDK without an app name, and other apps with names like lakeops'.
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,b",
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,b app/lakeops-fork",
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,b app/LakeOps",
            "aws-sdk-rust/1.7.0 ua/2.1 api/kinesis/1.130.0 os/linux lang/rust/1.95.0 m/E,b app/mylakeops",
            "aws-cli/2.27.41 md/command#kinesis.update-shard-count --stream-name lakeops app lakeops",
            "aws-cli/2.27.41 md/app/lakeops xapp/lakeops app/lakeops/1.0 app/",
        ] {
            assert!(!made_by_lakeops(agent), "{agent}");
        }
    }

    #[test]
    fn hostile_user_agents_are_read_safely() {
        let long = format!("{} app/lakeops", "a".repeat(1 << 20));
        assert!(made_by_lakeops(&long), "a long agent still ends in the name");
        for agent in [
            "",
            " ",
            "app/lakeops\u{1b}[2J",
            "\u{1b}]52;c;app/lakeops\u{7}",
            "app/lakeops\u{0}",
            "app/\u{202e}lakeops",
            "аpp/lakeops", // a Cyrillic а
            &"app/ ".repeat(100_000),
        ] {
            assert!(!made_by_lakeops(agent), "{agent:?}");
        }
        // CloudTrail keeps 1 KB of a user agent: a name cut off is not lakeops'.
        assert!(!made_by_lakeops("aws-sdk-rust/1.7.0 ua/2.1 app/lake"));
    }

    #[test]
    fn lakeops_changes_are_marked_and_filtered_reads_are_not() {
        let now = Utc::now();
        let by_lakeops = |read_only| AuditEvent { by_lakeops: true, ..AuditEvent::example("alice", read_only, now) };
        assert_eq!(mark(&by_lakeops(false)), Mark::Lakeops);
        assert_eq!(mark(&by_lakeops(true)), Mark::Read, "lakeops' own reads are not changes");
        let failed = AuditEvent { error_code: Some("LimitExceededException".into()), ..by_lakeops(false) };
        assert_eq!(mark(&failed), Mark::Error("LimitExceededException".into()));
        assert_eq!(mark(&AuditEvent::example("alice", false, now)), Mark::Write);

        let q = AuditQuery { lakeops_only: true, ..query() };
        assert_eq!(server_filter(&q), ServerFilter::WritesOnly, "lakeops' changes are writes");
        let journal = vec![Entry {
            time: now - Duration::minutes(2),
            platform_time: None,
            profile: "prod".into(),
            backend: "aws".into(),
            action: "glue.start-job-run".into(),
            target: "curate".into(),
            detail: String::new(),
            outcome: "started: jr_1".into(),
        }];
        let events = vec![by_lakeops(false), by_lakeops(true), event("bob", false, 1)];
        let kept = merge(events, &journal, &q);
        assert_eq!(kept.len(), 2, "{kept:?}");
        assert!(kept.iter().all(lakeops_change));
        assert!(kept[1].from_journal && kept[1].by_lakeops);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_since("15m"), Ok(Duration::minutes(15)));
        assert_eq!(parse_since("2d"), Ok(Duration::days(2)));
        assert!(
            parse_since("91d").is_err()
                && parse_since("999999999999d").is_err()
                && parse_since("9999999999999999h").is_err()
                && parse_since("200000000000000m").is_err()
                && parse_since("soon").is_err()
                && parse_since("0h").is_err()
                && parse_since("5").is_err()
        );
    }
}
