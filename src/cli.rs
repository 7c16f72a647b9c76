//! The command line: the contract scripts rely on (DESIGN.md, "Command line").

use clap::{Args, Parser, Subcommand, ValueEnum};

mod layers;
pub use layers::{
    EmrArgs, EmrCommand, GlueArgs, GlueCommand, ProvisionCommand, QuicksightCommand, SourcesCommand, WorkflowsArgs,
    WorkflowsCommand,
};

#[derive(Debug, Parser)]
#[command(
    name = "lakeops",
    version,
    about = "A terminal operations console for streaming data-lake platforms on AWS",
    long_about = "A terminal operations console for streaming data-lake platforms on AWS.\n\n\
        With no subcommand, opens the console. With no profile, opens the embedded sandbox.\n\
        Exit codes: 0 done; 1 the platform failed or could not be reached; 2 bad input;\n\
        3 refused (read-only mode, a safety rule, not confirmed)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// The command line of this process. An argument that starts with an SQL comment (`-- …`, as
    /// SQL pasted from an editor often does) is SQL, not an option: it is read with a space before
    /// it, which SQL ignores (its lines and columns stay as written), so that clap does not take
    /// it for one.
    pub fn from_args() -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::env::args_os().map(|arg| match arg.to_str() {
            Some(text) if starts_with_comment(text) => format!(" {text}").into(),
            _ => arg,
        }))
    }
}

/// `-- daily count⏎SELECT …`: two hyphens and a space, a tab or the end of the line.
fn starts_with_comment(arg: &str) -> bool {
    arg.strip_prefix("--").and_then(|rest| rest.chars().next()).is_some_and(char::is_whitespace)
}

#[derive(Debug, Clone, Args)]
pub struct Global {
    /// Profile name (yours in $XDG_CONFIG_HOME/lakeops/profiles, or a built-in) or a path to a .toml file;
    /// several, comma-separated (prod,staging), open the fleet overview (the console and `status` only).
    #[arg(long, global = true, value_name = "NAME|PATH[,…]", env = "LAKEOPS_PROFILE")]
    pub profile: Option<String>,
    /// Every profile of yours ($XDG_CONFIG_HOME/lakeops/profiles; built-ins left out) at once: the
    /// fleet overview, or `status` of each.
    #[arg(long, global = true)]
    pub all: bool,
    /// Theme name (default, light, high-contrast, or yours) or a path to a .toml file.
    #[arg(long, global = true, value_name = "NAME|PATH")]
    pub theme: Option<String>,
    /// Refuse every mutating action, in the console and headless.
    #[arg(long, global = true)]
    pub readonly: bool,
    /// AWS region, over the profile's.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Endpoint URL for every AWS service (LocalStack, moto), over the profile's.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Sandbox time runs N times faster than the wall clock.
    #[arg(long, global = true, value_name = "N")]
    pub speed: Option<f64>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Per layer: health, the reason in words, key numbers.
    Status {
        /// Print JSON on stdout and nothing else (documented in docs/status-json.md).
        #[arg(long)]
        json: bool,
    },
    /// Each freshness objective of the profile's [slo] (docs/slo.md): the dataset, its last update,
    /// its lag, its state and the error budget left over the window. Exit 1 when one is broken.
    Slo {
        /// Print JSON on stdout and nothing else (documented in docs/slo.md).
        #[arg(long)]
        json: bool,
    },
    /// Reshard a stream: scale uniformly, split a hot shard, merge cold neighbours, switch mode.
    Reshard(ReshardArgs),
    /// Read records off a stream: JSON pretty-printed, other data as text or a hex dump.
    Peek(PeekArgs),
    /// Run one Athena query: progress and cost on stderr, results on stdout (or --output).
    Query(QueryArgs),
    /// Who changed what: CloudTrail events (and lakeops' own journal), newest first.
    Audit(AuditArgs),
    /// A Lambda function's CloudWatch Logs (the profile's consumer by default); --follow tails.
    Logs(LogsArgs),
    /// Glue: the profile's jobs with their newest runs (ids to stop) and crawlers; start a job
    /// run, stop a run, start a crawler (checked, confirmed, journaled).
    Glue(GlueArgs),
    /// Step Functions: the watched state machines' executions, newest first; start, stop or
    /// redrive one (checked, confirmed, journaled).
    Workflows(WorkflowsArgs),
    /// EMR: the watched clusters with their steps (or the Serverless application's job runs);
    /// add a step from a template, cancel a step, terminate an idle cluster.
    Emr(EmrArgs),
    /// One of the layers a profile adds, resource by resource with health and reason: msk,
    /// sources, firehose, opensearch, quicksight.
    Show {
        /// The layer.
        #[arg(value_parser = layer_parser())]
        layer: crate::model::Layer,
        /// Print JSON: the rows, and the layer as read.
        #[arg(long)]
        json: bool,
    },
    /// The landing zone's sources: `start NAME` resumes a stopped DMS task, or runs a DataSync
    /// task or an on-demand AppFlow flow now (checked, confirmed, journaled). `lakeops show
    /// sources` lists them.
    Sources {
        #[command(subcommand)]
        action: SourcesCommand,
    },
    /// QuickSight: `refresh DATASET` refreshes a SPICE dataset now (checked, confirmed,
    /// journaled). `lakeops show quicksight` lists the datasets and their refreshes.
    Quicksight {
        #[command(subcommand)]
        action: QuicksightCommand,
    },
    /// Lake Formation: who may read which tables and columns. With a table and a principal:
    /// the grants that apply, or that none does ("why can't X query Y?").
    Grants {
        /// DATABASE.TABLE (or TABLE in the profile's database); all of the database without it.
        table: Option<String>,
        /// A principal's ARN, or a role or user name.
        #[arg(long)]
        principal: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// The platform's CloudFormation stack, from the profile: template, plan, apply, delete, drift.
    Provision {
        #[command(subcommand)]
        action: ProvisionCommand,
    },
    /// The embedded sandbox: start afresh, or inject a fault to rehearse an incident.
    Sandbox {
        #[command(subcommand)]
        action: SandboxCommand,
    },
    /// The runbook of an alarm, a sandbox fault or a layer, from the profile's [runbooks]: its text
    /// (or URL) and the lakeops commands it suggests. Reads no platform; exit 2 when none is
    /// configured for NAME.
    Runbook {
        /// An alarm's name (clickstream-iterator-age), a fault's name (consumer-errors) or a layer's
        /// id (kinesis).
        name: String,
        /// Print JSON: the runbook's text or URL and its suggested commands.
        #[arg(long)]
        json: bool,
    },
    /// Every key of the console, view by view, as configured (cheat sheet; --markdown: docs/keys.md).
    Keys(KeysArgs),
    /// List the profiles lakeops can find.
    Profiles,
    /// List the themes lakeops can find.
    Themes,
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff, for man): every command and option on one page.
    Manpage,
}

