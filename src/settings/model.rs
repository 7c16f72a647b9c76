//! The typed settings, as deserialized from the merged layers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub name: String,
    pub backend: Backend,
    pub aws: AwsSettings,
    pub platform: PlatformSettings,
    pub console: ConsoleSettings,
    pub sandbox: SandboxSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum Backend {
    Aws,
    Sandbox,
}

impl Backend {
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Aws => "aws",
            Backend::Sandbox => "sandbox",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AwsSettings {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Where a template over CloudFormation's inline limit is put (`provision::staging`); unset,
    /// lakeops' own bucket of the account and Region.
    pub template_bucket: Option<String>,
    pub max_attempts: u32,
    pub initial_backoff_ms: u64,
    pub connect_timeout_ms: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlatformSettings {
    pub stack_name: String,
    pub discover: bool,
    pub stream: StreamSettings,
    pub lambda: LambdaSettings,
    pub lake: LakeSettings,
    pub glue: GlueSettings,
    pub redshift: RedshiftSettings,
    pub athena: AthenaSettings,
    #[serde(default)]
    pub dlq: DlqSettings,
    pub alarms: AlarmSettings,
    pub orchestration: OrchestrationSettings,
    pub emr: EmrSettings,
    pub lakeformation: LakeFormationSettings,
    pub firehose: FirehoseSettings,
    pub opensearch: OpenSearchSettings,
    pub msk: MskSettings,
    pub sources: SourcesSettings,
    pub quicksight: QuicksightSettings,
    pub network: NetworkSettings,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum StreamMode {
    Provisioned,
    OnDemand,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StreamSettings {
    /// Derived from the stack name when the profile does not set it (settings/naming.rs).
    #[serde(default)]
    pub name: String,
    pub mode: StreamMode,
    pub shards: u32,
    pub retention_hours: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaSettings {
    /// Derived from the stack name when the profile does not set it (settings/naming.rs).
    #[serde(default)]
    pub function: String,
    pub batch_size: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LakeSettings {
    pub glacier_after_days: u32,
    pub raw_bucket: Option<String>,
    pub curated_bucket: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlueSettings {
    // The three names are derived from the stack name when the profile does not set them.
    #[serde(default)]
    pub database: String,
    #[serde(default)]
    pub crawler: String,
    #[serde(default)]
    pub job: String,
    pub schedule: String,
    /// S3 URI of the ETL script for provisioning; unset: `s3://<curated bucket>/scripts/<job>.py`.
    pub script_location: Option<String>,
}

pub use crate::model::RedshiftMode;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RedshiftSettings {
    pub mode: RedshiftMode,
    /// Derived from the stack name when the profile does not set it (settings/naming.rs).
    #[serde(default)]
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AthenaSettings {
    /// Derived from the stack name when the profile does not set it (settings/naming.rs).
    #[serde(default)]
    pub workgroup: String,
    pub bytes_scanned_cutoff: u64,
    pub price_per_tb_usd: f64,
    pub minimum_billed_mb: u64,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DlqSettings {
    /// Derived from the stack name when the profile does not set it (settings/naming.rs).
    #[serde(default)]
    pub queue: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmSettings {
    pub iterator_age_seconds: u64,
    pub lambda_error_rate: f64,
    /// The provisioned Redshift CPU alarm's line, in percent.
    pub redshift_cpu_percent: f64,
    /// Alarms watched besides those named `<stack_name>-…`.
    #[serde(default)]
    pub names: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OrchestrationSettings {
    /// Whether the stack creates the nightly state machine (and the console watches it).
    pub nightly: bool,
    /// When EventBridge starts it (a `cron(…)` or `rate(…)` expression).
    pub schedule: String,
    /// The nightly state machine's name; derived from the stack name when the profile does not
    /// set it (settings/naming.rs).
    #[serde(default)]
    pub state_machine: String,
    /// Other state machines watched, by name.
    pub state_machines: Vec<String>,
    /// Glue workflows watched, by name.
    pub glue_workflows: Vec<String>,
}

impl OrchestrationSettings {
    /// Every state machine the console watches: the nightly one first, then the profile's.
    pub fn watched_state_machines(&self) -> Vec<String> {
        let mut names = Vec::new();
        if self.nightly {
            names.push(self.state_machine.clone());
        }
        for name in &self.state_machines {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

pub use crate::model::EmrMode;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EmrSettings {
    /// `off`, `serverless` (the stack creates an application) or `cluster` (a cluster the team
    /// runs, found by name).
    pub mode: EmrMode,
    /// The cluster's or application's name; derived from the stack name when the profile does
    /// not set it (settings/naming.rs).
    #[serde(default)]
    pub name: String,
    /// What an hour of the cluster costs in USD, to price its idle time (0: not said).
    pub cost_per_hour: f64,
    /// A cluster idle this long with nothing to do is a warning.
    pub idle_warn_minutes: u64,
    /// Steps an operator may add, by template name (`[platform.emr.steps.NAME]`).
    #[serde(default)]
    pub steps: std::collections::BTreeMap<String, crate::model::StepSpec>,
}

impl EmrSettings {
    /// The Processing layer as the profile frames it, with nothing read yet.
    pub fn empty_status(&self) -> crate::model::ProcessingStatus {
        crate::model::ProcessingStatus {
            mode: self.mode,
            name: self.name.clone(),
            clusters: Vec::new(),
            applications: Vec::new(),
            cost_per_hour: self.cost_per_hour,
            idle_warn_minutes: self.idle_warn_minutes,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LakeFormationSettings {
    /// Whether Lake Formation governs the catalog: the stack registers the lake's locations and
    /// grants the analysts' role SELECT on the curated tables; `:glue` and `lakeops grants` read
    /// the grants.
    pub enabled: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FirehoseSettings {
    /// Whether the stack creates a delivery stream from the Kinesis stream into the raw zone.
    pub create: bool,
    /// That stream's name; derived from the stack name when the profile does not set it.
    #[serde(default)]
    pub delivery_stream: String,
    /// Other delivery streams watched, by name.
    pub delivery_streams: Vec<String>,
}

impl FirehoseSettings {
    /// Every delivery stream watched: the stack's first, then the profile's.
    pub fn watched(&self) -> Vec<String> {
        let created = self.create.then(|| self.delivery_stream.clone());
        let mut names: Vec<String> = created.into_iter().collect();
        for name in &self.delivery_streams {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenSearchSettings {
    /// The log-analytics domain watched; empty: none.
    pub domain: String,
    /// Whether the stack creates it (in the VPC, encrypted, fine-grained access control).
    pub create: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MskSettings {
    /// The MSK cluster the platform ingests through; empty: none.
    pub cluster: String,
    /// The consumer groups whose lag is watched.
    pub consumer_groups: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourcesSettings {
    /// DMS replication task identifiers.
    pub dms_tasks: Vec<String>,
    /// DataSync tasks, by name or ARN.
    pub datasync_tasks: Vec<String>,
    /// AppFlow flow names.
    pub appflow_flows: Vec<String>,
    /// Data is expected to land from each source at least this often.
    pub expect_within_minutes: u64,
}

impl SourcesSettings {
    /// Each kind of source with the names the profile gives it: the one list the profile's checks,
    /// `lakeops sources start NAME` and the readers go through.
    pub fn named(&self) -> [(crate::model::SourceKind, &[String]); 3] {
        use crate::model::SourceKind;
        [
            (SourceKind::Dms, &self.dms_tasks),
            (SourceKind::DataSync, &self.datasync_tasks),
            (SourceKind::AppFlow, &self.appflow_flows),
        ]
    }

    pub fn any(&self) -> bool {
        self.named().iter().any(|(_, names)| !names.is_empty())
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct QuicksightSettings {
    /// The SPICE datasets behind the dashboards, by dataset id.
    pub datasets: Vec<String>,
    /// Each is expected to refresh at least this often.
    pub refresh_within_hours: u64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkSettings {
    pub enabled: bool,
    pub cidr: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConsoleSettings {
    pub refresh_seconds: u64,
    pub theme: String,
    pub readonly: bool,
    /// The most memory the record peek keeps records in.
    #[serde(default = "default_peek_memory_mib")]
    pub peek_memory_mib: u64,
    /// The profile's colour (a name or `#rrggbb`): its badge in the header and its row in the fleet,
    /// so that production never looks like staging.
    #[serde(default)]
    pub color: Option<String>,
}

impl ConsoleSettings {
    /// `color` as a terminal colour (validated when the settings were loaded).
    pub fn profile_color(&self) -> Option<ratatui::style::Color> {
        self.color.as_deref().and_then(|c| super::theme::parse_color(c).ok())
    }
}

fn default_peek_memory_mib() -> u64 {
    crate::app::peek::DEFAULT_MEMORY_MIB
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SandboxSettings {
    pub seed: u64,
    pub speed: f64,
    pub peak_records_per_second: f64,
    pub record_bytes: u32,
    pub lambda_error_rate: f64,
    pub glue_failure_rate: f64,
    /// The most memory a query's worker may take, MiB (`sandbox::engine::memory`).
    pub engine_memory_mib: u64,
}

/// Parses one of `names` (as written in profiles) with a message that lists them.
fn choose<T: Copy>(value: &str, names: &[(&str, T)]) -> Result<T, String> {
    names.iter().find(|(n, _)| *n == value).map(|(_, v)| *v).ok_or_else(|| {
        let list: Vec<String> = names.iter().map(|(n, _)| format!("`{n}`")).collect();
        let hint = super::error::did_you_mean(value, names.iter().map(|(n, _)| *n));
        format!("expected one of {}, found {value:?}{hint}", list.join(", "))
    })
}

impl TryFrom<String> for Backend {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        choose(&v, &[("aws", Backend::Aws), ("sandbox", Backend::Sandbox)])
    }
}

impl TryFrom<String> for StreamMode {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        choose(&v, &[("provisioned", StreamMode::Provisioned), ("on-demand", StreamMode::OnDemand)])
    }
}

impl TryFrom<String> for RedshiftMode {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        choose(
            &v,
            &[("serverless", RedshiftMode::Serverless), ("cluster", RedshiftMode::Cluster), ("off", RedshiftMode::Off)],
        )
    }
}

impl TryFrom<String> for EmrMode {
    type Error = String;
    fn try_from(v: String) -> Result<Self, String> {
        choose(&v, &[("off", EmrMode::Off), ("serverless", EmrMode::Serverless), ("cluster", EmrMode::Cluster)])
    }
}
