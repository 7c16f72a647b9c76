//! Changes coming back from the write gate: the view that asked for one hears how it went.

use chrono::{DateTime, Utc};

use super::action::Effect;
use super::report::{report_error, toast, ErrorSource};
use super::state::{App, ToastLevel};
use super::{athena, emr, glue, stack, stream_detail, workflows};
use crate::model::{Applied, Change};
use crate::platform::GateError;

pub fn changed(
    app: &mut App,
    change: Change,
    started_ms: i64,
    result: Result<Applied, GateError>,
    at: DateTime<Utc>,
    effects: &mut Vec<Effect>,
) {
    let result = result.map_err(|e| e.to_string());
    match change {
        Change::Reshard { stream, call } => {
            if result.is_ok() {
                super::about::resharded(app, &stream, &call, at);
            }
            match result {
                Ok(applied) => match applied.confirmation() {
                    Some(confirmation) => toast(app, ToastLevel::Info, format!("{}: {confirmation}", call.api_name())),
                    None => toast(app, ToastLevel::Info, format!("{} accepted: {stream} is UPDATING", call.api_name())),
                },
                Err(e) => report_error(app, ErrorSource::Reshard, &e, at),
            }
            stream_detail::changed(app, effects);
        }
        Change::EnhancedMonitoring { stream, on } => {
            let what = if on { "enhanced monitoring on" } else { "enhanced monitoring off" };
            if result.is_ok() {
                super::about::monitoring_changed(app, &stream, on, at);
            }
            match result {
                Ok(_) => toast(app, ToastLevel::Info, format!("{what}: done on {stream}")),
                Err(e) => report_error(app, ErrorSource::Monitoring, &e, at),
            }
            stream_detail::changed(app, effects);
        }
        Change::Glue(change) => {
            answered(app, change.api_name(), result, ErrorSource::Glue, at);
            glue::changed(app, effects);
        }
        Change::Workflow(change) => {
            answered(app, change.api_name(), result, ErrorSource::Workflows, at);
            workflows::changed(app, effects);
        }
        Change::Emr(change) => {
            match result {
                Ok(applied) => toast(app, ToastLevel::Info, format!("{}: {}", change.api_name(), applied.answer())),
                Err(e) => report_error(app, ErrorSource::Emr, &e, at),
            }
            emr::changed(app, effects);
        }
        Change::Rerun(rerun) => {
            answered(app, rerun.api_name(), result, ErrorSource::Rerun, at);
            super::resources::changed(app);
        }
        Change::StartQuery(_) => athena::started(app, result.map(|applied| applied.answer())),
        Change::StopQuery { .. } => athena::stopped(app, result.map(|_| ()), effects),
        Change::SaveQuery(query) => match result {
            Ok(_) => toast(app, ToastLevel::Info, format!("saved as {:?}", query.name)),
            Err(e) => report_error(app, ErrorSource::Athena, &e, at),
        },
        Change::PlanStack { .. } => stack::planned(app, result.map(Applied::into_plan), at),
        Change::DiscardPlan { change_set, .. } => {
            if let Err(e) = result {
                report_error(app, ErrorSource::Plan, &format!("the change set {change_set} was not deleted: {e}"), at);
            }
        }
        Change::ApplyPlan { .. } => match result {
            Ok(_) => stack::started(app, &change, started_ms, effects),
            Err(e) => report_error(app, ErrorSource::Apply, &e, at),
        },
        Change::DeleteStack { .. } => match result {
            Ok(_) => stack::started(app, &change, started_ms, effects),
            Err(e) => report_error(app, ErrorSource::Delete, &e, at),
        },
        Change::Sandbox(_) => {
            if let Err(e) = result {
                report_error(app, ErrorSource::Sandbox, &e, at);
            }
        }
    }
}

/// A change's answer in a toast (with how reading back confirmed it, when its answer was lost),
/// or its failure in the error history under `source`.
fn answered(app: &mut App, api: &str, result: Result<Applied, String>, source: ErrorSource, at: DateTime<Utc>) {
    match result {
        Ok(applied) => {
            let confirmation = applied.confirmation().map(|c| format!(" ({c})")).unwrap_or_default();
            toast(app, ToastLevel::Info, format!("{api}: {}{confirmation}", applied.answer()))
        }
        Err(e) => report_error(app, source, &e, at),
    }
}
