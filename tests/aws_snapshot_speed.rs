//! `status` over many streams: every stream read in one refresh, the reads side by side, each
//! API inside its rate limit and one GetMetricData call per 500 series. A recording proxy between
//! lakeops and moto notes when each request arrived and when its answer began, so the bounds are
//! checked on the wire, not on lakeops' own account of itself.

mod support;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use lakeops::aws::{AwsPlatform, ClientOptions};
use lakeops::platform::Platform;
use support::moto::{credentials_keyed, moto, requests, sdk_config, unique};

/// One request seen by the proxy: its operation, when it arrived and when its answer began.
#[derive(Debug, Clone)]
struct Seen {
    operation: String,
    sent: Instant,
    answered: Option<Instant>,
}

/// A loopback proxy to moto that notes every request passing through it.
struct Recorder {
    endpoint: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Recorder {
    fn start(upstream: &str) -> Recorder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let endpoint = format!("http://{}", listener.local_addr().expect("proxy address"));
        let upstream = upstream.trim_start_matches("http://").to_string();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let noted = seen.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let noted = noted.clone();
                std::thread::spawn(move || relay(client, server, noted));
            }
        });
        Recorder { endpoint, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Relays one connection: requests (heads parsed to name the operation, bodies by their
/// Content-Length) to the server, answers back; a connection carries one request at a time.
fn relay(mut client: TcpStream, mut server: TcpStream, noted: Arc<Mutex<Vec<Seen>>>) {
    let pending: Arc<Mutex<Option<usize>>> = Arc::default();
    let (mut answers, mut to_client) = (server.try_clone().unwrap(), client.try_clone().unwrap());
    let (answer_pending, answer_noted) = (pending.clone(), noted.clone());
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n @ 1..) = answers.read(&mut buf) {
            let answering = answer_pending.lock().unwrap().take();
            if let Some(index) = answering {
                answer_noted.lock().unwrap()[index].answered = Some(Instant::now());
            }
            if to_client.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_client.shutdown(std::net::Shutdown::Both);
    });
    let mut buffered = Vec::new();
    let mut buf = [0u8; 65536];
    while let Ok(n @ 1..) = client.read(&mut buf) {
        buffered.extend_from_slice(&buf[..n]);
        while let Some((operation, length)) = request_at_start(&buffered) {
            let index = {
                let mut noted = noted.lock().unwrap();
                noted.push(Seen { operation, sent: Instant::now(), answered: None });
                noted.len() - 1
            };
            *pending.lock().unwrap() = Some(index);
            if server.write_all(&buffered[..length]).is_err() {
                return;
            }
            buffered.drain(..length);
        }
    }
    let _ = server.shutdown(std::net::Shutdown::Both);
}

/// The operation and whole length of the request `buffered` starts with, once all of it is there.
fn request_at_start(buffered: &[u8]) -> Option<(String, usize)> {
    let head_end = buffered.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buffered[..head_end]).to_string();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    };
    let length = head_end + header("content-length").and_then(|l| l.parse::<usize>().ok()).unwrap_or(0);
    if buffered.len() < length {
        return None;
    }
    let path = head.split_whitespace().nth(1).unwrap_or("");
    let operation = match (header("x-amz-target"), path.rsplit_once("/operation/")) {
        (Some(target), _) => target.rsplit('.').next().unwrap_or("").to_string(),
        (None, Some((_, op))) => op.to_string(),
        (None, None) => format!("other {path}"),
    };
    Some((operation, length))
}

/// The most requests of `operation` (any, with `None`) sent and not yet answered at one time.
fn most_in_flight(seen: &[Seen], operation: Option<&str>) -> usize {
    let of: Vec<&Seen> = seen.iter().filter(|s| operation.is_none_or(|o| s.operation == o)).collect();
    of.iter()
        .map(|a| of.iter().filter(|b| b.sent <= a.sent && b.answered.is_none_or(|end| end > a.sent)).count())
        .max()
        .unwrap_or(0)
}

fn counts(seen: &[Seen]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for s in seen {
        *counts.entry(s.operation.clone()).or_default() += 1;
    }
    counts
}

/// One attempt a call: the SDK's retries of a failed answer (moto serves no LookupEvents, so
/// that one always fails) would be requests the limiter never saw.
fn profile(endpoint: &str, stack: &str, stream: &str) -> String {
    format!(
        r#"name = "moto-speed"
backend = "aws"
[aws]
region = "us-east-1"
endpoint_url = "{endpoint}"
max_attempts = 1
[platform]
stack_name = "{stack}"
discover = true
[platform.stream]
name = "{stream}"
"#
    )
}

/// The APIs whose rate the test checks, with the rate (DescribeStreamSummary first).
const RATED: [(&str, usize); 4] =
    [("DescribeStreamSummary", 20), ("ListStreams", 5), ("LookupEvents", 2), ("GetMetricData", 50)];

/// The streams the test creates: their count exceeds the 20 DescribeStreamSummary calls a
/// refresh may make, and their series (5 each) the 500 queries of one GetMetricData call.
const STREAMS: usize = 110;

fn shards_of(i: usize) -> i32 {
    1 + (i % 4) as i32
}

