use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseEvent};

use super::report::ErrorSource;
use super::request::RequestId;
use crate::model::{
    Applied, AuditEvent, AuditQuery, Change, GlueOverview, LogEvent, LogQuery, PeekCursor, PeekFrom, PeekRecord,
    PlatformSnapshot, QueryStatus, ResultPage, SavedQuery, StreamFacts, StreamSeries,
};
use crate::model::{DriftedResource, StackEvent, StackSummary};
use crate::platform::{GateError, PlatformError};

/// Everything that can happen to the console. An answer to a read carries the id of the
/// request it answers: the reducer drops answers to requests it no longer waits for.
#[derive(Debug, Clone)]
pub enum Action {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passed: refreshes may be due, toasts may expire.
    Tick,
    SnapshotLoaded {
        id: RequestId,
        result: Result<Box<PlatformSnapshot>, PlatformError>,
        at: DateTime<Utc>,
    },
    StreamDetailLoaded {
        stream: String,
        id: RequestId,
        result: Result<Box<(StreamFacts, StreamSeries)>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// A change went through the write gate (or was refused there): what it was, the
    /// platform's time just before it was made, and what came of it.
    Changed {
        change: Change,
        started_ms: i64,
        result: Result<Applied, GateError>,
        at: DateTime<Utc>,
    },
    PeekOpened {
        id: RequestId,
        result: Result<PeekCursor, PlatformError>,
        at: DateTime<Utc>,
    },
    PeekRead {
        id: RequestId,
        cursor: PeekCursor,
        result: Result<Vec<PeekRecord>, PlatformError>,
        at: DateTime<Utc>,
    },
    AuditLoaded {
        id: RequestId,
        result: Result<Vec<AuditEvent>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// Log events read from `since` (`append`: the tail, onwards from the newest held).
    LogsLoaded {
        id: RequestId,
        append: bool,
        result: Result<Vec<LogEvent>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// Events streamed by the live tail.
    TailEvents {
        events: Vec<LogEvent>,
    },
    /// The live tail ended: `Ok(false)` the platform has none, `Ok(true)` the session ended.
    TailEnded {
        result: Result<bool, PlatformError>,
        at: DateTime<Utc>,
    },
    GlueLoaded {
        id: RequestId,
        result: Result<Box<GlueOverview>, PlatformError>,
        at: DateTime<Utc>,
    },
    WorkflowsLoaded {
        id: RequestId,
        result: Result<Box<crate::model::WorkflowOverview>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// An execution's input file was read (its text, or why not).
    ExecutionInputRead {
        state_machine: String,
        path: String,
        result: Result<String, String>,
    },
    /// Step Functions described the execution a stop or a redrive is for.
    ExecutionDescribed {
        change: crate::model::WorkflowChange,
        result: Result<Option<Box<crate::model::ExecutionDetail>>, PlatformError>,
        at: DateTime<Utc>,
    },
    EmrLoaded {
        id: RequestId,
        result: Result<Box<crate::model::EmrOverview>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// EMR described the cluster (and its steps) a change is for.
    ClusterDescribed {
        change: crate::model::EmrChange,
        result: Result<Option<Box<crate::model::ClusterDetail>>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// lakeops' journal was read (or why not).
    JournalRead {
        result: Result<Vec<crate::journal::Entry>, String>,
        at: DateTime<Utc>,
    },
    StackLoaded {
        id: RequestId,
        result: Result<(Option<StackSummary>, Vec<StackEvent>), PlatformError>,
        at: DateTime<Utc>,
    },
    DriftLoaded {
        id: RequestId,
        result: Result<Vec<DriftedResource>, PlatformError>,
        at: DateTime<Utc>,
    },
    SavedQueriesLoaded {
        result: Result<Vec<SavedQuery>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// The workgroup's recent queries (ListQueryExecutions), newest first.
    WorkgroupHistoryLoaded {
        result: Result<Vec<crate::model::PastQuery>, PlatformError>,
        at: DateTime<Utc>,
    },
    WorkgroupsLoaded {
        result: Result<Vec<String>, PlatformError>,
        at: DateTime<Utc>,
    },
    /// The local query history, oldest first.
    QueryHistoryLoaded {
        id: RequestId,
        entries: Vec<String>,
    },
    /// The state of query `id` (the poll `request` asked for it).
    QueryPolled {
        id: String,
        request: RequestId,
        result: Result<QueryStatus, PlatformError>,
    },
    QueryResultsLoaded {
        id: String,
        request: RequestId,
        /// The first page (its header row is dropped, its columns taken).
        first: bool,
        result: Result<ResultPage, PlatformError>,
    },
    /// Results of query `id` written (`json` or CSV): the path and the rows, or why not (an
    /// existing file is not replaced unless confirmed).
    Exported {
        id: String,
        json: bool,
        result: Result<(String, usize), crate::session::query::ExportError>,
        at: DateTime<Utc>,
    },
    /// Something went wrong outside a platform call (the journal could not be written).
    Failed {
        source: ErrorSource,
        message: String,
        at: DateTime<Utc>,
    },
    /// SIGTERM, SIGINT or the terminal going away.
    Quit,
}

/// Work the reducer asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    FetchSnapshot {
        id: RequestId,
    },
    /// Make a change through the write gate (checked by the rules first; `detail` is the plan in
    /// words, journaled beside the outcome).
    Change {
        change: Change,
        detail: String,
    },
    /// Make a reshard plan's call, once the stream still is as the plan found it
    /// (`session::reshard::apply`); answered as a [`Change::Reshard`].
    Reshard(Box<crate::ops::reshard::ReshardPlan>),
    /// A stream's facts (shards, limits) and its metrics over the window.
    FetchStreamDetail {
        stream: String,
        minutes: u32,
        id: RequestId,
    },
    /// CloudTrail events (merged with the journal by the runtime).
    FetchAudit {
        query: AuditQuery,
        id: RequestId,
    },
    /// Start reading records, then read onwards from where the cursor stands.
    OpenPeek {
        stream: String,
        shard: Option<String>,
        from: PeekFrom,
        id: RequestId,
    },
    ReadPeek {
        cursor: PeekCursor,
        limit: usize,
        id: RequestId,
    },
    /// A function's log events (`append`: for the tail).
    FetchLogs {
        query: LogQuery,
        append: bool,
        id: RequestId,
    },
    /// Stream a function's new log events (StartLiveTail) until stopped or the session ends.
    StartLiveTail {
        query: LogQuery,
    },
    StopLiveTail,
    PollQuery {
        id: String,
        request: RequestId,
    },
    LoadQueryHistory {
        id: RequestId,
    },
    LoadSavedQueries {
        workgroup: String,
    },
    LoadWorkgroupHistory {
        workgroup: String,
    },
    LoadWorkgroups,
    /// lakeops' journal from `since` on, for the charts' change markers.
    ReadJournal {
        since: DateTime<Utc>,
    },
    /// The stack and its newest events.
    FetchStack {
        name: String,
        id: RequestId,
    },
    DetectDrift {
        name: String,
        id: RequestId,
    },
    /// Put `text` on the terminal's clipboard (OSC 52).
    CopyToClipboard {
        text: String,
    },
    /// Journal how an action lakeops took ended (a query the console started and followed).
    Record {
        action: &'static str,
        target: String,
        detail: String,
        outcome: String,
    },
    /// A page of a finished query's results (`token` `None`: the first).
    FetchQueryResults {
        id: String,
        token: Option<String>,
        request: RequestId,
    },
    /// Write a query's results to `path` (every page: those not loaded yet are read as it
    /// writes); a file already there only when `replace` (the operator confirmed).
    ExportResults {
        id: String,
        path: String,
        json: bool,
        replace: bool,
        columns: Vec<crate::model::ResultColumn>,
        rows: Vec<Vec<Option<String>>>,
        next_token: Option<String>,
    },
    /// Glue jobs, runs, crawlers and the catalog.
    FetchGlue {
        id: RequestId,
        /// Read Lake Formation's grants too.
        governed: bool,
    },
    /// The watched state machines' executions started since `since`.
    FetchWorkflows {
        id: RequestId,
        since: DateTime<Utc>,
    },
    /// Reads an execution's input from `path` (at most Step Functions' 256 KiB).
    ReadExecutionInput {
        state_machine: String,
        path: String,
    },
    /// The execution `change` is for, as Step Functions describes it now, to check it first.
    DescribeExecution {
        change: crate::model::WorkflowChange,
    },
    /// The EMR clusters or Serverless applications with their steps or job runs.
    FetchEmr {
        id: RequestId,
    },
    /// The cluster `change` is for, with its steps as EMR lists them now, to check it first.
    DescribeCluster {
        change: crate::model::EmrChange,
    },
    Quit,
}
