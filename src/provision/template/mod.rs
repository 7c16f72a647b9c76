//! The platform as one CloudFormation template (JSON), built from a profile. One file a layer;
//! each adds its resources and outputs. Names the console watches come from the profile, so
//! what the template creates is what lakeops looks at.

mod catalog;
mod delivery;
mod governance;
mod iam;
mod ingest;
mod network;
mod orchestration;
mod processing;
mod search;
mod storage;
mod warehouse;
mod watch;

use serde_json::{json, Map, Value};

pub use delivery::{DELIVERY_PREFIX, ERROR_PREFIX as DELIVERY_ERROR_PREFIX};
pub use ingest::{INGEST_MEMORY_MB, INGEST_TIMEOUT_SECONDS};
pub use orchestration::NIGHTLY_STATES;
pub use processing::RELEASE as SPARK_RELEASE;
pub use search::ENGINE as SEARCH_ENGINE;
pub use watch::alarm_names;

use super::staging::STAGED_TEMPLATE_LIMIT;
use crate::settings::Settings;

/// Where the Glue job writes in the curated bucket, and the only prefix its role may write.
pub const CURATED_PREFIX: &str = "events/";

/// A generated template and what it was made of.
#[derive(Debug, Clone)]
pub struct Template {
    pub body: Value,
    /// Template parameters to pass on create/update, from the profile.
    pub parameters: Vec<(String, String)>,
}

impl Template {
    /// The body as sent to CloudFormation: compact JSON.
    pub fn compact(&self) -> String {
        self.body.to_string()
    }

    /// The body for people: indented JSON.
    pub fn pretty(&self) -> String {
        serde_json::to_string_pretty(&self.body).unwrap_or_else(|_| self.compact())
    }

    pub fn resources(&self) -> &Map<String, Value> {
        static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
        self.body["Resources"].as_object().unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }

    /// Refuses a body CloudFormation would not take even from S3 (one over the inline limit is
    /// staged there: `staging`), saying what to do instead.
    pub fn check_size(&self) -> Result<(), String> {
        let size = self.compact().len();
        if size > STAGED_TEMPLATE_LIMIT {
            return Err(format!(
                "the template is {size} bytes, over CloudFormation's limit of {STAGED_TEMPLATE_LIMIT} bytes for a \
                 template read from S3; turn off what you do not need (platform.network.enabled, \
                 platform.redshift.mode = \"off\")"
            ));
        }
        Ok(())
    }
}

/// What every layer builds into.
pub(crate) struct Builder<'a> {
    pub settings: &'a Settings,
    pub resources: Map<String, Value>,
    pub outputs: Map<String, Value>,
    pub conditions: Map<String, Value>,
}

impl Builder<'_> {
    pub fn add(&mut self, logical_id: &str, resource: Value) {
        self.resources.insert(logical_id.to_string(), resource);
    }

    /// An output the console reads back. Its name says what it is: no `Description`, which would
    /// cost the full platform some 2 KB of CloudFormation's 51,200-byte inline limit.
    pub fn output(&mut self, name: &str, value: Value) {
        self.outputs.insert(name.to_string(), json!({"Value": value}));
    }

    pub fn stack(&self) -> &str {
        &self.settings.platform.stack_name
    }

    pub fn network(&self) -> bool {
        self.settings.platform.network.enabled
    }

    /// The tag every taggable resource carries: its layer. The stack is not repeated in a tag of
    /// ours: CloudFormation tags each resource `aws:cloudformation:stack-name` itself, and the
    /// bytes count against the inline limit.
    pub fn tags(&self, layer: &str) -> Value {
        json!([{"Key": "lakeops:layer", "Value": layer}])
    }
}

pub fn r(logical_id: &str) -> Value {
    json!({"Ref": logical_id})
}

pub fn arn(logical_id: &str) -> Value {
    att(logical_id, "Arn")
}

pub fn att(logical_id: &str, attribute: &str) -> Value {
    json!({"Fn::GetAtt": [logical_id, attribute]})
}

pub fn sub(text: &str) -> Value {
    json!({"Fn::Sub": text})
}

/// Builds the platform's template from a profile (already checked by [`crate::provision::check`]).
pub fn render(settings: &Settings) -> Template {
    let mut b = Builder { settings, resources: Map::new(), outputs: Map::new(), conditions: Map::new() };
    storage::add(&mut b);
    if b.network() {
        network::add(&mut b);
    }
    ingest::add(&mut b);
    if settings.platform.firehose.create {
        delivery::add(&mut b);
    }
    catalog::add(&mut b);
    warehouse::add(&mut b);
    watch::add(&mut b);
    if settings.platform.orchestration.nightly {
        orchestration::add(&mut b);
    }
    if settings.platform.emr.mode == crate::model::EmrMode::Serverless {
        processing::add(&mut b);
    }
    // In the VPC's private subnets: `check` refuses it without the network.
    if settings.platform.opensearch.create && b.network() {
        search::add(&mut b);
    }
    iam::add(&mut b);
    // Last: it reuses the analysis role when the template has one.
    if settings.platform.lakeformation.enabled {
        governance::add(&mut b);
    }
    let mut parameters = Vec::new();
    if let Some(location) = &settings.platform.glue.script_location {
        parameters.push(("EtlScriptLocation".to_string(), location.clone()));
    }
    let body = json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!(
            "lakeops: the {} streaming data-lake platform (Kinesis, Lambda, S3, Glue, Athena, Redshift), from profile {}",
            settings.platform.stack_name, settings.name
        ),
        "Parameters": {
            "EtlScriptLocation": {
                "Type": "String",
                "Default": "",
                "Description": "S3 URI of the Glue ETL script; empty: s3://<curated bucket>/scripts/<job>.py",
                "AllowedPattern": "^$|^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.+$",
            }
        },
        "Conditions": b.conditions,
        "Resources": b.resources,
        "Outputs": b.outputs,
    });
    Template { body, parameters }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_delivery;
#[cfg(test)]
mod tests_governance;
#[cfg(test)]
mod tests_processing;
#[cfg(test)]
mod tests_search;