#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("change").required(true).args(["to", "split", "merge", "mode"])))]
pub struct ReshardArgs {
    /// The stream to change.
    pub stream: String,
    /// Scale uniformly to N open shards (UpdateShardCount; provisioned streams only).
    #[arg(long, value_name = "N")]
    pub to: Option<u32>,
    /// Split this shard, at the midpoint of its hash-key range unless --at says where.
    #[arg(long, value_name = "SHARD")]
    pub split: Option<String>,
    /// With --split: the new starting hash key (a decimal 128-bit integer).
    #[arg(long, value_name = "HASH_KEY", requires = "split", conflicts_with_all = ["to", "merge", "mode"])]
    pub at: Option<u128>,
    /// Merge two adjacent open shards.
    #[arg(long, num_args = 2, value_names = ["SHARD", "ADJACENT"])]
    pub merge: Option<Vec<String>>,
    /// Switch the capacity mode.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Return once the call is accepted instead of waiting for the stream to be ACTIVE.
    #[arg(long)]
    pub no_wait: bool,
}

/// What every mutating command takes.
#[derive(Debug, Clone, Copy, Args)]
pub struct ChangeArgs {
    /// Print the plan and change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Args)]
pub struct QueryArgs {
    /// The SQL, or - to read it from stdin.
    pub sql: String,
    /// Database (default: the profile's platform.glue.database).
    #[arg(long, value_name = "D")]
    pub database: Option<String>,
    /// Workgroup (default: the profile's platform.athena.workgroup).
    #[arg(long, value_name = "W")]
    pub workgroup: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: QueryFormat,
    /// Write the results to FILE instead of stdout (checked before the query runs; replaced only
    /// when every row is written).
    #[arg(long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// Write cells as they are: no escape sequences or control characters replaced, no CSV formula
    /// neutralised (for pipelines that want the bytes; never for a terminal or a spreadsheet).
    #[arg(long)]
    pub raw: bool,
    /// Run a statement that may change the catalog or the data (DROP, INSERT, CREATE TABLE AS, …)
    /// without asking; a query that only reads never asks.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum QueryFormat {
    /// Columns fitted to the terminal's width.
    Table,
    /// RFC 4180; NULL is an empty field, an empty string "".
    Csv,
    /// An array of objects keyed by column name, typed as the result metadata says.
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct LogsArgs {
    /// The function (default: the profile's platform.lambda.function).
    pub function: Option<String>,
    /// How far back: 15m, 1h, 2d.
    #[arg(long, value_name = "DURATION", default_value = "15m")]
    pub since: String,
    /// Errors and timeouts only.
    #[arg(long)]
    pub errors: bool,
    /// At most this many events, the newest (1–10000).
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub limit: usize,
    /// Keep printing events as they arrive (polls every 2 s; stop with Ctrl-C).
    #[arg(long)]
    pub follow: bool,
    /// One JSON object a line: id, time, stream, message, kind.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct PeekArgs {
    /// The stream to read.
    pub stream: String,
    /// One shard (default: every open shard).
    #[arg(long, value_name = "SHARD")]
    pub shard: Option<String>,
    /// Where to start: latest, trim-horizon, or a time such as 2026-03-20T10:00:00Z.
    #[arg(long, value_name = "WHERE", default_value = "latest")]
    pub from: String,
    /// At most this many records (1–10000): 10 by default; with --follow, as many as arrive
    /// until Ctrl-C unless given.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Keep reading and print records as they arrive (stop with Ctrl-C, or after --limit).
    #[arg(long)]
    pub follow: bool,
    /// Without --follow: stop waiting for records after this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 5)]
    pub wait: u64,
    /// JSON on stdout: an array (JSON lines with --follow).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// How far back: 15m, 1h, 2d (CloudTrail keeps 90 days).
    #[arg(long, value_name = "DURATION", default_value = "1h")]
    pub since: String,
    /// Only events by this user or role session, its whole name as CloudTrail records it
    /// (alice.ops; CloudTrail's lookup matches whole names, case and all).
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
    /// Only events from this source, its whole name: kinesis.amazonaws.com (lakeops: the
    /// journal's).
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// Only events on this resource, its whole name (a stream, a function, a job, an ARN).
    #[arg(long, value_name = "RESOURCE")]
    pub resource: Option<String>,
    /// Only changes (write events).
    #[arg(long)]
    pub writes: bool,
    /// Only changes made through lakeops: this machine's journal, and CloudTrail's writes whose
    /// user agent carries lakeops' app name (anyone on the team, any machine).
    #[arg(long)]
    pub lakeops: bool,
    /// At most this many events (1–1000).
    #[arg(long, value_name = "N", default_value_t = 50)]
    pub limit: usize,
    /// JSON on stdout: an array of events with the full CloudTrail record.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct KeysArgs {
    /// Only this view's keys (its name on the `:` line, e.g. streams).
    #[arg(long, value_name = "VIEW")]
    pub view: Option<String>,
    /// JSON on stdout: every context with its bindings.
    #[arg(long, conflicts_with = "markdown")]
    pub json: bool,
    /// Markdown tables, as in docs/keys.md.
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    OnDemand,
    Provisioned,
}

impl From<ModeArg> for crate::model::CapacityMode {
    fn from(m: ModeArg) -> Self {
        match m {
            ModeArg::OnDemand => crate::model::CapacityMode::OnDemand,
            ModeArg::Provisioned => crate::model::CapacityMode::Provisioned,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SandboxCommand {
    /// Delete the sandbox's saved state; the next run starts afresh.
    Reset {
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
    /// Turn a fault on (or off with --off).
    Fault {
        #[arg(value_parser = fault_parser())]
        kind: crate::sandbox::Fault,
        /// Turn the fault off.
        #[arg(long)]
        off: bool,
        /// Do not ask for confirmation.
        #[arg(long)]
        yes: bool,
    },
}

/// The layers `lakeops show` lists, by their ids (as `status --json` names them).
fn layer_parser() -> impl clap::builder::TypedValueParser<Value = crate::model::Layer> {
    const LAYERS: [crate::model::Layer; 5] = crate::model::Layer::LISTED;
    use clap::builder::TypedValueParser;
    let values = LAYERS.map(|l| clap::builder::PossibleValue::new(l.id()).help(l.title()));
    clap::builder::PossibleValuesParser::new(values)
        .try_map(|id: String| LAYERS.into_iter().find(|l| l.id() == id).ok_or_else(|| format!("unknown layer {id:?}")))
}

/// The faults as the command line takes them: each fault's name and help, from [`Fault`]'s one table.
///
/// [`Fault`]: crate::sandbox::Fault
fn fault_parser() -> impl clap::builder::TypedValueParser<Value = crate::sandbox::Fault> {
    use crate::sandbox::Fault;
    use clap::builder::TypedValueParser;
    let values = Fault::ALL.map(|f| {
        let value = clap::builder::PossibleValue::new(f.name()).help(f.help());
        // "failing-etl" was the first name of etl-failure; scripts written then keep working.
        if f == Fault::EtlFailure {
            value.alias("failing-etl")
        } else {
            value
        }
    });
    clap::builder::PossibleValuesParser::new(values)
        .try_map(|name: String| Fault::parse(&name).ok_or_else(|| format!("unknown fault {name:?}")))
}

impl Global {
    /// The flags given on the command line that every profile takes, as arguments again (without
    /// `--profile` and `--all`): what the fleet passes on to a profile's own console.
    pub fn passed_on(&self) -> Vec<String> {
        let mut flags = Vec::new();
        if self.readonly {
            flags.push("--readonly".to_string());
        }
        let valued = [
            ("--theme", self.theme.clone()),
            ("--region", self.region.clone()),
            ("--endpoint-url", self.endpoint_url.clone()),
            ("--speed", self.speed.map(|s| s.to_string())),
        ];
        for (flag, value) in valued {
            if let Some(value) = value {
                flags.push(flag.to_string());
                flags.push(value);
            }
        }
        flags
    }
}

impl From<&Global> for crate::settings::Overrides {
    fn from(g: &Global) -> Self {
        crate::settings::Overrides {
            profile: g.profile.clone(),
            theme: g.theme.clone(),
            readonly: g.readonly,
            region: g.region.clone(),
            endpoint_url: g.endpoint_url.clone(),
            speed: g.speed,
        }
    }
}
