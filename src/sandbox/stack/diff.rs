//! The sandbox's CloudFormation diff: a template against what its stack deployed, as
//! CloudFormation computes a change set (properties that replace, values before and after,
//! replacements that references carry on, a new type refused).

use serde_json::{Map, Value};

use crate::model::{ChangeAction, PropertyValues, Replacement, StackChange, StackPlan};

/// Properties whose change replaces a resource, by type (from the CloudFormation resource reference).
const REPLACING: &[(&str, &str)] = &[
    ("AWS::Kinesis::Stream", "Name"),
    ("AWS::S3::Bucket", "BucketName"),
    ("AWS::EC2::VPC", "CidrBlock"),
    ("AWS::EC2::Subnet", "CidrBlock"),
    ("AWS::EC2::Subnet", "AvailabilityZone"),
    ("AWS::EC2::Subnet", "VpcId"),
    ("AWS::EC2::SecurityGroup", "VpcId"),
    ("AWS::EC2::RouteTable", "VpcId"),
    ("AWS::EC2::SubnetRouteTableAssociation", "SubnetId"),
    ("AWS::EC2::SubnetRouteTableAssociation", "RouteTableId"),
    ("AWS::EC2::NatGateway", "SubnetId"),
    ("AWS::EC2::Route", "RouteTableId"),
    ("AWS::Lambda::EventSourceMapping", "EventSourceArn"),
    ("AWS::KinesisFirehose::DeliveryStream", "KinesisStreamSourceConfiguration"),
    ("AWS::EC2::VPCEndpoint", "VpcId"),
    ("AWS::EC2::FlowLog", "ResourceId"),
    ("AWS::SQS::Queue", "QueueName"),
    ("AWS::Lambda::Function", "FunctionName"),
    ("AWS::Logs::LogGroup", "LogGroupName"),
    ("AWS::Glue::Job", "Name"),
    ("AWS::Glue::Crawler", "Name"),
    ("AWS::Glue::Trigger", "Name"),
    ("AWS::Athena::WorkGroup", "Name"),
    ("AWS::IAM::Role", "RoleName"),
    ("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName"),
    ("AWS::OpenSearchService::Domain", "DomainName"),
    ("AWS::KMS::Alias", "AliasName"),
    ("AWS::SNS::Topic", "TopicName"),
    ("AWS::CloudWatch::Alarm", "AlarmName"),
    ("AWS::CloudTrail::Trail", "TrailName"),
    ("AWS::Redshift::Cluster", "ClusterIdentifier"),
    ("AWS::RedshiftServerless::Namespace", "NamespaceName"),
    ("AWS::RedshiftServerless::Workgroup", "WorkgroupName"),
];

/// The top-level properties that differ between two resources.
fn changed_properties(old: &Value, new: &Value) -> Vec<String> {
    let empty = Map::new();
    let old = old["Properties"].as_object().unwrap_or(&empty);
    let new = new["Properties"].as_object().unwrap_or(&empty);
    let mut names: Vec<String> = old.keys().chain(new.keys()).filter(|k| old.get(*k) != new.get(*k)).cloned().collect();
    names.sort();
    names.dedup();
    names
}

/// The resources whose type `wanted` changes: CloudFormation refuses such a template (a new type
/// needs a logical id of its own).
pub fn retyped(deployed: &Map<String, Value>, wanted: &Map<String, Value>) -> Vec<String> {
    wanted
        .iter()
        .filter(|(id, new)| deployed.get(*id).is_some_and(|old| old["Type"] != new["Type"]))
        .map(|(id, _)| id.clone())
        .collect()
}

