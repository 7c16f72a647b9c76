//! `lakeops audit [--since D] [--user U] [--source S] [--resource R] [--writes] [--lakeops] [--json]`.

use super::Failure;
use crate::cli::AuditArgs;
use crate::model::text::sanitize;
use crate::model::{AuditEvent, AuditQuery};
use crate::ops::audit::{mark, parse_since, Mark};
use crate::platform::Platform;
use crate::session::Session;
use crate::settings::{Loaded, Paths};

/// The lookup `args` ask for, counting `--since` back from `now` (the platform's present).
pub fn query(args: &AuditArgs, now: chrono::DateTime<chrono::Utc>) -> Result<AuditQuery, Failure> {
    let since = parse_since(&args.since).map_err(|e| Failure::Invalid(format!("--since: {e}")))?;
    for (flag, value) in [("--user", &args.user), ("--source", &args.source), ("--resource", &args.resource)] {
        if value.as_deref().is_some_and(|v| v.trim().is_empty()) {
            return Err(Failure::Invalid(format!("{flag} is empty: give the whole name to look up")));
        }
    }
    if !(1..=1000).contains(&args.limit) {
        return Err(Failure::Invalid(format!("--limit: expected 1 to 1000 events, found {}", args.limit)));
    }
    Ok(AuditQuery {
        since: now - since,
        user: args.user.clone(),
        source: args.source.clone(),
        resource: args.resource.clone(),
        writes_only: args.writes,
        lakeops_only: args.lakeops,
        limit: args.limit,
    })
}

pub async fn run(loaded: &Loaded, paths: &Paths, platform: &dyn Platform, args: &AuditArgs) -> Result<String, Failure> {
    let session = Session::headless(loaded, paths, platform);
    let query = query(args, platform.now())?;
    let audit = crate::session::audit::events(&session, platform, &query).await?;
    if let Some(problem) = &audit.journal_problem {
        crate::note!("lakeops: warning: {}; lakeops' own entries are missing", crate::model::text::sanitize(problem));
    }
    let events = audit.events;
    if args.json {
        let values: Vec<serde_json::Value> = events.iter().map(to_json).collect();
        return Ok(serde_json::to_string_pretty(&values).unwrap_or_default());
    }
    if events.is_empty() {
        return Ok(format!("no events since {} UTC match\n", query.since.format("%Y-%m-%d %H:%M")));
    }
    let mut out = format!("{:<20}{:<26}{:<26}{:<30}{:<24}{}\n", "TIME UTC", "USER", "SOURCE", "EVENT", "RESOURCE", "");
    for e in &events {
        let mark = match mark(e) {
            Mark::Error(code) => format!("error {}", sanitize(&code)),
            Mark::Journal => journal_mark(e),
            Mark::Lakeops => "lakeops".into(),
            Mark::Write => "write".into(),
            Mark::Read => String::new(),
        };
        out.push_str(&format!(
            "{:<20}{}{}{}{}{mark}\n",
            e.time.format("%Y-%m-%d %H:%M:%S"),
            crate::model::text::cell(&e.user, 26),
            crate::model::text::cell(&e.source, 26),
            crate::model::text::cell(&e.name, 30),
            crate::ops::audit::resource_cell(&e.resource, 24)
        ));
    }
    Ok(out)
}

/// A journal line's mark: `journal`, what was asked when it says more than its name (a fault
/// `on` or `off`, a run's arguments) and what came of it when more than `done`.
fn journal_mark(e: &AuditEvent) -> String {
    let entry: Option<crate::journal::Entry> = e.event_json.as_deref().and_then(|j| serde_json::from_str(j).ok());
    let mut mark = String::from("journal");
    if let Some(entry) = entry {
        for said in [entry.detail.as_str(), entry.outcome.as_str()] {
            if !said.is_empty() && said != "done" {
                mark.push_str(&format!(" · {}", crate::model::text::clip(said, 60)));
            }
        }
    }
    mark
}

/// An event for scripts: the record parsed when it is JSON (serde_json escapes control
/// characters, so this is safe on a terminal). `by_lakeops`: made through lakeops (the journal,
/// or lakeops' app name in the call's user agent), a read as well as a change.
pub fn to_json(e: &AuditEvent) -> serde_json::Value {
    let record: Option<serde_json::Value> = e.event_json.as_deref().and_then(|r| serde_json::from_str(r).ok());
    serde_json::json!({
        "time": e.time.to_rfc3339(),
        "user": e.user,
        "source": e.source,
        "event": e.name,
        "resource": e.resource,
        "read_only": e.read_only,
        "error_code": e.error_code,
        "from_journal": e.from_journal,
        "by_lakeops": e.by_lakeops,
        "record": record,
    })
}
