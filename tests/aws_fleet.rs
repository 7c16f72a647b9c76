//! `lakeops status --profile a,b --json` on the AWS path: two profiles on one moto server, each in
//! its own region, read together; each document is its own region's.

mod support;

use support::moto::{credentials, moto, unique};

fn profile(region: &str, stack: &str, stream: &str) -> String {
    format!(
        r#"backend = "aws"
[aws]
region = "{region}"
endpoint_url = "{}"
max_attempts = 2
[platform]
stack_name = "{stack}"
[platform.stream]
name = "{stream}"
[platform.lambda]
function = "{stack}-ingest"
"#,
        moto().endpoint
    )
}

async fn create_stream(region: &str, name: &str, shards: i32) {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(&moto().endpoint)
        .credentials_provider(credentials())
        .load()
        .await;
    let kinesis = aws_sdk_kinesis::Client::new(&config);
    kinesis.create_stream().stream_name(name).shard_count(shards).send().await.expect("CreateStream");
}

fn shards(document: &serde_json::Value) -> f64 {
    let kinesis = &document["layers"][0];
    assert_eq!(kinesis["layer"], "kinesis", "{document}");
    let numbers = kinesis["numbers"].as_array().unwrap_or_else(|| panic!("{document}"));
    numbers
        .iter()
        .find(|n| n["label"] == "shards")
        .and_then(|n| n["value"].as_f64())
        .unwrap_or_else(|| panic!("{document}"))
}

#[test]
fn two_aws_profiles_in_two_regions_are_read_each_in_its_own() {
    // One stream name in both regions, with different shard counts: a document with the other
    // region's count would be a read in the wrong region.
    let stream = unique("fleet-events");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        tokio::join!(create_stream("us-east-1", &stream, 2), create_stream("eu-west-1", &stream, 3));
    });
    let (dir, _paths) = support::temp_paths();
    let east = dir.path().join("east.toml");
    let west = dir.path().join("west.toml");
    std::fs::write(&east, profile("us-east-1", &unique("east"), &stream)).unwrap();
    std::fs::write(&west, profile("eu-west-1", &unique("west"), &stream)).unwrap();
    let list = format!("{},{}", east.display(), west.display());
    let out = std::process::Command::new(support::binary())
        .args(["status", "--profile", &list, "--json"])
        .env("XDG_CONFIG_HOME", dir.path().join("config"))
        .env("XDG_STATE_HOME", dir.path().join("state"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("LAKEOPS_PROFILE")
        .output()
        .expect("run lakeops");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "stderr: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON and nothing else");
    let documents = json.as_array().expect("an array");
    assert_eq!(documents.len(), 2);
    let (e, w) = (&documents[0], &documents[1]);
    assert_eq!((e["profile"].as_str(), e["region"].as_str()), (Some("east"), Some("us-east-1")));
    assert_eq!((w["profile"].as_str(), w["region"].as_str()), (Some("west"), Some("eu-west-1")));
    assert_eq!((e["backend"].as_str(), w["backend"].as_str()), (Some("aws"), Some("aws")));
    assert!(e["location"].as_str().unwrap().starts_with("us-east-1 via "), "{e}");
    assert!(w["location"].as_str().unwrap().starts_with("eu-west-1 via "), "{w}");
    assert_eq!(shards(e), 2.0);
    assert_eq!(shards(w), 3.0);
}
