//! What `[platform.lakeformation] enabled = true` registers and grants.

use serde_json::{json, Map, Value};

use super::tests::{assert_references_resolve, count, settings, statements};
use super::*;

fn governed() -> Template {
    render(&settings(|s| s.platform.lakeformation.enabled = true))
}

/// The grants of the template, as (principal's logical id, resource, permissions).
fn grants(t: &Template) -> Vec<(String, Value, Vec<String>)> {
    t.resources()
        .values()
        .filter(|r| r["Type"] == "AWS::LakeFormation::PrincipalPermissions")
        .map(|r| {
            let p = &r["Properties"];
            assert_eq!(p["PermissionsWithGrantOption"], json!([]), "no grant passes on: {p}");
            let principal = p["Principal"]["DataLakePrincipalIdentifier"]["Fn::GetAtt"][0].as_str().unwrap_or_default();
            let permissions =
                p["Permissions"].as_array().into_iter().flatten().filter_map(Value::as_str).map(String::from);
            (principal.to_string(), p["Resource"].clone(), permissions.collect())
        })
        .collect()
}

fn the_tables() -> Value {
    json!({"Table": {"CatalogId": {"Ref": "AWS::AccountId"}, "DatabaseName": {"Ref": "GlueDatabase"}, "TableWildcard": {}}})
}

fn can_get_data_access(t: &Template, role: &str) -> bool {
    statements(t, role).iter().any(|s| s["Action"] == "lakeformation:GetDataAccess" && s["Resource"] == "*")
}

#[test]
fn both_zones_are_registered_with_a_role_of_their_own_and_the_admins_are_left_alone() {
    let t = governed();
    for (bucket, location) in [("RawBucket", "RawLocation"), ("CuratedBucket", "CuratedLocation")] {
        let registered = &t.resources()[location];
        assert_eq!(registered["Type"], "AWS::LakeFormation::Resource");
        let p = &registered["Properties"];
        assert_eq!(p["ResourceArn"], json!({"Fn::GetAtt": [bucket, "Arn"]}));
        assert_eq!(p["RoleArn"]["Fn::GetAtt"][0], "LakeAccessRole");
        assert_eq!(p["UseServiceLinkedRole"], false, "the service-linked role cannot use the platform's key");
    }
    // The account's data-lake administrators and defaults are the account's, not the stack's.
    assert_eq!(count(&t, "AWS::LakeFormation::DataLakeSettings"), 0);

    let role = &t.resources()["LakeAccessRole"]["Properties"];
    assert_eq!(role["RoleName"], "clickstream-lake-access");
    assert_eq!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"], "lakeformation.amazonaws.com");
    let zones = |suffix: &str| {
        ["RawBucket", "CuratedBucket"]
            .iter()
            .map(|b| {
                if suffix.is_empty() {
                    json!({"Fn::GetAtt": [b, "Arn"]})
                } else {
                    json!({"Fn::Sub": format!("${{{b}.Arn}}{suffix}")})
                }
            })
            .collect::<Vec<_>>()
    };
    for statement in statements(&t, "LakeAccessRole") {
        let actions = statement["Action"].to_string();
        if actions.contains("s3:GetObject") {
            assert_eq!(statement["Resource"], json!(zones("/*")), "objects of the two zones only");
        } else if actions.contains("s3:") {
            assert_eq!(statement["Resource"], json!(zones("")));
        } else {
            assert!(actions.contains("kms:"), "{actions}");
            assert_eq!(statement["Resource"]["Fn::GetAtt"][0], "DataKey");
        }
    }
    assert!(t.body["Outputs"].get("LakeAccessRole").is_none(), "a role only a service assumes is no output");
    assert_references_resolve(&t);
}

#[test]
fn the_analysis_role_is_reused_and_may_read_every_table_of_the_database() {
    let t = governed();
    assert!(!t.resources().contains_key("AnalystsRole"), "the template's analysis role is reused");
    let analysts: Vec<_> = grants(&t).into_iter().filter(|(p, _, _)| p == "AnalysisRole").collect();
    assert_eq!(
        analysts,
        [("AnalysisRole".to_string(), the_tables(), vec!["SELECT".to_string(), "DESCRIBE".to_string()])]
    );
    assert!(can_get_data_access(&t, "AnalysisRole"), "Lake Formation vends the analysts' credentials");
}