/// Everything runs in one test: with `discover = true` lakeops lists every stream moto holds,
/// and this test binary's moto holds only these.
#[test]
fn status_over_many_streams_reads_each_one_side_by_side_within_every_rate_limit() {
    let prefix = unique("speed");
    let names: Vec<String> = (0..STREAMS).map(|i| format!("{prefix}-{i:03}")).collect();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let kinesis = aws_sdk_kinesis::Client::new(&sdk_config().await);
        for (i, name) in names.iter().enumerate() {
            kinesis.create_stream().stream_name(name).shard_count(shards_of(i)).send().await.expect("CreateStream");
        }
    });
    let recorder = Recorder::start(&moto().endpoint);
    let key = unique("speedkey").replace('-', "");
    let (dir, paths) = support::temp_paths();
    let text = profile(&recorder.endpoint, &unique("speed"), &names[0]);
    let loaded = support::load_profile(dir.path(), &paths, &text);

    // One refresh sees every stream, each with its open shards.
    let (first, second, busiest) = rt.block_on(async {
        let options = ClientOptions { credentials: Some(credentials_keyed(&key)) };
        let platform = AwsPlatform::connect(&loaded.settings, options).await;
        let first = platform.snapshot().await.expect("snapshot");
        let at = recorder.seen().len();
        platform.snapshot().await.expect("second snapshot");
        let busiest: Vec<usize> = RATED.iter().map(|(api, _)| platform.busiest_second(api)).collect();
        (first, recorder.seen()[at..].to_vec(), busiest)
    });
    let streams = first.streams.ready().expect("streams read");
    assert_eq!(streams.len(), STREAMS, "every stream in the first refresh");
    for (i, name) in names.iter().enumerate() {
        let s = streams.iter().find(|s| &s.name == name).unwrap_or_else(|| panic!("{name} missing"));
        assert_eq!(s.open_shards, shards_of(i) as u32, "{name}");
        assert_eq!(s.status, "ACTIVE", "{name}");
    }
    assert!(first.problems.is_empty(), "{:?}", first.problems);

    let seen = recorder.seen();
    let first_refresh = &seen[..seen.len() - second.len()];
    let calls = counts(first_refresh);
    assert_eq!(calls.get("DescribeStreamSummary"), Some(&20), "{calls:?}");
    assert_eq!(calls.get("ListShards"), Some(&(STREAMS - 20)), "{calls:?}");
    assert_eq!(calls.get("ListStreams"), Some(&STREAMS.div_ceil(100)), "{calls:?}");
    // The second refresh, at once: the streams' turns to be described go on (20 more), the rest
    // is reused (the listing, the counted shards).
    let again = counts(&second);
    assert_eq!(again.get("DescribeStreamSummary"), Some(&20), "{again:?}");
    assert_eq!(again.get("ListShards"), None, "{again:?}");
    assert_eq!(again.get("ListStreams"), None, "{again:?}");

    // Inside every rate limit: 40 DescribeStreamSummary calls in two quick refreshes, never more
    // than 20 started in one second. Counted where the calls are let go: the times requests reach
    // the proxy also hold the network's and a loaded machine's jitter.
    for ((api, rate), most) in RATED.iter().zip(&busiest) {
        assert!(most <= rate, "{most} {api} calls started within one second, over {rate}");
    }
    assert_eq!(busiest[0], 20, "the 40 describes of two quick refreshes fill a second: {busiest:?}");
    for (operation, bound) in
        [("DescribeStreamSummary", 16), ("ListShards", 16), ("ListStreams", 5), ("LookupEvents", 2)]
    {
        let most = most_in_flight(&seen, Some(operation));
        assert!(most <= bound, "{most} {operation} calls in flight at once, over {bound}");
    }
    // Side by side, not one after another.
    assert!(most_in_flight(first_refresh, None) > 1, "the refresh's reads went one at a time");

    // One GetMetricData call per 500 series, each refresh.
    let metric_calls: Vec<usize> = requests()
        .into_iter()
        .filter(|r| r.access_key == key && r.operation == "GetMetricData")
        .map(|r| r.metrics)
        .collect();
    let in_first = calls.get("GetMetricData").copied().unwrap_or(0);
    let first_calls = &metric_calls[..in_first.min(metric_calls.len())];
    let series: usize = first_calls.iter().sum();
    assert!(series >= STREAMS * 5, "{series} series for {STREAMS} streams");
    assert_eq!(first_calls.len(), series.div_ceil(500), "{first_calls:?}");
    assert!(first_calls.iter().all(|n| *n <= 500), "{first_calls:?}");
    // And those calls go side by side, as the other reads do.
    assert!(first_calls.len() > 1, "{STREAMS} streams should need more than one call: {first_calls:?}");
    assert!(most_in_flight(first_refresh, Some("GetMetricData")) > 1, "the GetMetricData calls went one at a time");

    // The headless `status` judges every stream too: its shards are all of theirs.
    let file = dir.path().join("speed.toml");
    std::fs::write(&file, profile(&moto().endpoint, &unique("speed"), &names[0])).unwrap();
    let out = support::moto::run_binary(dir.path(), &file, &["status", "--json"]);
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let kinesis = json["layers"].as_array().unwrap().iter().find(|l| l["layer"] == "kinesis").unwrap().clone();
    let shards =
        kinesis["numbers"].as_array().unwrap().iter().find(|n| n["label"] == "shards").unwrap()["value"].clone();
    let all: i32 = (0..STREAMS).map(shards_of).sum();
    assert_eq!(shards, serde_json::json!(all as f64));
}
