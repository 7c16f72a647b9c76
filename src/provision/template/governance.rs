//! Governance (`[platform.lakeformation] enabled = true`): the raw and curated buckets registered
//! with Lake Formation through a role of their own (the service-linked role cannot use the
//! platform's customer-managed key), the analysts' role granted SELECT and DESCRIBE on the
//! database's tables, and — so the platform keeps working once Lake Formation governs the
//! catalog — the crawler's and curate job's role granted the lake's locations, table creation
//! and changes in the database, and all on its tables. Every grant is one
//! `AWS::LakeFormation::PrincipalPermissions`, removed with the stack.
//!
//! The stack does not set `AWS::LakeFormation::DataLakeSettings`: it is account-wide, and writing
//! it would replace the account's data-lake administrators (and its default permissions) with the
//! stack's list. Whoever applies the stack must already be a data-lake administrator
//! (docs/aws.md, IAM to provision).

use serde_json::{json, Value};

use super::iam::role;
use super::{arn, r, sub, Builder};

/// The analysis role iam.rs makes; reused when present.
const ANALYSIS_ROLE: &str = "AnalysisRole";
/// The role made here when the template has none.
const ANALYSTS_ROLE: &str = "AnalystsRole";
/// The role Lake Formation reads and writes the registered buckets with.
const LAKE_ACCESS_ROLE: &str = "LakeAccessRole";
/// The role that runs the crawler and the curate job.
const PROCESSING_ROLE: &str = "ProcessingGlueRole";
/// The lake's zones Lake Formation governs, as (bucket's logical id, registration's logical id).
const LOCATIONS: [(&str, &str); 2] = [("RawBucket", "RawLocation"), ("CuratedBucket", "CuratedLocation")];

pub fn add(b: &mut Builder) {
    let stack = b.stack().to_string();
    let objects = |bucket: &str| sub(&format!("${{{bucket}.Arn}}/*"));
    role(
        b,
        LAKE_ACCESS_ROLE,
        &format!("{stack}-lake-access"),
        "Lake Formation reads and writes the zones for those it grants",
        json!({"Service": "lakeformation.amazonaws.com"}),
        // Lake Formation documents no source condition for the role it assumes (docs/aws.md);
        // only a principal allowed iam:PassRole on it can register a location with it.
        Value::Null,
        vec![
            json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                   "Resource": [objects("RawBucket"), objects("CuratedBucket")]}),
            json!({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": [arn("RawBucket"), arn("CuratedBucket")]}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
        ],
    );
    for (bucket, id) in LOCATIONS {
        b.add(
            id,
            json!({"Type": "AWS::LakeFormation::Resource", "Properties": {
                "ResourceArn": arn(bucket),
                "RoleArn": arn(LAKE_ACCESS_ROLE),
                "UseServiceLinkedRole": false,
            }}),
        );
    }
    let analysts = analysts_role(b);
    let database = || json!({"CatalogId": r("AWS::AccountId"), "Name": r("GlueDatabase")});
    let tables =
        || json!({"Table": {"CatalogId": r("AWS::AccountId"), "DatabaseName": r("GlueDatabase"), "TableWildcard": {}}});
    grant(b, "AnalystsReadTables", analysts, tables(), &["SELECT", "DESCRIBE"]);
    for (bucket, location) in LOCATIONS {
        let resource = json!({"DataLocation": {"CatalogId": r("AWS::AccountId"), "ResourceArn": arn(bucket)}});
        let id = format!("ProcessingUses{location}");
        grant(b, &id, PROCESSING_ROLE, resource, &["DATA_LOCATION_ACCESS"]);
        depends_on(b, &id, location);
    }
    grant(
        b,
        "ProcessingBuildsDatabase",
        PROCESSING_ROLE,
        json!({"Database": database()}),
        &["CREATE_TABLE", "ALTER", "DESCRIBE"],
    );
    grant(b, "ProcessingOwnsTables", PROCESSING_ROLE, tables(), &["ALL"]);
    // Credentials for a registered location come from Lake Formation (an action on no resource).
    for principal in [analysts, PROCESSING_ROLE] {
        allow(b, principal, json!({"Effect": "Allow", "Action": "lakeformation:GetDataAccess", "Resource": "*"}));
    }
}

/// The analysis role the template already has, else a new `<stack>-analysts` role that may query
/// with Athena in the platform's workgroup, read the catalog and use the key.
fn analysts_role(b: &mut Builder) -> &'static str {
    let is_role = |id: &str| b.resources.get(id).is_some_and(|r| r["Type"] == "AWS::IAM::Role");
    if is_role(ANALYSIS_ROLE) {
        return ANALYSIS_ROLE;
    }
    let stack = b.stack().to_string();
    let p = &b.settings.platform;
    let workgroup = sub(&format!(
        "arn:${{AWS::Partition}}:athena:${{AWS::Region}}:${{AWS::AccountId}}:workgroup/{}",
        p.athena.workgroup
    ));
    let catalog = super::iam::catalog_resources(&p.glue.database);
    role(
        b,
        ANALYSTS_ROLE,
        &format!("{stack}-analysts"),
        "analysts query the curated tables Lake Formation grants them",
        json!({"AWS": sub("arn:${AWS::Partition}:iam::${AWS::AccountId}:root")}),
        Value::Null,
        vec![
            json!({"Effect": "Allow", "Action": ["athena:StartQueryExecution", "athena:StopQueryExecution", "athena:GetQueryExecution",
                                                 "athena:GetQueryResults", "athena:GetWorkGroup"],
                   "Resource": workgroup}),
            json!({"Effect": "Allow", "Action": ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"],
                   "Resource": catalog}),
            json!({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": sub("${QueryResultsBucket.Arn}/*")}),
            json!({"Effect": "Allow", "Action": "s3:GetBucketLocation", "Resource": arn("QueryResultsBucket")}),
            json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": arn("DataKey")}),
        ],
    );
    ANALYSTS_ROLE
}

/// `principal` (a role's logical id) is granted `permissions` on `resource`, with no grant option.
fn grant(b: &mut Builder, id: &str, principal: &str, resource: Value, permissions: &[&str]) {
    b.add(
        id,
        json!({"Type": "AWS::LakeFormation::PrincipalPermissions", "Properties": {
            "Principal": {"DataLakePrincipalIdentifier": arn(principal)},
            "Resource": resource,
            "Permissions": permissions,
            "PermissionsWithGrantOption": [],
        }}),
    );
}

/// A data-location grant names the location only by its ARN: it must wait for the registration.
fn depends_on(b: &mut Builder, id: &str, on: &str) {
    if let Some(resource) = b.resources.get_mut(id).and_then(Value::as_object_mut) {
        resource.insert("DependsOn".into(), json!(on));
    }
}

/// Adds `statement` to the only policy of the role `id`.
fn allow(b: &mut Builder, id: &str, statement: Value) {
    let statements = b
        .resources
        .get_mut(id)
        .and_then(|role| role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"].as_array_mut());
    if let Some(statements) = statements {
        statements.push(statement);
    }
}
