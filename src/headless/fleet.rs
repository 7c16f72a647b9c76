//! `lakeops status --profile a,b [--json]` (or `--all`): the status of every profile of the fleet,
//! read in parallel, each with its own settings, credentials, region and endpoint; a profile that
//! cannot be loaded or read gives its error in its place and the others are still printed
//! (docs/status-json.md, "Several profiles").

use serde_json::{Map, Value};

use super::status::{self, StatusReport};
use super::Failure;
use crate::model::text::sanitize;
use crate::model::Health;
use crate::session::fleet::Member;
use crate::settings::{Backend, Paths};

/// One profile's answer: its status document, or why there is none.
#[derive(Debug)]
pub struct ProfileStatus {
    pub member: Member,
    pub read: Result<StatusReport, Failure>,
}

/// Reads every profile at once, one task each; the answers in the list's order.
pub async fn read_all(members: Vec<Member>, paths: &Paths) -> Vec<ProfileStatus> {
    let tasks: Vec<_> = members
        .into_iter()
        .map(|member| {
            let paths = paths.clone();
            let task = member.loaded.clone().map(|loaded| {
                tokio::spawn(async move {
                    let platform = super::connect(&loaded, &paths).await?;
                    let report = status::report(&loaded, platform.as_ref()).await?;
                    platform.flush()?;
                    Ok::<_, Failure>(report)
                })
            });
            (member, task)
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for (member, task) in tasks {
        let read = match task {
            Ok(task) => task.await.unwrap_or_else(|e| Err(Failure::Crashed(format!("reading it stopped: {e}")))),
            Err(error) => Err(Failure::Invalid(error)),
        };
        out.push(ProfileStatus { member, read });
    }
    out
}

/// The JSON array: each profile's `status --json` document with its region, or its error.
pub fn to_json(statuses: &[ProfileStatus]) -> String {
    let documents: Vec<Value> = statuses.iter().map(document).collect();
    serde_json::to_string_pretty(&documents).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// `profile`, `backend` and `region` first (which is which), then the status document's fields —
/// or `overall: "unknown"` and `error` when there is none.
fn document(s: &ProfileStatus) -> Value {
    let loaded = s.member.loaded.as_ref().ok();
    let mut doc = Map::new();
    doc.insert("profile".into(), s.member.name().into());
    doc.insert("backend".into(), loaded.map(|l| l.settings.backend.as_str()).into());
    doc.insert("region".into(), region(s).into());
    match &s.read {
        Ok(report) => {
            if let Ok(Value::Object(fields)) = serde_json::to_value(report) {
                for (key, value) in fields {
                    doc.entry(key).or_insert(value);
                }
            }
        }
        Err(failure) => {
            doc.insert("overall".into(), serde_json::to_value(Health::Unknown).unwrap_or(Value::Null));
            doc.insert("error".into(), failure.message().into());
        }
    }
    Value::Object(doc)
}

/// An AWS profile's region; none for the sandbox, which has no region.
fn region(s: &ProfileStatus) -> Option<&str> {
    let loaded = s.member.loaded.as_ref().ok()?;
    (loaded.settings.backend == Backend::Aws).then_some(loaded.settings.aws.region.as_str())
}

/// One block a profile, as `status` prints it for one; a blank line between blocks.
pub fn to_text(statuses: &[ProfileStatus]) -> String {
    let blocks: Vec<String> = statuses
        .iter()
        .map(|s| match &s.read {
            Ok(report) => status::to_text(report),
            Err(failure) => format!(
                "lakeops status — profile {}: not read\n\nerror: {}\n\noverall: {}\n",
                crate::model::text::shown_name(s.member.name()),
                sanitize(failure.message()),
                Health::Unknown.label()
            ),
        })
        .collect();
    blocks.join("\n")
}

/// How the command ends when a profile could not be read: 2 when one of the list could not be
/// loaded (bad input), else 1 when a platform could not be read; none when every one was.
pub fn failure(statuses: &[ProfileStatus]) -> Option<Failure> {
    let failed: Vec<(&ProfileStatus, &Failure)> =
        statuses.iter().filter_map(|s| s.read.as_ref().err().map(|f| (s, f))).collect();
    if failed.is_empty() {
        return None;
    }
    let name = |s: &ProfileStatus| crate::model::text::shown_name(s.member.name());
    let lines: Vec<String> = failed.iter().map(|(s, f)| format!("  {}: {}", name(s), f.message())).collect();
    let message = format!(
        "{} of {} profiles could not be loaded or read (the others are printed):\n{}",
        failed.len(),
        statuses.len(),
        lines.join("\n")
    );
    Some(if failed.iter().any(|(_, f)| f.exit_code() == 2) {
        Failure::Invalid(message)
    } else {
        Failure::Platform(message)
    })
}
