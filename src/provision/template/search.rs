//! Serving (`[platform.opensearch] create = true`, off by default): the log-analytics OpenSearch
//! domain `platform.opensearch.domain` in the private subnets (one data node in each, zone
//! awareness over both), behind a security group that takes HTTPS from the VPC only; encrypted at
//! rest with the platform's key and between nodes, HTTPS only with TLS 1.2 at least; fine-grained
//! access control with an IAM role as its master user (no internal user database); its logs
//! (application, slow, audit) published to an encrypted log group, which a resource policy lets
//! OpenSearch write; and an alarm when the cluster is red. `check` refuses it without the network.

use serde_json::{json, Value};

use super::iam::role;
use super::ingest::LOG_DAYS;
use super::network::PRIVATE_SUBNETS;
use super::warehouse::private_subnets;
use super::watch::alarm;
use super::{arn, att, r, sub, Builder};

pub const ENGINE: &str = "OpenSearch_2.19";
/// Graviton general purpose: the smallest family that runs fine-grained access control with
/// encryption at rest and is not burstable.
const INSTANCE_TYPE: &str = "m6g.large.search";
const VOLUME_GB: u32 = 20;
/// What OpenSearch publishes to the log group (audit logs need fine-grained access control). Slow
/// logs are left out: they stay empty until an index sets its thresholds.
const LOG_TYPES: [&str; 2] = ["ES_APPLICATION_LOGS", "AUDIT_LOGS"];

/// The log group the domain publishes to.
pub fn log_group(domain: &str) -> String {
    format!("/aws/opensearch/{domain}")
}

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let domain = b.settings.platform.opensearch.domain.clone();
    let cidr = b.settings.platform.network.cidr.clone();
    let domain_arn = |path: &str| {
        sub(&format!("arn:${{AWS::Partition}}:es:${{AWS::Region}}:${{AWS::AccountId}}:domain/{domain}{path}"))
    };
    b.add(
        "SearchSecurityGroup",
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "OpenSearch: HTTPS from inside the VPC only",
            "VpcId": r("Vpc"),
            "SecurityGroupIngress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": cidr, "Description": "HTTPS from the VPC"
            }],
            // The domain starts no connections: this replaces the default allow-all egress.
            "SecurityGroupEgress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": cidr, "Description": "none needed: replaces allow-all"
            }],
            "Tags": b.tags("network"),
        }}),
    );
    b.add(
        "SearchLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": log_group(&domain),
            "RetentionInDays": LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    b.add(
        "SearchLogPolicy",
        json!({"Type": "AWS::Logs::ResourcePolicy", "Properties": {
            "PolicyName": format!("{stack}-search-logs"),
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": "es.amazonaws.com"},
                "Action": ["logs:PutLogEvents", "logs:CreateLogStream"],
                "Resource": arn("SearchLogGroup"),
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": r("AWS::AccountId")},
                    "ArnLike": {"aws:SourceArn": domain_arn("")}
                }
            }]},
        }}),
    );
    role(
        b,
        "SearchAdminRole",
        &format!("{stack}-search-admin"),
        "the OpenSearch domain's master user",
        json!({"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}),
        Value::Null,
        vec![json!({"Effect": "Allow", "Action": "es:ESHttp*", "Resource": domain_arn("/*")})],
    );
    let logs: serde_json::Map<String, Value> = LOG_TYPES
        .iter()
        .map(|t| (t.to_string(), json!({"CloudWatchLogsLogGroupArn": arn("SearchLogGroup"), "Enabled": true})))
        .collect();
    b.add(
        "SearchDomain",
        json!({"Type": "AWS::OpenSearchService::Domain", "DependsOn": ["SearchLogPolicy"], "Properties": {
            "DomainName": domain,
            "EngineVersion": ENGINE,
            "ClusterConfig": {
                "InstanceType": INSTANCE_TYPE,
                "InstanceCount": PRIVATE_SUBNETS.len(),
                "ZoneAwarenessEnabled": true,
                "ZoneAwarenessConfig": {"AvailabilityZoneCount": PRIVATE_SUBNETS.len()},
            },
            "EBSOptions": {"EBSEnabled": true, "VolumeType": "gp3", "VolumeSize": VOLUME_GB},
            "EncryptionAtRestOptions": {"Enabled": true, "KmsKeyId": r("DataKey")},
            "NodeToNodeEncryptionOptions": {"Enabled": true},
            "DomainEndpointOptions": {"EnforceHTTPS": true, "TLSSecurityPolicy": "Policy-Min-TLS-1-2-PFS-2023-10"},
            "AdvancedSecurityOptions": {
                "Enabled": true,
                "InternalUserDatabaseEnabled": false,
                "MasterUserOptions": {"MasterUserARN": arn("SearchAdminRole")},
            },
            "VPCOptions": {"SubnetIds": private_subnets(), "SecurityGroupIds": [r("SearchSecurityGroup")]},
            // IAM decides who may call the domain at all; fine-grained access control, what each may do.
            "AccessPolicies": {"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")},
                "Action": "es:ESHttp*",
                "Resource": domain_arn("/*"),
            }]},
            "LogPublishingOptions": logs,
            "Tags": b.tags("serving"),
        }}),
    );
    alarm(
        b,
        "SearchRedAlarm",
        "search-red",
        "the OpenSearch cluster is red: a primary shard is unassigned",
        red(&domain),
        1.0,
    );
    b.output("SearchDomainEndpoint", att("SearchDomain", "DomainEndpoint"));
}

fn red(domain: &str) -> Value {
    json!({
        "Namespace": "AWS/ES",
        "MetricName": "ClusterStatus.red",
        "Statistic": "Maximum",
        "Dimensions": [{"Name": "DomainName", "Value": domain}, {"Name": "ClientId", "Value": r("AWS::AccountId")}],
        "ComparisonOperator": "GreaterThanOrEqualToThreshold",
        "Period": 60,
        "EvaluationPeriods": 1,
        "DatapointsToAlarm": 1,
    })
}
