//! A real moto server for the AWS tests: installed (pinned) into a virtualenv under
//! `target/` on first use by `tests/support/venv.py`, which holds the pins and a file lock since
//! test binaries run in parallel; started on a free loopback port with the CloudWatch CBOR front
//! (`moto_front.py`); stopped when the test process ends (the server watches its parent).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

pub struct Moto {
    pub endpoint: String,
    _child: Mutex<Child>,
}

/// The one server of this test process.
pub fn moto() -> &'static Moto {
    static SERVER: OnceLock<Moto> = OnceLock::new();
    SERVER.get_or_init(start)
}

/// The virtualenv of `set` (`moto`, `lint`: tests/support/venv.py, where their pins are
/// written), made on first use; other test processes wait on its lock meanwhile.
fn venv(set: &str) -> PathBuf {
    let script = super::repo_file("tests/support/venv.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(set)
        .arg(env!("CARGO_TARGET_TMPDIR"))
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 (the AWS tests need Python 3 with venv): {e}"));
    assert!(output.status.success(), "cannot make the {set} virtualenv: {} (its error is above)", output.status);
    PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

/// A command of the template checkers' virtualenv (`cfn-lint`, `checkov`), installed if need be.
pub fn lint_tool(name: &str) -> PathBuf {
    venv("lint").join("bin").join(name)
}

fn start() -> Moto {
    let (child, port) = spawn(0);
    Moto { endpoint: format!("http://127.0.0.1:{port}"), _child: Mutex::new(child) }
}

/// Starts the front and moto on `port` (0: a free one); answers the child and its port.
fn spawn(port: u16) -> (Child, u16) {
    let python = venv("moto").join("bin/python");
    let script = super::repo_file("tests/support/moto_front.py");
    let mut child = Command::new(python)
        .arg(&script)
        .arg(port.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto");
    let stdout = child.stdout.take().expect("moto stdout");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("read moto's ready line");
    let port: u16 = line
        .trim()
        .strip_prefix("ready ")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("moto did not start: {line:?}"));
    (child, port)
}

/// A moto of one test's own, which the test stops and starts again on the same port (an
/// endpoint that goes away and comes back; moto forgets its resources meanwhile).
pub struct OwnMoto {
    pub endpoint: String,
    port: u16,
    child: Option<Child>,
}

impl OwnMoto {
    pub fn start() -> OwnMoto {
        let (child, port) = spawn(0);
        OwnMoto { endpoint: format!("http://127.0.0.1:{port}"), port, child: Some(child) }
    }

    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    pub fn restart(&mut self) {
        self.stop();
        let (child, _) = spawn(self.port);
        self.child = Some(child);
    }

    /// An SDK configuration pointed at this server.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .endpoint_url(&self.endpoint)
            .credentials_provider(credentials())
            .load()
            .await
    }
}

impl Drop for OwnMoto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The real binary with the profile `file` and `args`, its XDG directories under `dir`, signed
/// with the test credentials moto takes; no profile from the environment, no input.
pub fn run_binary(dir: &Path, file: &Path, args: &[&str]) -> std::process::Output {
    Command::new(super::binary())
        .arg("--profile")
        .arg(file)
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        .env("XDG_STATE_HOME", dir.join("state"))
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_PROFILE")
        .env_remove("LAKEOPS_PROFILE")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run lakeops")
}

/// Credentials moto accepts.
pub fn credentials() -> aws_sdk_kinesis::config::Credentials {
    aws_sdk_kinesis::config::Credentials::new("testing", "testing", None, None, "lakeops-tests")
}

/// An SDK configuration pointed at the server.
pub async fn sdk_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(&moto().endpoint)
        .credentials_provider(credentials())
        .load()
        .await
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{prefix}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst))
}

