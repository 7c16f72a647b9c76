//! The rules for running a source or a refresh again now (`Change::Rerun`): what the console's
//! `s` in `:sources` and `:quicksight` and `lakeops sources start` / `lakeops quicksight refresh`
//! check against what the services report before any call, and the plan they show.

use chrono::{DateTime, Utc};

use super::format::ago;
use super::health::is_failed_run;
use super::refusal::Refusal;
use crate::model::{IngestSource, PlatformSnapshot, Reading, Rerun, SourceKind, SourceRun, SpiceDataset};
use crate::settings::SourcesSettings;

/// QuickSight refreshes a dataset on request at most this often in 24 hours (Enterprise edition;
/// Standard allows 8), counted over the 24 hours before now (CreateIngestion's API reference).
pub const MANUAL_REFRESHES_PER_DAY: usize = 32;

/// The source the profile names `name`, as `lakeops sources start NAME` means it.
pub fn source_named(sources: &SourcesSettings, name: &str) -> Result<Rerun, Refusal> {
    let kinds = sources.named();
    let found: Vec<SourceKind> =
        kinds.iter().filter(|(_, names)| names.iter().any(|n| n == name)).map(|(k, _)| *k).collect();
    match found.as_slice() {
        [kind] => Ok(Rerun::source(*kind, name)),
        [] => {
            let known: Vec<&str> = kinds.iter().flat_map(|(_, names)| names.iter().map(String::as_str)).collect();
            let known = if known.is_empty() { "it names none".to_string() } else { known.join(", ") };
            Err(Refusal::invalid(
                "a source of the profile",
                format!("{name} is not one of the profile's sources ([platform.sources]: {known})"),
            ))
        }
        several => Err(Refusal::invalid(
            "a source of the profile",
            format!(
                "{name} is named as {} in the profile; rename one",
                several.iter().map(|k| k.with_article()).collect::<Vec<_>>().join(" and as ")
            ),
        )),
    }
}

/// The SPICE refresh `name` asks for: one of the profile's datasets (`[platform.quicksight]
/// datasets`), checked before anything is read or the read-only gate asked.
pub fn dataset_named(datasets: &[String], name: &str) -> Result<Rerun, Refusal> {
    if datasets.iter().any(|d| d == name) {
        return Ok(Rerun::SpiceDataset(name.to_string()));
    }
    let known = if datasets.is_empty() { "it names none".to_string() } else { datasets.join(", ") };
    Err(Refusal::invalid(
        "a dataset of the profile",
        format!("{name} is not one of the profile's datasets ([platform.quicksight] datasets: {known})"),
    ))
}

/// Checks `rerun` against the snapshot taken at `now` and returns the plan in words.
pub fn plan(rerun: &Rerun, s: &PlatformSnapshot, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    match rerun {
        Rerun::SpiceDataset(id) => {
            let datasets = read(&s.quicksight, "QuickSight")?;
            let dataset = datasets.datasets.iter().find(|d| &d.id == id).ok_or_else(|| {
                Refusal::invalid(
                    "a dataset of the profile",
                    format!("{id} is not one of the profile's datasets ([platform.quicksight] datasets)"),
                )
            })?;
            refresh(dataset, now)
        }
        _ => {
            let kind = match rerun {
                Rerun::DmsTask(_) => SourceKind::Dms,
                Rerun::DataSyncTask(_) => SourceKind::DataSync,
                _ => SourceKind::AppFlow,
            };
            let sources = read(&s.sources, "the sources")?;
            let source =
                sources.sources.iter().find(|x| x.kind == kind && x.name == rerun.target()).ok_or_else(|| {
                    Refusal::invalid(
                        "a source of the profile",
                        format!("{} is not one of the profile's {} sources", rerun.target(), kind.label()),
                    )
                })?;
            if !source.exists {
                return Err(Refusal::invalid(
                    "a source that exists",
                    format!("{} does not know {} (named in the profile, not found)", kind.label(), source.name),
                ));
            }
            match kind {
                SourceKind::Dms => resume(source, now),
                SourceKind::DataSync => start_task(source, now),
                SourceKind::AppFlow => start_flow(source, now),
            }
        }
    }
}

fn read<'a, T>(reading: &'a Reading<T>, what: &str) -> Result<&'a T, Refusal> {
    match reading {
        Reading::Ready { data } => Ok(data),
        Reading::NotWatched => {
            Err(Refusal::invalid("a layer of the profile", format!("the profile does not watch {what}")))
        }
        Reading::Unavailable { reason: e } => Err(Refusal::safety(
            "checked before it is made",
            format!("{what} could not be read, so nothing is known to check against: {e}"),
        )),
    }
}

/// A stopped or failed DMS task resumes from its checkpoint.
fn resume(task: &IngestSource, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    let status = task.status.as_deref().unwrap_or("unknown");
    match status {
        "stopped" | "failed" => {}
        "ready" => {
            return Err(Refusal::safety(
                "only a stopped or failed task resumes",
                format!(
                    "DMS task {} has never run (ready): its first start chooses how the target tables are prepared; start it from the DMS console",
                    task.name
                ),
            ))
        }
        _ => {
            return Err(Refusal::safety(
                "only a stopped or failed task resumes",
                format!("DMS task {} is {status}: nothing to resume", task.name),
            ))
        }
    }
    let since =
        task.last_run.as_ref().and_then(|r| r.ended).map(|t| format!(" since {}", ago(now, t))).unwrap_or_default();
    let mut lines = vec![
        format!("StartReplicationTask (resume-processing) on DMS task {}", task.name),
        format!("now: {status}{since}"),
    ];
    if let Some(reason) = &task.status_reason {
        lines.push(format!("why it stopped: {reason}"));
        lines
            .push("if that cause is still there (an endpoint's credentials, the network), the task stops again".into());
    }
    lines.push(
        "change capture resumes from the checkpoint where it stopped; what changed meanwhile is applied in order"
            .into(),
    );
    Ok(lines)
}

