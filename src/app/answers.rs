//! Answers to the console's reads, each to the view that asked.

use super::action::{Action, Effect};
use super::report::{report_error, toast, ErrorSource};
use super::state::{App, ToastLevel};
use super::{athena, audit, emr, glue, lambda, peek, stack, stream_detail, workflows};
use crate::session::query::ExportError;

pub fn answered(app: &mut App, action: Action, effects: &mut Vec<Effect>) {
    match action {
        Action::StreamDetailLoaded { stream, id, result, at } => stream_detail::loaded(app, &stream, id, result, at),
        Action::AuditLoaded { id, result, at } => audit::loaded(app, id, result, at),
        Action::LogsLoaded { id, append, result, at } => lambda::loaded(app, id, append, result, at),
        Action::TailEvents { events } => lambda::streamed(app, events),
        Action::TailEnded { result, at } => {
            if let Err(e) = result {
                let message = format!("live tail unavailable ({e}); polling every 2 s instead");
                report_error(app, ErrorSource::Logs, &message, at);
            }
            lambda::tail_ended(app);
        }
        Action::GlueLoaded { id, result, at } => glue::loaded(app, id, result.map(|data| *data), at),
        Action::WorkflowsLoaded { id, result, at } => workflows::loaded(app, id, result.map(|data| *data), at),
        Action::ExecutionInputRead { state_machine, path, result } => {
            workflows::input_read(app, state_machine, path, result)
        }
        Action::ExecutionDescribed { change, result, at } => {
            workflows::described(app, change, result.map(|found| found.map(|d| *d)), at)
        }
        Action::EmrLoaded { id, result, at } => emr::loaded(app, id, result.map(|data| *data), at),
        Action::ClusterDescribed { change, result, at } => {
            emr::described(app, change, result.map(|found| found.map(|d| *d)), at)
        }
        Action::StackLoaded { id, result, at } => stack::loaded(app, id, result, at, effects),
        Action::JournalRead { result: Ok(entries), at } => super::markers::journal_read(app, &entries, at),
        // A journal that cannot be read is said in :errors by :audit; here its changes are missing.
        Action::JournalRead { result: Err(_), .. } => {}
        Action::DriftLoaded { id, result, at } => stack::drift_loaded(app, id, result, at),
        Action::SavedQueriesLoaded { result, at } => match result {
            Ok(list) => athena::saved_loaded(app, list),
            Err(e) => report_error(app, ErrorSource::Athena, &e.to_string(), at),
        },
        Action::WorkgroupHistoryLoaded { result, at } => match result {
            Ok(past) => athena::workgroup_history_loaded(app, past),
            Err(e) => report_error(app, ErrorSource::Athena, &e.to_string(), at),
        },
        Action::WorkgroupsLoaded { result, at } => match result {
            Ok(names) => athena::workgroups_loaded(app, names),
            Err(e) => report_error(app, ErrorSource::Athena, &e.to_string(), at),
        },
        Action::QueryHistoryLoaded { id, entries } => athena::history_loaded(app, id, entries),
        Action::QueryPolled { id, request, result } => athena::polled(app, &id, request, result, effects),
        Action::QueryResultsLoaded { id, request, first, result } => {
            athena::results_loaded(app, &id, request, first, result)
        }
        Action::Exported { id, json, result, at } => match result {
            Ok((path, rows)) => {
                let rows = crate::ops::format::thousands(rows as f64);
                toast(app, ToastLevel::Info, format!("{rows} rows written to {path}"));
            }
            Err(ExportError::Exists(path)) => athena::confirm_replace(app, &id, path, json),
            Err(ExportError::Failed(e)) => report_error(app, ErrorSource::Export, &e, at),
        },
        Action::PeekOpened { id, result, at } => {
            if let Err(e) = peek::opened(app, id, result.map_err(|e| e.to_string())) {
                report_error(app, ErrorSource::Peek, &e, at);
            }
        }
        Action::PeekRead { id, cursor, result, at } => {
            if let Err(e) = peek::read(app, id, cursor, result.map_err(|e| e.to_string())) {
                report_error(app, ErrorSource::Peek, &e, at);
            }
        }
        // The reducer itself handles the rest.
        _ => {}
    }
}
