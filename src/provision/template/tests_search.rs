//! The OpenSearch domain a profile with `[platform.opensearch] create = true` makes.

use serde_json::json;

use super::tests::{assert_references_resolve, count, settings, statements};
use super::*;

fn with_domain() -> Template {
    render(&settings(|s| {
        s.platform.opensearch.domain = "acme-logs".into();
        s.platform.opensearch.create = true;
        s.platform.network.cidr = "10.40.0.0/16".into();
    }))
}

#[test]
fn the_domain_runs_in_the_private_subnets_encrypted_and_https_only() {
    let t = with_domain();
    let p = &t.resources()["SearchDomain"]["Properties"];
    assert_eq!(p["DomainName"], "acme-logs");
    assert_eq!(p["VPCOptions"]["SubnetIds"], json!([{"Ref": "PrivateSubnetA"}, {"Ref": "PrivateSubnetB"}]));
    assert_eq!(p["VPCOptions"]["SecurityGroupIds"], json!([{"Ref": "SearchSecurityGroup"}]));
    // One data node in each private subnet's zone.
    let cluster = &p["ClusterConfig"];
    assert_eq!(cluster["ZoneAwarenessEnabled"], true);
    assert_eq!(cluster["ZoneAwarenessConfig"]["AvailabilityZoneCount"], 2);
    assert_eq!(cluster["InstanceCount"], 2);
    assert_eq!(p["EncryptionAtRestOptions"], json!({"Enabled": true, "KmsKeyId": {"Ref": "DataKey"}}));
    assert_eq!(p["NodeToNodeEncryptionOptions"]["Enabled"], true);
    assert_eq!(p["DomainEndpointOptions"]["EnforceHTTPS"], true);
    let tls = p["DomainEndpointOptions"]["TLSSecurityPolicy"].as_str().unwrap_or_default();
    assert!(tls.starts_with("Policy-Min-TLS-1-2"), "{tls}");
    assert_eq!(p["EBSOptions"]["EBSEnabled"], true);
    assert_eq!(
        t.body["Outputs"]["SearchDomainEndpoint"]["Value"],
        json!({"Fn::GetAtt": ["SearchDomain", "DomainEndpoint"]})
    );
    let named = crate::provision::named_resources(&t.body, None, "eu-west-1");
    assert!(named.iter().any(|n| n.resource_type == "AWS::OpenSearchService::Domain" && n.name == "acme-logs"));
    assert_references_resolve(&t);
}

#[test]
fn only_https_from_the_vpc_reaches_the_domain() {
    let t = with_domain();
    let group = &t.resources()["SearchSecurityGroup"]["Properties"];
    assert_eq!(group["VpcId"]["Ref"], "Vpc");
    let ingress = group["SecurityGroupIngress"].as_array().cloned().unwrap_or_default();
    assert_eq!(ingress.len(), 1);
    assert_eq!(
        (ingress[0]["IpProtocol"].as_str(), ingress[0]["FromPort"].as_u64(), ingress[0]["ToPort"].as_u64()),
        (Some("tcp"), Some(443), Some(443))
    );
    assert_eq!(ingress[0]["CidrIp"], "10.40.0.0/16");
    for rule in group["SecurityGroupEgress"].as_array().into_iter().flatten() {
        assert_eq!(rule["CidrIp"], "10.40.0.0/16", "nothing leaves the VPC: {rule}");
    }
}

#[test]
fn fine_grained_access_control_has_an_iam_master_role_and_no_user_database() {
    let t = with_domain();
    let security = &t.resources()["SearchDomain"]["Properties"]["AdvancedSecurityOptions"];
    assert_eq!(security["Enabled"], true);
    assert_eq!(security["InternalUserDatabaseEnabled"], false);
    assert_eq!(security["MasterUserOptions"], json!({"MasterUserARN": {"Fn::GetAtt": ["SearchAdminRole", "Arn"]}}));
    let text = t.compact();
    assert!(!text.contains("MasterUserName") && !text.contains("MasterUserPassword"), "no user, no password");

    let role = &t.resources()["SearchAdminRole"]["Properties"];
    assert_eq!(role["RoleName"], "clickstream-search-admin");
    assert!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["AWS"].is_object(), "the account's people");
    let domain_paths =
        json!({"Fn::Sub": "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/acme-logs/*"});
    assert_eq!(
        statements(&t, "SearchAdminRole"),
        [json!({"Effect": "Allow", "Action": "es:ESHttp*", "Resource": domain_paths})]
    );
    assert_eq!(t.body["Outputs"]["SearchAdminRole"]["Value"]["Fn::GetAtt"][0], "SearchAdminRole");
    // The domain's own policy opens it to the account's IAM principals; fine-grained control decides the rest.
    let access = &t.resources()["SearchDomain"]["Properties"]["AccessPolicies"]["Statement"][0];
    assert_eq!(access["Resource"], domain_paths);
    assert_eq!(access["Principal"]["AWS"]["Fn::Sub"], "arn:${AWS::Partition}:iam::${AWS::AccountId}:root");
}