/// Makes moto keep `model` (e.g. "glue::job_run") in its first state for `reads` reads
/// instead of finishing at once, through moto's state-manager API.
pub fn hold_state(model: &str, reads: u32) {
    let body = format!(r#"{{"model_name": "{model}", "transition": {{"progression": "manual", "times": {reads}}}}}"#);
    moto_api("/moto-api/state-manager/set-transition", &body);
}

/// Queues results for the next Athena queries moto is asked about (moto runs no SQL).
pub fn seed_athena_results(body: &serde_json::Value) {
    moto_api("/moto-api/static/athena/query-results", &body.to_string());
}

/// Every AWS operation this test process's moto was asked for so far, in order (its front notes
/// each: the X-Amz-Target, the Query protocol's Action, or the CBOR operation).
pub fn operations() -> Vec<String> {
    let answer = moto_http("GET /_lakeops/operations HTTP/1.1\r\n", "");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("[]");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("the front's operations: {e}: {answer}"))
}

/// A request the front noted: its operation, its User-Agent and the access key it was signed with.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NotedRequest {
    pub operation: String,
    pub user_agent: String,
    pub access_key: String,
    /// The metric queries of a GetMetricData request (0 for any other).
    #[serde(default)]
    pub metrics: usize,
}

/// Every request this test process's moto was asked for so far, in order (`operations` with
/// each one's User-Agent and access key).
pub fn requests() -> Vec<NotedRequest> {
    let answer = moto_http("GET /_lakeops/requests HTTP/1.1\r\n", "");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or("[]");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("the front's requests: {e}: {answer}"))
}

/// Credentials with an access key of the caller's own, to find its requests among the others.
pub fn credentials_keyed(access_key: &str) -> aws_sdk_kinesis::config::Credentials {
    aws_sdk_kinesis::config::Credentials::new(access_key, "testing", None, None, "lakeops-tests")
}

/// How the front fails a request (`moto_front.py`'s `/_lakeops/fail`).
#[derive(Debug, Clone, Copy)]
pub enum LostAnswer {
    /// moto makes the change, the client gets a 500.
    ServerError,
    /// moto makes the change, the connection closes without an answer.
    Dropped,
    /// moto never sees the request, the client gets a 500.
    NotForwarded,
}

/// Makes the front fail the next `times` requests for `operation` whose body contains
/// `contains` (a resource name no other test uses), as `how` says.
pub fn fail_next(operation: &str, contains: &str, how: LostAnswer, times: u32) {
    let (how, forward) = match how {
        LostAnswer::ServerError => ("500", true),
        LostAnswer::Dropped => ("drop", true),
        LostAnswer::NotForwarded => ("500", false),
    };
    let body = serde_json::json!({"operation": operation, "contains": contains, "how": how, "forward": forward, "times": times});
    moto_api("/_lakeops/fail", &body.to_string());
}

/// POSTs `body` (JSON) to one of moto's own APIs and insists on a 2xx answer.
fn moto_api(path: &str, body: &str) {
    let answer = moto_http(
        &format!("POST {path} HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n", body.len()),
        body,
    );
    assert!(answer.starts_with("HTTP/1.1 20") || answer.starts_with("HTTP/1.0 20"), "moto said: {answer}");
}

/// GETs `path` from moto as `service` would be asked (moto reads the service from the
/// credential scope and checks no signature): for services the tests have no SDK client for.
pub fn moto_get(service: &str, path: &str) -> String {
    moto_http(
        &format!(
            "GET {path} HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n"
        ),
        "",
    )
}

/// POSTs `body` to `target` (e.g. "AWSStepFunctions.DescribeStateMachine") as `service` would
/// be asked in the JSON 1.0 protocol, for services the tests have no SDK client for; answers
/// the response's body.
pub fn moto_json(service: &str, target: &str, body: &str) -> String {
    let answer = moto_http(
        &format!(
            "POST / HTTP/1.1\r\nAuthorization: AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=0\r\n\
             X-Amz-Target: {target}\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n",
            body.len()
        ),
        body,
    );
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or(answer)
}

/// One HTTP/1.1 exchange with moto: `head` is the request line and headers (each ending in
/// CRLF) without Host; the whole answer comes back.
fn moto_http(head: &str, body: &str) -> String {
    use std::io::{Read, Write};
    let endpoint = moto().endpoint.trim_start_matches("http://").to_string();
    let request = format!("{head}Host: {endpoint}\r\nConnection: close\r\n\r\n{body}");
    let mut stream = std::net::TcpStream::connect(&endpoint).expect("connect to moto");
    stream.write_all(request.as_bytes()).expect("write to moto");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("read moto's answer");
    answer
}
