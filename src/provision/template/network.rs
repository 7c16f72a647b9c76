//! The VPC: two public and two private subnets over two AZs, an internet gateway, one NAT
//! gateway, route tables, security groups for the Lambda consumer and Redshift, and an S3
//! gateway endpoint so lake traffic never leaves AWS's network.

use std::net::Ipv4Addr;

use serde_json::{json, Value};

use super::{arn, r, Builder};

/// Days the VPC flow log group keeps records.
const FLOW_LOG_DAYS: u32 = 365;

/// The log group VPC flow logs go to.
pub fn flow_log_group(stack: &str) -> String {
    format!("/lakeops/{stack}/vpc-flow-logs")
}

/// The subnets, as (logical id, public?, AZ index).
const SUBNETS: [(&str, bool, usize); 4] = [
    ("PublicSubnetA", true, 0),
    ("PublicSubnetB", true, 1),
    ("PrivateSubnetA", false, 0),
    ("PrivateSubnetB", false, 1),
];

pub const PRIVATE_SUBNETS: [&str; 2] = ["PrivateSubnetA", "PrivateSubnetB"];

/// The VPC block cut into four equal subnets, in order (the profile's CIDR is checked to be /16–/28).
pub fn quarter(cidr: &str) -> Vec<String> {
    let Some((ip, bits)) = cidr.split_once('/') else { return Vec::new() };
    let (Ok(ip), Ok(bits)) = (ip.parse::<Ipv4Addr>(), bits.parse::<u32>()) else { return Vec::new() };
    if !(1..=30).contains(&bits) {
        return Vec::new();
    }
    let mask = u32::MAX << (32 - bits);
    let base = u32::from(ip) & mask;
    let step = 1u32 << (32 - bits - 2);
    (0..4).map(|i| format!("{}/{}", Ipv4Addr::from(base + i * step), bits + 2)).collect()
}

pub fn add(b: &mut Builder) {
    let cidr = b.settings.platform.network.cidr.clone();
    b.add(
        "Vpc",
        json!({"Type": "AWS::EC2::VPC", "Properties": {
            "CidrBlock": cidr, "EnableDnsHostnames": true, "EnableDnsSupport": true, "Tags": b.tags("network")
        }}),
    );
    b.add("InternetGateway", json!({"Type": "AWS::EC2::InternetGateway", "Properties": {"Tags": b.tags("network")}}));
    b.add(
        "InternetGatewayAttachment",
        json!({"Type": "AWS::EC2::VPCGatewayAttachment", "Properties": {
            "VpcId": r("Vpc"), "InternetGatewayId": r("InternetGateway")
        }}),
    );
    for ((id, public, az), block) in SUBNETS.iter().zip(quarter(&cidr)) {
        b.add(
            id,
            json!({"Type": "AWS::EC2::Subnet", "Properties": {
                "VpcId": r("Vpc"),
                "CidrBlock": block,
                "AvailabilityZone": {"Fn::Select": [az, {"Fn::GetAZs": ""}]},
                "MapPublicIpOnLaunch": false,
                "Tags": b.tags(if *public { "network-public" } else { "network-private" }),
            }}),
        );
    }
    b.add(
        "NatAddress",
        json!({"Type": "AWS::EC2::EIP", "DependsOn": "InternetGatewayAttachment", "Properties": {"Domain": "vpc"}}),
    );
    b.add(
        "NatGateway",
        json!({"Type": "AWS::EC2::NatGateway", "Properties": {
            "AllocationId": {"Fn::GetAtt": ["NatAddress", "AllocationId"]},
            "SubnetId": r("PublicSubnetA"),
            "Tags": b.tags("network"),
        }}),
    );
    route_table(b, "Public", json!({"GatewayId": r("InternetGateway")}), &["PublicSubnetA", "PublicSubnetB"]);
    route_table(b, "Private", json!({"NatGatewayId": r("NatGateway")}), &PRIVATE_SUBNETS);
    b.resources
        .get_mut("PublicDefaultRoute")
        .and_then(Value::as_object_mut)
        .map(|route| route.insert("DependsOn".into(), json!("InternetGatewayAttachment")));
    b.add(
        "LakeEndpoint",
        json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {
            "VpcId": r("Vpc"),
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"},
            "VpcEndpointType": "Gateway",
            "RouteTableIds": [r("PrivateRouteTable"), r("PublicRouteTable")],
        }}),
    );
    https_out_group(b, "ConsumerSecurityGroup", "ingest Lambda: no inbound; HTTPS out to AWS APIs");
    b.add(
        "WarehouseSecurityGroup",
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": "Redshift: SQL from inside the VPC only",
            "VpcId": r("Vpc"),
            "SecurityGroupIngress": [{
                "IpProtocol": "tcp", "FromPort": 5439, "ToPort": 5439, "CidrIp": cidr,
                "Description": "Redshift SQL from the VPC"
            }],
            "SecurityGroupEgress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0",
                "Description": "HTTPS to S3 and AWS APIs (COPY)"
            }],
            "Tags": b.tags("network"),
        }}),
    );
    flow_logs(b);
    b.output("VpcId", r("Vpc"));
}

fn route_table(b: &mut Builder, kind: &str, target: Value, subnets: &[&str]) {
    let table = format!("{kind}RouteTable");
    b.add(
        &table,
        json!({"Type": "AWS::EC2::RouteTable", "Properties": {"VpcId": r("Vpc"), "Tags": b.tags("network")}}),
    );
    let mut route = json!({"RouteTableId": r(&table), "DestinationCidrBlock": "0.0.0.0/0"});
    if let (Some(route), Some(target)) = (route.as_object_mut(), target.as_object()) {
        route.extend(target.clone());
    }
    b.add(&format!("{kind}DefaultRoute"), json!({"Type": "AWS::EC2::Route", "Properties": route}));
    for subnet in subnets {
        b.add(
            &format!("{subnet}Routes"),
            json!({"Type": "AWS::EC2::SubnetRouteTableAssociation", "Properties": {
                "SubnetId": r(subnet), "RouteTableId": r(&table)
            }}),
        );
    }
}

/// Every accepted and rejected connection in the VPC, to an encrypted log group.
fn flow_logs(b: &mut Builder) {
    b.add(
        "FlowLogGroup",
        json!({"Type": "AWS::Logs::LogGroup", "Properties": {
            "LogGroupName": flow_log_group(b.stack()),
            "RetentionInDays": FLOW_LOG_DAYS,
            "KmsKeyId": arn("DataKey"),
        }}),
    );
    b.add(
        "FlowLog",
        json!({"Type": "AWS::EC2::FlowLog", "Properties": {
            "ResourceId": r("Vpc"),
            "ResourceType": "VPC",
            "TrafficType": "ALL",
            "LogDestinationType": "cloud-watch-logs",
            "LogGroupName": r("FlowLogGroup"),
            "DeliverLogsPermissionArn": arn("FlowLogsRole"),
            "Tags": b.tags("network"),
        }}),
    );
}

/// A security group for compute in the private subnets that takes no inbound traffic and may
/// only reach AWS APIs over HTTPS (S3 through the gateway endpoint).
pub(super) fn https_out_group(b: &mut Builder, id: &str, description: &str) {
    b.add(
        id,
        json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
            "GroupDescription": description,
            "VpcId": r("Vpc"),
            "SecurityGroupEgress": [{
                "IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "0.0.0.0/0",
                "Description": "HTTPS to AWS APIs (S3 through the gateway endpoint)"
            }],
            "Tags": b.tags("network"),
        }}),
    );
}
