//! The EMR Serverless application a profile with `[platform.emr] mode = "serverless"` creates.

use super::tests::{assert_references_resolve, count, settings, statements};
use super::*;
use crate::model::EmrMode;

#[test]
fn serverless_mode_makes_a_private_encrypted_application_that_stops_when_idle() {
    let t = render(&settings(|s| {
        s.platform.emr.mode = EmrMode::Serverless;
        s.platform.emr.name = "acme-spark".into();
    }));
    let app = &t.resources()["SparkApplication"]["Properties"];
    assert_eq!((app["Name"].as_str(), app["Type"].as_str()), (Some("acme-spark"), Some("SPARK")));
    assert_eq!(app["ReleaseLabel"], processing::RELEASE);
    assert_eq!(app["AutoStopConfiguration"]["Enabled"], true);
    assert_eq!(app["NetworkConfiguration"]["SecurityGroupIds"][0]["Ref"], "SparkSecurityGroup");
    let logs = &app["MonitoringConfiguration"]["CloudWatchLoggingConfiguration"];
    assert_eq!(logs["EncryptionKeyArn"]["Fn::GetAtt"][0], "DataKey");
    assert_eq!(t.resources()["SparkLogGroup"]["Properties"]["LogGroupName"], "/aws/emr-serverless/acme-spark");
    let alarm = &t.resources()["SparkJobsFailedAlarm"]["Properties"];
    assert_eq!(
        (alarm["Namespace"].as_str(), alarm["MetricName"].as_str()),
        (Some("AWS/EMRServerless"), Some("FailedJobs"))
    );
    assert_eq!(alarm["Dimensions"][0]["Value"]["Ref"], "SparkApplication");
    // The job role writes only under the curated prefix, and is trusted by EMR Serverless alone.
    let writes: Vec<Value> = statements(&t, "SparkJobRole")
        .into_iter()
        .filter(|s| s["Action"].to_string().contains("s3:PutObject"))
        .collect();
    assert_eq!(writes.len(), 1);
    assert!(writes[0]["Resource"]["Fn::Sub"].as_str().unwrap().ends_with(&format!("/{CURATED_PREFIX}*")));
    let trust = &t.resources()["SparkJobRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "emr-serverless.amazonaws.com");
    assert_eq!(t.body["Outputs"]["SparkApplicationId"]["Value"]["Ref"], "SparkApplication");
    assert_references_resolve(&t);

    let lean = render(&settings(|s| {
        s.platform.emr.mode = EmrMode::Serverless;
        s.platform.network.enabled = false;
    }));
    assert!(lean.resources()["SparkApplication"]["Properties"].get("NetworkConfiguration").is_none());
    assert_references_resolve(&lean);
}

#[test]
fn a_watched_cluster_or_no_emr_makes_nothing() {
    for mode in [EmrMode::Off, EmrMode::Cluster] {
        let t = render(&settings(|s| s.platform.emr.mode = mode));
        assert_eq!(count(&t, "AWS::EMRServerless::Application"), 0, "{mode:?}");
        assert!(t.resources().keys().all(|id| !id.starts_with("Spark")), "{mode:?}");
    }
}
