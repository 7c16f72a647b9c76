//! The console's event loop: terminal events, timers and platform results become actions;
//! the reducer's effects run here; the screen is redrawn only when something changed,
//! at most `FRAME` apart.

mod events;
pub mod terminal;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{update, Action, App, Effect};
use crate::journal::Journal;
use crate::platform::Platform;
use crate::settings::Theme;

/// The shortest time between two frames (a cap of about 30 frames a second).
const FRAME: Duration = Duration::from_millis(33);

/// Who acts, for the journal.
pub struct Session {
    pub journal: Journal,
    /// SQL run from `:athena`, recalled with ↑ and ↓.
    pub history: crate::history::QueryHistory,
    pub profile: String,
    pub backend: String,
}

impl Session {
    /// Appends an action to the journal; a failure comes back as an action for the screen.
    fn record(&self, action: &str, target: &str, detail: &str, outcome: &str, tx: &UnboundedSender<Action>) {
        if let Err(message) = self.journal.record(&self.profile, &self.backend, action, target, detail, outcome) {
            let message = format!("the journal was not written: {message}");
            let _ = tx.send(Action::Failed { source: "journal".into(), message, at: chrono::Utc::now() });
        }
    }
}

pub async fn run(mut app: App, theme: Theme, platform: Arc<dyn Platform>, session: Session) -> anyhow::Result<()> {
    let session = Arc::new(session);
    let mut term_signal = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    let (mut terminal, _guard) = terminal::enter()?;
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    events::spawn(tx.clone());

    let start = Instant::now();
    let now_ms = |start: Instant| start.elapsed().as_millis() as u64;
    let size = terminal.size()?;
    let mut pending = vec![Action::Resize { width: size.width, height: size.height }];
    let mut last_draw: Option<Instant> = None;
    // The one live-tail session, aborted when the reducer stops following.
    let mut live_tail: Option<tokio::task::AbortHandle> = None;
    // A test hook: the pty tests check that a panic restores the terminal and is logged.
    let debug_panic = std::env::var_os("LAKEOPS_DEBUG_PANIC").is_some();

    loop {
        for action in pending.drain(..) {
            for effect in update(&mut app, action, now_ms(start)) {
                execute(effect, &platform, &session, &tx, &mut live_tail);
            }
        }
        if app.quitting {
            break;
        }
        let frame_due = last_draw.map(|t| t + FRAME).unwrap_or(start);
        if app.dirty && Instant::now() >= frame_due {
            terminal.draw(|frame| crate::ui::draw(&app, &theme, frame))?;
            app.dirty = false;
            last_draw = Some(Instant::now());
            if debug_panic && app.snapshot.is_some() {
                panic!("LAKEOPS_DEBUG_PANIC is set: panicking on purpose to show the terminal is restored");
            }
        }

        // Sleep until the next thing is due: a frame held back by the cap, a refresh, a toast.
        let mut wake = app.next_wake_ms().map(|ms| start + Duration::from_millis(ms));
        if app.dirty {
            wake = Some(wake.map_or(frame_due, |w| w.min(frame_due)));
        }
        let sleep = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let action = tokio::select! {
            Some(action) = rx.recv() => action,
            _ = term_signal.recv() => Action::Quit,
            _ = hangup.recv() => Action::Quit,
            _ = interrupt.recv() => Action::Quit,
            _ = sleep => Action::Tick,
        };
        pending.push(action);
        // Take everything already queued before drawing again.
        while let Ok(more) = rx.try_recv() {
            pending.push(more);
        }
    }
    drop(terminal);
    terminal::restore();
    if let Err(e) = platform.flush() {
        eprintln!("lakeops: {e}");
    }
    Ok(())
}

