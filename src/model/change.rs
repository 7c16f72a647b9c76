//! Every change lakeops can make to a platform, as data. The write gate
//! (`platform::gate`) takes exactly these: it refuses them in read-only mode, passes them to the
//! backend and journals each under the name [`Change::action`] gives it.

use serde::{Deserialize, Serialize};

use super::{EmrChange, GlueChange, QueryRequest, Rerun, ReshardCall, SavedQuery, StackPlan, WorkflowChange};

/// One change to the platform.
#[derive(Debug, Clone, PartialEq)]
pub enum Change {
    /// UpdateShardCount, SplitShard, MergeShards or UpdateStreamMode, checked by `ops::reshard`.
    Reshard { stream: String, call: ReshardCall },
    /// Enable/DisableEnhancedMonitoring (shard-level metrics, which AWS bills).
    EnhancedMonitoring { stream: String, on: bool },
    /// StartJobRun, BatchStopJobRun or StartCrawler, checked by `ops::glue`.
    Glue(GlueChange),
    /// StartExecution, StopExecution or RedriveExecution, checked by `ops::workflow`.
    Workflow(WorkflowChange),
    /// AddJobFlowSteps, CancelSteps or TerminateJobFlows, checked by `ops::emr`.
    Emr(EmrChange),
    /// Resume a DMS task, start a DataSync task or an AppFlow flow, refresh a SPICE dataset,
    /// checked by `ops::rerun`.
    Rerun(Rerun),
    /// StartQueryExecution. A statement that only reads is not a change to the platform: read-only
    /// mode lets it through (`ops::change`).
    StartQuery(QueryRequest),
    /// StopQueryExecution. Read-only mode lets a session cancel the queries it started.
    StopQuery { id: String },
    /// CreateNamedQuery.
    SaveQuery(SavedQuery),
    /// CreateChangeSet (and reading it back): nothing changes yet, but a change set is a write.
    PlanStack { stack: String, template: String, parameters: Vec<(String, String)> },
    /// ExecuteChangeSet.
    ApplyPlan { stack: String, change_set: String },
    /// DeleteChangeSet: a plan that will not be applied.
    DiscardPlan { stack: String, change_set: String },
    /// DeleteStack.
    DeleteStack { stack: String },
    /// A change to the embedded sandbox itself.
    Sandbox(SandboxChange),
}

/// Changes only the sandbox makes: rehearsing incidents, starting afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxChange {
    Fault { fault: Fault, on: bool },
    Reset,
}

/// Incidents an operator can rehearse on the sandbox (`lakeops sandbox fault KIND`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Fault {
    ConsumerErrors,
    HotKey,
    TrafficSpike,
    EtlFailure,
    WarehouseLoad,
    WorkflowFailure,
    SparkOom,
    BadRecords,
    FirehoseStale,
    OpensearchRed,
    KafkaLag,
    DmsStopped,
    SpiceRefreshFailed,
}

impl Fault {
    /// Every fault, with its name and what it does, as `lakeops sandbox fault --help` lists them.
    const TABLE: [(Fault, &'static str, &'static str); 13] = [
        (
            Fault::ConsumerErrors,
            "consumer-errors",
            "The consumer fails a third of its batches: errors, iterator age climbs, the DLQ fills.",
        ),
        (Fault::HotKey, "hot-key", "One partition key carries most of the traffic: one shard runs hot and throttles."),
        (Fault::TrafficSpike, "traffic-spike", "Producers send more than twice their usual rate: the stream throttles."),
        (
            Fault::EtlFailure,
            "etl-failure",
            "Every ETL run fails: Glue critical, the etl-failed alarm, curated partitions fall behind.",
        ),
        (Fault::WarehouseLoad, "warehouse-load", "Redshift near capacity: CPU pinned, connections pile up, disk fills."),
        (
            Fault::WorkflowFailure,
            "workflow-failure",
            "The nightly state machine's Glue job step fails: the execution fails at RunCurateJob, the nightly-failed \
             alarm fires; redrive it once the fault is off.",
        ),
        (
            Fault::SparkOom,
            "spark-oom",
            "The EMR cluster's Spark steps run out of memory: each fails a few minutes in, killed by YARN, with its \
             log file named.",
        ),
        (
            Fault::BadRecords,
            "bad-records",
            "A producer sends events without a user id: the curated table fails its Data Quality completeness rule \
             at the next curate run, a Glue warning naming the rule.",
        ),
        (
            Fault::FirehoseStale,
            "firehose-stale",
            "The raw bucket's policy stops admitting Firehose: deliveries to S3 fail, the oldest undelivered record \
             ages, the delivery-freshness alarm fires.",
        ),
        (
            Fault::OpensearchRed,
            "opensearch-red",
            "The OpenSearch domain loses a data node: primary shards unassigned, the cluster turns red, 5xx answers.",
        ),
        (
            Fault::KafkaLag,
            "kafka-lag",
            "The Kafka consumer group falls behind after a deploy: its lag grows on every topic, the kafka-lag alarm \
             fires.",
        ),
        (
            Fault::DmsStopped,
            "dms-stopped",
            "The DMS replication task stops: its source endpoint's password was rotated, nothing lands from the \
             database.",
        ),
        (
            Fault::SpiceRefreshFailed,
            "spice-refresh-failed",
            "QuickSight's service role loses its Athena access: every SPICE refresh fails, the dashboards show old data.",
        ),
    ];

