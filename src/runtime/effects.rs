//! Runs the reducer's effects off the UI task: each becomes a task on the platform whose result
//! comes back as an action. Changes go through the session's write gate, which journals them.

use std::future::Future;
use std::sync::Arc;

use tokio::sync::mpsc::UnboundedSender;

use crate::app::{Action, Effect, ErrorSource};
use crate::model::{Applied, Change};
use crate::platform::{Platform, PlatformError};
use crate::session::{self, Session};

/// Every action carries the platform's time (`Platform::now`): the sandbox's model time, which
/// `--speed` runs faster than the wall clock, or the wall clock on AWS.
///
/// What every effect needs: the platform, the session, the way back to the reducer, and the
/// one live-tail session (aborted when the reducer stops following).
pub struct Executor {
    pub platform: Arc<dyn Platform>,
    pub session: Arc<Session>,
    pub tx: UnboundedSender<Action>,
    pub live_tail: Option<tokio::task::AbortHandle>,
}

impl Executor {
    /// Runs `work` as a task and sends its action back.
    fn spawn<F>(&self, work: impl FnOnce(Arc<dyn Platform>, Arc<Session>) -> F)
    where
        F: Future<Output = Action> + Send + 'static,
    {
        let tx = self.tx.clone();
        let task = work(self.platform.clone(), self.session.clone());
        tokio::spawn(async move {
            let _ = tx.send(task.await);
        });
    }

    /// Tells the reducer of a failure outside a platform call (the clipboard, the history), at
    /// the platform's time `at`.
    fn failed(tx: &UnboundedSender<Action>, source: ErrorSource, message: String, at: chrono::DateTime<chrono::Utc>) {
        let _ = tx.send(Action::Failed { source, message, at });
    }

    pub fn execute(&mut self, effect: Effect) {
        match effect {
            Effect::Change { change, detail } => self.change(change, detail),
            Effect::Reshard(plan) => self.spawn(|platform, session| async move {
                // An operation's events are those from just before it was asked for.
                let started_ms = platform.now().timestamp_millis() - 1_000;
                let result = session::reshard::apply(&session, platform.as_ref(), &plan).await;
                let change = Change::Reshard { stream: plan.stream.clone(), call: plan.call.clone() };
                Action::Changed { change, started_ms, result, at: platform.now() }
            }),
            Effect::FetchSnapshot { id } => self.spawn(|platform, _| async move {
                Action::SnapshotLoaded { id, result: platform.snapshot().await.map(Box::new), at: platform.now() }
            }),
            Effect::FetchStreamDetail { stream, minutes, id } => self.spawn(|platform, session| async move {
                let result = async {
                    let facts = session::reshard::stream_facts(&session, platform.as_ref(), &stream)
                        .await?
                        .ok_or_else(|| PlatformError::failed("Kinesis", format!("stream {stream} not found")))?;
                    let series = platform.stream_metrics(&stream, minutes).await?;
                    Ok(Box::new((facts, series)))
                }
                .await;
                Action::StreamDetailLoaded { stream, id, result, at: platform.now() }
            }),
            Effect::ReadJournal { since } => self.spawn(|platform, session| async move {
                let result = session.journal().current(session.scope(), since, platform.now()).map(|read| read.entries);
                Action::JournalRead { result, at: platform.now() }
            }),
            Effect::FetchAudit { query, id } => {
                let tx = self.tx.clone();
                self.spawn(|platform, session| async move {
                    let result = session::audit::events(&session, platform.as_ref(), &query).await.map(|audit| {
                        if let Some(problem) = audit.journal_problem {
                            let message = format!("{problem}; lakeops' own entries are missing");
                            Executor::failed(&tx, ErrorSource::Journal, message, platform.now());
                        }
                        audit.events
                    });
                    Action::AuditLoaded { id, result, at: platform.now() }
                })
            }
            Effect::OpenPeek { stream, shard, from, id } => self.spawn(|platform, _| async move {
                Action::PeekOpened {
                    id,
                    result: platform.open_peek(&stream, shard.as_deref(), from).await,
                    at: platform.now(),
                }
            }),
            Effect::ReadPeek { mut cursor, limit, id } => self.spawn(|platform, _| async move {
                let result = platform.read_peek(&mut cursor, limit).await;
                Action::PeekRead { id, cursor, result, at: platform.now() }
            }),
            Effect::FetchLogs { query, append, id } => self.spawn(|platform, _| async move {
                Action::LogsLoaded { id, append, result: platform.function_logs(&query).await, at: platform.now() }
            }),
            Effect::StartLiveTail { query } => self.start_live_tail(query),
            Effect::StopLiveTail => {
                if let Some(task) = self.live_tail.take() {
                    task.abort();
                }
            }
            Effect::LoadSavedQueries { workgroup } => self.spawn(|platform, _| async move {
                Action::SavedQueriesLoaded { result: platform.saved_queries(&workgroup).await, at: platform.now() }
            }),
            Effect::LoadWorkgroupHistory { workgroup } => self.spawn(|platform, _| async move {
                Action::WorkgroupHistoryLoaded { result: platform.query_history(&workgroup).await, at: platform.now() }
            }),
            Effect::LoadWorkgroups => self.spawn(|platform, _| async move {
                Action::WorkgroupsLoaded { result: platform.workgroups().await, at: platform.now() }
            }),
            Effect::LoadQueryHistory { id } => {
                self.spawn(
                    |_, session| async move { Action::QueryHistoryLoaded { id, entries: session.history.recent() } },
                )
            }
            Effect::CopyToClipboard { text } => self.copy_to_clipboard(&text),
            Effect::Record { action, target, detail, outcome } => {
                self.session.gate.record(action, &target, &detail, &outcome)
            }
            Effect::PollQuery { id, request } => self.spawn(|platform, _| async move {
                let result = platform.query_status(&id).await;
                Action::QueryPolled { id, request, result }
            }),
            Effect::FetchQueryResults { id, token, request } => self.spawn(|platform, _| async move {
                let result = platform.query_results(&id, token.as_deref()).await;
                Action::QueryResultsLoaded { id, request, first: token.is_none(), result }
            }),
            Effect::ExportResults { id, path, json, replace, columns, rows, next_token } => {
                self.spawn(|platform, _| async move {
                    let loaded = session::query::LoadedRows { columns, rows, next_token };
                    let result = session::query::export(platform.as_ref(), &id, &path, json, loaded, replace).await;
                    Action::Exported { id, json, result, at: platform.now() }
                })
            }
            Effect::FetchGlue { id, governed } => self.spawn(move |platform, _| async move {
                let mut result = platform.glue_overview().await;
                // Lake Formation's grants beside the catalog; failing to read them is said, the
                // catalog still shown.
                if let (true, Ok(overview)) = (governed, &mut result) {
                    match platform.governance().await {
                        Ok(g) => overview.governance = Some(g),
                        Err(e) => overview.warnings.push(format!("Lake Formation grants not read: {e}")),
                    }
                }
                Action::GlueLoaded { id, result: result.map(Box::new), at: platform.now() }
            }),
            Effect::FetchWorkflows { id, since } => self.spawn(move |platform, _| async move {
                let result = platform.workflows(since, false).await.map(Box::new);
                Action::WorkflowsLoaded { id, result, at: platform.now() }
            }),
            Effect::ReadExecutionInput { state_machine, path } => self.spawn(move |_, _| async move {
                let result = crate::ops::workflow::read_input(std::path::Path::new(&path));
                Action::ExecutionInputRead { state_machine, path, result }
            }),
            Effect::DescribeExecution { change } => self.spawn(|platform, _| async move {
                let arn = change.target().to_string();
                let result = platform.execution(&arn).await.map(|found| found.map(Box::new));
                Action::ExecutionDescribed { change, result, at: platform.now() }
            }),
            Effect::FetchEmr { id } => self.spawn(move |platform, _| async move {
                Action::EmrLoaded { id, result: platform.emr().await.map(Box::new), at: platform.now() }
            }),
            Effect::DescribeCluster { change } => self.spawn(|platform, _| async move {
                let id = change.target().to_string();
                let result = platform.emr_cluster(&id).await.map(|found| found.map(Box::new));
                Action::ClusterDescribed { change, result, at: platform.now() }
            }),
            Effect::FetchStack { name, id } => self.spawn(|platform, _| async move {
                let result = match platform.stack(&name).await {
                    Ok(None) => Ok((None, Vec::new())),
                    Ok(Some(summary)) => platform.stack_events(&name).await.map(|events| (Some(summary), events)),
                    Err(e) => Err(e),
                };
                Action::StackLoaded { id, result, at: platform.now() }
            }),
            Effect::DetectDrift { name, id } => self.spawn(|platform, _| async move {
                Action::DriftLoaded { id, result: platform.stack_drift(&name).await, at: platform.now() }
            }),
            Effect::Quit => {}
        }
    }

