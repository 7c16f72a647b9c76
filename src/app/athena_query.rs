//! Running `:athena`'s SQL: the start (through the write gate), the poll while it runs, the
//! results a page at a time, cancelling, and the typed lines that save the SQL or export the rows.
//! Every failure is said in the pane and reaches the error history.

use crossterm::event::KeyEvent;

use super::action::Effect;
use super::athena::{AthenaFocus, Results, Running};
use super::command::Command;
use super::confirm::{readonly_refusal_of, refusal, ConfirmDialog, Then};
use super::prompt::{edit_line, LineKey};
use super::report::{report_error, ErrorSource};
use super::request::{Request, RequestId};
use super::state::{App, Mode};
use crate::model::{Change, QueryRequest, QueryState, QueryStatus, ResultPage};
use crate::ops::athena::{check_sql, check_statement, drop_header, poll_delay_ms};
use crate::platform::PlatformError;

/// Says `message` in the pane and, as a failure, in the error history.
fn failed(app: &mut App, message: String) {
    report_error(app, ErrorSource::Athena, &message, now(app));
    app.athena.error = Some(message);
}

fn now(app: &App) -> chrono::DateTime<chrono::Utc> {
    super::audit::reference_time(app)
}

pub(super) fn run(app: &mut App, effects: &mut Vec<Effect>) {
    if app.athena.running.is_some() {
        let cancel = app.key(Command::Cancel);
        app.athena.error = Some(format!("a query is running: wait for it, or cancel it with ctrl-c or {cancel}"));
        return;
    }
    let sql = app.athena.editor.text();
    if let Err(e) = check_statement(&sql) {
        app.athena.error = Some(e);
        return;
    }
    let Some((workgroup, database)) = app.athena_target.clone() else {
        app.athena.error = Some("no Athena workgroup in this profile ([platform.athena] workgroup)".into());
        return;
    };
    let request = QueryRequest { sql: sql.clone(), database, workgroup };
    if let Some(refusal) = refusal(app, &Change::StartQuery(request.clone())) {
        // Journaled as `lakeops query` journals it (the gate's words).
        effects.push(query_record(request.workgroup.clone(), &sql, format!("refused: {refusal}")));
        app.athena.error = Some(refusal);
        return;
    }
    let detail = crate::ops::athena::one_line(&request.sql);
    let effect = Effect::Change { change: Change::StartQuery(request), detail };
    // A statement that may change the catalog or the data (DROP, INSERT, CREATE TABLE AS, …) is
    // shown and asked for, as every other change is; a query that only reads runs at once.
    if crate::ops::athena::changes_something(&sql) {
        let mut lines = vec![crate::ops::athena::change_warning(&sql), String::new()];
        // Its start and its end, where the change often is (`WITH … DELETE`, `…; DROP`).
        let written: Vec<String> = sql.trim().lines().map(crate::model::text::sanitize).collect();
        match written.len() {
            0..=12 => lines.extend(written),
            n => {
                lines.extend(written[..4].iter().cloned());
                lines.push(format!("… {} lines …", n - 10));
                lines.extend(written[n - 6..].iter().cloned());
            }
        }
        let dialog = ConfirmDialog {
            title: "Run this statement?".into(),
            lines,
            effect: Some(effect),
            refusal: None,
            then: Some(Then::QueryStarted),
            journal: None,
        };
        app.mode = Mode::Confirm(Box::new(dialog));
        return;
    }
    effects.push(effect);
    begin(app);
}

/// The editor's query is on its way: it joins the history and the view waits on it.
pub(super) fn begin(app: &mut App) {
    let sql = app.athena.editor.text();
    if app.athena.history.last() != Some(&sql) {
        app.athena.history.push(sql.clone());
    }
    app.athena.recalled = None;
    app.athena.draft = None;
    app.athena.error = None;
    app.athena.error_at = None;
    // The previous results belong to the previous query.
    app.athena.results = None;
    app.athena.running = Some(Running {
        id: None,
        workgroup: app.athena_target.clone().map(|(workgroup, _)| workgroup).unwrap_or_default(),
        started_ms: app.now_ms,
        status: None,
        poll_due_ms: u64::MAX,
        polls: 0,
        poll: Request::default(),
    });
}

/// Cancels the running query; false when none runs (then ctrl-c quits, as everywhere).
pub(super) fn cancel(app: &mut App, effects: &mut Vec<Effect>) -> bool {
    match app.athena.running.as_ref().and_then(|r| r.id.clone()) {
        Some(id) => {
            effects.push(Effect::Change { change: Change::StopQuery { id }, detail: String::new() });
            true
        }
        None => false,
    }
}