#[test]
fn the_crawler_and_the_curate_job_keep_working_under_lake_formation() {
    let t = governed();
    let processing: Vec<_> = grants(&t).into_iter().filter(|(p, _, _)| p == "ProcessingGlueRole").collect();
    let perms = |resource: &Value| {
        processing.iter().find(|(_, r, _)| r == resource).map(|(_, _, p)| p.clone()).unwrap_or_default()
    };
    let account = json!({"Ref": "AWS::AccountId"});
    for bucket in ["RawBucket", "CuratedBucket"] {
        let location = json!({"DataLocation": {"CatalogId": account, "ResourceArn": {"Fn::GetAtt": [bucket, "Arn"]}}});
        assert_eq!(perms(&location), ["DATA_LOCATION_ACCESS"], "{bucket}");
    }
    let database = json!({"Database": {"CatalogId": account, "Name": {"Ref": "GlueDatabase"}}});
    assert_eq!(perms(&database), ["CREATE_TABLE", "ALTER", "DESCRIBE"]);
    assert_eq!(perms(&the_tables()), ["ALL"]);
    assert_eq!(processing.len(), 4);
    // A location grant waits for the location's registration.
    assert_eq!(t.resources()["ProcessingUsesRawLocation"]["DependsOn"], "RawLocation");
    assert_eq!(t.resources()["ProcessingUsesCuratedLocation"]["DependsOn"], "CuratedLocation");
    assert!(can_get_data_access(&t, "ProcessingGlueRole"));
    // The crawler and the job are run by that role.
    assert_eq!(t.resources()["RawCrawler"]["Properties"]["Role"]["Fn::GetAtt"][0], "ProcessingGlueRole");
    assert_eq!(t.resources()["CurateJob"]["Properties"]["Role"]["Fn::GetAtt"][0], "ProcessingGlueRole");
}

#[test]
fn without_an_analysis_role_an_analysts_role_is_made_and_granted() {
    let s = settings(|s| s.platform.lakeformation.enabled = true);
    let mut b = Builder { settings: &s, resources: Map::new(), outputs: Map::new(), conditions: Map::new() };
    storage::add(&mut b);
    catalog::add(&mut b);
    governance::add(&mut b);
    let role = &b.resources["AnalystsRole"]["Properties"];
    assert_eq!(role["RoleName"], "clickstream-analysts");
    assert!(role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"].get("AWS").is_some(), "people assume it");
    let t = Template { body: json!({"Resources": b.resources, "Outputs": b.outputs}), parameters: vec![] };
    let analysts: Vec<_> = grants(&t).into_iter().filter(|(p, _, _)| p == "AnalystsRole").collect();
    assert_eq!(analysts.len(), 1);
    assert_eq!(analysts[0].1, the_tables());
    assert!(can_get_data_access(&t, "AnalystsRole"));
    assert_eq!(t.body["Outputs"]["AnalystsRole"]["Value"]["Fn::GetAtt"][0], "AnalystsRole");
    for statement in statements(&t, "AnalystsRole") {
        assert!(
            statement["Action"].to_string().contains("lakeformation:") || statement["Resource"] != "*",
            "{statement}"
        );
    }
}

#[test]
fn lake_formation_off_registers_and_grants_nothing() {
    let t = render(&settings(|s| s.platform.lakeformation.enabled = false));
    assert!(t
        .resources()
        .values()
        .all(|r| !r["Type"].as_str().unwrap_or_default().starts_with("AWS::LakeFormation::")));
    assert!(!t.resources().contains_key("LakeAccessRole"));
    assert!(!can_get_data_access(&t, "AnalysisRole") && !can_get_data_access(&t, "ProcessingGlueRole"));
    assert_references_resolve(&t);
}
