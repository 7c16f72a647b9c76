//! Record peek on the AWS path against moto: records written with PutRecords (JSON and
//! binary) read back from every shard, at most once a second per shard.

mod support;

use aws_sdk_kinesis::primitives::Blob;
use aws_sdk_kinesis::types::PutRecordsRequestEntry;
use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::model::{PeekFrom, PeekRecord};
use lakeops::ops::record_view::{shape, Shape};
use lakeops::platform::Platform;
use support::moto::{credentials, moto, sdk_config, unique};

async fn platform(stream: &str) -> (tempfile::TempDir, AwsPlatform) {
    let (dir, paths) = support::temp_paths();
    let profile = format!(
        "name = \"moto-peek\"\nbackend = \"aws\"\n[aws]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n[platform.stream]\nname = \"{stream}\"\n",
        moto().endpoint
    );
    let loaded = support::load_profile(dir.path(), &paths, &profile);
    (dir, AwsPlatform::connect(&loaded.settings, ClientOptions { credentials: Some(credentials()) }).await)
}

async fn read_all(
    platform: &AwsPlatform,
    stream: &str,
    shard: Option<&str>,
    from: PeekFrom,
    want: usize,
) -> Vec<PeekRecord> {
    let mut cursor = platform.open_peek(stream, shard, from).await.expect("open peek");
    let mut records = Vec::new();
    for _ in 0..5 {
        records.extend(platform.read_peek(&mut cursor, want).await.expect("read peek"));
        if records.len() >= want {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    }
    records
}

#[tokio::test]
async fn json_and_binary_records_come_back_from_every_shard() {
    let stream = unique("peek-events");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.unwrap();
    let json = br#"{"timestamp":"2026-03-20T10:00:00Z","user_id":"user123","event_type":"page_view"}"#.to_vec();
    let binary = vec![0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef];
    let entries = vec![
        // Explicit hash keys put one record on each shard.
        PutRecordsRequestEntry::builder()
            .partition_key("user123")
            .explicit_hash_key("1")
            .data(Blob::new(json.clone()))
            .build()
            .unwrap(),
        PutRecordsRequestEntry::builder()
            .partition_key("batch-7")
            .explicit_hash_key((u128::MAX - 1).to_string())
            .data(Blob::new(binary.clone()))
            .build()
            .unwrap(),
    ];
    kinesis.put_records().stream_name(&stream).set_records(Some(entries)).send().await.expect("PutRecords");

    let (_dir, platform) = platform(&stream).await;
    let records = read_all(&platform, &stream, None, PeekFrom::TrimHorizon, 2).await;
    assert_eq!(records.len(), 2, "{records:?}");
    let by_key = |k: &str| records.iter().find(|r| r.partition_key == k).unwrap();
    assert_eq!(by_key("user123").data, json);
    assert_eq!(shape(&by_key("user123").data), Shape::Json);
    assert_eq!(by_key("batch-7").data, binary);
    assert_eq!(shape(&by_key("batch-7").data), Shape::Binary);
    assert_ne!(by_key("user123").shard, by_key("batch-7").shard, "both shards were read");

    // One shard only.
    let first = by_key("user123").shard.clone();
    let one = read_all(&platform, &stream, Some(&first), PeekFrom::TrimHorizon, 5).await;
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].partition_key, "user123");

    // From latest, only what arrives after the iterator was taken.
    let mut cursor = platform.open_peek(&stream, None, PeekFrom::Latest).await.unwrap();
    assert!(platform.read_peek(&mut cursor, 10).await.unwrap().is_empty());
    kinesis
        .put_record()
        .stream_name(&stream)
        .partition_key("late")
        .data(Blob::new(b"plain text".to_vec()))
        .send()
        .await
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1_100)).await;
    let late = platform.read_peek(&mut cursor, 10).await.unwrap();
    assert_eq!(late.len(), 1);
    assert_eq!(late[0].data, b"plain text");
}

#[test]
fn peek_json_from_the_binary() {
    let stream = unique("peek-bin");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
        kinesis.create_stream().stream_name(&stream).shard_count(1).send().await.unwrap();
        kinesis
            .put_record()
            .stream_name(&stream)
            .partition_key("k\u{1b}[31m")
            .data(Blob::new(br#"{"page_url":"https://x/\u001b]0;owned\u0007"}"#.to_vec()))
            .send()
            .await
            .unwrap();
    });
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("moto.toml");
    std::fs::write(
        &file,
        format!(
            "name = \"m\"\nbackend = \"aws\"\n[aws]\nendpoint_url = \"{}\"\n[platform.stream]\nname = \"{stream}\"\n",
            moto().endpoint
        ),
    )
    .unwrap();
    let run = |extra: &[&str]| {
        std::process::Command::new(support::binary())
            .args(["--profile", file.to_str().unwrap(), "peek", &stream, "--from", "trim-horizon", "--limit", "1"])
            .args(extra)
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .output()
            .unwrap()
    };
    let out = run(&["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["data"]["page_url"], "https://x/\u{1b}]0;owned\u{7}");
    assert!(!out.stdout.contains(&0x1b), "JSON escapes control characters");
    let out = run(&[]);
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0x1b) && !out.stdout.contains(&0x07), "text output is sanitized");
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"page_url\""));
}

#[tokio::test]
async fn records_written_before_a_reshard_are_read_from_the_closed_parents_first() {
    let stream = unique("peek-resharded");
    let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
    kinesis.create_stream().stream_name(&stream).shard_count(2).send().await.unwrap();
    for i in 0..20 {
        kinesis
            .put_record()
            .stream_name(&stream)
            .partition_key(format!("before-{i}"))
            .data(Blob::new(format!("{{\"n\":{i}}}").into_bytes()))
            .send()
            .await
            .unwrap();
    }
    kinesis
        .update_shard_count()
        .stream_name(&stream)
        .target_shard_count(4)
        .scaling_type(aws_sdk_kinesis::types::ScalingType::UniformScaling)
        .send()
        .await
        .expect("UpdateShardCount");
    // (moto routes records put after a reshard to the closed parents, unlike AWS; the order of
    // parents and children is checked in ops::peek and on the sandbox.)

    let (_dir, platform) = platform(&stream).await;
    // A limit of 3 a round over up to six shards: nothing read may be dropped.
    let mut cursor = platform.open_peek(&stream, None, PeekFrom::TrimHorizon).await.expect("open peek");
    assert_eq!(cursor.shards.len(), 6, "the two closed parents and four children: {cursor:?}");
    let mut records = Vec::new();
    for _ in 0..30 {
        let round = platform.read_peek(&mut cursor, 3).await.expect("read peek");
        assert!(round.len() <= 3, "a round keeps to its limit: {}", round.len());
        records.extend(round);
        if cursor.shards.iter().filter(|s| !s.open).all(|s| s.finished) && records.len() == 20 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1_050)).await;
    }
    let mut keys: Vec<&str> = records.iter().map(|r| r.partition_key.as_str()).collect();
    assert!(cursor.shards.iter().filter(|s| !s.open).all(|s| s.finished), "the parents are read to their end");
    keys.sort();
    keys.dedup();
    assert_eq!((records.len(), keys.len()), (20, 20), "every record once, none skipped: {keys:?}");

    // From latest, the closed shards have nothing to come: only the open ones are read.
    let latest = platform.open_peek(&stream, None, PeekFrom::Latest).await.unwrap();
    assert_eq!(latest.shards.len(), 4);
}