/// A DataSync task runs now: it copies what changed since its last run.
fn start_task(task: &IngestSource, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    if task.status.as_deref() == Some("UNAVAILABLE") {
        let why = task.status_reason.as_deref().map(|r| format!(": {r}")).unwrap_or_default();
        return Err(Refusal::safety(
            "a task that can run",
            format!("DataSync task {} is UNAVAILABLE (its agent cannot be reached){why}", task.name),
        ));
    }
    running(task, now)?;
    let mut lines = vec![format!("StartTaskExecution on DataSync task {}", task.name)];
    lines.extend(last_run(task, now));
    lines.push("it copies what changed at the source since the last run, then verifies as the task is set to".into());
    Ok(lines)
}

/// An on-demand AppFlow flow runs now; StartFlow only activates a scheduled or event flow.
fn start_flow(flow: &IngestSource, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    match flow.trigger.as_deref() {
        Some("OnDemand") | None => {}
        Some(trigger) => {
            return Err(Refusal::safety(
                "only an on-demand flow runs now",
                format!(
                    "AppFlow flow {} runs on its {} trigger: StartFlow would only activate it, not run it now",
                    flow.name,
                    trigger.to_lowercase()
                ),
            ))
        }
    }
    if let Some(status @ ("Suspended" | "Draft" | "Deleted")) = flow.status.as_deref() {
        return Err(Refusal::safety(
            "a flow that can run",
            format!("AppFlow flow {} is {status}: it does not run until it is active", flow.name),
        ));
    }
    running(flow, now)?;
    let mut lines = vec![format!("StartFlow on AppFlow flow {}", flow.name)];
    lines.extend(last_run(flow, now));
    lines.push("it reads the application's records as the flow is set to (full or incremental) and lands them".into());
    Ok(lines)
}

/// Refuses when the source's newest run has not ended.
fn running(source: &IngestSource, now: DateTime<Utc>) -> Result<(), Refusal> {
    match source.last_run.as_ref().filter(|r| in_progress(r)) {
        Some(run) => {
            let since = run.started.map(|t| format!(" since {}", ago(now, t))).unwrap_or_default();
            Err(Refusal::safety(
                "one run at a time",
                format!(
                    "{} {}: run {} is {}{since}; wait for it to end",
                    source.kind.label(),
                    source.name,
                    run.id,
                    run.status
                ),
            ))
        }
        None => Ok(()),
    }
}

fn in_progress(run: &SourceRun) -> bool {
    run.ended.is_none()
        && !is_failed_run(&run.status)
        && !matches!(run.status.as_str(), "SUCCESS" | "Successful" | "CANCELLED" | "Cancelled")
}

fn last_run(source: &IngestSource, now: DateTime<Utc>) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(run) = &source.last_run {
        let when = run.ended.or(run.started).map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
        let error = run.error.as_deref().map(|e| format!(": {e}")).unwrap_or_default();
        lines.push(format!("last run: {}{when}{error}", run.status));
    }
    if let Some(at) = source.last_success {
        lines.push(format!("last landing: {}", ago(now, at)));
    }
    lines
}

/// A SPICE dataset refreshes in full from its source now.
fn refresh(dataset: &SpiceDataset, now: DateTime<Utc>) -> Result<Vec<String>, Refusal> {
    if !dataset.exists {
        return Err(Refusal::invalid(
            "a dataset that exists",
            format!("QuickSight does not know dataset {} (named in the profile, not found)", dataset.id),
        ));
    }
    if let Some(active) = dataset.ingestions.iter().find(|i| i.is_active()) {
        let since = active.created.map(|t| format!(" since {}", ago(now, t))).unwrap_or_default();
        return Err(Refusal::safety(
            "one refresh at a time",
            format!("dataset {}: refresh {} is {}{since}; wait for it to end", dataset.id, active.id, active.status),
        ));
    }
    let day_ago = now - chrono::Duration::hours(24);
    let manual = dataset.ingestions.iter().filter(|i| i.manual && i.created.is_some_and(|t| t > day_ago)).count();
    if manual >= MANUAL_REFRESHES_PER_DAY {
        return Err(Refusal::safety(
            "QuickSight's manual refresh limit",
            format!(
                "dataset {} was refreshed on request {manual} times in the last 24 hours; QuickSight allows {MANUAL_REFRESHES_PER_DAY}",
                dataset.id
            ),
        ));
    }
    let mut lines = vec![format!("CreateIngestion (a full refresh) of SPICE dataset {}", dataset.id)];
    if let Some(last) = dataset.ingestions.first() {
        let when = last.created.map(|t| format!(" {}", ago(now, t))).unwrap_or_default();
        let error =
            [last.error_type.as_deref(), last.error_message.as_deref()].into_iter().flatten().collect::<Vec<_>>();
        let error = if error.is_empty() { String::new() } else { format!(": {}", error.join(": ")) };
        lines.push(format!("last refresh: {}{when}{error}", last.status));
        if last.is_failed() {
            lines.push("if that cause is still there, this refresh fails the same way".into());
        }
    }
    if let Some(at) = dataset.last_success() {
        lines.push(format!("the dashboards show data as of the refresh {}", ago(now, at)));
    }
    lines.push(format!(
        "manual refreshes in the last 24 hours: {manual} of {MANUAL_REFRESHES_PER_DAY}; the dashboards keep the old data until it completes"
    ));
    Ok(lines)
}