#[test]
fn the_domain_publishes_its_logs_to_an_encrypted_group_it_may_write() {
    let t = with_domain();
    let domain = &t.resources()["SearchDomain"];
    let logs = domain["Properties"]["LogPublishingOptions"].as_object().cloned().unwrap_or_default();
    assert!(logs.contains_key("ES_APPLICATION_LOGS") && logs.contains_key("AUDIT_LOGS"), "{logs:?}");
    for (kind, option) in &logs {
        assert_eq!(
            option,
            &json!({"CloudWatchLogsLogGroupArn": {"Fn::GetAtt": ["SearchLogGroup", "Arn"]}, "Enabled": true}),
            "{kind}"
        );
    }
    let group = &t.resources()["SearchLogGroup"]["Properties"];
    assert_eq!(group["LogGroupName"], "/aws/opensearch/acme-logs");
    assert_eq!(group["KmsKeyId"]["Fn::GetAtt"][0], "DataKey");
    let policy = &t.resources()["SearchLogPolicy"]["Properties"];
    assert_eq!(policy["PolicyName"], "clickstream-search-logs");
    let statement = &policy["PolicyDocument"]["Statement"][0];
    assert_eq!(statement["Principal"]["Service"], "es.amazonaws.com");
    assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "SearchLogGroup");
    assert_eq!(statement["Condition"]["StringEquals"]["aws:SourceAccount"]["Ref"], "AWS::AccountId");
    assert_eq!(
        statement["Condition"]["ArnLike"]["aws:SourceArn"]["Fn::Sub"],
        "arn:${AWS::Partition}:es:${AWS::Region}:${AWS::AccountId}:domain/acme-logs"
    );
    // OpenSearch checks it may write before it creates the domain.
    assert_eq!(domain["DependsOn"], json!(["SearchLogPolicy"]));
}

#[test]
fn a_red_cluster_alarms() {
    let t = with_domain();
    let alarm = &t.resources()["SearchRedAlarm"]["Properties"];
    assert_eq!(alarm["AlarmName"], "clickstream-search-red");
    assert_eq!(
        (alarm["Namespace"].as_str(), alarm["MetricName"].as_str(), alarm["Statistic"].as_str()),
        (Some("AWS/ES"), Some("ClusterStatus.red"), Some("Maximum"))
    );
    assert_eq!(
        alarm["Dimensions"],
        json!([{"Name": "DomainName", "Value": "acme-logs"}, {"Name": "ClientId", "Value": {"Ref": "AWS::AccountId"}}])
    );
    assert_eq!(
        (alarm["ComparisonOperator"].as_str(), alarm["Threshold"].as_f64()),
        (Some("GreaterThanOrEqualToThreshold"), Some(1.0))
    );
    assert_eq!((alarm["EvaluationPeriods"].as_u64(), alarm["DatapointsToAlarm"].as_u64()), (Some(1), Some(1)));
}

#[test]
fn a_watched_domain_or_none_makes_nothing() {
    let watched = render(&settings(|s| {
        s.platform.opensearch.domain = "team-logs".into();
        s.platform.opensearch.create = false;
    }));
    let none = render(&settings(|s| {
        s.platform.opensearch.domain = String::new();
        s.platform.opensearch.create = false;
    }));
    // Without the network `check` refuses the profile; the template alone makes no domain.
    let no_network = render(&settings(|s| {
        s.platform.opensearch.domain = "acme-logs".into();
        s.platform.opensearch.create = true;
        s.platform.network.enabled = false;
    }));
    for t in [watched, none, no_network] {
        assert_eq!(count(&t, "AWS::OpenSearchService::Domain") + count(&t, "AWS::Logs::ResourcePolicy"), 0);
        assert!(t.resources().keys().all(|id| !id.starts_with("Search")), "{:?}", t.resources().keys());
        assert!(t.body["Outputs"].get("SearchDomainEndpoint").is_none());
        assert_references_resolve(&t);
    }
}
