//! Redshift: Serverless (namespace + workgroup) or a provisioned cluster, or none. The admin
//! password is managed by Redshift in Secrets Manager; no password is ever in the template.

use serde_json::{json, Value};

use super::network::PRIVATE_SUBNETS;
use super::{arn, r, Builder};
use crate::settings::RedshiftMode;

use crate::ops::health::SERVERLESS_BASE_RPU as BASE_CAPACITY_RPU;

pub fn add(b: &mut Builder) {
    let name = b.settings.platform.redshift.name.clone();
    match b.settings.platform.redshift.mode {
        RedshiftMode::Off => {}
        RedshiftMode::Serverless => serverless(b, &name),
        RedshiftMode::Cluster => cluster(b, &name),
    }
}

pub(super) fn private_subnets() -> Value {
    Value::Array(PRIVATE_SUBNETS.iter().map(|s| r(s)).collect())
}

fn serverless(b: &mut Builder, name: &str) {
    b.add(
        "WarehouseNamespace",
        // The warehouse's data outlives the stack: a delete or a replacement keeps the namespace
        // (CloudFormation takes `Snapshot` only for provisioned clusters, not for Serverless
        // namespaces); only the workgroup, the compute, goes.
        json!({"Type": "AWS::RedshiftServerless::Namespace", "DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain",
        "Properties": {
            "NamespaceName": name,
            "AdminUsername": "lakeops_admin",
            "ManageAdminPassword": true,
            "DbName": "clickstream",
            "KmsKeyId": r("DataKey"),
            "IamRoles": [arn("WarehouseLoadingRole")],
            "DefaultIamRoleArn": arn("WarehouseLoadingRole"),
            "LogExports": ["userlog", "connectionlog", "useractivitylog"],
            "Tags": b.tags("warehouse"),
        }}),
    );
    let mut properties = json!({
        "WorkgroupName": name,
        "NamespaceName": r("WarehouseNamespace"),
        "BaseCapacity": BASE_CAPACITY_RPU,
        "PubliclyAccessible": false,
        "EnhancedVpcRouting": true,
        "Tags": b.tags("warehouse"),
    });
    if b.network() {
        properties["SubnetIds"] = private_subnets();
        properties["SecurityGroupIds"] = json!([r("WarehouseSecurityGroup")]);
    }
    b.add("Warehouse", json!({"Type": "AWS::RedshiftServerless::Workgroup", "Properties": properties}));
    b.output("RedshiftWorkgroup", r("Warehouse"));
}

fn cluster(b: &mut Builder, name: &str) {
    b.add(
        "WarehouseSubnets",
        json!({"Type": "AWS::Redshift::ClusterSubnetGroup", "Properties": {
            "Description": "the platform's private subnets",
            "SubnetIds": private_subnets(),
            "Tags": b.tags("warehouse"),
        }}),
    );
    b.add(
        "WarehouseParameters",
        json!({"Type": "AWS::Redshift::ClusterParameterGroup", "Properties": {
            "Description": "TLS only, activity logged",
            "ParameterGroupFamily": "redshift-1.0",
            "Parameters": [
                {"ParameterName": "require_ssl", "ParameterValue": "true"},
                {"ParameterName": "enable_user_activity_logging", "ParameterValue": "true"}
            ],
        }}),
    );
    // A logical id of its own: CloudFormation refuses to change a resource's type in place, so a
    // switch between serverless and a cluster is a remove and an add.
    b.add(
        "WarehouseCluster",
        json!({"Type": "AWS::Redshift::Cluster", "DeletionPolicy": "Snapshot", "UpdateReplacePolicy": "Snapshot",
        "Properties": {
            "ClusterIdentifier": name,
            "ClusterType": "multi-node",
            "NodeType": "ra3.xlplus",
            "NumberOfNodes": 2,
            "DBName": "clickstream",
            "MasterUsername": "lakeops_admin",
            "ManageMasterPassword": true,
            "Encrypted": true,
            "KmsKeyId": r("DataKey"),
            "PubliclyAccessible": false,
            "EnhancedVpcRouting": true,
            "AutomatedSnapshotRetentionPeriod": 7,
            "ClusterSubnetGroupName": r("WarehouseSubnets"),
            "ClusterParameterGroupName": r("WarehouseParameters"),
            "VpcSecurityGroupIds": [r("WarehouseSecurityGroup")],
            "IamRoles": [arn("WarehouseLoadingRole")],
            "LoggingProperties": {
                "LogDestinationType": "cloudwatch",
                "LogExports": ["connectionlog", "useractivitylog", "userlog"]
            },
            "Tags": b.tags("warehouse"),
        }}),
    );
    b.output("RedshiftCluster", r("WarehouseCluster"));
}