/// StartQueryExecution answered: the execution id, or why not.
pub fn started(app: &mut App, result: Result<String, String>) {
    match result {
        Ok(id) => {
            if let Some(r) = app.athena.running.as_mut() {
                r.id = Some(id);
                r.poll_due_ms = app.now_ms;
            }
        }
        Err(e) => {
            app.athena.running = None;
            failed(app, e);
        }
    }
}

/// The poll, when it is due.
pub(super) fn poll(app: &mut App, effects: &mut Vec<Effect>) {
    let now_ms = app.now_ms;
    let Some(r) = app.athena.running.as_mut() else { return };
    let Some(id) = r.id.clone() else { return };
    if now_ms >= r.poll_due_ms {
        if let Some(request) = r.poll.start(now_ms) {
            effects.push(Effect::PollQuery { id, request });
        }
    }
}

/// The running query's state arrived: wait on, read the results, or say why it did not succeed.
pub fn polled(
    app: &mut App,
    id: &str,
    request: RequestId,
    result: Result<QueryStatus, PlatformError>,
    effects: &mut Vec<Effect>,
) {
    let now = app.now_ms;
    let Some(r) = app.athena.running.as_mut().filter(|r| r.id.as_deref() == Some(id)) else { return };
    if !r.poll.accept(request, now, &result) {
        return;
    }
    r.polls += 1;
    r.poll_due_ms = now + poll_delay_ms(r.polls);
    let status = match result {
        Ok(status) => status,
        // A failed poll is said, and the next one tries again.
        Err(e) => return failed(app, e.to_string()),
    };
    if !status.state.is_done() {
        r.status = Some(status);
        return;
    }
    let Some(running) = app.athena.running.take() else { return };
    let sql = app.athena.history.last().cloned().unwrap_or_default();
    super::about::query_finished(app, &status, &sql);
    // The journal has the start (the gate's); its end is said as `lakeops query` says it.
    let rates = app.athena_rates.unwrap_or(crate::ops::cost::ATHENA_LIST);
    let summary = crate::ops::athena::summary(&status, &sql, rates);
    let reason = status.reason.clone().unwrap_or_else(|| "no reason given".into());
    effects.push(query_record(running.workgroup, &sql, crate::ops::athena::outcome(&status, &summary, &reason)));
    if status.state == QueryState::Succeeded {
        app.athena.error = None;
        let mut pages = Request::default();
        let request = pages.restart(now);
        app.athena.results = Some(Results { id: id.to_string(), pages, ..Default::default() });
        effects.push(Effect::FetchQueryResults { id: id.to_string(), token: None, request });
    } else {
        let reason = status.reason.clone().unwrap_or_else(|| "no reason given".into());
        // A syntax error puts the cursor where Athena says, so the fix starts there.
        if let Some((line, column)) = crate::ops::athena::error_position(&reason) {
            let at = (line.saturating_sub(1), column.saturating_sub(1));
            app.athena.error_at = Some(at);
            app.athena.editor.move_to(at.0, at.1);
            app.athena.focus = AthenaFocus::Editor;
        }
        let message = format!("{}: {reason}", status.state.name());
        if status.state == QueryState::Failed {
            failed(app, message);
        } else {
            app.athena.error = Some(message);
        }
    }
    app.athena.last = Some(status);
}

/// A page of results arrived (`first`: its header row is dropped and its columns taken).
pub fn results_loaded(
    app: &mut App,
    id: &str,
    request: RequestId,
    first: bool,
    result: Result<ResultPage, PlatformError>,
) {
    let now = app.now_ms;
    let Some(r) = app.athena.results.as_mut().filter(|r| r.id == id) else { return };
    if !r.pages.accept(request, now, &result) {
        return;
    }
    match result {
        Ok(mut page) => {
            if first {
                drop_header(&mut page);
                r.columns = page.columns;
            }
            r.rows.append(&mut page.rows);
            r.next_token = page.next_token;
        }
        Err(e) => failed(app, format!("results not read: {e}")),
    }
}

