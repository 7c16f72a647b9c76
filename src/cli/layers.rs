//! The subcommands of the platform's layers: Glue, Step Functions workflows, ingestion sources,
//! QuickSight, provisioning and EMR (`lakeops glue …`, `lakeops workflows …`, …).

use clap::{Args, Subcommand};

use super::ChangeArgs;

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct GlueArgs {
    #[command(subcommand)]
    pub action: Option<GlueCommand>,
    /// One JSON document: the jobs with their newest runs, and the crawlers.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum GlueCommand {
    /// Start a run of JOB (refused while the job is at its max concurrent runs).
    Run {
        job: String,
        /// A job argument for this run, KEY=VALUE (the leading -- of KEY is optional); repeatable.
        #[arg(long = "arg", value_name = "KEY=VALUE", allow_hyphen_values = true)]
        arguments: Vec<String>,
        /// Follow the run until it ends; exit 1 when it does not succeed.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Stop a live run of JOB (BatchStopJobRun).
    Stop {
        job: String,
        run_id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Start CRAWLER (refused while it is already running).
    Crawl {
        crawler: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct WorkflowsArgs {
    #[command(subcommand)]
    pub action: Option<WorkflowsCommand>,
    /// FAILED, TIMED_OUT and ABORTED executions only.
    #[arg(long)]
    pub failed: bool,
    /// How far back executions are listed: 1h, 24h, 7d.
    #[arg(long, value_name = "DURATION", default_value = "24h")]
    pub since: String,
    /// One JSON document: the state machines with their executions.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum WorkflowsCommand {
    /// Start an execution of STATE_MACHINE (one the profile watches).
    Start {
        state_machine: String,
        /// The execution's input, a JSON file (default: {}).
        #[arg(long, value_name = "FILE")]
        input: Option<std::path::PathBuf>,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Stop a RUNNING execution (it ends ABORTED).
    Stop {
        execution_arn: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Redrive a FAILED, TIMED_OUT or ABORTED execution from the state where it failed.
    Redrive {
        execution_arn: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Resume a Glue workflow run that ended with failed jobs or crawlers: they run again, and
    /// what follows them (ResumeWorkflowRun).
    Resume {
        workflow: String,
        run_id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum SourcesCommand {
    /// Resume a stopped or failed DMS task (from its checkpoint), or run a DataSync task or an
    /// on-demand AppFlow flow now; NAME as the profile's [platform.sources] names it.
    Start {
        name: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum QuicksightCommand {
    /// Refresh a SPICE dataset now (a full refresh; QuickSight allows 32 a day on request).
    Refresh {
        /// The dataset's id, as the profile's [platform.quicksight] datasets name it.
        dataset: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ProvisionCommand {
    /// Print the CloudFormation template (JSON) the profile makes; changes nothing, calls nothing.
    Template {
        /// One line, as sent to CloudFormation.
        #[arg(long)]
        compact: bool,
    },
    /// Show what applying would change: a change set, read as a diff, then discarded.
    Plan {
        /// Print the plan as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
    /// Plan, confirm, execute the change set; follow the stack events; print the outputs.
    Apply {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
        /// Return once the change set is executing, without following it.
        #[arg(long)]
        no_wait: bool,
    },
    /// Delete the stack (it names what is kept: buckets, KMS key, Athena workgroup, warehouse).
    Delete {
        /// Do not ask for the stack name.
        #[arg(long)]
        yes: bool,
        /// Return once deletion has started, without following it.
        #[arg(long)]
        no_wait: bool,
    },
    /// Detect drift: resources whose configuration is no longer what the stack deployed (exit 1
    /// when one is, after the list).
    Drift {
        /// Print the drifted resources as JSON on stdout.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Clone, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EmrArgs {
    #[command(subcommand)]
    pub action: Option<EmrCommand>,
    /// One JSON document: the clusters with their instance groups and steps, or the applications
    /// with their job runs.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum EmrCommand {
    /// A cluster's newest steps (any cluster, by id), with why each failed one failed.
    Steps {
        cluster_id: String,
        /// FAILED and INTERRUPTED steps only.
        #[arg(long)]
        failed: bool,
        /// The steps as JSON, each failed one with its reason and log file.
        #[arg(long)]
        json: bool,
    },
    /// Add a step to CLUSTER_ID from the profile's template TEMPLATE ([platform.emr.steps.TEMPLATE]).
    AddStep {
        cluster_id: String,
        template: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Cancel a PENDING or RUNNING step.
    Cancel {
        cluster_id: String,
        step_id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
    /// Terminate a cluster with no active step (its name typed to confirm, or --yes).
    Terminate {
        cluster_id: String,
        #[command(flatten)]
        change: ChangeArgs,
    },
}
