//! The OpenSearch domain that serves log analytics: its configuration (DescribeDomain) and its
//! health (AWS/ES in the snapshot's one GetMetricData call).

use serde::Serialize;

/// The cluster's colour, as OpenSearch reports it (ClusterStatus.green/.yellow/.red).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClusterColor {
    Green,
    Yellow,
    Red,
}

impl ClusterColor {
    pub fn name(self) -> &'static str {
        match self {
            ClusterColor::Green => "green",
            ClusterColor::Yellow => "yellow",
            ClusterColor::Red => "red",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchDomain {
    pub name: String,
    /// Whether the domain exists (false: named in the profile, not found).
    pub exists: bool,
    /// `OpenSearch_2.13`.
    pub engine_version: Option<String>,
    /// A configuration change is being applied (blue/green deployment).
    pub processing: bool,
    /// A version upgrade is under way.
    pub upgrading: bool,
    /// "r6g.large.search × 3".
    pub instances: Option<String>,
    /// Each data node's EBS volume, in GiB (free storage is judged against it).
    pub volume_gb: Option<u32>,
    /// Dedicated master nodes, when there are.
    pub masters: Option<String>,
    pub endpoint: Option<String>,
    /// Inside a VPC (no public endpoint).
    pub in_vpc: bool,
    pub encrypted_at_rest: bool,
    pub fine_grained_access: bool,
    /// The worst colour of the last minutes.
    pub color: Option<ClusterColor>,
    /// The node with the least free storage, in MiB.
    pub free_storage_mb: Option<f64>,
    pub jvm_memory_pressure: Option<f64>,
    pub cpu_percent: Option<f64>,
    /// HTTP 5xx answers in the last minute.
    pub errors_5xx: Option<f64>,
    /// Writes refused (ClusterIndexWritesBlocked 1).
    pub writes_blocked: bool,
    /// Automated snapshots that failed in the last minutes.
    pub snapshot_failures: Option<f64>,
}

impl SearchDomain {
    pub fn missing(name: &str) -> SearchDomain {
        SearchDomain {
            name: name.into(),
            exists: false,
            engine_version: None,
            processing: false,
            upgrading: false,
            instances: None,
            volume_gb: None,
            masters: None,
            endpoint: None,
            in_vpc: false,
            encrypted_at_rest: false,
            fine_grained_access: false,
            color: None,
            free_storage_mb: None,
            jvm_memory_pressure: None,
            cpu_percent: None,
            errors_5xx: None,
            writes_blocked: false,
            snapshot_failures: None,
        }
    }
}