/// StopQueryExecution answered; the console ends if that was what it waited for (whatever the
/// answer: a cancel that failed is in the log and the journal).
pub fn stopped(app: &mut App, result: Result<(), String>, effects: &mut Vec<Effect>) {
    let outcome = match &result {
        Ok(()) => "CANCELLED: cancelled as lakeops quit".to_string(),
        Err(e) => format!("unknown: lakeops quit, and its cancel failed: {e}"),
    };
    if let Err(e) = result {
        failed(app, format!("not cancelled: {e}"));
    }
    if app.quit_when_cancelled {
        // The query's end, which no poll will read now.
        if let Some(running) = app.athena.running.take() {
            let sql = app.athena.history.last().map_or("", String::as_str);
            effects.push(query_record(running.workgroup, sql, outcome));
        }
        super::update::quit(app, effects);
    }
}

/// The journal's line of a query the console ran: its workgroup, its statement on one line, and
/// how it ended (the gate journals its start).
pub(super) fn query_record(workgroup: String, sql: &str, outcome: String) -> Effect {
    Effect::Record {
        action: crate::model::QUERY_ACTION,
        target: workgroup,
        detail: crate::ops::athena::one_line(sql),
        outcome,
    }
}

/// The export line: a path ending in .csv or .json; `confirm` writes every row of the results.
pub fn export_key(app: &mut App, command: Option<Command>, key: KeyEvent, effects: &mut Vec<Effect>) {
    let default = app.athena.results.as_ref().map(|r| crate::ops::athena::default_export(&r.id)).unwrap_or_default();
    let Mode::Export { input, error } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let typed = input.trim();
            let path = if typed.is_empty() { default } else { typed.to_string() };
            let json = match path.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()) {
                Some(ext) if ext == "csv" => false,
                Some(ext) if ext == "json" => true,
                _ => {
                    *error = Some("end the file name with .csv or .json".into());
                    return;
                }
            };
            app.mode = Mode::Normal;
            effects.extend(export_effect(app, path, json, false));
        }
    }
}

/// Writing the results on screen to `path` (replacing a file there only when `replace`).
fn export_effect(app: &App, path: String, json: bool, replace: bool) -> Option<Effect> {
    let r = app.athena.results.as_ref()?;
    Some(Effect::ExportResults {
        id: r.id.clone(),
        path,
        json,
        replace,
        columns: r.columns.clone(),
        rows: r.rows.clone(),
        next_token: r.next_token.clone(),
    })
}

/// The export's file exists: ask before replacing it (the results must still be those of query
/// `id`; newer ones were not what the operator asked to write).
pub fn confirm_replace(app: &mut App, id: &str, path: String, json: bool) {
    if app.athena.results.as_ref().is_none_or(|r| r.id != id) {
        let message = format!("{path} exists and was not replaced: the results it was for are gone");
        report_error(app, ErrorSource::Export, &message, now(app));
        return;
    }
    let lines = vec![format!("{path} exists: replace it with these results?")];
    let effect = export_effect(app, path, json, true);
    app.mode = Mode::Confirm(Box::new(ConfirmDialog {
        title: "Replace the file?".into(),
        lines,
        effect,
        refusal: None,
        then: None,
        journal: None,
    }));
}

/// The local history file arrived, oldest first.
pub fn history_loaded(app: &mut App, id: RequestId, mut entries: Vec<String>) {
    let now = app.now_ms;
    if !app.athena.history_read.answer(id, now, Ok(())) {
        return;
    }
    // Queries run before the file was read stay the newest.
    entries.append(&mut app.athena.history);
    app.athena.history = entries;
}

/// The name line: `confirm` saves the editor's SQL under it in the workgroup.
pub fn save_key(app: &mut App, command: Option<Command>, key: KeyEvent, effects: &mut Vec<Effect>) {
    let readonly = app.readonly;
    let sql = app.athena.editor.text();
    let target = app.athena_target.clone();
    let Mode::SaveQuery { input, error } = &mut app.mode else { return };
    match edit_line(input, error, command, key) {
        LineKey::Cancel => app.mode = Mode::Normal,
        LineKey::Edited => {}
        LineKey::Submit => {
            let Some((workgroup, database)) = target else { return };
            let name = input.trim().to_string();
            let query =
                crate::model::SavedQuery { id: String::new(), name, description: None, database, workgroup, sql };
            let problem = if query.name.is_empty() {
                Some("a saved query needs a name".to_string())
            } else {
                check_sql(&query.sql).err()
            };
            let detail = query.name.clone();
            let change = Change::SaveQuery(query);
            if let Some(problem) = problem.or_else(|| readonly_refusal_of(readonly, &change)) {
                *error = Some(problem);
                return;
            }
            app.mode = Mode::Normal;
            effects.push(Effect::Change { change, detail });
        }
    }
}