    pub const ALL: [Fault; 13] = {
        let mut all = [Fault::ConsumerErrors; 13];
        let mut i = 0;
        while i < 13 {
            all[i] = Fault::TABLE[i].0;
            i += 1;
        }
        all
    };

    fn entry(self) -> &'static (Fault, &'static str, &'static str) {
        &Fault::TABLE[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.entry().1
    }

    /// What it does, in a sentence.
    pub fn help(self) -> &'static str {
        self.entry().2
    }

    pub fn parse(name: &str) -> Option<Fault> {
        // "failing-etl" was the first name of etl-failure; scripts written then keep working.
        let name = if name == "failing-etl" { "etl-failure" } else { name };
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[cfg(test)]
mod fault_tests {
    use super::Fault;

    #[test]
    fn the_table_is_in_the_order_of_the_enum() {
        for (i, (fault, ..)) in Fault::TABLE.iter().enumerate() {
            assert_eq!(*fault as usize, i, "{}", fault.name());
        }
    }
}

/// What the platform answered to a change that was made.
#[derive(Debug, Clone, PartialEq)]
pub enum Applied {
    /// Done, nothing more to say.
    Done,
    /// The answer in words or the id it made: "run jr_… started", a query's execution id.
    Answer(String),
    /// The change set a plan made, read back.
    Plan(Box<StackPlan>),
    /// The change's answer was lost (a timeout, a dropped connection, a server error) and reading
    /// the state back showed it happened: `seen` is what was read back, `lost` the failure.
    Landed { applied: Box<Applied>, seen: String, lost: String },
}

impl Applied {
    /// The answer in words (an id for a query, a run, a saved query); empty for `Done`.
    pub fn answer(&self) -> String {
        match self {
            Applied::Answer(text) => text.clone(),
            Applied::Plan(plan) => plan.change_set.clone().unwrap_or_default(),
            Applied::Done => String::new(),
            Applied::Landed { applied, .. } => applied.answer(),
        }
    }

    /// How reading back confirmed a change whose answer was lost, in words, if it was.
    pub fn confirmation(&self) -> Option<String> {
        match self {
            Applied::Landed { seen, lost, .. } => {
                Some(format!("landed (confirmed by reading back: {seen}); its answer was lost: {lost}"))
            }
            _ => None,
        }
    }

    /// The plan, when the change was a plan, to add what was found after it was made.
    pub fn plan_mut(&mut self) -> Option<&mut StackPlan> {
        match self {
            Applied::Plan(plan) => Some(plan),
            Applied::Landed { applied, .. } => applied.plan_mut(),
            _ => None,
        }
    }

    /// The plan, when the change was a plan.
    pub fn into_plan(self) -> Option<StackPlan> {
        match self {
            Applied::Plan(plan) => Some(*plan),
            Applied::Landed { applied, .. } => applied.into_plan(),
            _ => None,
        }
    }
}

/// The journal's action of a query started (`Change::StartQuery`), and of one cancelled.
pub const QUERY_ACTION: &str = "athena.query";
pub const STOP_QUERY_ACTION: &str = "athena.stop-query";

impl Change {
    /// The journal's name for the change. The scheme, one for every entry: `<area>.<operation>`,
    /// lower-case words joined by hyphens; the area is the part of lakeops that acts (`reshard`,
    /// `kinesis`, `glue`, `states`, `emr`, `dms`, `datasync`, `appflow`, `quicksight`, `athena`, `stack`, `sandbox`), the operation names
    /// what it does.
    pub fn action(&self) -> &'static str {
        match self {
            Change::Reshard { call, .. } => call.action(),
            Change::EnhancedMonitoring { on: true, .. } => "kinesis.enable-enhanced-monitoring",
            Change::EnhancedMonitoring { on: false, .. } => "kinesis.disable-enhanced-monitoring",
            Change::Glue(change) => change.action(),
            Change::Workflow(change) => change.action(),
            Change::Emr(change) => change.action(),
            Change::Rerun(rerun) => rerun.action(),
            Change::StartQuery(_) => QUERY_ACTION,
            Change::StopQuery { .. } => STOP_QUERY_ACTION,
            Change::SaveQuery(_) => "athena.save-query",
            Change::PlanStack { .. } => "stack.plan",
            Change::ApplyPlan { .. } => "stack.apply",
            Change::DiscardPlan { .. } => "stack.discard-plan",
            Change::DeleteStack { .. } => "stack.delete",
            Change::Sandbox(SandboxChange::Fault { .. }) => "sandbox.fault",
            Change::Sandbox(SandboxChange::Reset) => "sandbox.reset",
        }
    }

    /// What the change is made to: a stream, job, crawler, workgroup, query, stack or fault.
    pub fn target(&self) -> &str {
        match self {
            Change::Reshard { stream, .. } | Change::EnhancedMonitoring { stream, .. } => stream,
            Change::Glue(change) => change.target(),
            Change::Workflow(change) => change.target(),
            Change::Emr(change) => change.target(),
            Change::Rerun(rerun) => rerun.target(),
            Change::StartQuery(request) => &request.workgroup,
            Change::StopQuery { id } => id,
            Change::SaveQuery(query) => &query.workgroup,
            Change::PlanStack { stack, .. }
            | Change::ApplyPlan { stack, .. }
            | Change::DiscardPlan { stack, .. }
            | Change::DeleteStack { stack } => stack,
            Change::Sandbox(SandboxChange::Fault { fault, .. }) => fault.name(),
            Change::Sandbox(SandboxChange::Reset) => "sandbox",
        }
    }

    /// The change in a few words, for refusals and confirmations: "UpdateShardCount on s".
    pub fn what(&self) -> String {
        match self {
            Change::Reshard { stream, call } => format!("{} on {stream}", call.named()),
            Change::EnhancedMonitoring { stream, on } => {
                format!("{} on {stream}", if *on { "EnableEnhancedMonitoring" } else { "DisableEnhancedMonitoring" })
            }
            Change::Glue(change) => format!("{} {}", change.api_name(), change.target()),
            Change::Workflow(change) => format!("{} {}", change.api_name(), change.target()),
            Change::Emr(change) => change.what(),
            Change::Rerun(rerun) => rerun.what(),
            Change::StartQuery(request) => format!("this statement in {}", request.workgroup),
            Change::StopQuery { id } => format!("stopping query {id}"),
            // Read-only mode refuses before a name is typed.
            Change::SaveQuery(query) if query.name.is_empty() => "saving a query".to_string(),
            Change::SaveQuery(query) => format!("saving the query {:?}", query.name),
            Change::PlanStack { stack, .. } => format!("planning {stack} (a change set is a write)"),
            Change::ApplyPlan { stack, .. } => format!("applying to {stack}"),
            Change::DiscardPlan { stack, change_set } => format!("deleting the change set {change_set} of {stack}"),
            Change::DeleteStack { stack } => format!("deleting {stack}"),
            Change::Sandbox(SandboxChange::Fault { fault, on }) => {
                format!("turning the {} fault {}", fault.name(), if *on { "on" } else { "off" })
            }
            Change::Sandbox(SandboxChange::Reset) => "resetting the sandbox".into(),
        }
    }
}
