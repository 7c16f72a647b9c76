//! The names a template gives its resources, read from the template itself, so that a plan can
//! check before creating a change set that none of them is already taken outside the stack.

use serde_json::Value;

use crate::model::NamedResource;

/// The property that names a resource, by type (the CloudFormation resource reference); a
/// Glue database is named in `DatabaseInput.Name`.
pub const NAME_PROPERTIES: &[(&str, &str)] = &[
    ("AWS::Kinesis::Stream", "Name"),
    ("AWS::SQS::Queue", "QueueName"),
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::Glue::Database", "DatabaseInput.Name"),
    ("AWS::Glue::Crawler", "Name"),
    ("AWS::Glue::Job", "Name"),
    ("AWS::Glue::Trigger", "Name"),
    ("AWS::Glue::SecurityConfiguration", "Name"),
    ("AWS::Athena::WorkGroup", "Name"),
    ("AWS::CloudTrail::Trail", "TrailName"),
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::KMS::Alias", "AliasName"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::RedshiftServerless::Namespace", "NamespaceName"),
    ("AWS::RedshiftServerless::Workgroup", "WorkgroupName"),
    ("AWS::Redshift::Cluster", "ClusterIdentifier"),
    ("AWS::StepFunctions::StateMachine", "StateMachineName"),
    ("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName"),
    ("AWS::OpenSearchService::Domain", "DomainName"),
    ("AWS::Logs::ResourcePolicy", "PolicyName"),
];

/// Every resource of `body` with a name it sets, in template order. A name made with `Fn::Sub`
/// over the pseudo parameters is filled in with `account` and `region`; one that needs the
/// account when `account` is `None`, or refers to other resources, is left out.
pub fn named_resources(body: &Value, account: Option<&str>, region: &str) -> Vec<NamedResource> {
    let Some(resources) = body["Resources"].as_object() else { return Vec::new() };
    resources
        .iter()
        .filter_map(|(id, resource)| {
            let kind = resource["Type"].as_str()?;
            let (_, property) = NAME_PROPERTIES.iter().find(|(t, _)| *t == kind)?;
            let value = property.split('.').fold(&resource["Properties"], |v, key| &v[key]);
            let name = literal(value, account, region)?;
            Some(NamedResource { logical_id: id.clone(), resource_type: kind.to_string(), name })
        })
        .collect()
}

fn literal(value: &Value, account: Option<&str>, region: &str) -> Option<String> {
    if let Some(text) = value.as_str() {
        return Some(text.to_string());
    }
    let mut text = value["Fn::Sub"].as_str()?.replace("${AWS::Region}", region).replace("${AWS::Partition}", "aws");
    if text.contains("${AWS::AccountId}") {
        text = text.replace("${AWS::AccountId}", account?);
    }
    (!text.contains("${")).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{load, Overrides, Paths};

    #[test]
    fn every_named_resource_of_the_platform_is_found() {
        let paths = Paths { config_dir: "/nonexistent/config".into(), state_dir: "/nonexistent/state".into() };
        let s = load(&Overrides::default(), &paths, &[]).expect("defaults load").settings;
        let body = crate::provision::render(&s).body;
        let named = named_resources(&body, Some("123456789012"), "eu-west-1");
        let find = |id: &str| named.iter().find(|n| n.logical_id == id).map(|n| n.name.as_str());
        assert_eq!(find("DeadLetterQueue"), Some("clickstream-ingest-dlq"));
        assert_eq!(find("GlueDatabase"), Some("clickstream"));
        assert_eq!(find("RawBucket"), Some("clickstream-raw-123456789012-eu-west-1"));
        assert_eq!(find("IngestLogGroup"), Some("/aws/lambda/clickstream-ingest"));
        let without_account = named_resources(&body, None, "eu-west-1");
        assert!(without_account.iter().all(|n| n.resource_type != "AWS::S3::Bucket"));
        // Every resource type the template names is in the table (a new one must be added to it);
        // a reference to another resource (an event-source mapping's FunctionName) names nothing.
        for (id, resource) in body["Resources"].as_object().into_iter().flatten() {
            let props = resource["Properties"].as_object().cloned().unwrap_or_default();
            let names_itself = NAME_PROPERTIES.iter().any(|(t, _)| resource["Type"] == *t);
            let has_name = [
                "Name",
                "RoleName",
                "TopicName",
                "AlarmName",
                "QueueName",
                "FunctionName",
                "TrailName",
                "StateMachineName",
                "DeliveryStreamName",
                "DomainName",
                "PolicyName",
            ]
            .iter()
            .any(|k| props.get(*k).is_some_and(|v| v.is_string() || v.get("Fn::Sub").is_some()));
            assert!(!has_name || names_itself, "{id} is named but its type is not in NAME_PROPERTIES");
        }
    }
}