/// Runs one effect off the UI task; its result comes back as an action.
fn execute(
    effect: Effect,
    platform: &Arc<dyn Platform>,
    session: &Arc<Session>,
    tx: &UnboundedSender<Action>,
    live_tail: &mut Option<tokio::task::AbortHandle>,
) {
    let platform = platform.clone();
    let session = session.clone();
    let tx = tx.clone();
    match effect {
        Effect::FetchSnapshot => {
            tokio::spawn(async move {
                let result = platform.snapshot().await.map(Box::new);
                let _ = tx.send(Action::SnapshotLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::FetchStreamDetail { stream, minutes } => {
            tokio::spawn(async move {
                let result = async {
                    let mut facts = platform.stream_facts(&stream).await?.ok_or_else(|| {
                        crate::platform::PlatformError::Failed {
                            service: "Kinesis".into(),
                            message: format!("stream {stream} not found"),
                        }
                    })?;
                    crate::headless::reshard::count_recent_changes(&session.journal, &session.profile, &mut facts);
                    let series = platform.stream_metrics(&stream, minutes).await?;
                    Ok(Box::new((facts, series)))
                }
                .await;
                let _ = tx.send(Action::StreamDetailLoaded { stream, result, at: chrono::Utc::now() });
            });
        }
        Effect::Reshard { stream, call, detail } => {
            tokio::spawn(async move {
                let result = platform.reshard(&stream, &call).await;
                let outcome = match &result {
                    Ok(()) => "done".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                session.record(call.action(), &stream, &detail, &outcome, &tx);
                let _ = tx.send(Action::ReshardDone { stream, call, result, at: chrono::Utc::now() });
            });
        }
        Effect::SetEnhancedMonitoring { stream, on } => {
            tokio::spawn(async move {
                let result = platform.set_enhanced_monitoring(&stream, on).await;
                let outcome = match &result {
                    Ok(()) => "done".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                let action =
                    if on { "kinesis.enable-enhanced-monitoring" } else { "kinesis.disable-enhanced-monitoring" };
                session.record(action, &stream, "ShardLevelMetrics=ALL", &outcome, &tx);
                let what = if on { "enhanced monitoring on" } else { "enhanced monitoring off" }.to_string();
                let _ = tx.send(Action::ChangeDone { stream, what, result, at: chrono::Utc::now() });
            });
        }
        Effect::FetchAudit { query } => {
            tokio::spawn(async move {
                let result = platform
                    .audit_events(&query)
                    .await
                    .map(|events| crate::ops::audit::merge(events, &session.journal.entries(), &query));
                let _ = tx.send(Action::AuditLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::OpenPeek { stream, shard, from } => {
            tokio::spawn(async move {
                let result = platform.open_peek(&stream, shard.as_deref(), from).await;
                let _ = tx.send(Action::PeekOpened { result, at: chrono::Utc::now() });
            });
        }
        Effect::ReadPeek { mut cursor, limit } => {
            tokio::spawn(async move {
                let result = platform.read_peek(&mut cursor, limit).await;
                let _ = tx.send(Action::PeekRead { cursor, result, at: chrono::Utc::now() });
            });
        }
        Effect::FetchLogs { query, append } => {
            tokio::spawn(async move {
                let result = platform.function_logs(&query).await;
                let _ = tx.send(Action::LogsLoaded { append, result, at: chrono::Utc::now() });
            });
        }
        Effect::StartLiveTail { query } => {
            if let Some(previous) = live_tail.take() {
                previous.abort();
            }
            let task = tokio::spawn(async move {
                let sink = tx.clone();
                let result =
                    platform.live_tail(&query, &move |events| sink.send(Action::TailEvents { events }).is_ok()).await;
                let _ = tx.send(Action::TailEnded { result, at: chrono::Utc::now() });
            });
            *live_tail = Some(task.abort_handle());
        }
        Effect::StopLiveTail => {
            if let Some(task) = live_tail.take() {
                task.abort();
            }
        }
        Effect::StartQuery { request } => {
            tokio::spawn(async move {
                if let Err(message) = session.history.append(&request.workgroup, &request.sql) {
                    let _ = tx.send(Action::Failed { source: "history".into(), message, at: chrono::Utc::now() });
                }
                let result = platform.start_query(&request).await;
                let outcome = match &result {
                    Ok(id) => format!("started: {id}"),
                    Err(e) => format!("failed: {e}"),
                };
                let detail: String =
                    request.sql.split_whitespace().collect::<Vec<_>>().join(" ").chars().take(200).collect();
                session.record("athena.query", &request.workgroup, &detail, &outcome, &tx);
                let _ = tx.send(Action::QueryStarted { result });
            });
        }
        Effect::LoadSavedQueries { workgroup } => {
            tokio::spawn(async move {
                let result = platform.saved_queries(&workgroup).await;
                let _ = tx.send(Action::SavedQueriesLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::LoadWorkgroupHistory { workgroup } => {
            tokio::spawn(async move {
                let result = platform.query_history(&workgroup).await;
                let _ = tx.send(Action::WorkgroupHistoryLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::LoadWorkgroups => {
            tokio::spawn(async move {
                let result = platform.workgroups().await;
                let _ = tx.send(Action::WorkgroupsLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::CopyToClipboard { text } => {
            // OSC 52: the terminal (and tmux with set-clipboard on, and SSH) puts it on the clipboard.
            use std::io::Write;
            let sequence = crate::ops::athena::osc52(&text);
            let mut out = std::io::stdout();
            if let Err(e) = out.write_all(sequence.as_bytes()).and_then(|_| out.flush()) {
                let _ = tx.send(Action::Failed {
                    source: "clipboard".into(),
                    message: format!("could not write to the terminal: {e}"),
                    at: chrono::Utc::now(),
                });
            }
        }
        Effect::SaveQuery { query } => {
            tokio::spawn(async move {
                let result = platform.save_query(&query).await;
                let outcome = match &result {
                    Ok(id) => format!("done: {id}"),
                    Err(e) => format!("failed: {e}"),
                };
                session.record("athena.save-query", &query.workgroup, &query.name, &outcome, &tx);
                let _ = tx.send(Action::QuerySaved { name: query.name, result, at: chrono::Utc::now() });
            });
        }
        Effect::LoadQueryHistory => {
            tokio::spawn(async move {
                let entries = session.history.recent();
                let _ = tx.send(Action::QueryHistoryLoaded { entries });
            });
        }
        Effect::PollQuery { id } => {
            tokio::spawn(async move {
                let result = platform.query_status(&id).await;
                let _ = tx.send(Action::QueryPolled { id, result });
            });
        }
        Effect::FetchQueryResults { id, token } => {
            tokio::spawn(async move {
                let result = platform.query_results(&id, token.as_deref()).await;
                let _ = tx.send(Action::QueryResultsLoaded { id, first: token.is_none(), result });
            });
        }
        Effect::StopQuery { id } => {
            tokio::spawn(async move {
                let result = platform.stop_query(&id).await;
                let outcome = match &result {
                    Ok(()) => "done".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                session.record("athena.stop-query", &id, "", &outcome, &tx);
                let _ = tx.send(Action::QueryStopped { result });
            });
        }
        Effect::ExportResults { id, path, json, columns, rows, next_token } => {
            tokio::spawn(async move {
                let loaded = crate::headless::query::LoadedRows { columns, rows, next_token };
                let result = crate::headless::query::export(platform.as_ref(), &id, &path, json, loaded).await;
                let _ = tx.send(Action::Exported { result, at: chrono::Utc::now() });
            });
        }
        Effect::FetchGlue => {
            tokio::spawn(async move {
                let result = platform.glue_overview().await.map(Box::new);
                let _ = tx.send(Action::GlueLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::GlueChange { change, detail } => {
            tokio::spawn(async move {
                let result = platform.glue_change(&change).await;
                let outcome = match &result {
                    Ok(answer) => format!("done: {answer}"),
                    Err(e) => format!("failed: {e}"),
                };
                session.record(change.action(), change.target(), &detail, &outcome, &tx);
                let _ = tx.send(Action::GlueChanged { change, result, at: chrono::Utc::now() });
            });
        }
        Effect::FetchStack { name } => {
            tokio::spawn(async move {
                let result = match platform.stack(&name).await {
                    Ok(None) => Ok((None, Vec::new())),
                    Ok(Some(summary)) => platform.stack_events(&name).await.map(|events| (Some(summary), events)),
                    Err(e) => Err(e),
                };
                let _ = tx.send(Action::StackLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::PlanStack { name, template, parameters } => {
            tokio::spawn(async move {
                let result = platform.plan_stack(&name, &template, &parameters).await;
                let (detail, outcome) = match &result {
                    Ok(plan) => (crate::provision::summary(plan), "done: change set kept for apply".to_string()),
                    Err(e) => (String::new(), format!("failed: {e}")),
                };
                session.record("provision plan", &name, &detail, &outcome, &tx);
                let _ = tx.send(Action::StackPlanned { result, at: chrono::Utc::now() });
            });
        }
        Effect::DiscardPlan { name, change_set } => {
            tokio::spawn(async move {
                if let Err(e) = platform.discard_plan(&name, &change_set).await {
                    let message = format!("the change set {change_set} was not deleted: {e}");
                    let _ = tx.send(Action::Failed { source: "plan".into(), message, at: chrono::Utc::now() });
                }
            });
        }
        Effect::ApplyPlan { name, change_set, detail, expected } => {
            tokio::spawn(async move {
                let since_ms = platform.now().timestamp_millis() - 1_000;
                let result = platform.apply_plan(&name, &change_set).await;
                let outcome = match &result {
                    Ok(()) => "started".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                session.record("provision apply", &name, &detail, &outcome, &tx);
                let _ =
                    tx.send(Action::StackStarted { kind: "apply", since_ms, expected, result, at: chrono::Utc::now() });
            });
        }
        Effect::DeleteStack { name } => {
            tokio::spawn(async move {
                let since_ms = platform.now().timestamp_millis() - 1_000;
                let result = platform.delete_stack(&name).await;
                let outcome = match &result {
                    Ok(()) => "started".to_string(),
                    Err(e) => format!("failed: {e}"),
                };
                session.record("provision delete", &name, "", &outcome, &tx);
                let _ = tx.send(Action::StackStarted {
                    kind: "delete",
                    since_ms,
                    expected: 0,
                    result,
                    at: chrono::Utc::now(),
                });
            });
        }
        Effect::DetectDrift { name } => {
            tokio::spawn(async move {
                let result = platform.stack_drift(&name).await;
                let _ = tx.send(Action::DriftLoaded { result, at: chrono::Utc::now() });
            });
        }
        Effect::Quit => {}
    }
}
