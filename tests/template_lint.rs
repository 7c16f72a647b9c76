//! The generated templates pass `cfn-lint` with no errors, and every check `checkov` fails is
//! justified in docs/security.md. Both run from a test virtualenv beside moto's, installed on
//! first use (checkov's pinned boto3 would break moto's, so they do not share one).

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use lakeops::provision::render;
use lakeops::settings::{RedshiftMode, Settings, StreamMode};

/// The profile toggles worth linting apart: each changes which resources exist. The sandbox
/// profile (the base) delivers with Firehose, governs with Lake Formation and makes an OpenSearch
/// domain; `lean` keeps Firehose and Lake Formation without the network (so without the domain,
/// which `check` refuses there), `bare` has none of the three.
fn variants() -> Vec<(&'static str, Settings)> {
    let base = support::sandbox_settings().settings;
    assert!(
        base.platform.firehose.create && base.platform.lakeformation.enabled && base.platform.opensearch.create,
        "the sandbox profile turns on Firehose, Lake Formation and OpenSearch"
    );
    let mut cluster = base.clone();
    cluster.platform.redshift.mode = RedshiftMode::Cluster;
    cluster.platform.emr.mode = lakeops::model::EmrMode::Serverless;
    let mut lean = base.clone();
    lean.platform.network.enabled = false;
    lean.platform.opensearch.create = false;
    lean.platform.redshift.mode = RedshiftMode::Off;
    lean.platform.stream.mode = StreamMode::OnDemand;
    lean.platform.glue.script_location = Some("s3://acme-code/curate.py".into());
    lean.platform.emr.mode = lakeops::model::EmrMode::Serverless;
    let mut bare = base.clone();
    bare.platform.firehose.create = false;
    bare.platform.lakeformation.enabled = false;
    bare.platform.opensearch.create = false;
    vec![("serverless", base), ("cluster", cluster), ("lean", lean), ("bare", bare)]
}

fn write_templates(dir: &Path) -> Vec<std::path::PathBuf> {
    variants()
        .into_iter()
        .map(|(name, settings)| {
            let path = dir.join(format!("{name}.json"));
            std::fs::write(&path, render(&settings).pretty()).expect("write template");
            path
        })
        .collect()
}

#[test]
fn cfn_lint_finds_no_errors() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_templates(dir.path());
    assert_cfn_lint_passes(&files);
}

/// cfn-lint checks a state machine's `Definition` object against the States Language schema, but
/// not a `DefinitionString` (which the template uses: moto reads no other): the nightly definition
/// is linted once more as an object.
#[test]
fn cfn_lint_finds_no_errors_in_the_nightly_definition() {
    let dir = tempfile::tempdir().unwrap();
    let (_, settings) = variants().swap_remove(0);
    let mut body = render(&settings).body;
    let properties = &mut body["Resources"]["NightlyStateMachine"]["Properties"];
    let text = properties["DefinitionString"]["Fn::Sub"]
        .as_str()
        .expect("a DefinitionString")
        .replace("${AWS::Partition}", "aws");
    properties["Definition"] = serde_json::from_str(&text).expect("the definition is JSON");
    properties.as_object_mut().expect("properties").remove("DefinitionString");
    let path = dir.path().join("nightly-definition.json");
    std::fs::write(&path, serde_json::to_string_pretty(&body).expect("JSON")).expect("write template");
    assert_cfn_lint_passes(&[path]);
}

fn assert_cfn_lint_passes(files: &[std::path::PathBuf]) {
    let out = Command::new(support::moto::lint_tool("cfn-lint"))
        .args(["--format", "parseable", "--regions", "us-east-1", "eu-west-1", "--"])
        .args(files)
        .output()
        .expect("run cfn-lint");
    let report = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = report.lines().filter(|l| l.contains(":E")).collect();
    // cfn-lint's exit code is a bit mask: 2 means errors (4 warnings, 8 informational).
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && code & 2 == 0 && code & 1 == 0,
        "cfn-lint exit {code}:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

/// The check ids docs/security.md justifies (table rows starting with `| CKV`).
fn justified() -> BTreeSet<String> {
    let doc = std::fs::read_to_string(support::repo_file("docs/security.md")).expect("docs/security.md");
    doc.lines()
        .filter_map(|l| l.strip_prefix("| ")?.split_whitespace().next())
        .filter(|id| id.starts_with("CKV"))
        .map(|id| id.trim_matches('`').to_string())
        .collect()
}

#[test]
fn every_failed_checkov_check_is_justified_in_the_security_doc() {
    let dir = tempfile::tempdir().unwrap();
    write_templates(dir.path());
    let out = Command::new(support::moto::lint_tool("checkov"))
        .args(["--quiet", "--compact", "--framework", "cloudformation", "--output", "json", "-d"])
        .arg(dir.path())
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")
        .output()
        .expect("run checkov");
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("checkov printed no JSON ({e}):\n{text}\n{}", String::from_utf8_lossy(&out.stderr)));
    let reports = if report.is_array() { report.as_array().cloned().unwrap_or_default() } else { vec![report] };
    let mut failed = BTreeSet::new();
    let mut passed = 0;
    for r in &reports {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for check in r["results"]["failed_checks"].as_array().into_iter().flatten() {
            let id = check["check_id"].as_str().unwrap_or_default().to_string();
            failed.insert((id, check["resource"].as_str().unwrap_or_default().to_string()));
        }
    }
    assert!(passed > 100, "checkov ran its checks: {passed} passed");
    let justified = justified();
    let unjustified: Vec<String> = failed
        .iter()
        .filter(|(id, _)| !justified.contains(id))
        .map(|(id, resource)| format!("{id} on {resource}"))
        .collect();
    assert!(unjustified.is_empty(), "fix these or justify them in docs/security.md:\n{}", unjustified.join("\n"));
}
