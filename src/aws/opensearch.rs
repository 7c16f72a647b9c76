//! OpenSearch Service: the log-analytics domain's configuration (DescribeDomain) as the model
//! holds it. Its health comes from `AWS/ES` in the overview's one GetMetricData call.

use aws_sdk_opensearch::types::DomainStatus;
use aws_sdk_opensearch::Client;

use super::errors::{code, platform_error};
use crate::model::SearchDomain;
use crate::platform::PlatformError;

/// The domain's configuration; `None` when OpenSearch does not know it.
pub async fn describe(client: &Client, name: &str) -> Result<Option<SearchDomain>, PlatformError> {
    match client.describe_domain().domain_name(name).send().await {
        Ok(out) => Ok(Some(match out.domain_status() {
            Some(status) => domain(name, status),
            None => SearchDomain { exists: true, ..SearchDomain::missing(name) },
        })),
        Err(e) if code(&e) == Some("ResourceNotFoundException") => Ok(None),
        Err(e) => Err(platform_error("OpenSearch DescribeDomain", e)),
    }
}

fn domain(name: &str, d: &DomainStatus) -> SearchDomain {
    let mut s = SearchDomain::missing(name);
    s.exists = d.deleted() != Some(true);
    s.engine_version = d.engine_version().map(str::to_string);
    s.processing = d.processing().unwrap_or(false);
    s.upgrading = d.upgrade_processing().unwrap_or(false);
    if let Some(c) = d.cluster_config() {
        s.instances = nodes(c.instance_type().map(|t| t.as_str()), c.instance_count());
        if c.dedicated_master_enabled() == Some(true) {
            s.masters = nodes(c.dedicated_master_type().map(|t| t.as_str()), c.dedicated_master_count());
        }
    }
    s.volume_gb = d
        .ebs_options()
        .filter(|e| e.ebs_enabled() != Some(false))
        .and_then(|e| e.volume_size())
        .and_then(|g| u32::try_from(g).ok());
    // A domain in a VPC answers `Endpoints` ("vpc" → host); a public one `Endpoint`.
    s.endpoint = d.endpoint().map(str::to_string).or_else(|| {
        let endpoints = d.endpoints()?;
        endpoints.get("vpc").or_else(|| endpoints.values().min()).cloned()
    });
    s.in_vpc = d.vpc_options().is_some_and(|v| v.vpc_id().is_some() || !v.subnet_ids().is_empty());
    s.encrypted_at_rest = d.encryption_at_rest_options().and_then(|e| e.enabled()).unwrap_or(false);
    s.fine_grained_access = d.advanced_security_options().and_then(|a| a.enabled()).unwrap_or(false);
    s
}

/// "r6g.large.search × 3".
fn nodes(kind: Option<&str>, count: Option<i32>) -> Option<String> {
    match (kind, count) {
        (Some(kind), Some(n)) => Some(format!("{kind} × {n}")),
        (Some(kind), None) => Some(kind.to_string()),
        (None, Some(n)) => Some(format!("{n} nodes")),
        (None, None) => None,
    }
}