    /// A change, through the write gate (a query is remembered in the history first).
    fn change(&self, change: Change, detail: String) {
        let tx = self.tx.clone();
        self.spawn(|platform, session| async move {
            // An operation's events are those from just before it was asked for.
            let started_ms = platform.now().timestamp_millis() - 1_000;
            let result = match &change {
                Change::StartQuery(request) => {
                    let mut problem =
                        |message: String| Executor::failed(&tx, ErrorSource::History, message, platform.now());
                    session::query::start(&session, platform.as_ref(), request, &mut problem).await.map(Applied::Answer)
                }
                Change::PlanStack { .. } => session::stack::plan(&session, platform.as_ref(), &change, &detail).await,
                _ => session::change::apply(&session, platform.as_ref(), &change, &detail).await,
            };
            Action::Changed { change, started_ms, result, at: platform.now() }
        })
    }

    fn start_live_tail(&mut self, query: crate::model::LogQuery) {
        if let Some(previous) = self.live_tail.take() {
            previous.abort();
        }
        let (platform, tx) = (self.platform.clone(), self.tx.clone());
        let task = tokio::spawn(async move {
            let sink = tx.clone();
            let result =
                platform.live_tail(&query, &move |events| sink.send(Action::TailEvents { events }).is_ok()).await;
            let _ = tx.send(Action::TailEnded { result, at: platform.now() });
        });
        self.live_tail = Some(task.abort_handle());
    }

    /// OSC 52: the terminal (and tmux with set-clipboard on, and SSH) puts it on the clipboard.
    fn copy_to_clipboard(&self, text: &str) {
        use std::io::Write;
        let sequence = crate::ops::athena::osc52(text);
        let mut out = std::io::stdout();
        if let Err(e) = out.write_all(sequence.as_bytes()).and_then(|_| out.flush()) {
            let at = self.platform.now();
            Executor::failed(&self.tx, ErrorSource::Clipboard, format!("could not write to the terminal: {e}"), at);
        }
    }
}