/// Template resources as CloudFormation would diff them.
pub fn diff(stack: &str, deployed: Option<&Map<String, Value>>, wanted: &Map<String, Value>) -> StackPlan {
    let empty = Map::new();
    let old = deployed.unwrap_or(&empty);
    let mut changes = Vec::new();
    for (id, new) in wanted {
        let kind = new["Type"].as_str().unwrap_or_default().to_string();
        match old.get(id) {
            None => changes.push(change(ChangeAction::Add, id, &kind, Vec::new(), Vec::new())),
            Some(before) if before["Type"] != new["Type"] => {
                changes.push(change(ChangeAction::Modify, id, &kind, vec!["Type".into()], vec!["Type".into()]))
            }
            Some(before) => {
                let properties = changed_properties(before, new);
                if properties.is_empty() {
                    continue;
                }
                let replacing: Vec<String> = properties
                    .iter()
                    .filter(|p| REPLACING.iter().any(|(t, name)| *t == kind && name == p))
                    .cloned()
                    .collect();
                let values = property_values(before, new, &properties);
                changes.push(StackChange { values, ..change(ChangeAction::Modify, id, &kind, properties, replacing) });
            }
        }
    }
    for (id, before) in old {
        if !wanted.contains_key(id) {
            let kind = before["Type"].as_str().unwrap_or_default();
            changes.push(change(ChangeAction::Remove, id, kind, Vec::new(), Vec::new()));
        }
    }
    follow_references(&mut changes, old, wanted);
    StackPlan::new(stack, None, deployed.is_none(), changes)
}

/// What a replacement reaches through references, as CloudFormation computes it: a property that
/// names a replaced resource (`Ref`, `Fn::GetAtt`) changes with it, and where that property
/// replaces its own resource (a security group's `VpcId`), that resource may be replaced too
/// (`Conditional`: the new physical id is known only when applied), and so on.
fn follow_references(changes: &mut Vec<StackChange>, old: &Map<String, Value>, wanted: &Map<String, Value>) {
    let mut replaced: Vec<String> = changes.iter().filter(|c| c.replaces()).map(|c| c.logical_id.clone()).collect();
    let mut next = 0;
    while next < replaced.len() {
        let target = replaced[next].clone();
        next += 1;
        for (id, resource) in wanted.iter().filter(|(id, _)| old.contains_key(*id)) {
            let kind = resource["Type"].as_str().unwrap_or_default();
            let empty = Map::new();
            let properties = resource["Properties"].as_object().unwrap_or(&empty);
            for property in properties.iter().filter(|(_, v)| references(v, &target)).map(|(p, _)| p) {
                let at = match changes.iter().position(|c| &c.logical_id == id) {
                    Some(at) => at,
                    None => {
                        changes.push(change(ChangeAction::Modify, id, kind, Vec::new(), Vec::new()));
                        changes.len() - 1
                    }
                };
                let c = &mut changes[at];
                if !c.properties.contains(property) {
                    c.properties.push(property.clone());
                }
                let replacing = REPLACING.iter().any(|(t, name)| *t == kind && name == property);
                if replacing && !c.replacing.contains(property) {
                    c.replacing.push(property.clone());
                    if c.replacement == Replacement::No {
                        c.replacement = Replacement::Conditional;
                        replaced.push(id.clone());
                    }
                }
                let replacing = &c.replacing;
                c.properties.sort_by_key(|p| !replacing.contains(p));
            }
        }
    }
}

/// Whether `value` names the resource `id` (`Ref`, `Fn::GetAtt` in either form).
fn references(value: &Value, id: &str) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, inner)| match (key.as_str(), inner) {
            ("Ref", Value::String(name)) => name == id,
            ("Fn::GetAtt", Value::Array(parts)) => parts.first().and_then(Value::as_str) == Some(id),
            ("Fn::GetAtt", Value::String(path)) => path.split('.').next() == Some(id),
            _ => references(inner, id),
        }),
        Value::Array(items) => items.iter().any(|item| references(item, id)),
        _ => false,
    }
}

fn change(
    action: ChangeAction,
    id: &str,
    kind: &str,
    mut properties: Vec<String>,
    replacing: Vec<String>,
) -> StackChange {
    properties.sort_by_key(|p| !replacing.contains(p));
    StackChange {
        action,
        logical_id: id.to_string(),
        resource_type: kind.to_string(),
        replacement: if replacing.is_empty() { Replacement::No } else { Replacement::Yes },
        properties,
        replacing,
        values: Vec::new(),
    }
}

/// The values before and after of the changed `properties` that are plain values on both sides
/// (a number, a string, a boolean), written as CloudFormation writes them; an object (a reference,
/// a policy) is left to its name, as the sandbox does not resolve it.
fn property_values(old: &Value, new: &Value, properties: &[String]) -> Vec<PropertyValues> {
    let plain = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    properties
        .iter()
        .filter_map(|property| {
            let before = plain(&old["Properties"][property])?;
            let after = plain(&new["Properties"][property])?;
            Some(PropertyValues { property: property.clone(), before, after })
        })
        .collect()
}
